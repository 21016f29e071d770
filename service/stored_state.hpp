// What Solusi keeps on disk, checked: the index (derived from the articles, rebuilt when damaged), the
// events store (events.db, the only copy of revisions, feedback and learned ticket words) and whether
// the two belong together, and whether the index holds what the articles folder holds.
//
// The pairing: every events store has a random id (EventStore::id()) that the index records
// (schema::meta::events_id). `solusi serve` and `solusi index` refuse to run when the index names a
// store and the store at the events path is missing, empty or another one: starting over silently
// would lose everything people did. An index that names no store (new, or from an older build)
// records the id of the store it meets.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "article.hpp"
#include "error.hpp"
#include "events.hpp"

namespace solusi::service {

/// At start, the live generation is checked table by table (Xapian::Database::check) when it is at
/// most this big; a bigger one gets only the cheap probe (open, a query, a document read) and
/// `solusi doctor` checks it whole.
inline constexpr std::uintmax_t startup_check_max_bytes = std::uintmax_t{256} << 20;

/// Findings of one kind listed one by one in `solusi doctor`'s output; the rest are counted.
inline constexpr size_t doctor_max_listed = 20;

/// The index folder's state.
struct IndexHealth {
  enum class State {
    absent,   ///< no index yet (no stub file): built from the articles by the next run
    healthy,  ///< opens and answers (and passed the table check when it ran)
    damaged,  ///< the stub is unreadable, or the live generation does not open, answer or check
  } state = State::absent;
  std::string problem;               ///< damaged: what is wrong, in words
  std::filesystem::path generation;  ///< the live generation's folder, when the stub names one
  std::string events_id;             ///< healthy: schema::meta::events_id (empty when none)
  std::string schema_version;        ///< healthy: schema::meta::schema_version
  std::uint64_t documents = 0;       ///< healthy: documents in the index
  bool checked = false;              ///< the tables were checked with Xapian::Database::check
};

enum class IndexCheck {
  at_start,  ///< the table check only up to startup_check_max_bytes
  deep,      ///< always the table check (solusi doctor)
};

/// Inspects the index at @p index_dir without writing to it.
IndexHealth inspect_index(const std::filesystem::path& index_dir, IndexCheck depth = IndexCheck::at_start);

/// Why the events store at @p events_path may not be used with an index that records @p index_events_id,
/// in words; nullopt when it may (the ids agree, or the index records none).
std::optional<std::string> identity_problem(const std::string& index_events_id, const StoreIdentity& store,
                                            const std::filesystem::path& events_path);

/// The message `solusi serve` and `solusi index` print when they refuse to start: @p problem, then the
/// two ways out (restore the store from a backup; run @p accept_command to start a new one and accept
/// the loss).
std::string identity_refusal(const std::string& problem, const std::filesystem::path& events_path,
                             const std::string& index_events_id, const std::string& accept_command);

struct DoctorOptions {
  std::filesystem::path articles_dir, index_dir, events_path;
  ParseOptions parse;  ///< as the indexer parses (the content hashes depend on it)
  int default_review_days = 90;
  std::string paths;  ///< " --articles A --index I …" as the recovery commands should carry them
};

struct DoctorFinding {
  std::string check;  ///< index | events | articles
  bool ok = true;
  std::string message;
  std::string recovery;  ///< what to run (or do) to recover; empty when ok
};

struct DoctorReport {
  std::vector<DoctorFinding> findings;
  bool healthy() const;
};

/// `solusi doctor`: (1) the index opens, answers and passes Xapian's check on its live generation;
/// (2) events.db passes PRAGMA integrity_check and is the store the index records; (3) every valid
/// article file is indexed with its current content and nothing is indexed without a file.
DoctorReport run_doctor(const DoctorOptions& options);

}  // namespace solusi::service
