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
  const auto [from, to] = best_passage(text, terms.stems, width);
  const std::string_view passage = text.substr(from, to - from);
  std::string out;
  out.reserve(passage.size() + 64);
  if (from > 0) out += "…";
  bool matched = false;
  size_t i = 0;
  while (i < passage.size()) {
    // Copy (escaped) up to the next word, then test the word.
    size_t word_start = i;
    Xapian::Utf8Iterator it(passage.data() + i, passage.size() - i);
    while (it != Xapian::Utf8Iterator() && !Xapian::Unicode::is_wordchar(*it)) ++it;
    word_start = it.raw() ? static_cast<size_t>(it.raw() - passage.data()) : passage.size();
    out += text::html_escape(passage.substr(i, word_start - i));
    if (word_start >= passage.size()) break;
    std::string lower;
    while (it != Xapian::Utf8Iterator() && Xapian::Unicode::is_wordchar(*it)) {
      Xapian::Unicode::append_utf8(lower, Xapian::Unicode::tolower(*it));
      ++it;
    }
    const size_t word_end = it.raw() ? static_cast<size_t>(it.raw() - passage.data()) : passage.size();
    const std::string_view word = passage.substr(word_start, word_end - word_start);
    // A stem is (nearly always) a substring of the words it comes from ("kembali" in "dikembalikan"),
    // so only words containing one are stemmed to confirm.
    const bool candidate = std::any_of(terms.stems.begin(), terms.stems.end(), [&](const std::string& stem) {
      return lower.find(stem) != std::string::npos;
    });
    const bool hit =
        std::find(terms.words.begin(), terms.words.end(), lower) != terms.words.end() ||
        (!terms.prefix.empty() && lower.starts_with(terms.prefix)) ||
        (candidate && std::find(terms.stems.begin(), terms.stems.end(), stemmer(lower)) != terms.stems.end());
    if (hit) {
      out += "<mark>";
      out += text::html_escape(word);
      out += "</mark>";
      matched = true;
    } else {
      out += text::html_escape(word);
    }
    i = word_end;
  }
  if (!matched) return {};
  if (to < text.size()) out += "…";
  return out;
}

}  // namespace solusi::service
