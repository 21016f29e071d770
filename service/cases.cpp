#include "cases.hpp"

#include <algorithm>
#include <cmath>
#include <unordered_map>

#include "text.hpp"

namespace fs = std::filesystem;

namespace solusi::service {
namespace {

constexpr Xapian::valueno slug_slot = 0;
constexpr Xapian::valueno at_slot = 1;
constexpr Xapian::valueno ticket_slot = 2;
constexpr const char* seq_key = "solusi.case_seq";
constexpr const char* store_key = "solusi.events_id";
/// A case's vote halves in weight over this many days: newer resolutions say more about today's
/// articles than old ones, without old ones being forgotten.
constexpr double vote_half_life_days = 365;
/// Ticket ids a vote names in the reason.
constexpr size_t named_tickets = 3;

Xapian::Document case_document(const CaseRow& c) {
  Xapian::Document doc;
  for (const auto& stem : text::split(c.words, ' '))
    if (!stem.empty() && stem.size() <= 200) doc.add_term(std::string(stem));
  doc.add_value(slug_slot, c.slug);
  doc.add_value(at_slot, Xapian::sortable_serialise(static_cast<double>(c.at)));
  doc.add_value(ticket_slot, c.ticket_id);
  return doc;
}

std::int64_t read_seq(const Xapian::Database& db) {
  const std::string v = db.get_metadata(seq_key);
  try {
    return v.empty() ? 0 : std::stoll(v);
  } catch (const std::exception&) {
    return -1;
  }
}

}  // namespace

fs::path case_index_path(const fs::path& events_path) {
  fs::path p = events_path;
  p.replace_extension(".cases");
  return p;
}

CaseReader CaseReader::open(const fs::path& path) {
  CaseReader r(path);
  r.try_open();
  return r;
}

void CaseReader::try_open() {
  try {
    if (fs::exists(path_ / "iamglass")) db_.emplace(path_.string());
  } catch (const Xapian::Error&) {
    db_.reset();  // being rebuilt or damaged: no case evidence until it is back
  }
}

void CaseReader::refresh() {
  if (!db_) {
    try_open();
    return;
  }
  try {
    db_->reopen();
  } catch (const Xapian::Error&) {
    db_.reset();
    try_open();
  }
}

size_t CaseReader::size() const {
  return db_ ? db_->get_doccount() : 0;
}

CaseEvidence CaseReader::evidence(const std::vector<std::string>& words, std::int64_t now) const {
  CaseEvidence out;
  if (!db_ || words.empty()) return out;
  out.total_cases = db_->get_doccount();
  if (out.total_cases == 0) return out;

  // The most telling distinct stems: frequent in the ticket, rare among the cases.
  std::unordered_map<std::string, unsigned> tf;
  for (const auto& w : words) ++tf[w];
  struct Pick {
    std::string term;
    unsigned tf;
    double weight;
  };
  std::vector<Pick> picks;
  const double n = static_cast<double>(out.total_cases);
  for (const auto& [term, count] : tf) {
    const Xapian::doccount df = db_->get_termfreq(term);
    if (df == 0) continue;
    picks.push_back({term, count, (1 + std::log(count)) * std::log((n + 1) / (df + 0.5))});
  }
  if (picks.empty()) return out;
  std::sort(picks.begin(), picks.end(), [](const Pick& a, const Pick& b) {
    return a.weight != b.weight ? a.weight > b.weight : a.term < b.term;
  });
  if (picks.size() > max_case_query_terms) picks.resize(max_case_query_terms);
  std::vector<Xapian::Query> parts;
  for (const auto& p : picks) parts.emplace_back(p.term, p.tf);

  Xapian::Enquire enquire(*db_);
  enquire.set_query(Xapian::Query(Xapian::Query::OP_OR, parts.begin(), parts.end()));
  const Xapian::MSet mset = enquire.get_mset(0, static_cast<Xapian::doccount>(case_neighbours));
  const double max_possible = mset.get_max_possible();
  if (mset.empty() || max_possible <= 0) return out;

  std::unordered_map<std::string, size_t> index;
  double total = 0;
  for (auto it = mset.begin(); it != mset.end(); ++it) {
    const Xapian::Document doc = it.get_document();
    const double similarity = std::clamp(it.get_weight() / max_possible, 0.0, 1.0);
    const double at = Xapian::sortable_unserialise(doc.get_value(at_slot));
    const double age_days = std::max(0.0, (static_cast<double>(now) - at) / 86400.0);
    const double vote = similarity * std::pow(0.5, age_days / vote_half_life_days);
    const std::string slug = doc.get_value(slug_slot);
    auto [pos, inserted] = index.try_emplace(slug, out.votes.size());
    if (inserted) out.votes.push_back(CaseVote{slug, 0, similarity, 0, {}});
    CaseVote& v = out.votes[pos->second];
    v.share += vote;
    v.closest = std::max(v.closest, similarity);
    ++v.cases;
    if (v.tickets.size() < named_tickets) v.tickets.push_back(doc.get_value(ticket_slot));
    total += vote;
    out.top_similarity = std::max(out.top_similarity, similarity);
  }
  for (auto& v : out.votes) v.share = total > 0 ? v.share / total : 0;
  std::stable_sort(out.votes.begin(), out.votes.end(),
                   [](const CaseVote& a, const CaseVote& b) { return a.share > b.share; });
  return out;
}

Result<std::unique_ptr<CaseWriter>> CaseWriter::open(const fs::path& path, const std::string& store_id) {
  std::string why;
  auto fresh = [&]() -> Result<Xapian::WritableDatabase> {
    std::error_code ec;
    fs::remove_all(path, ec);  // a cache of events.db: nothing in it is lost
    try {
      Xapian::WritableDatabase db(path.string(), Xapian::DB_CREATE_OR_OVERWRITE);
      db.set_metadata(store_key, store_id);
      db.set_metadata(seq_key, "0");
      db.commit();
      return db;
    } catch (const Xapian::Error& e) {
      return fail(ErrorCode::io_error,
                  "cannot create the case index " + path.string() + ": " + e.get_description());
    }
  };
  try {
    Xapian::WritableDatabase db(path.string(), Xapian::DB_CREATE_OR_OPEN);
    const std::string id = db.get_metadata(store_key);
    const std::int64_t seq = read_seq(db);
    if (id.empty() && db.get_doccount() == 0 && seq == 0) {
      db.set_metadata(store_key, store_id);
      db.commit();
      return std::unique_ptr<CaseWriter>(new CaseWriter(path, std::move(db), 0, ""));
    }
    if (id == store_id && seq >= 0)
      return std::unique_ptr<CaseWriter>(new CaseWriter(path, std::move(db), seq, ""));
    why = "it was made for another events store";
    db.close();
  } catch (const Xapian::DatabaseLockError& e) {
    return fail(ErrorCode::io_error,
                "the case index " + path.string() + " is in use by another process: " + e.get_description());
  } catch (const Xapian::Error& e) {
    why = "it could not be opened (" + e.get_description() + ")";
  }
  auto db = fresh();
  if (!db) return tl::unexpected(db.error());
  return std::unique_ptr<CaseWriter>(new CaseWriter(path, std::move(*db), 0, why));
}

Result<CaseSyncReport> CaseWriter::sync(EventStore& store) {
  CaseSyncReport report;
  if (!why_rebuilt_.empty()) {
    report.rebuilt = true;
    report.why_rebuilt = std::move(why_rebuilt_);
    why_rebuilt_.clear();
  }
  auto latest = store.case_seq();
  if (!latest) return tl::unexpected(latest.error());
  try {
    if (*latest < seq_) {
      // The store is older than the index (restored from a backup): start again from it.
      for (Xapian::PostingIterator it = db_.postlist_begin(""); it != db_.postlist_end(""); ++it) {
        db_.delete_document(*it);
      }
      seq_ = 0;
      report.rebuilt = true;
      report.why_rebuilt = "the events store is older than the case index";
    }
    while (seq_ < *latest) {
      auto rows = store.cases_since(seq_, case_sync_batch);
      if (!rows) return tl::unexpected(rows.error());
      if (rows->empty()) break;
      for (const auto& c : *rows) {
        const auto docid = static_cast<Xapian::docid>(c.id);
        if (c.state == CaseRow::State::active && !c.words.empty()) {
          db_.replace_document(docid, case_document(c));
          ++report.added;
        } else {
          try {
            db_.delete_document(docid);
            ++report.removed;
          } catch (const Xapian::DocNotFoundError&) {
          }
        }
        seq_ = c.changed;
      }
      db_.set_metadata(seq_key, std::to_string(seq_));
      db_.commit();
    }
    report.seq = seq_;
    report.total = db_.get_doccount();
  } catch (const Xapian::Error& e) {
    return fail(ErrorCode::io_error,
                "cannot update the case index " + path_.string() + ": " + e.get_description());
  }
  return report;
}

}  // namespace solusi::service
