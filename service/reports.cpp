#include "reports.hpp"

#include <algorithm>
#include <cmath>
#include <ctime>
#include <future>
#include <map>
#include <set>
#include <sstream>
#include <type_traits>
#include <unordered_set>

#include "auth.hpp"
#include "text.hpp"
#include "time_zone.hpp"

namespace solusi::service {
namespace {

/// Stems of an event compared at most (the most telling first).
constexpr size_t max_event_stems = 12;
/// A title or tag stem of more live articles than this points at none of them (losing_to_gap).
constexpr size_t max_stem_articles = 64;
/// Candidate pairs for `duplicate_suspect` share at least 2 of the 16 smallest values of their sketches
/// (a near-copy shares most of them); only those pairs are scored on the whole sketches.
constexpr size_t candidate_sketch_values = 16;
constexpr size_t min_shared_sketch_values = 2;
/// Sketch values held by more articles than this are boilerplate: they propose no pair.
constexpr size_t max_sketch_posting = 64;
/// Weights of title and text similarity in `duplicate_suspect`.
constexpr double title_share = 0.3;
constexpr double text_share = 0.7;
/// A resolution says more about reliance than a view or a suggestion shown.
constexpr double resolution_weight = 3;
/// `flagged_outdated` weighs 1 + flags / this (at most 2): three agents saying so is as strong a sign as
/// a review overdue by twice its interval.
constexpr double outdated_flags_for_full_weight = 3;
/// Longest example wording kept (bytes).
constexpr size_t max_example_bytes = 200;

/// The order reasons are listed in, within an article and in the owner counts.
constexpr std::array<std::string_view, 10> reason_order{
    "review_overdue",   "never_reviewed", "expired",       "expiring_soon",     "negative_feedback",
    "flagged_outdated", "broken_links",   "losing_to_gap", "duplicate_suspect", "unused"};

size_t reason_rank(std::string_view code) {
  return static_cast<size_t>(std::find(reason_order.begin(), reason_order.end(), code) -
                             reason_order.begin());
}

double round2(double x) {
  return std::round(x * 100.0) / 100.0;
}

/// At most two decimals, without trailing zeros: "247.5", "3.75", "8".
std::string format_number(double x) {
  char buf[48];
  std::snprintf(buf, sizeof buf, "%.2f", x);
  std::string s = buf;
  while (s.back() == '0') s.pop_back();
  if (s.back() == '.') s.pop_back();
  return s == "-0" ? "0" : s;
}

std::string percent(double share) {
  return std::to_string(static_cast<int>(std::lround(share * 100))) + "%";
}

std::optional<Date> date_of(const std::optional<std::string>& iso) {
  if (!iso) return std::nullopt;
  auto d = Date::parse(*iso);
  return d ? std::optional<Date>(*d) : std::nullopt;
}

std::string plural(std::int64_t n, std::string_view one, std::string_view many) {
  return std::to_string(n) + " " + std::string(n == 1 ? one : many);
}

double jaccard(const std::vector<std::string>& a, const std::vector<std::string>& b) {
  if (a.empty() && b.empty()) return 0;
  size_t both = 0;
  for (size_t i = 0, j = 0; i < a.size() && j < b.size();) {
    if (a[i] < b[j]) {
      ++i;
    } else if (b[j] < a[i]) {
      ++j;
    } else {
      ++both;
      ++i;
      ++j;
    }
  }
  return static_cast<double>(both) / static_cast<double>(a.size() + b.size() - both);
}

bool equal_ci(const std::string& a, const std::string& b) {
  return text::to_lower(a) == text::to_lower(b);
}

bool is_live(const ArticleFacts& a, const std::string& as_of) {
  return a.meta.status == "published" && !(a.meta.publish_at && *a.meta.publish_at > as_of);
}

// ------------------------------------------------------------------------------------------------
// duplicate_suspect

/// Pairs of live articles in one language whose title and text are nearly the same. Candidates are
/// the pairs that share sketch values (a near-copy shares most of them); each is then scored.
std::unordered_map<size_t, std::vector<Duplicate>> find_duplicates(const std::vector<ArticleFacts>& articles,
                                                                   const std::vector<size_t>& live,
                                                                   double threshold) {
  std::vector<std::pair<std::uint64_t, std::uint32_t>> entries;  // (sketch value, article)
  entries.reserve(live.size() * candidate_sketch_values);
  for (size_t i : live) {
    const auto& sketch = articles[i].sketch;
    for (size_t k = 0; k < sketch.size() && k < candidate_sketch_values; ++k)
      entries.emplace_back(sketch[k], static_cast<std::uint32_t>(i));
  }
  std::sort(entries.begin(), entries.end());
  // Each article's partners: the later articles (in the same language) sharing a sketch value with
  // it, once per value shared; counted per article by sorting its short list (no global pair map).
  std::vector<std::vector<std::uint32_t>> partners(articles.size());
  for (size_t from = 0, to = 0; from < entries.size(); from = to) {
    while (to < entries.size() && entries[to].first == entries[from].first) ++to;
    if (to - from < 2 || to - from > max_sketch_posting) continue;
    for (size_t x = from; x < to; ++x)
      for (size_t y = x + 1; y < to; ++y) {
        const auto lo = std::min(entries[x].second, entries[y].second);
        const auto hi = std::max(entries[x].second, entries[y].second);
        if (articles[lo].meta.lang != articles[hi].meta.lang) continue;
        partners[lo].push_back(hi);
      }
  }
  std::unordered_map<size_t, std::vector<Duplicate>> out;
  for (size_t a = 0; a < partners.size(); ++a) {
    auto& list = partners[a];
    if (list.size() < min_shared_sketch_values) continue;
    std::sort(list.begin(), list.end());
    for (size_t from = 0, to = 0; from < list.size(); from = to) {
      while (to < list.size() && list[to] == list[from]) ++to;
      if (to - from < min_shared_sketch_values) continue;
      const size_t b = list[from];
      Duplicate d;
      d.text = sketch_similarity(articles[a].sketch, articles[b].sketch);
      d.title = jaccard(articles[a].title_stems, articles[b].title_stems);
      d.similarity = title_share * d.title + text_share * d.text;
      if (d.similarity < threshold) continue;
      d.other = b;
      out[a].push_back(d);
      d.other = a;
      out[b].push_back(d);
    }
  }
  for (auto& [i, list] : out)
    std::sort(list.begin(), list.end(), [&](const Duplicate& x, const Duplicate& y) {
      if (x.similarity != y.similarity) return x.similarity > y.similarity;
      return articles[x.other].meta.slug < articles[y.other].meta.slug;
    });
  return out;
}

// ------------------------------------------------------------------------------------------------
// losing_to_gap

struct GapEvidence {
  size_t events = 0, zero_result = 0, tickets = 0;
  std::vector<std::uint32_t> ids;  ///< the events (indexes into EventHistory::gaps), in their order
};

/// Gap events near each live article: a ticket's best candidate when it was close enough, else the
/// articles whose title and tag stems cover at least half of the event's stems (at most three; stems
/// of more than max_stem_articles articles are not counted).
std::unordered_map<size_t, GapEvidence> match_gaps(const StaleBase& base, const std::vector<GapEvent>& gaps,
                                                   const StaleOptions& o, const TimeWindow& window) {
  std::unordered_map<size_t, GapEvidence> out;
  // The same words (a repeated query) point at the same articles: matched once.
  std::unordered_map<std::string, std::vector<size_t>> by_terms;
  std::string key;
  std::vector<size_t> best_candidate(1);
  for (size_t id = 0; id < gaps.size(); ++id) {
    const GapEvent& e = gaps[id];
    if (e.at < window.from || e.at >= window.until) continue;
    if (e.kind != GapEvent::Kind::zero_result && e.kind != GapEvent::Kind::no_confident_suggestion) continue;
    const size_t n = std::min(e.stems.size(), max_event_stems);
    const std::vector<size_t>* targets = nullptr;
    if (e.kind == GapEvent::Kind::no_confident_suggestion && !e.slug.empty() &&
        e.confidence >= o.min_near_confidence) {
      if (auto it = base.live_by_slug.find(e.slug); it != base.live_by_slug.end()) {
        best_candidate[0] = it->second;
        targets = &best_candidate;
      }
    }
    if (!targets && n > 0) {
      key.clear();
      for (size_t k = 0; k < n; ++k) (key += e.stems[k]) += '\n';
      auto [cached, inserted] = by_terms.try_emplace(key);
      if (inserted) {
        std::map<size_t, size_t> count;  // ordered: the same targets whatever the event order
        for (size_t k = 0; k < n; ++k)
          if (auto it = base.by_key_stem.find(e.stems[k]);
              it != base.by_key_stem.end() && it->second.size() <= max_stem_articles)
            for (size_t i : it->second) ++count[i];
        size_t best = 0;
        for (const auto& [i, c] : count) best = std::max(best, c);
        const size_t need = std::max<size_t>(1, (n + 1) / 2);
        if (best >= need) {
          for (const auto& [i, c] : count)
            if (c == best) cached->second.push_back(i);
          if (cached->second.size() > 3) cached->second.clear();  // too vague to blame any one article
        }
      }
      targets = &cached->second;
    }
    if (!targets) continue;
    for (size_t t : *targets) {
      GapEvidence& g = out[t];
      ++g.events;
      if (e.kind == GapEvent::Kind::zero_result)
        ++g.zero_result;
      else
        ++g.tickets;
      g.ids.push_back(static_cast<std::uint32_t>(id));
    }
  }
  return out;
}

/// The words the gap events of @p g share with the title and tags of @p article (→ events using
/// them), and the events' texts (at, text).
void gap_words_and_texts(const ArticleFacts& article, const std::vector<GapEvent>& gaps, const GapEvidence& g,
                         std::map<std::string, size_t>& words,
                         std::vector<std::pair<std::int64_t, std::string>>& texts) {
  const auto& keys = article.key_stems;
  for (const std::uint32_t id : g.ids) {
    const GapEvent& e = gaps[id];
    texts.emplace_back(e.at, e.text);
    const size_t n = std::min(e.stems.size(), max_event_stems);
    for (size_t k = 0; k < n; ++k)
      if (std::binary_search(keys.begin(), keys.end(), e.stems[k]))
        ++words[k < e.words.size() && !e.words[k].empty() ? e.words[k] : e.stems[k]];
  }
}

/// Up to @p n distinct texts (compared lowercased), most recent first.
std::vector<std::string> recent_examples(std::vector<std::pair<std::int64_t, std::string>> texts, size_t n) {
  std::sort(texts.begin(), texts.end(), [](const auto& a, const auto& b) {
    if (a.first != b.first) return a.first > b.first;
    return a.second < b.second;
  });
  std::vector<std::string> out;
  std::unordered_set<std::string> seen;
  for (const auto& [at, t] : texts) {
    if (out.size() >= n) break;
    const std::string key = text::collapse_whitespace(text::to_lower(t));
    if (key.empty() || !seen.insert(key).second) continue;
    out.push_back(text::truncate_words(text::collapse_whitespace(t), max_example_bytes));
  }
  return out;
}

std::string quoted_list(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& s : v) out += (out.empty() ? "\"" : ", \"") + s + "\"";
  return out;
}

}  // namespace

// ------------------------------------------------------------------------------------------------
// Inputs

ArticleFacts article_facts(StoredArticle article, TermExtractor& terms) {
  ArticleFacts f;
  ReportKeys keys = report_keys(article, terms);
  f.key_stems = std::move(keys.key_stems);
  f.title_stems = std::move(keys.title_stems);
  f.sketch = std::move(keys.sketch);
  article.text.clear();
  article.text.shrink_to_fit();
  article.markdown.clear();
  article.markdown.shrink_to_fit();
  f.meta = std::move(article);
  return f;
}

double sketch_similarity(const std::vector<std::uint64_t>& a, const std::vector<std::uint64_t>& b) {
  if (a.empty() || b.empty()) return 0;
  // Bottom-k: the sketch_size smallest values of the union of the two sketches are the smallest of the
  // union of the two sets; such a value is in both sets exactly when it is in both sketches. The share
  // of them in both estimates the Jaccard similarity (exactly, when both sets fit in their sketches).
  size_t taken = 0, both = 0, i = 0, j = 0;
  while (taken < sketch_size && (i < a.size() || j < b.size())) {
    if (j >= b.size() || (i < a.size() && a[i] < b[j])) {
      ++i;
    } else if (i >= a.size() || b[j] < a[i]) {
      ++j;
    } else {
      ++i;
      ++j;
      ++both;
    }
    ++taken;
  }
  return static_cast<double>(both) / static_cast<double>(taken);
}

std::string_view to_string(GapEvent::Kind kind) {
  switch (kind) {
    case GapEvent::Kind::zero_result:
      return "zero_result";
    case GapEvent::Kind::no_click:
      return "no_click";
    case GapEvent::Kind::no_confident_suggestion:
      return "no_confident_suggestion";
    case GapEvent::Kind::not_helpful:
      return "not_helpful";
  }
  return "zero_result";
}

TimeWindow usage_window(const StaleOptions& o) {
  const std::int64_t last = o.as_of.days_since_epoch();
  return {team_zone().day_start(last - o.usage_days + 1), team_zone().day_start(last + 1)};
}

TimeWindow feedback_window(const StaleOptions& o) {
  const std::int64_t last = o.as_of.days_since_epoch();
  return {team_zone().day_start(last - o.feedback_days + 1), team_zone().day_start(last + 1)};
}

std::string iso_time(std::int64_t unix_seconds) {
  const std::time_t t = static_cast<std::time_t>(unix_seconds);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02dZ", tm.tm_year + 1900, tm.tm_mon + 1,
                tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
  return buf;
}

Date day_of(std::int64_t unix_seconds) {
  return team_zone().date_of(unix_seconds);
}

std::string csv_field(std::string_view v) {
  std::string s(v);
  if (!s.empty() &&
      (s[0] == '=' || s[0] == '+' || s[0] == '-' || s[0] == '@' || s[0] == '\t' || s[0] == '\r'))
    s.insert(s.begin(), '\'');
  if (s.find_first_of(",\"\r\n") == std::string::npos) return s;
  std::string out = "\"";
  for (char c : s) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
  return out;
}

// ------------------------------------------------------------------------------------------------
// The stale report

std::vector<size_t> live_articles(const std::vector<ArticleFacts>& articles, const Date& as_of) {
  const std::string day = as_of.iso();
  std::vector<size_t> live;
  for (size_t i = 0; i < articles.size(); ++i)
    if (is_live(articles[i], day)) live.push_back(i);
  return live;
}

StaleBase stale_base(const std::vector<ArticleFacts>& articles, const StaleOptions& o) {
  StaleBase base;
  base.articles = &articles;
  base.live = live_articles(articles, o.as_of);
  base.duplicate_threshold = o.duplicate_threshold;
  // The near-copies take longest: found on another thread while this one builds the lookups.
  auto finding = std::async(std::launch::async,
                            [&] { return find_duplicates(articles, base.live, o.duplicate_threshold); });
  struct Join {  // the thread ends before base does, on every path
    std::future<std::unordered_map<size_t, std::vector<Duplicate>>>& f;
    ~Join() {
      if (f.valid()) f.wait();
    }
  } join{finding};
  std::unordered_map<std::string_view, size_t> by_slug;  // every article: links may point at any
  by_slug.reserve(articles.size());
  for (size_t i = 0; i < articles.size(); ++i) by_slug.emplace(articles[i].meta.slug, i);
  base.live_by_slug.reserve(base.live.size());
  base.links.resize(articles.size());
  for (size_t i : base.live) {
    base.live_by_slug.emplace(articles[i].meta.slug, i);
    for (const auto& s : articles[i].key_stems) base.by_key_stem[s].push_back(i);
    for (const auto& target : articles[i].meta.links) {
      const auto it = by_slug.find(target);
      base.links[i].push_back(it == by_slug.end() ? StaleBase::no_article : it->second);
    }
  }
  base.duplicates = finding.get();
  return base;
}

bool base_serves(const StaleBase& base, const std::vector<ArticleFacts>& articles, const StaleOptions& o) {
  return base.articles == &articles && base.duplicate_threshold == o.duplicate_threshold &&
         base.live == live_articles(articles, o.as_of);
}

StaleReport stale_report(const std::vector<ArticleFacts>& articles, const EventHistory& events,
                         const StaleOptions& o) {
  return stale_report(stale_base(articles, o), events, o);
}

StaleReport stale_report(const StaleBase& base, const EventHistory& events, const StaleOptions& o) {
  const std::vector<ArticleFacts>& articles = *base.articles;
  const auto& duplicates = base.duplicates;
  const TimeWindow window = usage_window(o);
  const Date window_start = day_of(window.from);

  const auto gaps = match_gaps(base, events.gaps, o, window);
  // Whether each local file exists, asked once per file (articles share images).
  std::unordered_map<std::string, bool> files_known;
  auto file_exists = [&](const std::string& path) {
    auto [it, inserted] = files_known.try_emplace(path);
    if (inserted) it->second = o.file_exists(path);
    return it->second;
  };

  StaleReport report;
  const bool unused_checked = events.first_usage_at && *events.first_usage_at <= window.from;
  report.as_of = o.as_of.iso();
  report.usage_days = o.usage_days;
  report.files_checked = static_cast<bool>(o.file_exists);
  if (events.first_usage_at) report.usage_since = day_of(*events.first_usage_at).iso();
  report.unused_checked = unused_checked;

  // Each article is evaluated twice: every article into an Assessed (the codes and weights rank them
  // and count them by owner; no text is built), then the first `limit` into entries with their
  // summaries and evidence.
  struct Assessed {
    std::array<double, reason_order.size()> weight{};
    std::uint16_t codes = 0;  ///< bit c: reason_order[c] applies
  };
  auto evaluate = [&](size_t i, Assessed* assessed) {
    const bool detailed = assessed == nullptr;
    const ArticleFacts& a = articles[i];
    const StoredArticle& m = a.meta;
    auto add = [&](StaleEntry& entry, const char* code, double weight, const auto& summary,
                   const auto& evidence) {
      if (assessed) {
        const size_t c = reason_rank(code);
        assessed->weight[c] = weight;
        assessed->codes = static_cast<std::uint16_t>(assessed->codes | (1U << c));
        return;
      }
      Reason r;
      r.code = code;
      r.weight = weight;
      if constexpr (!std::is_same_v<std::decay_t<decltype(summary)>, std::nullptr_t>) {
        r.summary = summary();
        r.evidence = evidence();
      }
      entry.reasons.push_back(std::move(r));
    };
    StaleEntry e;
    if (detailed) {
      e.slug = m.slug;
      e.title = m.title;
      e.owner = m.owner;
      e.category = m.category;
      e.lang = m.lang;
      e.audience = m.audience;
      e.reviewed = m.reviewed;
      e.valid_to = m.valid_to;
    }
    if (auto it = events.usage.find(m.slug); it != events.usage.end()) e.usage = it->second;
    e.reliance = static_cast<double>(e.usage.views + e.usage.suggested) +
                 resolution_weight * static_cast<double>(e.usage.resolved);

    // review_overdue / never_reviewed
    const auto reviewed = date_of(m.reviewed);
    if (!reviewed) {
      add(
          e, "never_reviewed", 2,
          [&]() -> std::string { return "never reviewed: the article has no reviewed date"; },
          [&]() -> nlohmann::json { return nlohmann::json::object(); });
    } else {
      const int every = m.review_every_days > 0 ? m.review_every_days : 90;
      const Date due = date_of(m.review_due).value_or(reviewed->plus_days(every));
      e.review_due = due.iso();
      if (o.as_of > due) {
        const long overdue = o.as_of - due;
        const double weight = 1 + std::min(2.0, static_cast<double>(overdue) / every);
        add(
            e, "review_overdue", weight,
            [&]() -> std::string {
              return "review overdue by " + plural(overdue, "day", "days") + " (reviewed " + reviewed->iso() +
                     ", every " + std::to_string(every) + " days, due " + due.iso() + ")";
            },
            [&]() -> nlohmann::json {
              return {{"reviewed", reviewed->iso()},
                      {"review_every_days", every},
                      {"review_due", due.iso()},
                      {"days_overdue", overdue}};
            });
      }
    }

    // expired / expiring_soon
    if (const auto valid_to = date_of(m.valid_to)) {
      if (*valid_to < o.as_of) {
        const long ago = o.as_of - *valid_to;
        add(
            e, "expired", 3,
            [&]() -> std::string {
              return "expired " + plural(ago, "day", "days") + " ago (valid_to " + valid_to->iso() + ")";
            },
            [&]() -> nlohmann::json {
              return {{"valid_to", valid_to->iso()}, {"days_ago", ago}};
            });
      } else if (*valid_to - o.as_of <= o.expiring_days) {
        const long left = *valid_to - o.as_of;
        add(
            e, "expiring_soon", 1,
            [&]() -> std::string {
              return (left == 0 ? std::string("expires today")
                                : "expires in " + plural(left, "day", "days")) +
                     " (valid_to " + valid_to->iso() + ")";
            },
            [&]() -> nlohmann::json {
              return {{"valid_to", valid_to->iso()}, {"days_left", left}};
            });
      }
    }

    // negative_feedback and flagged_outdated: votes and flags since the last review, within the
    // feedback window
    if (auto it = events.votes.find(m.slug); it != events.votes.end()) {
      std::int64_t from_day = o.as_of.days_since_epoch() - o.feedback_days + 1;
      if (reviewed) from_day = std::max<std::int64_t>(from_day, reviewed->days_since_epoch());
      std::int64_t helpful = 0, not_helpful = 0, flags = 0, last_flag_day = 0;
      for (const auto& v : it->second) {
        if (v.day < from_day || v.day > o.as_of.days_since_epoch()) continue;
        helpful += v.helpful;
        not_helpful += v.not_helpful;
        flags += v.outdated;
        if (v.outdated > 0) last_flag_day = std::max(last_flag_day, v.day);
      }
      const std::int64_t votes = helpful + not_helpful;
      const double share = votes ? static_cast<double>(not_helpful) / static_cast<double>(votes) : 0;
      const std::string since = Date(std::chrono::sys_days(std::chrono::days(from_day))).iso();
      if (votes >= o.min_votes && share > o.not_helpful_share) {
        add(
            e, "negative_feedback", 1 + share,
            [&]() -> std::string {
              return std::to_string(not_helpful) + " of " + plural(votes, "vote", "votes") +
                     " not helpful (" + percent(share) + ") since " + since;
            },
            [&]() -> nlohmann::json {
              return {{"not_helpful", not_helpful},
                      {"helpful", helpful},
                      {"votes", votes},
                      {"share", round2(share)},
                      {"since", since}};
            });
      }
      if (flags > 0) {
        const std::string last = Date(std::chrono::sys_days(std::chrono::days(last_flag_day))).iso();
        add(
            e, "flagged_outdated",
            1 + std::min(1.0, static_cast<double>(flags) / outdated_flags_for_full_weight),
            [&]() -> std::string {
              return "marked out of date by agents " + plural(flags, "time", "times") + " since " + since +
                     " (last " + last + ")";
            },
            [&]() -> nlohmann::json {
              return {{"flags", flags}, {"last_flagged", last}, {"since", since}};
            });
      }
    }

    // broken_links
    {
      size_t broken = 0;
      for (const size_t target : base.links[i])
        if (target == StaleBase::no_article || articles[target].meta.status != "published") ++broken;
      if (o.file_exists)
        for (const auto& f : m.files)
          if (!file_exists(f)) ++broken;
      if (broken > 0 && !detailed)
        add(e, "broken_links", std::min(2.0, 1 + 0.25 * static_cast<double>(broken - 1)), nullptr, nullptr);
    }
    if (detailed) {
      auto links = nlohmann::json::array();
      auto files = nlohmann::json::array();
      std::string summary;
      for (size_t k = 0; k < m.links.size(); ++k) {
        const std::string& target = m.links[k];
        const size_t to = base.links[i][k];
        std::string state;
        if (to == StaleBase::no_article)
          state = "missing";
        else if (articles[to].meta.status == "archived")
          state = "archived";
        else if (articles[to].meta.status != "published")
          state = "unpublished";
        if (state.empty()) continue;
        links.push_back({{"slug", target}, {"state", state}});
        summary += (summary.empty() ? "" : ", ") + target + " (" + state + ")";
      }
      if (o.file_exists)
        for (const auto& f : m.files)
          if (!file_exists(f)) {
            files.push_back(f);
            summary += (summary.empty() ? "" : ", ") + f + " (file missing)";
          }
      const size_t n = links.size() + files.size();
      if (n > 0)
        add(
            e, "broken_links", std::min(2.0, 1 + 0.25 * static_cast<double>(n - 1)),
            [&]() -> std::string { return "broken links: " + summary; },
            [&]() -> nlohmann::json {
              return {{"links", links}, {"files", files}};
            });
    }

    // losing_to_gap
    if (auto it = gaps.find(i); it != gaps.end() && it->second.events >= o.min_gap_events && !detailed) {
      add(e, "losing_to_gap", 1 + std::min(1.0, static_cast<double>(it->second.events) / 10), nullptr,
          nullptr);
    } else if (it != gaps.end() && it->second.events >= o.min_gap_events) {
      const GapEvidence& g = it->second;
      std::map<std::string, size_t> shared;
      std::vector<std::pair<std::int64_t, std::string>> texts;
      gap_words_and_texts(a, events.gaps, g, shared, texts);
      std::vector<std::pair<std::string, size_t>> words(shared.begin(), shared.end());
      std::stable_sort(words.begin(), words.end(),
                       [](const auto& x, const auto& y) { return x.second > y.second; });
      std::vector<std::string> terms;
      for (size_t k = 0; k < words.size() && k < 5; ++k) terms.push_back(words[k].first);
      const auto examples = recent_examples(std::move(texts), 3);
      std::string summary = std::to_string(g.events) + " searches or tickets near its topic found nothing";
      if (!terms.empty()) {
        std::string joined;
        for (const auto& t : terms) joined += (joined.empty() ? "" : ", ") + t;
        summary += " (" + joined + ")";
      }
      if (!examples.empty()) {
        std::vector<std::string> short_examples;  // the evidence keeps them whole
        for (const auto& x : examples) short_examples.push_back(text::truncate_words(x, 80));
        summary += ", e.g. " + quoted_list(short_examples);
      }
      add(
          e, "losing_to_gap", 1 + std::min(1.0, static_cast<double>(g.events) / 10),
          [&]() -> std::string { return summary; },
          [&]() -> nlohmann::json {
            return {{"events", g.events},
                    {"zero_result_searches", g.zero_result},
                    {"no_confident_suggestions", g.tickets},
                    {"terms", terms},
                    {"examples", examples}};
          });
    }

    // duplicate_suspect
    if (auto it = duplicates.find(i); it != duplicates.end() && !detailed) {
      add(e, "duplicate_suspect", 0.5, nullptr, nullptr);
    } else if (it != duplicates.end()) {
      auto list = nlohmann::json::array();
      std::string summary;
      for (const auto& d : it->second) {
        const auto& other = articles[d.other].meta;
        list.push_back({{"slug", other.slug},
                        {"title", other.title},
                        {"similarity", round2(d.similarity)},
                        {"title_similarity", round2(d.title)},
                        {"text_similarity", round2(d.text)}});
        summary += (summary.empty() ? "" : "; ") + other.slug + " \"" + other.title + "\" (similarity " +
                   format_number(round2(d.similarity)) + ")";
      }
      add(
          e, "duplicate_suspect", 0.5, [&]() -> std::string { return "nearly the same as " + summary; },
          [&]() -> nlohmann::json {
            return {{"articles", list}};
          });
    }

    // unused: judged only when the log covers the window and the article was live all along
    const bool live_all_window = !m.publish_at || *m.publish_at <= window_start.iso();
    if (unused_checked && live_all_window && e.usage.views == 0 && e.usage.search_hits == 0 &&
        e.usage.suggested == 0 && e.usage.resolved == 0) {
      add(
          e, "unused", 0.5,
          [&]() -> std::string {
            return "unused: no view, search hit, suggestion or resolution in " +
                   std::to_string(o.usage_days) + " days (since " + window_start.iso() + ")";
          },
          [&]() -> nlohmann::json {
            return {{"days", o.usage_days}, {"since", window_start.iso()}};
          });
    }

    // The weights add up in code order (the same sum either way).
    if (assessed) {
      for (size_t c = 0; c < reason_order.size(); ++c)
        if (assessed->codes & (1U << c)) e.staleness += assessed->weight[c];
    } else {
      std::stable_sort(e.reasons.begin(), e.reasons.end(), [](const Reason& x, const Reason& y) {
        return reason_rank(x.code) < reason_rank(y.code);
      });
      for (const auto& r : e.reasons) e.staleness += r.weight;
    }
    e.staleness = round2(e.staleness);
    e.impact = round2((1 + e.reliance) * e.staleness);
    return e;
  };

  struct Ranked {
    size_t article;
    double impact, staleness;
    std::uint16_t codes;
  };
  std::vector<Ranked> listed;
  for (size_t i : base.live) {
    const StoredArticle& m = articles[i].meta;
    if (o.owner && !equal_ci(m.owner, *o.owner)) continue;
    if (o.category && !equal_ci(m.category, *o.category)) continue;
    ++report.articles_checked;
    Assessed assessed;
    const StaleEntry e = evaluate(i, &assessed);
    if (!assessed.codes) continue;
    if (!o.include_hidden) {
      const auto st = events.states.find(m.slug);
      if (st != events.states.end() && st->second.hidden_on(o.as_of)) {
        ++report.hidden;
        continue;
      }
    }
    listed.push_back(Ranked{i, e.impact, e.staleness, assessed.codes});
  }
  std::sort(listed.begin(), listed.end(), [&](const Ranked& x, const Ranked& y) {
    if (x.impact != y.impact) return x.impact > y.impact;
    if (x.staleness != y.staleness) return x.staleness > y.staleness;
    return articles[x.article].meta.slug < articles[y.article].meta.slug;
  });
  report.listed = listed.size();
  report.limit = o.limit;
  const size_t shown = o.limit == 0 ? listed.size() : std::min(o.limit, listed.size());
  std::unordered_map<std::string_view, size_t> owner_index;
  std::vector<std::array<size_t, reason_order.size()>> owner_codes;
  for (size_t k = 0; k < listed.size(); ++k) {
    const std::string& owner = articles[listed[k].article].meta.owner;
    auto [it, inserted] = owner_index.emplace(owner, report.owners.size());
    if (inserted) {
      report.owners.push_back(OwnerQueue{owner, {}, {}, 0});
      owner_codes.emplace_back();
    }
    OwnerQueue& q = report.owners[it->second];
    ++q.count;
    for (size_t c = 0; c < reason_order.size(); ++c)
      if (listed[k].codes & (1U << c)) ++owner_codes[it->second][c];
    if (k < shown) q.entries.push_back(k);
  }
  for (size_t q = 0; q < report.owners.size(); ++q)
    for (size_t c = 0; c < reason_order.size(); ++c)
      if (owner_codes[q][c])
        report.owners[q].reasons.emplace_back(std::string(reason_order[c]), owner_codes[q][c]);
  report.articles.reserve(shown);
  for (size_t k = 0; k < shown; ++k) {
    StaleEntry e = evaluate(listed[k].article, nullptr);
    e.rank = k + 1;
    if (const auto st = events.states.find(e.slug); st != events.states.end()) {
      e.state = st->second;
      e.hidden = e.state.hidden_on(o.as_of);
    }
    report.articles.push_back(std::move(e));
  }
  return report;
}

nlohmann::json to_json(const StaleEntry& e) {
  auto reasons = nlohmann::json::array();
  for (const auto& r : e.reasons)
    reasons.push_back(
        {{"code", r.code}, {"weight", round2(r.weight)}, {"summary", r.summary}, {"evidence", r.evidence}});
  nlohmann::json j{{"rank", e.rank},
                   {"slug", e.slug},
                   {"title", e.title},
                   {"owner", e.owner},
                   {"category", e.category},
                   {"lang", e.lang},
                   {"audience", e.audience},
                   {"impact", e.impact},
                   {"staleness", e.staleness},
                   {"reliance", e.reliance},
                   {"usage",
                    {{"views", e.usage.views},
                     {"search_hits", e.usage.search_hits},
                     {"suggested", e.usage.suggested},
                     {"resolved", e.usage.resolved}}},
                   {"reasons", reasons},
                   {"state", to_json(e.state, e.hidden)}};
  j["reviewed"] = e.reviewed ? nlohmann::json(*e.reviewed) : nlohmann::json();
  j["review_due"] = e.review_due ? nlohmann::json(*e.review_due) : nlohmann::json();
  j["valid_to"] = e.valid_to ? nlohmann::json(*e.valid_to) : nlohmann::json();
  return j;
}

nlohmann::json to_json(const StaleReport& r) {
  auto articles = nlohmann::json::array();
  for (const auto& e : r.articles) articles.push_back(to_json(e));
  auto owners = nlohmann::json::array();
  for (const auto& q : r.owners) {
    auto slugs = nlohmann::json::array();
    for (size_t k : q.entries) slugs.push_back(r.articles[k].slug);
    auto reasons = nlohmann::json::object();
    for (const auto& [code, n] : q.reasons) reasons[code] = n;
    owners.push_back({{"owner", q.owner}, {"count", q.count}, {"reasons", reasons}, {"slugs", slugs}});
  }
  return {{"as_of", r.as_of},
          {"usage_days", r.usage_days},
          {"articles_checked", r.articles_checked},
          {"count", r.listed},
          {"hidden", r.hidden},
          {"limit", r.limit ? nlohmann::json(r.limit) : nlohmann::json()},
          {"returned", r.articles.size()},
          {"unused_checked", r.unused_checked},
          {"usage_since", r.usage_since ? nlohmann::json(*r.usage_since) : nlohmann::json()},
          {"files_checked", r.files_checked},
          {"owners", owners},
          {"articles", articles}};
}

namespace {

/// Appends JSON text as nlohmann::json::dump(-1, ' ', false, replace) writes it, without building the
/// document first: a report of every article (tens of thousands of rows) renders in a fraction of the
/// time. Keys are written in the order nlohmann::json keeps them (sorted), so the text is the same.
class JsonText {
 public:
  explicit JsonText(std::string& out) : out_(out) {}
  void text(std::string_view s) {
    bool plain = true;
    for (char c : s) {
      const auto u = static_cast<unsigned char>(c);
      if (u < 0x20 || u >= 0x80 || c == '"' || c == '\\') {
        plain = false;
        break;
      }
    }
    if (plain) {
      out_ += '"';
      out_.append(s);
      out_ += '"';
    } else {
      out_ += nlohmann::json(std::string(s)).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    }
  }
  void maybe_text(const std::optional<std::string>& s) {
    if (s)
      text(*s);
    else
      out_ += "null";
  }
  void number(std::int64_t v) { out_ += std::to_string(v); }
  void number(size_t v) { out_ += std::to_string(v); }
  void number(int v) { out_ += std::to_string(v); }
  void real(double v) { out_ += nlohmann::json(v).dump(); }
  void boolean(bool v) { out_ += v ? "true" : "false"; }
  void json(const nlohmann::json& j) {
    out_ += j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  }
  /// "key": (with a comma before it unless @p first)
  void key(const char* k, bool first = false) {
    if (!first) out_ += ',';
    out_ += '"';
    out_ += k;
    out_ += "\":";
  }
  void raw(const char* s) { out_ += s; }
  void raw(char c) { out_ += c; }

 private:
  std::string& out_;
};

void write_entry(JsonText& w, const StaleEntry& e) {
  w.raw('{');
  w.key("audience", true);
  w.text(e.audience);
  w.key("category");
  w.text(e.category);
  w.key("impact");
  w.real(e.impact);
  w.key("lang");
  w.text(e.lang);
  w.key("owner");
  w.text(e.owner);
  w.key("rank");
  w.number(e.rank);
  w.key("reasons");
  w.raw('[');
  for (size_t k = 0; k < e.reasons.size(); ++k) {
    const Reason& r = e.reasons[k];
    if (k) w.raw(',');
    w.raw('{');
    w.key("code", true);
    w.text(r.code);
    w.key("evidence");
    w.json(r.evidence);
    w.key("summary");
    w.text(r.summary);
    w.key("weight");
    w.real(round2(r.weight));
    w.raw('}');
  }
  w.raw(']');
  w.key("reliance");
  w.real(e.reliance);
  w.key("review_due");
  w.maybe_text(e.review_due);
  w.key("reviewed");
  w.maybe_text(e.reviewed);
  w.key("slug");
  w.text(e.slug);
  w.key("staleness");
  w.real(e.staleness);
  w.key("state");
  w.json(to_json(e.state, e.hidden));
  w.key("title");
  w.text(e.title);
  w.key("usage");
  w.raw('{');
  w.key("resolved", true);
  w.number(e.usage.resolved);
  w.key("search_hits");
  w.number(e.usage.search_hits);
  w.key("suggested");
  w.number(e.usage.suggested);
  w.key("views");
  w.number(e.usage.views);
  w.raw('}');
  w.key("valid_to");
  w.maybe_text(e.valid_to);
  w.raw('}');
}

}  // namespace

std::string to_json_text(const StaleReport& r) {
  std::string out;
  out.reserve(1024 + r.articles.size() * 900);
  JsonText w(out);
  w.raw('{');
  w.key("articles", true);
  w.raw('[');
  for (size_t k = 0; k < r.articles.size(); ++k) {
    if (k) w.raw(',');
    write_entry(w, r.articles[k]);
  }
  w.raw(']');
  w.key("articles_checked");
  w.number(r.articles_checked);
  w.key("as_of");
  w.text(r.as_of);
  w.key("count");
  w.number(r.listed);
  w.key("files_checked");
  w.boolean(r.files_checked);
  w.key("hidden");
  w.number(r.hidden);
  w.key("limit");
  if (r.limit)
    w.number(r.limit);
  else
    w.raw("null");
  w.key("owners");
  w.raw('[');
  for (size_t k = 0; k < r.owners.size(); ++k) {
    const OwnerQueue& q = r.owners[k];
    if (k) w.raw(',');
    w.raw('{');
    w.key("count", true);
    w.number(q.count);
    w.key("owner");
    w.text(q.owner);
    w.key("reasons");
    std::vector<std::pair<std::string, size_t>> reasons = q.reasons;  // keys in nlohmann's order
    std::sort(reasons.begin(), reasons.end());
    w.raw('{');
    for (size_t c = 0; c < reasons.size(); ++c) {
      if (c) w.raw(',');
      w.text(reasons[c].first);
      w.raw(':');
      w.number(reasons[c].second);
    }
    w.raw('}');
    w.key("slugs");
    w.raw('[');
    for (size_t e = 0; e < q.entries.size(); ++e) {
      if (e) w.raw(',');
      w.text(r.articles[q.entries[e]].slug);
    }
    w.raw(']');
    w.raw('}');
  }
  w.raw(']');
  w.key("returned");
  w.number(r.articles.size());
  w.key("unused_checked");
  w.boolean(r.unused_checked);
  w.key("usage_days");
  w.number(r.usage_days);
  w.key("usage_since");
  w.maybe_text(r.usage_since);
  w.raw('}');
  return out;
}

std::string to_csv(const StaleReport& r) {
  std::string out =
      "rank,owner,slug,title,category,lang,impact,staleness,reliance,views,search_hits,suggested,resolved,"
      "reasons,evidence\r\n";
  for (const auto& e : r.articles) {
    std::string codes, evidence;
    for (const auto& reason : e.reasons) {
      codes += (codes.empty() ? "" : " ") + reason.code;
      evidence += (evidence.empty() ? "" : "; ") + reason.summary;
    }
    const std::vector<std::string> fields{std::to_string(e.rank),
                                          e.owner,
                                          e.slug,
                                          e.title,
                                          e.category,
                                          e.lang,
                                          format_number(e.impact),
                                          format_number(e.staleness),
                                          format_number(e.reliance),
                                          std::to_string(e.usage.views),
                                          std::to_string(e.usage.search_hits),
                                          std::to_string(e.usage.suggested),
                                          std::to_string(e.usage.resolved),
                                          codes,
                                          evidence};
    for (size_t k = 0; k < fields.size(); ++k) out += (k ? "," : "") + csv_field(fields[k]);
    out += "\r\n";
  }
  return out;
}

std::string to_text(const StaleReport& r) {
  std::ostringstream out;
  if (r.listed == 0) {
    out << "No article needs attention as of " << r.as_of << " ("
        << plural(static_cast<std::int64_t>(r.articles_checked), "published article", "published articles")
        << " checked).\n";
  } else {
    out << "Stale report as of " << r.as_of << ": " << r.listed << " of "
        << plural(static_cast<std::int64_t>(r.articles_checked), "published article", "published articles")
        << " need attention, most impact first (usage over the last " << r.usage_days << " days).\n";
  }
  if (!r.unused_checked)
    out << "Note: 'unused' not judged: the usage log "
        << (r.usage_since ? "starts " + *r.usage_since : std::string("is empty")) << ", it needs "
        << r.usage_days << " days of history.\n";
  if (!r.files_checked) out << "Note: local files not checked (no articles folder).\n";
  if (r.hidden)
    out << "Left out: " << plural(static_cast<std::int64_t>(r.hidden), "article", "articles")
        << " snoozed or dismissed by the leads.\n";
  if (r.articles.size() < r.listed)
    out << "Showing the first " << r.articles.size() << " (limit); the counts are over all " << r.listed
        << ".\n";
  for (const auto& q : r.owners) {
    out << "\n"
        << (q.owner.empty() ? "(no owner)" : q.owner) << ": "
        << plural(static_cast<std::int64_t>(q.count), "article", "articles") << " (";
    for (size_t k = 0; k < q.reasons.size(); ++k)
      out << (k ? ", " : "") << q.reasons[k].first << " " << q.reasons[k].second;
    out << ")\n";
    for (size_t k : q.entries) {
      const StaleEntry& e = r.articles[k];
      out << "  " << e.rank << ". " << e.title << "  [" << e.slug << "]\n"
          << "     impact " << format_number(e.impact) << " = (1 + reliance " << format_number(e.reliance)
          << ": " << e.usage.views << " views, " << e.usage.suggested << " suggested, " << e.usage.resolved
          << " resolved) x staleness " << format_number(e.staleness) << "\n";
      if (!e.state.assigned_to.empty()) out << "     assigned to " << e.state.assigned_to << "\n";
      if (e.hidden) out << "     (snoozed or dismissed)\n";
      for (const auto& reason : e.reasons)
        out << "     - " << reason.summary << "  [" << reason.code << "]\n";
    }
    if (q.entries.size() < q.count)
      out << "  … and " << q.count - q.entries.size() << " more beyond the limit\n";
  }
  return out.str();
}

// ------------------------------------------------------------------------------------------------
// The gap inbox

namespace {

struct Cluster {
  std::vector<size_t> members;                  // indexes into the events
  std::map<std::string, size_t> stem_count;     // stem → members using it
  std::map<std::string, double> stem_position;  // stem → sum of its positions in the members' terms
  /// Distinct wordings (term sets) in the cluster, and how many of them use each stem: a wording
  /// repeated a hundred times is still one way of asking.
  size_t wordings = 0;
  std::map<std::string, size_t> stem_wordings;
  std::vector<std::string> core;  // stems more than half the wordings use (all, for one)
  double core_weight = 0;
};

/// An event is compared with the clusters sharing one of its this many most telling stems…
constexpr size_t candidate_stems = 3;
/// …at most this many of them per stem, the newest: bounds the cost of a large inbox.
constexpr size_t candidates_per_stem = 64;

std::string draft_body(const GapCluster& c, const std::string& since, const std::string& until) {
  const bool id = c.lang != "en";
  const std::array<std::pair<const char*, const char*>, 4> kind_words{{
      {"pencarian tanpa hasil", "searches with no result"},
      {"pencarian tanpa klik", "searches with no click"},
      {"tiket tanpa saran yang yakin", "tickets with no confident suggestion"},
      {"suara tidak membantu", "not-helpful votes"},
  }};
  std::string kinds;
  for (size_t k = 0; k < c.kinds.size(); ++k)
    if (c.kinds[k])
      kinds += (kinds.empty() ? "" : ", ") + std::to_string(c.kinds[k]) + " " +
               (id ? kind_words[k].first : kind_words[k].second);
  std::string body;
  if (id)
    body = "Pelanggan dan agen mencari topik ini " + std::to_string(c.count) + " kali antara " + since +
           " dan " + until + " tanpa menemukan jawaban (" + kinds + ").\n\nKata-kata mereka:\n";
  else
    body = "Customers and agents looked for this " + std::to_string(c.count) + " times between " + since +
           " and " + until + " without finding an answer (" + kinds + ").\n\nIn their words:\n";
  for (const auto& e : c.examples) body += "- " + e + "\n";
  std::string terms;
  for (const auto& t : c.terms) terms += (terms.empty() ? "" : ", ") + t;
  if (!terms.empty()) body += std::string("\n") + (id ? "Kata kunci: " : "Terms: ") + terms + "\n";
  if (c.nearest)
    body += std::string(id ? "Artikel terdekat: " : "Nearest article: ") + c.nearest->slug + " (" +
            c.nearest->title + ")\n";
  return body;
}

}  // namespace

GapReport gap_report(const std::vector<ArticleFacts>& articles, std::vector<GapEvent> events,
                     const GapOptions& o) {
  std::erase_if(events,
                [&](const GapEvent& e) { return e.at < o.since || e.at >= o.until || e.stems.empty(); });
  std::stable_sort(events.begin(), events.end(), [](const GapEvent& a, const GapEvent& b) {
    if (a.at != b.at) return a.at < b.at;
    if (a.kind != b.kind) return a.kind < b.kind;
    return a.text < b.text;
  });
  const double docs = static_cast<double>(std::max<size_t>(o.article_count, 1));
  std::unordered_map<std::string, double> idf_cache;
  auto idf = [&](const std::string& stem) {
    auto [it, inserted] = idf_cache.emplace(stem, 0.0);
    if (inserted) {
      const auto df = o.stem_articles.find(stem);
      const double n = df == o.stem_articles.end() ? 0.0 : static_cast<double>(df->second);
      it->second = std::log(1 + docs / (1 + n));
    }
    return it->second;
  };
  auto stems_of = [&](const GapEvent& e) {
    return std::vector<std::string>(
        e.stems.begin(), e.stems.begin() + static_cast<long>(std::min(e.stems.size(), max_event_stems)));
  };
  auto core_of = [](const Cluster& c) {
    std::vector<std::string> core;
    for (const auto& [stem, n] : c.stem_wordings)
      if (c.wordings == 1 || 2 * n > c.wordings) core.push_back(stem);
    return core;
  };

  // Events with the same terms (a repeated query, the same ticket words) go together: one decision
  // per distinct term set, in the order each set was first seen.
  std::vector<std::vector<size_t>> groups;
  {
    std::unordered_map<std::string, size_t> group_of;
    for (size_t i = 0; i < events.size(); ++i) {
      std::string key;
      for (const auto& st : stems_of(events[i])) key += st + '\n';
      auto [it, inserted] = group_of.try_emplace(std::move(key), groups.size());
      if (inserted) groups.emplace_back();
      groups[it->second].push_back(i);
    }
  }
  std::vector<Cluster> clusters;
  std::unordered_map<std::string, std::vector<size_t>> by_stem;  // stem → clusters using it, oldest first
  for (const auto& group : groups) {
    const auto stems = stems_of(events[group.front()]);
    double weight = 0;
    for (const auto& st : stems) weight += idf(st);
    std::vector<std::string> telling = stems;
    std::stable_sort(telling.begin(), telling.end(),
                     [&](const std::string& x, const std::string& y) { return idf(x) > idf(y); });
    if (telling.size() > candidate_stems) telling.resize(candidate_stems);
    std::set<size_t> candidates;
    for (const auto& st : telling)
      if (auto it = by_stem.find(st); it != by_stem.end()) {
        const auto& list = it->second;
        candidates.insert(list.size() > candidates_per_stem ? list.end() - candidates_per_stem : list.begin(),
                          list.end());
      }
    size_t best = clusters.size();
    double best_sim = 0;
    for (size_t c : candidates) {
      double shared = 0;
      for (const auto& st : clusters[c].core)
        if (std::find(stems.begin(), stems.end(), st) != stems.end()) shared += idf(st);
      const double denominator = std::min(weight, clusters[c].core_weight);
      const double sim = denominator > 0 ? shared / denominator : 0;
      if (sim > best_sim + 1e-12) {
        best_sim = sim;
        best = c;
      }
    }
    if (best == clusters.size() || best_sim + 1e-12 < o.join_threshold) {
      best = clusters.size();
      clusters.emplace_back();
    }
    Cluster& c = clusters[best];
    c.members.insert(c.members.end(), group.begin(), group.end());
    ++c.wordings;
    for (size_t k = 0; k < stems.size(); ++k) {
      const auto& st = stems[k];
      auto& n = c.stem_count[st];
      if (n == 0) by_stem[st].push_back(best);
      n += group.size();
      c.stem_position[st] += static_cast<double>(k * group.size());
      ++c.stem_wordings[st];
    }
    c.core = core_of(c);
    c.core_weight = 0;
    for (const auto& st : c.core) c.core_weight += idf(st);
  }

  // Live articles by key stem, for the nearest article by terms.
  std::unordered_map<std::string, const ArticleFacts*> by_slug;
  std::unordered_map<std::string, std::vector<const ArticleFacts*>> by_key;
  for (const auto& a : articles) {
    if (a.meta.status != "published") continue;
    by_slug.emplace(a.meta.slug, &a);
    for (const auto& s : a.key_stems) by_key[s].push_back(&a);
  }

  GapReport report;
  report.since = o.since;
  report.until = o.until;
  report.events = events.size();
  for (const auto& c : clusters) {
    GapCluster g;
    g.count = c.members.size();
    g.first_seen = events[c.members.front()].at;
    g.last_seen = events[c.members.back()].at;
    // The word written most often for each stem.
    std::map<std::string, std::map<std::string, size_t>> written;
    std::map<std::string, size_t> langs;
    std::map<std::string, std::pair<size_t, std::int64_t>> wordings;  // lowercased text → (count, last)
    std::map<std::string, std::string> wording_text;
    for (size_t i : c.members) {
      const GapEvent& e = events[i];
      g.kinds[static_cast<size_t>(e.kind)]++;
      g.first_seen = std::min(g.first_seen, e.at);
      g.last_seen = std::max(g.last_seen, e.at);
      if (!e.lang.empty()) ++langs[e.lang];
      for (size_t k = 0; k < e.stems.size() && k < max_event_stems; ++k)
        ++written[e.stems[k]]
                 [k < e.words.size() && !e.words[k].empty() ? text::to_lower(e.words[k]) : e.stems[k]];
      const std::string key = text::collapse_whitespace(text::to_lower(e.text));
      if (key.empty()) continue;
      auto& w = wordings[key];
      ++w.first;
      if (e.at >= w.second) {
        w.second = e.at;
        wording_text[key] = text::collapse_whitespace(e.text);
      }
    }
    auto display = [&](const std::string& stem) {
      const auto& forms = written[stem];
      std::string best = stem;
      size_t best_n = 0;
      for (const auto& [w, n] : forms)
        if (n > best_n) {
          best = w;
          best_n = n;
        }
      return best;
    };
    // Most used first; among equals, the rare and early ones (a ticket's terms come most telling
    // first, its words no article uses last: rare, but often names and places).
    auto telling = [&](const std::pair<std::string, size_t>& t) {
      return idf(t.first) / (1 + c.stem_position.at(t.first) / static_cast<double>(t.second));
    };
    std::vector<std::pair<std::string, size_t>> ranked(c.stem_count.begin(), c.stem_count.end());
    std::sort(ranked.begin(), ranked.end(), [&](const auto& x, const auto& y) {
      if (x.second != y.second) return x.second > y.second;
      if (telling(x) != telling(y)) return telling(x) > telling(y);
      return x.first < y.first;
    });
    const auto core = core_of(c);
    std::string label;
    size_t in_label = 0;
    for (const auto& [stem, n] : ranked) {
      if (in_label >= 3) break;
      if (std::find(core.begin(), core.end(), stem) == core.end()) continue;
      label += (label.empty() ? "" : " ") + display(stem);
      ++in_label;
    }
    for (const auto& [stem, n] : ranked) {
      if (g.terms.size() >= 6) break;
      if (c.members.size() > 1 && n < 2) continue;
      g.terms.push_back(display(stem));
    }
    g.label = label;
    std::vector<std::pair<std::string, std::pair<size_t, std::int64_t>>> w(wordings.begin(), wordings.end());
    std::sort(w.begin(), w.end(), [](const auto& x, const auto& y) {
      if (x.second.first != y.second.first) return x.second.first > y.second.first;
      if (x.second.second != y.second.second) return x.second.second > y.second.second;
      return x.first < y.first;
    });
    for (size_t k = 0; k < w.size() && g.examples.size() < o.examples; ++k)
      g.examples.push_back(text::truncate_words(wording_text[w[k].first], max_example_bytes));
    g.lang = "id";
    size_t lang_n = 0;
    for (const auto& [l, n] : langs)
      if (n > lang_n) {
        g.lang = l;
        lang_n = n;
      }

    // Nearest article: what the suggester came closest with, or what was voted not helpful; else the
    // article whose title and tags cover the most of the cluster's core.
    std::map<std::string, std::pair<double, bool>> votes;  // slug → (score, from feedback only)
    for (size_t i : c.members) {
      const GapEvent& e = events[i];
      if (e.slug.empty() || !by_slug.count(e.slug)) continue;
      if (e.kind == GapEvent::Kind::not_helpful) {
        auto& v = votes.try_emplace(e.slug, 0.0, true).first->second;
        v.first += 1;
      } else if (e.confidence >= o.min_near_confidence) {
        auto& v = votes.try_emplace(e.slug, 0.0, false).first->second;
        v.first += e.confidence;
        v.second = false;
      }
    }
    if (!votes.empty()) {
      auto best = votes.begin();
      for (auto it = votes.begin(); it != votes.end(); ++it)
        if (it->second.first > best->second.first + 1e-12) best = it;
      const ArticleFacts* a = by_slug.at(best->first);
      g.nearest = NearestArticle{a->meta.slug, a->meta.title, best->second.second ? "feedback" : "suggester",
                                 round2(best->second.first)};
    } else {
      double core_weight = 0;
      std::map<std::string, double> shared;  // slug → weight of core stems it covers
      std::map<std::string, const ArticleFacts*> found;
      for (const auto& s : core) {
        core_weight += idf(s);
        if (auto it = by_key.find(s); it != by_key.end() && it->second.size() <= max_stem_articles)
          for (const ArticleFacts* a : it->second) {
            shared[a->meta.slug] += idf(s);
            found[a->meta.slug] = a;
          }
      }
      const ArticleFacts* best = nullptr;
      double best_score = 0;
      for (const auto& [slug, weight] : shared) {
        const double score = core_weight > 0 ? weight / core_weight : 0;
        if (score >= 0.5 && score > best_score + 1e-12) {
          best_score = score;
          best = found[slug];
        }
      }
      if (best) g.nearest = NearestArticle{best->meta.slug, best->meta.title, "terms", round2(best_score)};
    }

    g.id = gap_id(core);
    std::string subject = g.examples.empty() ? g.label : g.examples.front();
    subject = text::truncate_words(subject, 120);
    g.draft = {{"subject", subject},
               {"body", draft_body(g, day_of(g.first_seen).iso(), day_of(g.last_seen).iso())}};
    report.clusters.push_back(std::move(g));
  }
  std::sort(report.clusters.begin(), report.clusters.end(), [](const GapCluster& x, const GapCluster& y) {
    if (x.count != y.count) return x.count > y.count;
    if (x.last_seen != y.last_seen) return x.last_seen > y.last_seen;
    return x.label < y.label;
  });
  return report;
}

nlohmann::json to_json(const GapReport& r) {
  auto clusters = nlohmann::json::array();
  for (const auto& c : r.clusters) {
    auto kinds = nlohmann::json::object();
    for (size_t k = 0; k < all_gap_kinds.size(); ++k)
      kinds[std::string(to_string(all_gap_kinds[k]))] = c.kinds[k];
    nlohmann::json nearest;
    if (c.nearest)
      nearest = {{"slug", c.nearest->slug},
                 {"title", c.nearest->title},
                 {"via", c.nearest->via},
                 {"score", c.nearest->score}};
    clusters.push_back({{"id", c.id},
                        {"state", to_json(c.state, c.hidden)},
                        {"label", c.label},
                        {"terms", c.terms},
                        {"count", c.count},
                        {"kinds", kinds},
                        {"first_seen", iso_time(c.first_seen)},
                        {"last_seen", iso_time(c.last_seen)},
                        {"first_day", day_of(c.first_seen).iso()},  // days of the team's zone
                        {"last_day", day_of(c.last_seen).iso()},
                        {"examples", c.examples},
                        {"lang", c.lang},
                        {"nearest", nearest},
                        {"draft", c.draft}});
  }
  return {{"since", day_of(r.since).iso()},
          {"until", day_of(r.until - 1).iso()},
          {"time_zone", team_zone().name()},
          {"events", r.events},
          {"count", r.clusters.size()},
          {"hidden", r.hidden},
          {"clusters", clusters}};
}

std::string gap_id(const std::vector<std::string>& core) {
  std::string key;
  for (const auto& stem : core) key += stem + '\n';
  return "g" + sha256_hex(key).substr(0, 16);
}

void apply_gap_states(GapReport& report, const std::unordered_map<std::string, ItemState>& states,
                      const Date& day, bool include_hidden) {
  for (auto& c : report.clusters)
    if (const auto it = states.find(c.id); it != states.end()) {
      c.state = it->second;
      c.hidden = c.state.hidden_on(day);
    }
  if (include_hidden) return;
  const auto before = report.clusters.size();
  std::erase_if(report.clusters, [](const GapCluster& c) { return c.hidden; });
  report.hidden += before - report.clusters.size();
}

nlohmann::json to_json(const ItemState& state, bool hidden) {
  nlohmann::json last;
  if (state.last)
    last = {{"action", state.last->action},
            {"by", state.last->by},
            {"at", iso_time(state.last->at)},
            {"note", state.last->note}};
  return {
      {"assigned_to", state.assigned_to.empty() ? nlohmann::json() : nlohmann::json(state.assigned_to)},
      {"snoozed_until", state.snoozed_until ? nlohmann::json(state.snoozed_until->iso()) : nlohmann::json()},
      {"dismissed", state.dismissed},
      {"hidden", hidden},
      {"last", last}};
}

std::string to_csv(const GapReport& r) {
  std::string out =
      "label,count,zero_result,no_click,no_confident_suggestion,not_helpful,first_seen,last_seen,terms,"
      "example_1,example_2,example_3,nearest_slug,nearest_title\r\n";
  for (const auto& c : r.clusters) {
    std::string terms;
    for (const auto& t : c.terms) terms += (terms.empty() ? "" : " ") + t;
    std::vector<std::string> fields{c.label, std::to_string(c.count)};
    for (size_t k : c.kinds) fields.push_back(std::to_string(k));
    fields.push_back(iso_time(c.first_seen));
    fields.push_back(iso_time(c.last_seen));
    fields.push_back(terms);
    for (size_t k = 0; k < 3; ++k) fields.push_back(k < c.examples.size() ? c.examples[k] : "");
    fields.push_back(c.nearest ? c.nearest->slug : "");
    fields.push_back(c.nearest ? c.nearest->title : "");
    for (size_t k = 0; k < fields.size(); ++k) out += (k ? "," : "") + csv_field(fields[k]);
    out += "\r\n";
  }
  return out;
}

}  // namespace solusi::service
