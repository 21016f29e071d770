#include "highlight.hpp"

#include <algorithm>

#include "text.hpp"

namespace solusi::service {

std::pair<size_t, size_t> best_passage(std::string_view text, const std::vector<std::string>& needles,
                                       size_t width) {
  std::vector<std::pair<size_t, size_t>> hits;  // byte offset, needle index
  if (!needles.empty() && text.size() > 0) {
    std::string lower(text.substr(0, 16 * 1024));  // the best passage of a long article is rarely past this
    for (char& c : lower)
      if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    for (size_t n = 0; n < needles.size(); ++n) {
      size_t count = 0;
      for (size_t pos = lower.find(needles[n]); pos != std::string::npos && count < 64;
           pos = lower.find(needles[n], pos + 1), ++count)
        hits.emplace_back(pos, n);
    }
  }
  size_t start = 0;
  if (!hits.empty()) {
    // Slide a window over the sorted matches; keep the one with the most distinct needles.
    std::sort(hits.begin(), hits.end());
    std::vector<int> in_window(needles.size(), 0);
    size_t distinct = 0, best = 0, left = 0;
    for (size_t right = 0; right < hits.size(); ++right) {
      if (in_window[hits[right].second]++ == 0) ++distinct;
      while (hits[right].first - hits[left].first > width * 3 / 4)
        if (--in_window[hits[left++].second] == 0) --distinct;
      if (distinct > best) {
        best = distinct;
        start = hits[left].first > width / 8 ? hits[left].first - width / 8 : 0;
      }
    }
  }
  if (text.size() <= width) return {0, text.size()};
  start = std::min(start, text.size() - width);
  while (start > 0 && text[start - 1] != ' ' && text[start - 1] != '\n') --start;  // whole first word
  size_t end = std::min(text.size(), start + width);
  while (end < text.size() && text[end] != ' ' && text[end] != '\n' && end - start < width + 40) ++end;
  while (end < text.size() && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) ++end;  // whole UTF-8
  return {start, end};
}

std::string highlight(std::string_view text, const SnippetTerms& terms, const Xapian::Stem& stemmer,
                      size_t width) {
  std::vector<std::string> needles = terms.stems;
  for (const auto& phrase : terms.phrases)
    if (!phrase.empty()) needles.push_back(phrase.front());
  const auto [from, to] = best_passage(text, needles, width);
  const std::string_view passage = text.substr(from, to - from);

  // The passage's words: byte range, lowercase form, and the stem when one may be needed.
  struct Word {
    size_t start, end;
    std::string lower, stem;
    bool hit = false;
  };
  std::vector<Word> words;
  Xapian::Utf8Iterator it(passage.data(), passage.size());
  while (it != Xapian::Utf8Iterator()) {
    while (it != Xapian::Utf8Iterator() && !Xapian::Unicode::is_wordchar(*it)) ++it;
    if (it == Xapian::Utf8Iterator()) break;
    Word w;
    w.start = static_cast<size_t>(it.raw() - passage.data());
    while (it != Xapian::Utf8Iterator() && Xapian::Unicode::is_wordchar(*it)) {
      Xapian::Unicode::append_utf8(w.lower, Xapian::Unicode::tolower(*it));
      ++it;
    }
    w.end = it.raw() ? static_cast<size_t>(it.raw() - passage.data()) : passage.size();
    // A stem is (nearly always) a substring of the words it comes from ("kembali" in "dikembalikan"),
    // so only words containing one are stemmed to confirm.
    const bool candidate = std::any_of(needles.begin(), needles.end(), [&](const std::string& stem) {
      return w.lower.find(stem) != std::string::npos;
    });
    if (candidate || !terms.phrases.empty()) w.stem = stemmer(w.lower);
    w.hit = std::find(terms.words.begin(), terms.words.end(), w.lower) != terms.words.end() ||
            (!terms.prefix.empty() && w.lower.starts_with(terms.prefix)) ||
            (candidate && std::find(terms.stems.begin(), terms.stems.end(), w.stem) != terms.stems.end());
    words.push_back(std::move(w));
  }
  for (const auto& phrase : terms.phrases)
    for (size_t i = 0; !phrase.empty() && i + phrase.size() <= words.size(); ++i) {
      bool all = true;
      for (size_t k = 0; k < phrase.size() && all; ++k)
        all = words[i + k].stem == phrase[k] || words[i + k].lower == phrase[k];
      if (all)
        for (size_t k = 0; k < phrase.size(); ++k) words[i + k].hit = true;
    }

  std::string out;
  out.reserve(passage.size() + 64);
  if (from > 0) out += "…";
  bool matched = false;
  size_t copied = 0;
  for (const auto& w : words) {
    out += text::html_escape(passage.substr(copied, w.start - copied));
    const std::string_view word = passage.substr(w.start, w.end - w.start);
    if (w.hit) {
      out += "<mark>";
      out += text::html_escape(word);
      out += "</mark>";
      matched = true;
    } else {
      out += text::html_escape(word);
    }
    copied = w.end;
  }
  out += text::html_escape(passage.substr(copied));
  if (!matched) return {};
  if (to < text.size()) out += "…";
  return out;
}

}  // namespace solusi::service
