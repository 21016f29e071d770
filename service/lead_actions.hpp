// The leads' actions on the items of their reports: a stale article ("article:<slug>") or a gap of the
// inbox ("gap:<id>", GapCluster::id). Roles lead and editor, never without tokens (Access::act):
//
// - reviewed (articles only): the article's `reviewed` front matter becomes today (the team's zone),
//   written through the publisher like an editor's publish: an ordinary revision by the caller.
// - assign {"assignee"} (to a person; "" to nobody), snooze {"until": day} (hidden from the report
//   before that day, back on it), dismiss (hidden until reopened), reopen (neither snoozed nor
//   dismissed any more); each with an optional "note".
//
// Every action is audited in events.db (EventStore::add_lead_action: who, when, what, the note); an
// item's state is folded from its actions in order (fold_actions) and carried by the reports' JSON.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "api.hpp"
#include "date.hpp"
#include "error.hpp"
#include "events.hpp"
#include "reports.hpp"

namespace solusi::service {

class Publisher;

/// Longest note of an action (bytes).
inline constexpr size_t max_action_note_bytes = 500;
/// Longest assignee name (bytes).
inline constexpr size_t max_assignee_bytes = 100;
/// A snooze ends at most this many days after today.
inline constexpr int max_snooze_days = 366;
/// An item's history returns at most this many actions, the newest.
inline constexpr size_t max_history_actions = 500;

/// The item ids of the reports' items.
std::string article_item(std::string_view slug);
std::string gap_item(std::string_view gap_id);
/// True for an id gap_id() makes: "g" and 16 lowercase hex digits.
bool valid_gap_id(std::string_view id);

/// The state @p actions (oldest first) leave an item in.
ItemState fold_actions(const std::vector<LeadAction>& actions);

/// The states of every item whose id starts with @p prefix ("article:", "gap:"), keyed by the rest of
/// the id (the slug, the gap id), from events.db's lead_actions on @p db (reader or writer).
Result<std::unordered_map<std::string, ItemState>> read_item_states(sqlite3* db, std::string_view prefix);

/// {"id", "item", "action", "by", "at", "note", "assignee", "until", "revision"} (the last three null
/// when they do not apply).
nlohmann::json to_json(const LeadAction& action);

/// What the routes need.
struct LeadActionContext {
  EventStore& events;
  Publisher& publisher;
  Date today;  ///< in the team's zone
};

/// POST /v1/reports/stale/{slug}/actions (@p article) and /v1/reports/gaps/{id}/actions: the body
/// {"action", "note", "assignee", "until"}; 201 {"item", "action", "state"}.
Result<ApiResponse> post_item_action(LeadActionContext& context, const ApiRequest& request, bool article);
/// GET of the same paths: {"item", "state", "actions": [oldest first]}.
Result<ApiResponse> get_item_actions(LeadActionContext& context, const ApiRequest& request, bool article);

}  // namespace solusi::service
