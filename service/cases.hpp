// Solved tickets as cases: the nearest-neighbour evidence of suggestions.
//
// Every `resolved` feedback keeps its cleaned ticket as a case in events.db (table cases: stems, not
// the customer's text). The case index is a Xapian database of its own next to events.db (docid =
// cases.id; terms = the ticket's stems; values = the article's slug and the time), so that finding
// the past tickets most like a new one costs one BM25 query whatever the number of cases. events.db
// is the source of truth: the case index catches up from the cases written after the last one it
// holds (cases.changed, numbered by case_seq), and is rebuilt only when missing, damaged or made for
// another events store. Withdrawn and deleted cases leave the index; cases of archived articles stay
// in it but vote for nothing, because only visible articles are suggested.
#pragma once

#include <xapian.h>

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "error.hpp"
#include "events.hpp"

namespace solusi::service {

/// Distinct stems of a ticket that search for similar cases (the most telling ones).
inline constexpr size_t max_case_query_terms = 32;
/// Similar past tickets that vote.
inline constexpr size_t case_neighbours = 20;
/// Cases read from events.db per batch while catching up.
inline constexpr size_t case_sync_batch = 5000;

/// The case index's folder for an events store: "events.cases" beside "events.db".
std::filesystem::path case_index_path(const std::filesystem::path& events_path);

/// One similar past ticket.
struct CaseNeighbour {
  std::string slug;       ///< the article that solved it
  std::string ticket_id;  ///< the past ticket's id
  double similarity = 0;  ///< BM25 weight over the query's largest possible weight, 0..1
  std::int64_t at = 0;
};

/// What the nearest cases say about one article.
struct CaseVote {
  std::string slug;
  double share = 0;                  ///< the article's share of the neighbours' weighted votes, 0..1
  double closest = 0;                ///< similarity of its closest case
  size_t cases = 0;                  ///< neighbours that voted for it
  std::vector<std::string> tickets;  ///< their ticket ids, closest first (at most 3)
};

struct CaseEvidence {
  std::vector<CaseVote> votes;  ///< biggest share first
  size_t total_cases = 0;       ///< cases in the index
  double top_similarity = 0;    ///< similarity of the closest case, any article
};

/// Reads the case index (one per thread: not thread-safe).
class CaseReader {
 public:
  /// Opens the case index at @p path; a missing index reads as empty.
  static CaseReader open(const std::filesystem::path& path);
  /// Picks up cases committed since (cheap when nothing changed).
  void refresh();
  /// The nearest cases of a ticket's stems (TicketAnalysis::words) and their votes.
  CaseEvidence evidence(const std::vector<std::string>& words, std::int64_t now) const;
  size_t size() const;

 private:
  explicit CaseReader(std::filesystem::path path) : path_(std::move(path)) {}
  void try_open();
  std::filesystem::path path_;
  std::optional<Xapian::Database> db_;
};

struct CaseSyncReport {
  size_t added = 0;    ///< cases written or rewritten
  size_t removed = 0;  ///< withdrawn or deleted cases taken out
  bool rebuilt = false;
  std::string why_rebuilt;
  std::int64_t seq = 0;  ///< the store's case_seq the index is now in line with
  size_t total = 0;      ///< cases in the index
};

/// The single writer of the case index.
class CaseWriter {
 public:
  /// Opens (creating) the case index for @p store; an index that cannot be opened, or that was made
  /// for another events store, is set aside and rebuilt from events.db.
  static Result<std::unique_ptr<CaseWriter>> open(const std::filesystem::path& path,
                                                  const std::string& store_id);
  /// Brings the index in line with the store's cases (incrementally).
  Result<CaseSyncReport> sync(EventStore& store);
  std::int64_t seq() const { return seq_; }

 private:
  CaseWriter(std::filesystem::path path, Xapian::WritableDatabase db, std::int64_t seq, std::string why)
      : path_(std::move(path)), db_(std::move(db)), seq_(seq), why_rebuilt_(std::move(why)) {}
  std::filesystem::path path_;
  Xapian::WritableDatabase db_;
  std::int64_t seq_ = 0;
  std::string why_rebuilt_;  ///< set when open() started afresh, reported by the first sync
};

}  // namespace solusi::service
