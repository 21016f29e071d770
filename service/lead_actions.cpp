#include "lead_actions.hpp"

#include <algorithm>

#include "articles.hpp"
#include "editing.hpp"
#include "publisher.hpp"
#include "sql_stmt.hpp"
#include "text.hpp"

namespace solusi::service {
namespace {

constexpr std::string_view article_prefix = "article:";
constexpr std::string_view gap_prefix = "gap:";

bool known_action(std::string_view a) {
  return a == "reviewed" || a == "assign" || a == "snooze" || a == "dismiss" || a == "reopen";
}

/// The item of the request's path: the article's slug, or the gap's id.
Result<std::string> item_of(const ApiRequest& r, bool article) {
  const std::string& id = r.path_args.at(0);
  if (article) {
    if (auto ok = validate_slug(id); !ok) return tl::unexpected(ok.error());
    return article_item(id);
  }
  if (!valid_gap_id(id))
    return fail(
        ErrorCode::invalid_argument,
        "'" + id + "' is not a gap id ('g' and 16 hex digits, the 'id' of a gap in GET /v1/reports/gaps)");
  return gap_item(id);
}

/// The article must exist (any status: the stale report lists published ones).
Result<void> article_exists(Publisher& publisher, const std::string& slug) {
  auto current = publisher.current(slug);
  if (!current) return tl::unexpected(current.error());
  if (!*current) return fail(ErrorCode::not_found, "no article '" + slug + "'");
  return {};
}

/// Writes `reviewed: <today>` into the article through the publisher: a revision by @p author.
Result<int> mark_reviewed(Publisher& publisher, const std::string& slug, const std::string& author,
                          const std::string& note, const Date& today) {
  auto current = publisher.current(slug);
  if (!current) return tl::unexpected(current.error());
  if (!*current) return fail(ErrorCode::not_found, "no article '" + slug + "'");
  // Publishing would replace a draft waiting beside the article: its editor's work is not taken away.
  auto draft = publisher.draft_copy(slug);
  if (!draft) return tl::unexpected(draft.error());
  if (*draft)
    return fail(ErrorCode::conflict,
                "article '" + slug + "' has a pending draft: publish or discard it in the editor (/edit/" +
                    slug + "), then mark it reviewed");
  auto text = set_front_matter_field((*current)->first, "reviewed", today.iso());
  if (!text) return tl::unexpected(text.error());
  WriteRequest w;
  w.slug = slug;
  w.text = std::move(*text);
  w.author = author;
  w.note = note.empty() ? "marked reviewed" : "marked reviewed: " + note;
  w.note = text::truncate_words(w.note, max_action_note_bytes);
  w.if_match = (*current)->second;  // an edit in between is not overwritten: 412, try again
  auto result = publisher.write(w);
  if (!result) return tl::unexpected(result.error());
  return result->revision;
}

}  // namespace

std::string article_item(std::string_view slug) {
  return std::string(article_prefix) + std::string(slug);
}

std::string gap_item(std::string_view gap_id) {
  return std::string(gap_prefix) + std::string(gap_id);
}

bool valid_gap_id(std::string_view id) {
  if (id.size() != 17 || id[0] != 'g') return false;
  return std::all_of(id.begin() + 1, id.end(),
                     [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

ItemState fold_actions(const std::vector<LeadAction>& actions) {
  ItemState s;
  for (const auto& a : actions) {
    if (a.action == "assign") {
      s.assigned_to = a.assignee;
    } else if (a.action == "snooze") {
      if (auto d = Date::parse(a.until)) s.snoozed_until = *d;
    } else if (a.action == "dismiss") {
      s.dismissed = true;
    } else if (a.action == "reopen") {
      s.dismissed = false;
      s.snoozed_until.reset();
    }
    s.last = ItemAction{a.action, a.by, a.at, a.note};
  }
  return s;
}

Result<std::unordered_map<std::string, ItemState>> read_item_states(sqlite3* db, std::string_view prefix) {
  // Items whose id starts with the prefix: [prefix, prefix + U+10FFFF) in the ids' byte order.
  sql::Stmt st(
      db,
      "SELECT id, item, action, principal, at, note, assignee, until_day, revision FROM lead_actions "
      "WHERE item >= ?1 AND item < ?2 ORDER BY item, id");
  if (!st.ok()) return tl::unexpected(sql::error(db, "cannot read the leads' actions"));
  st.bind(1, prefix).bind(2, std::string(prefix) + "\xff");
  std::unordered_map<std::string, ItemState> out;
  std::vector<LeadAction> actions;
  auto flush = [&] {
    if (!actions.empty()) out[actions.front().item.substr(prefix.size())] = fold_actions(actions);
    actions.clear();
  };
  int rc;
  while ((rc = st.step()) == SQLITE_ROW) {
    LeadAction a{st.integer(0), st.text(1),    st.text(2),
                 st.text(3),    st.integer(4), st.text(5),
                 st.text(6),    st.text(7),    static_cast<int>(st.integer(8))};
    if (!actions.empty() && actions.front().item != a.item) flush();
    actions.push_back(std::move(a));
  }
  if (rc != SQLITE_DONE) return tl::unexpected(sql::error(db, "cannot read the leads' actions"));
  flush();
  return out;
}

nlohmann::json to_json(const LeadAction& a) {
  auto text_or_null = [](const std::string& s) { return s.empty() ? nlohmann::json() : nlohmann::json(s); };
  return {{"id", a.id},
          {"item", a.item},
          {"action", a.action},
          {"by", a.by},
          {"at", iso_time(a.at)},
          {"note", a.note},
          {"assignee", a.action == "assign" ? nlohmann::json(a.assignee) : nlohmann::json()},
          {"until", text_or_null(a.until)},
          {"revision", a.revision > 0 ? nlohmann::json(a.revision) : nlohmann::json()}};
}

Result<ApiResponse> post_item_action(LeadActionContext& c, const ApiRequest& r, bool article) {
  auto item = item_of(r, article);
  if (!item) return tl::unexpected(item.error());
  auto j = json_object_body(r, {"action", "note", "assignee", "until"});
  if (!j) return tl::unexpected(j.error());
  auto action = string_member(*j, "action", 16);
  if (!action) return tl::unexpected(action.error());
  if (!*action || !known_action(**action))
    return fail(ErrorCode::invalid_argument,
                "field 'action' must be reviewed, assign, snooze, dismiss or reopen" +
                    (*action ? " (got '" + **action + "')" : std::string()));
  auto note = string_member(*j, "note", max_action_note_bytes);
  if (!note) return tl::unexpected(note.error());
  LeadAction a;
  a.item = *item;
  a.action = **action;
  a.by = r.principal.name.empty() ? "anonymous" : r.principal.name;
  a.note = std::string(text::trim(note->value_or("")));
  const std::string slug = article ? r.path_args.at(0) : std::string();
  if (article)
    if (auto ok = article_exists(c.publisher, slug); !ok) return tl::unexpected(ok.error());
  if (a.action == "assign") {
    auto who = string_member(*j, "assignee", max_assignee_bytes);
    if (!who) return tl::unexpected(who.error());
    if (!*who)
      return fail(ErrorCode::invalid_argument,
                  "field 'assignee' is required with action assign (\"\" to assign to nobody)");
    a.assignee = text::collapse_whitespace(text::trim(**who));
  } else if (j->contains("assignee")) {
    return fail(ErrorCode::invalid_argument, "field 'assignee' goes with action assign only");
  }
  if (a.action == "snooze") {
    auto until = string_member(*j, "until", 10);
    if (!until) return tl::unexpected(until.error());
    std::optional<Date> day;
    if (*until)
      if (auto d = Date::parse(**until); d && d->iso() == **until) day = *d;
    if (!day)
      return fail(ErrorCode::invalid_argument,
                  "field 'until' (YYYY-MM-DD, the day the item comes back) is required with action snooze");
    if (*day <= c.today || *day - c.today > max_snooze_days)
      return fail(ErrorCode::invalid_argument, "field 'until' must be after today (" + c.today.iso() +
                                                   ") and at most " + std::to_string(max_snooze_days) +
                                                   " days ahead (got " + day->iso() + ")");
    a.until = day->iso();
  } else if (j->contains("until")) {
    return fail(ErrorCode::invalid_argument, "field 'until' goes with action snooze only");
  }
  if (a.action == "reviewed") {
    if (!article)
      return fail(ErrorCode::invalid_argument, "action reviewed is for an article of the stale report");
    auto revision = mark_reviewed(c.publisher, slug, a.by, a.note, c.today);
    if (!revision) return tl::unexpected(revision.error());
    a.revision = *revision;
  }
  auto recorded = c.events.add_lead_action(a);
  if (!recorded) return tl::unexpected(recorded.error());
  auto history = c.events.lead_actions(a.item);
  if (!history) return tl::unexpected(history.error());
  const ItemState state = fold_actions(*history);
  nlohmann::json out{
      {"item", a.item}, {"action", to_json(*recorded)}, {"state", to_json(state, state.hidden_on(c.today))}};
  if (a.action == "reviewed") out["reviewed"] = c.today.iso();
  return ApiResponse::json(out, 201);
}

Result<ApiResponse> get_item_actions(LeadActionContext& c, const ApiRequest& r, bool article) {
  auto item = item_of(r, article);
  if (!item) return tl::unexpected(item.error());
  if (article)
    if (auto ok = article_exists(c.publisher, r.path_args.at(0)); !ok) return tl::unexpected(ok.error());
  auto history = c.events.lead_actions(*item);
  if (!history) return tl::unexpected(history.error());
  const ItemState state = fold_actions(*history);
  auto actions = nlohmann::json::array();
  const size_t from = history->size() > max_history_actions ? history->size() - max_history_actions : 0;
  for (size_t k = from; k < history->size(); ++k) actions.push_back(to_json((*history)[k]));
  return ApiResponse::json({{"item", *item},
                            {"state", to_json(state, state.hidden_on(c.today))},
                            {"actions", actions},
                            {"total", history->size()}});
}

}  // namespace solusi::service
