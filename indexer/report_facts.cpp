#include "report_facts.hpp"

#include <algorithm>

#include "text.hpp"

namespace solusi {
namespace {

/// First byte of an encoded value: bumped when the layout changes (an old value is then not read,
/// and the reader computes the facts from the document instead).
constexpr unsigned char format_version = 1;

/// 64-bit mixing (splitmix64's finalizer): word-pair hashes spread evenly for the bottom-k sketch.
std::uint64_t mix(std::uint64_t x) {
  x ^= x >> 30;
  x *= 0xbf58476d1ce4e5b9ULL;
  x ^= x >> 27;
  x *= 0x94d049bb133111ebULL;
  x ^= x >> 31;
  return x;
}

/// Hashes of the text's consecutive word pairs: words are runs of ASCII letters and digits and of
/// non-ASCII bytes, ASCII lowercased. Cheap enough for every article of a large knowledge base.
std::vector<std::uint64_t> word_pair_hashes(std::string_view text) {
  std::vector<std::uint64_t> out;
  std::uint64_t previous = 0;
  bool have_previous = false;
  size_t i = 0;
  const size_t n = text.size();
  auto word_byte = [](unsigned char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c >= 0x80;
  };
  while (i < n) {
    while (i < n && !word_byte(static_cast<unsigned char>(text[i]))) ++i;
    if (i >= n) break;
    std::uint64_t h = 14695981039346656037ULL;
    while (i < n && word_byte(static_cast<unsigned char>(text[i]))) {
      auto c = static_cast<unsigned char>(text[i++]);
      if (c >= 'A' && c <= 'Z') c = static_cast<unsigned char>(c - 'A' + 'a');
      h = (h ^ c) * 1099511628211ULL;
    }
    if (have_previous) out.push_back(mix(previous * 0x9E3779B97F4A7C15ULL ^ h));
    previous = h;
    have_previous = true;
  }
  return out;
}

// Encoding: unsigned LEB128 numbers, strings as length + bytes, lists as count + items, optional
// strings as a presence byte + string, sketch values as 8 little-endian bytes.
class Writer {
 public:
  void number(std::uint64_t v) {
    while (v >= 0x80) {
      out_ += static_cast<char>((v & 0x7f) | 0x80);
      v >>= 7;
    }
    out_ += static_cast<char>(v);
  }
  void text(std::string_view s) {
    number(s.size());
    out_.append(s);
  }
  void list(const std::vector<std::string>& v) {
    number(v.size());
    for (const auto& s : v) text(s);
  }
  void optional(const std::optional<std::string>& s) {
    out_ += static_cast<char>(s ? 1 : 0);
    if (s) text(*s);
  }
  void fixed(std::uint64_t v) {
    for (int k = 0; k < 8; ++k) out_ += static_cast<char>((v >> (8 * k)) & 0xff);
  }
  void byte(unsigned char c) { out_ += static_cast<char>(c); }
  std::string take() { return std::move(out_); }

 private:
  std::string out_;
};

class Reader {
 public:
  explicit Reader(std::string_view in) : in_(in) {}
  bool number(std::uint64_t& v) {
    v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (pos_ >= in_.size()) return false;
      const auto c = static_cast<unsigned char>(in_[pos_++]);
      v |= static_cast<std::uint64_t>(c & 0x7f) << shift;
      if (!(c & 0x80)) return true;
    }
    return false;
  }
  bool text(std::string& s) {
    std::uint64_t n;
    if (!number(n) || n > in_.size() - pos_) return false;
    s.assign(in_.data() + pos_, static_cast<size_t>(n));
    pos_ += static_cast<size_t>(n);
    return true;
  }
  bool list(std::vector<std::string>& v) {
    std::uint64_t n;
    if (!number(n) || n > in_.size() - pos_) return false;  // each item takes at least one byte
    v.resize(static_cast<size_t>(n));
    for (auto& s : v)
      if (!text(s)) return false;
    return true;
  }
  bool optional(std::optional<std::string>& s) {
    unsigned char present;
    if (!byte(present) || present > 1) return false;
    if (!present) {
      s.reset();
      return true;
    }
    s.emplace();
    return text(*s);
  }
  bool fixed(std::uint64_t& v) {
    if (in_.size() - pos_ < 8) return false;
    v = 0;
    for (int k = 0; k < 8; ++k)
      v |= static_cast<std::uint64_t>(static_cast<unsigned char>(in_[pos_++])) << (8 * k);
    return true;
  }
  bool byte(unsigned char& c) {
    if (pos_ >= in_.size()) return false;
    c = static_cast<unsigned char>(in_[pos_++]);
    return true;
  }
  bool done() const { return pos_ == in_.size(); }

 private:
  std::string_view in_;
  size_t pos_ = 0;
};

}  // namespace

TermExtractor::TermExtractor() : stemmers_{stemmer_for(Lang::id), stemmer_for(Lang::en)} {}

void TermExtractor::add(std::string_view input, Lang lang, std::vector<std::string>& stems,
                        std::vector<std::string>* words) {
  const Xapian::Stopper& stopper = stopper_for(lang);
  Xapian::Stem& stemmer = stemmers_[static_cast<int>(lang)];
  for (const auto& raw : text::words(input)) {
    std::vector<std::string> parts;
    if (lang == Lang::id) {
      if (const auto standard = indonesian_chat_word(raw); !standard.empty()) {
        for (const auto& w : text::words(standard)) parts.push_back(w);
      }
    }
    if (parts.empty()) parts.push_back(raw);
    for (const auto& w : parts) {
      if (w.size() < 2 || stopper(w)) continue;
      if (std::all_of(w.begin(), w.end(), [](char c) { return c >= '0' && c <= '9'; })) continue;
      std::string stem = stemmer(w);
      if (stem.empty()) stem = w;
      if (std::find(stems.begin(), stems.end(), stem) != stems.end()) continue;
      stems.push_back(std::move(stem));
      if (words) words->push_back(raw);
    }
  }
}

ReportKeys report_keys(const StoredArticle& article, TermExtractor& terms) {
  ReportKeys k;
  const Lang lang = parse_lang(article.lang).value_or(Lang::id);
  terms.add(article.title, lang, k.title_stems);
  k.key_stems = k.title_stems;
  for (const auto& tag : article.tags) terms.add(tag, lang, k.key_stems);
  std::sort(k.title_stems.begin(), k.title_stems.end());
  std::sort(k.key_stems.begin(), k.key_stems.end());

  std::vector<std::uint64_t> hashes = word_pair_hashes(article.text);
  std::sort(hashes.begin(), hashes.end());
  hashes.erase(std::unique(hashes.begin(), hashes.end()), hashes.end());
  if (hashes.size() > sketch_size) hashes.resize(sketch_size);
  k.sketch = std::move(hashes);
  return k;
}

std::string encode_report_facts(const StoredArticle& a, const ReportKeys& k) {
  Writer w;
  w.byte(format_version);
  for (const std::string* s :
       {&a.slug, &a.path, &a.title, &a.summary, &a.lang, &a.category, &a.owner, &a.status, &a.audience})
    w.text(*s);
  w.list(a.tags);
  w.number(static_cast<std::uint64_t>(std::max(0, a.review_every_days)));
  for (const auto* o : {&a.reviewed, &a.review_due, &a.updated, &a.publish_at, &a.valid_to}) w.optional(*o);
  w.list(a.links);
  w.list(a.files);
  w.list(k.key_stems);
  w.list(k.title_stems);
  w.number(k.sketch.size());
  for (auto h : k.sketch) w.fixed(h);
  return w.take();
}

bool decode_report_facts(std::string_view value, StoredArticle& a, ReportKeys& k) {
  Reader r(value);
  unsigned char version;
  if (!r.byte(version) || version != format_version) return false;
  for (std::string* s :
       {&a.slug, &a.path, &a.title, &a.summary, &a.lang, &a.category, &a.owner, &a.status, &a.audience})
    if (!r.text(*s)) return false;
  if (!r.list(a.tags)) return false;
  std::uint64_t every;
  if (!r.number(every) || every > 1000000) return false;
  a.review_every_days = static_cast<int>(every);
  for (auto* o : {&a.reviewed, &a.review_due, &a.updated, &a.publish_at, &a.valid_to})
    if (!r.optional(*o)) return false;
  if (!r.list(a.links) || !r.list(a.files) || !r.list(k.key_stems) || !r.list(k.title_stems)) return false;
  std::uint64_t n;
  if (!r.number(n) || n > sketch_size) return false;
  k.sketch.resize(static_cast<size_t>(n));
  for (auto& h : k.sketch)
    if (!r.fixed(h)) return false;
  return r.done();
}

}  // namespace solusi
