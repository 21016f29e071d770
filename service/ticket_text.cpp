#include "ticket_text.hpp"

#include <xapian.h>

#include <algorithm>
#include <array>
#include <optional>
#include <unordered_set>

#include "text.hpp"

namespace solusi::service {
namespace {

using namespace std::string_view_literals;

// ------------------------------------------------------------------------------------------ characters

bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}
bool is_digit(char c) {
  return c >= '0' && c <= '9';
}
bool is_upper(char c) {
  return c >= 'A' && c <= 'Z';
}
bool is_alpha(char c) {
  return is_upper(c) || (c >= 'a' && c <= 'z');
}
bool is_alnum(char c) {
  return is_alpha(c) || is_digit(c);
}
bool is_hex(char c) {
  return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}
char lower(char c) {
  return is_upper(c) ? static_cast<char>(c - 'A' + 'a') : c;
}

/// ASCII-lowercased copy (non-ASCII bytes are kept as they are; every marker we look for is ASCII).
std::string ascii_lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = lower(c);
  return out;
}

bool contains(std::string_view s, std::string_view part) {
  return s.find(part) != std::string_view::npos;
}

/// The code point at @p i of well-formed UTF-8 and its length in @p len.
char32_t decode_at(std::string_view s, size_t i, size_t& len) {
  const auto c = static_cast<unsigned char>(s[i]);
  len = c < 0x80 ? 1 : (c & 0xE0) == 0xC0 ? 2 : (c & 0xF0) == 0xE0 ? 3 : (c & 0xF8) == 0xF0 ? 4 : 1;
  if (i + len > s.size()) len = 1;
  if (len == 1) return c;
  char32_t cp = c & (len == 2 ? 0x1Fu : len == 3 ? 0x0Fu : 0x07u);
  for (size_t k = 1; k < len; ++k) cp = (cp << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3Fu);
  return cp;
}

bool is_word_cp(char32_t cp) {
  return cp < 0x80 ? is_alnum(static_cast<char>(cp))
                   : Xapian::Unicode::is_wordchar(static_cast<unsigned>(cp));
}

bool has_word_char(std::string_view s) {
  for (size_t i = 0, len = 1; i < s.size(); i += len)
    if (is_word_cp(decode_at(s, i, len))) return true;
  return false;
}

// --------------------------------------------------------------------------------------- normalising

std::string replace_invalid_utf8(std::string_view in) {
  std::string out;
  out.reserve(in.size());
  while (!in.empty()) {
    const size_t bad = text::first_invalid_utf8(in);
    if (bad == std::string_view::npos) {
      out += in;
      break;
    }
    out += in.substr(0, bad);
    out += "\uFFFD";
    in.remove_prefix(bad + 1);
  }
  return out;
}

constexpr std::array kBlockTags{"br"sv,   "p"sv,     "div"sv,   "li"sv,    "ul"sv,      "ol"sv,
                                "tr"sv,   "table"sv, "tbody"sv, "h1"sv,    "h2"sv,      "h3"sv,
                                "h4"sv,   "h5"sv,    "h6"sv,    "hr"sv,    "pre"sv,     "html"sv,
                                "body"sv, "head"sv,  "title"sv, "thead"sv, "section"sv, "blockquote"sv};
constexpr std::array kInlineTags{"span"sv, "b"sv,    "i"sv,      "u"sv,    "s"sv,   "strong"sv, "em"sv,
                                 "a"sv,    "font"sv, "small"sv,  "big"sv,  "sub"sv, "sup"sv,    "td"sv,
                                 "th"sv,   "img"sv,  "center"sv, "code"sv, "o:p"sv, "meta"sv,   "wbr"sv};

template <size_t N>
bool one_of(std::string_view s, const std::array<std::string_view, N>& list) {
  return std::find(list.begin(), list.end(), s) != list.end();
}

struct Tag {
  size_t end;
  bool block;
};

/// A known HTML tag starting at s[i] == '<' (unknown ones such as "<Media omitted>" stay text).
std::optional<Tag> match_tag(std::string_view s, size_t i) {
  size_t p = i + 1;
  if (p < s.size() && s[p] == '/') ++p;
  std::string name;
  while (p < s.size() && name.size() <= 10 && (is_alnum(s[p]) || s[p] == ':')) name += lower(s[p++]);
  if (name.empty() || p >= s.size() || !(s[p] == '>' || s[p] == '/' || s[p] == ' ' || s[p] == '\t'))
    return std::nullopt;
  const bool block = one_of(name, kBlockTags);
  if (!block && !one_of(name, kInlineTags)) return std::nullopt;
  for (size_t limit = std::min(s.size(), p + 400); p < limit; ++p) {
    if (s[p] == '>') return Tag{p + 1, block};
    if (s[p] == '<' || s[p] == '\n') break;
  }
  return std::nullopt;
}

constexpr std::array<std::pair<std::string_view, std::string_view>, 8> kEntities{{{"&nbsp;", " "},
                                                                                  {"&#160;", " "},
                                                                                  {"&amp;", "&"},
                                                                                  {"&lt;", "<"},
                                                                                  {"&gt;", ">"},
                                                                                  {"&quot;", "\""},
                                                                                  {"&#39;", "'"},
                                                                                  {"&apos;", "'"}}};

/// Well-formed UTF-8 with '\n' line ends, HTML line tags as line ends, other known tags as spaces, the
/// common entities decoded, controls and unusual spaces as spaces, zero-width characters removed.
std::string normalize(std::string_view raw) {
  const std::string valid = replace_invalid_utf8(raw);
  const std::string_view s = valid;
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size();) {
    const char c = s[i];
    const auto u = static_cast<unsigned char>(c);
    if (c == '\r') {
      out += '\n';
      i += i + 1 < s.size() && s[i + 1] == '\n' ? 2 : 1;
    } else if (const auto tag = c == '<' ? match_tag(s, i) : std::nullopt) {
      out += tag->block ? '\n' : ' ';
      i = tag->end;
    } else if (c == '&') {
      const auto* entity = std::find_if(kEntities.begin(), kEntities.end(),
                                        [&](const auto& e) { return s.substr(i).starts_with(e.first); });
      if (entity != kEntities.end()) {
        out += entity->second;
        i += entity->first.size();
      } else {
        out += c;
        ++i;
      }
    } else if ((u < 0x20 && c != '\n') || u == 0x7F) {
      out += ' ';
      ++i;
    } else if (u >= 0x80) {
      size_t len = 1;
      const char32_t cp = decode_at(s, i, len);
      if (cp == 0xA0 || (cp >= 0x2000 && cp <= 0x200A) || cp == 0x202F || cp == 0x205F || cp == 0x3000)
        out += ' ';
      else if (cp == 0x85 || cp == 0x2028 || cp == 0x2029)
        out += '\n';
      else if (!((cp >= 0x200B && cp <= 0x200F) || cp == 0x2060 || cp == 0xFEFF))
        out += s.substr(i, len);
      i += len;
    } else {
      out += c;
      ++i;
    }
  }
  return out;
}

std::vector<std::string> split_lines(std::string_view s) {
  std::vector<std::string> lines;
  for (size_t start = 0;;) {
    const size_t nl = s.find('\n', start);
    lines.emplace_back(s.substr(start, nl == std::string_view::npos ? std::string_view::npos : nl - start));
    if (nl == std::string_view::npos) break;
    start = nl + 1;
  }
  return lines;
}

// ------------------------------------------------------------------------------ words and phrases

struct Word {
  size_t begin;
  size_t end;
  std::string lower;  ///< ASCII-lowercased
  bool capital;       ///< starts with an uppercase ASCII letter or a non-ASCII letter
};

/// Runs of word characters; an apostrophe between two of them belongs to the word ("assalamu'alaikum").
/// Stops after @p max_words words, setting @p complete (when given) to false if more may follow: the
/// phrase tests look at a few words only and must stay linear on a 5,000-word line.
std::vector<Word> split_words(std::string_view s, size_t max_words = std::string_view::npos,
                              bool* complete = nullptr) {
  std::vector<Word> words;
  size_t i = 0, len = 1;
  if (complete) *complete = true;
  while (i < s.size()) {
    if (!is_word_cp(decode_at(s, i, len))) {
      i += len;
      continue;
    }
    if (words.size() == max_words) {
      if (complete) *complete = false;
      break;
    }
    Word w{i, i, {}, is_upper(s[i]) || static_cast<unsigned char>(s[i]) >= 0x80};
    while (i < s.size()) {
      if (is_word_cp(decode_at(s, i, len))) {
        for (size_t k = 0; k < len; ++k) w.lower += lower(s[i + k]);
        i += len;
      } else if (s[i] == '\'' && i + 1 < s.size() && is_word_cp(decode_at(s, i + 1, len))) {
        w.lower += '\'';
        ++i;
      } else {
        break;
      }
    }
    w.end = i;
    words.push_back(std::move(w));
  }
  return words;
}

/// Text between words k-1 and k.
std::string_view gap_before(std::string_view line, const std::vector<Word>& w, size_t k) {
  return line.substr(w[k - 1].end, w[k].begin - w[k - 1].end);
}

/// True when clause punctuation separates word k from the one before it.
bool boundary_before(std::string_view line, const std::vector<Word>& w, size_t k) {
  return gap_before(line, w, k).find_first_of(",.!?;:") != std::string_view::npos;
}

/// Offset of the whitespace-separated token holding word k, so "(", "+" or "#" in front of it stay.
size_t token_start(std::string_view line, const std::vector<Word>& w, size_t k) {
  const std::string_view gap = gap_before(line, w, k);
  size_t p = gap.size();
  while (p > 0 && !is_space(gap[p - 1])) --p;
  return p == 0 ? w[k].begin : w[k - 1].end + p;
}

/// Words looked at for a leading greeting: the phrase, its fillers and a name.
constexpr size_t kPhraseWindow = 32;

struct Phrase {
  std::string_view words;  ///< lowercase, single spaces
  bool weak = false;       ///< a greeting only when followed by a filler word or punctuation ("Pagi kak,")
};

constexpr std::array kGreetings{
    Phrase{"halo"},
    Phrase{"hallo"},
    Phrase{"haloo"},
    Phrase{"hello"},
    Phrase{"helo"},
    Phrase{"hai"},
    Phrase{"hi"},
    Phrase{"hii"},
    Phrase{"hey"},
    Phrase{"hei"},
    Phrase{"dear"},
    Phrase{"greetings"},
    Phrase{"selamat pagi"},
    Phrase{"selamat siang"},
    Phrase{"selamat sore"},
    Phrase{"selamat malam"},
    Phrase{"good morning"},
    Phrase{"good afternoon"},
    Phrase{"good evening"},
    Phrase{"good day"},
    Phrase{"assalamualaikum"},
    Phrase{"assalamu'alaikum"},
    Phrase{"assalamu alaikum"},
    Phrase{"asalamualaikum"},
    Phrase{"assalamualaikam"},
    Phrase{"permisi"},
    Phrase{"pagi", true},
    Phrase{"siang", true},
    Phrase{"sore", true},
    Phrase{"malam", true},
};

constexpr std::array kSignOffs{
    Phrase{"terima kasih"},
    Phrase{"terimakasih"},
    Phrase{"trima kasih"},
    Phrase{"trimakasih"},
    Phrase{"makasih"},
    Phrase{"makasi"},
    Phrase{"thanks"},
    Phrase{"thank you"},
    Phrase{"thankyou"},
    Phrase{"thx"},
    Phrase{"tq"},
    Phrase{"tks"},
    Phrase{"trims"},
    Phrase{"regards"},
    Phrase{"best regards"},
    Phrase{"kind regards"},
    Phrase{"warm regards"},
    Phrase{"best wishes"},
    Phrase{"best"},
    Phrase{"salam"},
    Phrase{"salam hangat"},
    Phrase{"hormat saya"},
    Phrase{"hormat kami"},
    Phrase{"mohon bantuannya"},
    Phrase{"mohon bantuan"},
    Phrase{"mohon dibantu"},
    Phrase{"cheers"},
    Phrase{"sincerely"},
    Phrase{"yours sincerely"},
    Phrase{"yours faithfully"},
    Phrase{"wassalam"},
    Phrase{"wassalamualaikum"},
    // Pleasantries are removed the same way: only as a whole clause.
    Phrase{"hope you're doing well"},
    Phrase{"hope you are doing well"},
    Phrase{"i hope you're doing well"},
    Phrase{"i hope you are doing well"},
    Phrase{"hope you are well"},
    Phrase{"i hope you are well"},
    Phrase{"hope this email finds you well"},
    Phrase{"i hope this email finds you well"},
    Phrase{"semoga sehat selalu"},
};

/// Whom a greeting or sign-off is addressed to: "Halo kak", "Selamat pagi, Bapak/Ibu", "Thanks, team".
constexpr std::array kAddressees{"kak"sv, "kakak"sv, "ka"sv,   "kk"sv,    "min"sv,      "mimin"sv, "admin"sv,
                                 "gan"sv, "agan"sv,  "sis"sv,  "sist"sv,  "bro"sv,      "team"sv,  "tim"sv,
                                 "cs"sv,  "semua"sv, "sir"sv,  "madam"sv, "pak"sv,      "bu"sv,    "bapak"sv,
                                 "ibu"sv, "mas"sv,   "mbak"sv, "mba"sv,   "everyone"sv, "guys"sv,  "all"sv};

/// Other words that may follow a greeting or sign-off without making it content ("Thanks a lot").
constexpr std::array kFillers{"support"sv,      "there"sv,
                              "ya"sv,           "yah"sv,
                              "yaa"sv,          "banyak"sv,
                              "sebelumnya"sv,   "atas"sv,
                              "bantuannya"sv,   "bantuan"sv,
                              "kerjasamanya"sv, "perhatiannya"sv,
                              "responnya"sv,    "sekali"sv,
                              "for"sv,          "your"sv,
                              "help"sv,         "in"sv,
                              "advance"sv,      "so"sv,
                              "much"sv,         "a"sv,
                              "lot"sv,          "very"sv,
                              "you"sv,          "again"sv,
                              "dan"sv,          "and"sv,
                              "the"sv,          "folks"sv,
                              "helpdesk"sv,     "wr"sv,
                              "wb"sv,           "warahmatullahi"sv,
                              "wabarakatuh"sv,  "wa"sv,
                              "rahmatullahi"sv, "barakatuh"sv,
                              "customer"sv,     "service"sv,
                              "care"sv};

bool is_addressee(std::string_view w) {
  return one_of(w, kAddressees);
}
bool is_filler(std::string_view w) {
  return is_addressee(w) || one_of(w, kFillers);
}

/// Number of words of @p phrase matched at word k, 0 when it does not match.
size_t match_phrase(const std::vector<Word>& w, size_t k, std::string_view phrase) {
  size_t n = 0;
  while (!phrase.empty()) {
    const size_t sp = phrase.find(' ');
    const std::string_view part = phrase.substr(0, sp);
    if (k + n >= w.size() || w[k + n].lower != part) return 0;
    ++n;
    phrase = sp == std::string_view::npos ? std::string_view{} : phrase.substr(sp + 1);
  }
  return n;
}

/// The longest phrase of @p list matched at word k: its length in words (0 for none) and weakness.
template <size_t N>
std::pair<size_t, bool> longest_match(const std::vector<Word>& w, size_t k,
                                      const std::array<Phrase, N>& list) {
  std::pair<size_t, bool> best{0, false};
  for (const Phrase& p : list)
    if (const size_t n = match_phrase(w, k, p.words); n > best.first) best = {n, p.weak};
  return best;
}

/// Word index after the filler words following word k; only an addressee goes past clause punctuation
/// ("Selamat pagi, kak").
size_t skip_fillers(std::string_view line, const std::vector<Word>& w, size_t k) {
  while (k < w.size() && k > 0 &&
         (boundary_before(line, w, k) ? is_addressee(w[k].lower) : is_filler(w[k].lower)))
    ++k;
  return k;
}

/// Offset where the text after a leading greeting or sign-off starts; 0 when the line has none.
/// Greetings go with their filler words and an addressed name ("Hi John, ..."); a sign-off only as a
/// whole clause ("Terima kasih, ..." but not "Terima kasih sudah membalas, ...").
size_t leading_phrase_end(std::string_view line) {
  bool complete = true;
  const std::vector<Word> w = split_words(line, kPhraseWindow, &complete);
  if (w.empty()) return 0;
  auto [len, weak] = longest_match(w, 0, kGreetings);
  const bool greeting = len > 0;
  if (!greeting) len = longest_match(w, 0, kSignOffs).first;
  if (len == 0) return 0;
  const size_t k = skip_fillers(line, w, len);
  if (k == w.size()) return complete ? line.size() : 0;
  if (boundary_before(line, w, k)) return token_start(line, w, k);
  if (!greeting) return 0;
  // "Hi John, ...", "Dear Budi Santoso: ...": up to three capitalised words closed by ',', '!' or ':'.
  for (size_t m = k; m < w.size() && m < k + 3 && w[m].capital; ++m) {
    if (m + 1 == w.size()) return complete ? line.size() : 0;
    if (boundary_before(line, w, m + 1)) {
      if (gap_before(line, w, m + 1).find_first_of(",!:") != std::string_view::npos)
        return token_start(line, w, m + 1);
      break;
    }
  }
  if (k > len || !weak) return token_start(line, w, k);
  return 0;
}

/// Keeps [0, cut) of a line plus @c terminator ('\0' for none).
struct TrailingCut {
  size_t cut;
  char terminator;
};

bool is_clause_punct(char c) {
  return std::string_view(",.!?;:").find(c) != std::string_view::npos;
}

/// A trailing clause that is only a sign-off or greeting ("..., terima kasih 🙏", "... Thanks!").
/// Scans back from the end, so only the last clause is looked at.
std::optional<TrailingCut> trailing_phrase(std::string_view line) {
  // The last clause punctuation with a word after it, and the end of the word before it.
  size_t punct = std::string_view::npos, before = std::string_view::npos, len = 1;
  bool word_after = false;
  for (size_t i = line.size(); i-- > 0;) {
    if ((static_cast<unsigned char>(line[i]) & 0xC0) == 0x80) continue;  // inside a UTF-8 sequence
    const bool word = is_word_cp(decode_at(line, i, len));
    if (punct == std::string_view::npos) {
      word_after = word_after || word;
      if (word_after && is_clause_punct(line[i])) punct = i;
    } else if (word) {
      before = i + len;
      break;
    }
  }
  if (before == std::string_view::npos) return std::nullopt;  // a whole-line phrase is a leading one
  const std::string_view clause = line.substr(punct + 1);
  const std::vector<Word> w = split_words(clause);
  size_t phrase = longest_match(w, 0, kSignOffs).first;
  if (phrase == 0) phrase = longest_match(w, 0, kGreetings).first;
  if (phrase == 0 || skip_fillers(clause, w, phrase) != w.size()) return std::nullopt;
  // The sentence end before the clause, else the one after it ("..., thanks!" keeps the '!').
  const std::string_view gap = line.substr(before, punct + 1 + w.front().begin - before);
  const std::string_view tail = clause.substr(w.back().end);
  const size_t in_gap = gap.find_first_of(".!?"), in_tail = tail.find_first_of(".!?");
  const char terminator = in_gap != std::string_view::npos    ? gap[in_gap]
                          : in_tail != std::string_view::npos ? tail[in_tail]
                                                              : '\0';
  return TrailingCut{before, terminator};
}

std::string strip_greetings(std::string s) {
  for (int round = 0; round < 8; ++round) {
    const size_t end = leading_phrase_end(s);
    if (end == 0) break;
    s.erase(0, end);
  }
  for (int round = 0; round < 8; ++round) {
    const auto cut = trailing_phrase(s);
    if (!cut) break;
    s.resize(cut->cut);
    if (cut->terminator != '\0') s += cut->terminator;
  }
  return s;
}

/// A line that starts a signature block: a sign-off clause alone ("Regards,", "Terima kasih banyak
/// kak") or followed by a name of up to four capitalised words ("Salam, Budi Santoso").
bool is_signoff_line(std::string_view line) {
  bool complete = true;
  const std::vector<Word> w = split_words(line, kPhraseWindow, &complete);
  const size_t len = w.empty() || !complete ? 0 : longest_match(w, 0, kSignOffs).first;
  if (len == 0) return false;
  const size_t k = skip_fillers(line, w, len);
  if (k == w.size()) return true;
  if (!boundary_before(line, w, k) || w.size() - k > 4) return false;
  for (size_t m = k; m < w.size(); ++m)
    if (!w[m].capital || (m > k && boundary_before(line, w, m))) return false;
  return true;
}

// ------------------------------------------------------------------------------------ inline noise

bool all_digits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), is_digit);
}

bool is_upper_snake(std::string_view s) {
  if (s.size() < 5 || !is_upper(s.front()) || s.back() == '_') return false;
  size_t parts = 1;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '_') {
      if (s[i - 1] == '_') return false;
      ++parts;
    } else if (!is_upper(s[i]) && !is_digit(s[i])) {
      return false;
    }
  }
  return parts >= 2;
}

/// E-402, PAY-401, SHP404, 0x80070005, ERR_CONNECTION_RESET, NET::ERR_CERT_DATE_INVALID.
bool is_error_code(std::string_view s) {
  if (s.size() >= 6 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
    return s.size() <= 18 && std::all_of(s.begin() + 2, s.end(), is_hex);
  size_t letters = 0;
  while (letters < s.size() && is_upper(s[letters])) ++letters;
  if (letters >= 1 && letters <= 5 && letters < s.size()) {
    size_t p = letters;
    const bool separator = s[p] == '-' || s[p] == '_';
    if (separator) ++p;
    const std::string_view digits = s.substr(p);
    if (digits.size() >= 2 && digits.size() <= 4 && all_digits(digits) && (separator || letters >= 2))
      return true;
  }
  if (const size_t scope = s.find("::"); scope != std::string_view::npos) {
    const std::string_view head = s.substr(0, scope);
    return !head.empty() && std::all_of(head.begin(), head.end(), is_upper) &&
           is_upper_snake(s.substr(scope + 2));
  }
  return is_upper_snake(s);
}

bool is_error_word(std::string_view lowered) {
  return lowered == "error" || lowered == "eror" || lowered == "err" || lowered == "code" ||
         lowered == "kode" || lowered == "galat" || lowered == "http";
}

bool is_money(std::string_view lowered) {
  for (const std::string_view currency : {"rp"sv, "idr"sv, "usd"sv, "sgd"sv, "myr"sv, "$"sv}) {
    if (!lowered.starts_with(currency)) continue;
    std::string_view rest = lowered.substr(currency.size());
    if (!rest.empty() && rest.front() == '.') rest.remove_prefix(1);
    return !rest.empty() && is_digit(rest.front());
  }
  return false;
}

/// URLs, e-mail addresses, ticket references and order/invoice/tracking numbers.
bool is_noise_token(std::string_view core, std::string_view lowered) {
  if (lowered.starts_with("http://") || lowered.starts_with("https://") || lowered.starts_with("www.") ||
      contains(lowered, "://"))
    return true;
  if (const size_t at = core.find('@');
      at != std::string_view::npos && at > 0 && core.find('.', at) != std::string_view::npos)
    return true;
  if (core.size() >= 4 && core[0] == '#' && all_digits(core.substr(1))) return true;
  if (is_money(lowered)) return false;
  size_t run = 0, longest = 0, digits = 0;
  bool letter = false;
  for (const char c : core) {
    if (is_digit(c)) {
      longest = std::max(longest, ++run);
      ++digits;
    } else {
      run = 0;
      letter = letter || is_alpha(c);
    }
  }
  return longest >= 6 || (letter && digits >= 6);
}

/// End of a phone number starting at s[i] (+62 812-3456-7890, 0812 3456 7890, (021) 555-1234), or 0.
size_t match_phone(std::string_view s, size_t i) {
  const auto digits_at = [&](size_t p) {
    size_t n = 0;
    while (p + n < s.size() && is_digit(s[p + n])) ++n;
    return n;
  };
  size_t p = i, total = 0, d = 0;
  if (s[p] == '+') {
    d = digits_at(p + 1);
    if (d == 0) return 0;
    p += 1 + d;
  } else if (s[p] == '(') {
    d = digits_at(p + 1);
    if (d < 2 || d > 4 || s[p + 1] != '0' || p + 1 + d >= s.size() || s[p + 1 + d] != ')') return 0;
    p += 2 + d;
  } else if (s[p] == '0') {
    d = digits_at(p);
    if (d < 3) return 0;  // "03.06.2024", "09.30" are dates and times
    p += d;
  } else {
    return 0;
  }
  total = d;
  while (p < s.size()) {
    size_t q = p;
    if (s[q] == ' ' || s[q] == '-' || s[q] == '.') ++q;
    d = digits_at(q);
    if (d < 2 || total + d > 15) break;
    p = q + d;
    total += d;
  }
  if (total < 9 || total > 15 || (p < s.size() && is_alnum(s[p]))) return 0;
  return p;
}

bool is_lead_punct(char c) {
  return c == '(' || c == '[' || c == '{' || c == '"' || c == '\'' || c == '<' || c == '*' || c == '`';
}
bool is_trail_punct(char c) {
  return c == ')' || c == ']' || c == '}' || c == '"' || c == '\'' || c == '>' || c == '.' || c == ',' ||
         c == ';' || c == ':' || c == '!' || c == '?' || c == '*' || c == '`';
}

/// Appends a sentence end ('.', '!', '?') found in @p punct to the last kept token.
void carry_terminator(std::string_view punct, std::vector<std::string>& kept) {
  const size_t term = punct.find_first_of(".!?");
  if (term == std::string_view::npos || kept.empty()) return;
  const char last = kept.back().back();
  if (last != '.' && last != '!' && last != '?') kept.back() += punct[term];
}

/// The line without noise tokens; error codes found are appended to @p codes.
std::string remove_noise(std::string_view line, std::vector<std::string>& codes) {
  std::string s(line);
  for (size_t i = 0; i < s.size(); ++i) {
    if (i > 0 && !is_space(s[i - 1]) && s[i - 1] != '(' && s[i - 1] != ':' && s[i - 1] != '[') continue;
    if (const size_t end = match_phone(s, i); end > 0) {
      std::fill(s.begin() + static_cast<std::ptrdiff_t>(i), s.begin() + static_cast<std::ptrdiff_t>(end),
                ' ');
      i = end;
    }
  }
  std::vector<std::string> kept;
  std::string previous;  // the lowercased core of the token before, kept or not
  for (size_t i = 0; i < s.size();) {
    while (i < s.size() && is_space(s[i])) ++i;
    size_t end = i;
    while (end < s.size() && !is_space(s[end])) ++end;
    if (end == i) break;
    const std::string_view token = std::string_view(s).substr(i, end - i);
    i = end;
    size_t a = 0, b = token.size();
    while (a < b && is_lead_punct(token[a])) ++a;
    while (b > a && is_trail_punct(token[b - 1])) --b;
    const std::string_view core = token.substr(a, b - a);
    if (core.empty()) {
      // Punctuation left alone by a removed phone number ("di 0812 3456 7890, atau") joins the word before.
      if (token.find_first_not_of(".,;:!?") != std::string_view::npos)
        kept.emplace_back(token);
      else if (!kept.empty() && std::string_view(".,;:!?").find(kept.back().back()) == std::string_view::npos)
        kept.back() += token;
      continue;
    }
    const std::string lowered = ascii_lower(core);
    if (is_error_code(core) ||
        (is_error_word(previous) && core.size() >= 2 && core.size() <= 5 && all_digits(core))) {
      codes.emplace_back(core);
      kept.emplace_back(token);
    } else if (is_noise_token(core, lowered)) {
      carry_terminator(token.substr(b), kept);
    } else {
      kept.emplace_back(token);
    }
    previous = lowered;
  }
  std::string out;
  for (const std::string& t : kept) {
    if (!out.empty()) out += ' ';
    out += t;
  }
  return out;
}

/// The cleaned line; codes still in it are appended to @p codes.
std::string clean_line(std::string_view line, std::vector<std::string>& codes) {
  std::vector<std::string> found;
  std::string s = text::collapse_whitespace(strip_greetings(remove_noise(line, found)));
  if (!has_word_char(s)) return {};
  for (std::string& code : found)
    if (contains(s, code)) codes.push_back(std::move(code));
  return s;
}

// ------------------------------------------------------------------------------ message boundaries

std::string_view trimmed(std::string_view s) {
  return text::trim(s);
}

constexpr std::array kHeaderKeys{"from"sv,    "dari"sv,     "sent"sv,   "date"sv,    "tanggal"sv,
                                 "dikirim"sv, "terkirim"sv, "to"sv,     "kepada"sv,  "cc"sv,
                                 "bcc"sv,     "subject"sv,  "subjek"sv, "perihal"sv, "reply-to"sv};

/// The lowercase key of an e-mail header line ("From: ...", "*Dari:* ..."), empty when it is none.
std::string header_key(std::string_view line) {
  std::string_view t = trimmed(line);
  while (!t.empty() && (t.front() == '*' || t.front() == ' ')) t.remove_prefix(1);
  const size_t colon = t.find(':');
  if (colon == std::string_view::npos || colon > 12) return {};
  std::string key = ascii_lower(trimmed(t.substr(0, colon)));
  while (!key.empty() && (key.back() == '*' || key.back() == ' ')) key.pop_back();
  return one_of(std::string_view(key), kHeaderKeys) ? key : std::string{};
}

/// First line at or after @p i that is neither blank nor an e-mail header.
size_t skip_header_lines(const std::vector<std::string>& lines, size_t i) {
  while (i < lines.size() && (trimmed(lines[i]).empty() || !header_key(lines[i]).empty())) ++i;
  return i;
}

bool is_forward_subject(std::string_view subject_line) {
  std::string v = ascii_lower(trimmed(subject_line.substr(subject_line.find(':') + 1)));
  while (!v.empty() && (v.front() == '*' || v.front() == ' ')) v.erase(0, 1);
  return v.starts_with("fw:") || v.starts_with("fwd:") || v.starts_with("tr:") || v.starts_with("terusan:");
}

enum class Kind { none, reply, forward };

struct Boundary {
  size_t line;     ///< first line of the quoted or forwarded part
  Kind kind;       ///< Kind::none: no boundary, @c line is the end of the lines
  size_t content;  ///< for Kind::forward: first line of the forwarded message's own text
};

/// An Outlook-style header block at line i: "From:"/"Dari:" and at least two other header lines
/// among the next six, or all of them on the one line.
std::optional<Boundary> outlook_block(const std::vector<std::string>& lines, size_t i, size_t start) {
  const std::string key = header_key(lines[i]);
  if (key != "from" && key != "dari") return std::nullopt;
  const std::string one = ascii_lower(lines[i]);
  size_t inline_keys = 0;
  for (const std::string_view k : {" sent:"sv, " date:"sv, " to:"sv, " subject:"sv, " dikirim:"sv,
                                   " tanggal:"sv, " kepada:"sv, " subjek:"sv, " perihal:"sv})
    inline_keys += contains(one, k) ? 1 : 0;
  if (inline_keys >= 2) {
    const size_t subject = one.find(" subject:");
    const bool fwd =
        subject != std::string::npos && is_forward_subject(std::string_view(one).substr(subject));
    return Boundary{start, fwd ? Kind::forward : Kind::reply, i + 1};
  }
  std::vector<std::string> seen;
  bool fwd = false;
  size_t j = i + 1;
  for (; j < lines.size() && j <= i + 6; ++j) {
    if (trimmed(lines[j]).empty()) continue;
    std::string k = header_key(lines[j]);
    if (k.empty()) break;
    if (k == "subject" || k == "subjek" || k == "perihal") fwd = is_forward_subject(lines[j]);
    if (std::find(seen.begin(), seen.end(), k) == seen.end()) seen.push_back(std::move(k));
  }
  if (seen.size() < 2) return std::nullopt;
  return Boundary{start, fwd ? Kind::forward : Kind::reply, skip_header_lines(lines, j)};
}

bool ends_with_reply_marker(std::string_view lowered) {
  for (const std::string_view m : {"wrote:"sv, "wrote :"sv, "menulis:"sv, "menulis :"sv})
    if (lowered.ends_with(m)) return true;
  return false;
}

/// "On Mon, 3 Jun 2024 at 10:00, Budi <budi@example.com> wrote:" and "Pada ... menulis:", also wrapped
/// over two lines; other lines ending in "wrote:" only with an e-mail address in them.
bool is_reply_header(const std::vector<std::string>& lines, size_t i) {
  const std::string t = ascii_lower(trimmed(lines[i]));
  if (t.empty() || t.size() > 300) return false;
  const bool opener = t.starts_with("on ") || t.starts_with("pada ");
  if (ends_with_reply_marker(t)) return opener || contains(t, "@");
  if (!opener || i + 1 >= lines.size()) return false;
  const std::string next = ascii_lower(trimmed(lines[i + 1]));
  return next.size() <= 200 && ends_with_reply_marker(next) &&
         (contains(t, "@") || contains(next, "@") || std::any_of(t.begin(), t.end(), is_digit));
}

/// The text of a "-----Original Message-----" style line without its dashes, or empty.
std::string dashed_title(std::string_view line) {
  const std::string_view t = trimmed(line);
  if (std::count(t.begin(), t.end(), '-') < 2) return {};
  const size_t a = t.find_first_not_of("-_= ");
  const size_t b = t.find_last_not_of("-_= :");
  if (a == std::string_view::npos || b < a) return {};
  return ascii_lower(t.substr(a, b - a + 1));
}

bool is_rule_line(std::string_view t) {
  return t.size() >= 3 && t.find_first_not_of("-_=*~#") == std::string_view::npos;
}

/// The first quoted or forwarded part at or after line @p from.
Boundary find_boundary(const std::vector<std::string>& lines, size_t from) {
  for (size_t i = from; i < lines.size(); ++i) {
    const std::string_view t = trimmed(lines[i]);
    if (t.empty()) continue;
    const std::string low = ascii_lower(t);
    if (contains(low, "##-") || contains(low, "reply above this line") || contains(low, "di atas baris ini"))
      return {i, Kind::reply, lines.size()};
    if (is_reply_header(lines, i)) return {i, Kind::reply, lines.size()};
    const std::string title = dashed_title(t);
    if (title == "original message" || title == "pesan asli" || title == "pesan awal" ||
        title == "pesan asal") {
      const size_t next = i + 1 < lines.size() ? skip_header_lines(lines, i + 1) : lines.size();
      for (size_t j = i + 1; j < next; ++j)
        if (auto block = outlook_block(lines, j, i)) return *block;
      return {i, Kind::reply, next};
    }
    if (title == "forwarded message" || title == "pesan yang diteruskan" || title == "pesan terusan" ||
        title == "pesan diteruskan" || low.starts_with("begin forwarded message") ||
        low.starts_with("awal pesan yang diteruskan") || low.starts_with("awal pesan terusan"))
      return {i, Kind::forward, skip_header_lines(lines, i + 1)};
    if (t.size() >= 8 && t.find_first_not_of('_') == std::string_view::npos) {
      size_t j = i + 1;
      while (j < lines.size() && j <= i + 2 && trimmed(lines[j]).empty()) ++j;
      if (j < lines.size())
        if (auto block = outlook_block(lines, j, i)) return *block;
      continue;
    }
    if (auto block = outlook_block(lines, i, i)) return *block;
  }
  return {lines.size(), Kind::none, lines.size()};
}

// --------------------------------------------------------------------------------- one message

bool is_mobile_signature(std::string_view lowered) {
  if (lowered.size() > 60) return false;
  for (const std::string_view p :
       {"sent from my "sv, "sent from mail for "sv, "sent from yahoo mail"sv, "sent from outlook"sv,
        "sent from samsung"sv, "sent via "sv, "sent with "sv, "get outlook for "sv, "dikirim dari "sv,
        "dikirim melalui "sv, "dikirim dengan "sv, "kirim dari "sv})
    if (lowered.starts_with(p)) return true;
  return false;
}

constexpr std::array kDisclaimerPhrases{"this email and any attachments"sv,
                                        "this e-mail and any attachments"sv,
                                        "this message and any attachments"sv,
                                        "confidentiality notice"sv,
                                        "intended recipient"sv,
                                        "intended solely for"sv,
                                        "email ini dan lampirannya"sv,
                                        "e-mail ini dan lampirannya"sv,
                                        "email ini beserta lampirannya"sv,
                                        "pesan ini beserta lampirannya"sv,
                                        "penerima yang dimaksud"sv,
                                        "hanya ditujukan untuk"sv};

/// Drops each paragraph from the line where a disclaimer starts.
void drop_disclaimers(const std::vector<std::string>& lines, std::vector<char>& drop) {
  size_t i = 0;
  while (i < lines.size()) {
    if (drop[i] || trimmed(lines[i]).empty()) {
      ++i;
      continue;
    }
    std::string joined;           // the paragraph, lines joined by spaces
    std::vector<size_t> line_of;  // line_of[k]: the line joined[k] comes from
    for (; i < lines.size() && !drop[i] && !trimmed(lines[i]).empty(); ++i) {
      if (!joined.empty()) joined += ' ';
      joined += trimmed(lines[i]);
      line_of.resize(joined.size(), i);
    }
    const std::string low = ascii_lower(joined);
    size_t at = std::string::npos;
    for (const std::string_view phrase : kDisclaimerPhrases) at = std::min(at, low.find(phrase));
    at = std::min(at, joined.find("DISCLAIMER"));
    if (low.starts_with("disclaimer")) at = 0;
    if (at != std::string::npos)
      for (size_t j = line_of[at]; j < i; ++j) drop[j] = 1;
  }
}

struct ChatLine {
  std::string speaker;  ///< empty for a system line ("Messages and calls are end-to-end encrypted")
  size_t text_start;
};

bool is_stamp(std::string_view stamp) {
  return stamp.size() >= 8 && std::any_of(stamp.begin(), stamp.end(), is_digit) &&
         stamp.find_first_not_of("0123456789.,:/ -APMapm") == std::string_view::npos &&
         (contains(stamp, "/") || contains(stamp, "."));
}

/// "[10.21, 3/6/2024] Budi: text" (WhatsApp on iOS and the web) or "3/6/24, 10.21 - Budi: text" (Android).
std::optional<ChatLine> parse_chat_line(std::string_view line) {
  size_t after;
  if (!line.empty() && line[0] == '[') {
    const size_t close = line.find(']');
    if (close == std::string_view::npos || close > 32 || !is_stamp(line.substr(1, close - 1)))
      return std::nullopt;
    if (close + 1 >= line.size() || line[close + 1] != ' ') return std::nullopt;
    after = close + 2;
  } else if (!line.empty() && is_digit(line[0])) {
    const size_t dash = line.find(" - ");
    if (dash == std::string_view::npos || dash > 24) return std::nullopt;
    const std::string_view stamp = line.substr(0, dash);
    if (!is_stamp(stamp) || !contains(stamp, "/") || !contains(stamp, ",")) return std::nullopt;
    after = dash + 3;
  } else {
    return std::nullopt;
  }
  const std::string_view rest = line.substr(after);
  size_t colon = rest.find(": ");
  if (colon == std::string_view::npos && rest.ends_with(':')) colon = rest.size() - 1;
  if (colon == std::string_view::npos || colon == 0 || colon > 50) return ChatLine{{}, line.size()};
  return ChatLine{std::string(trimmed(rest.substr(0, colon))), std::min(line.size(), after + colon + 2)};
}

bool looks_like_agent(std::string_view speaker) {
  for (const std::string& w : text::words(speaker))
    for (const std::string_view a :
         {"cs"sv, "admin"sv, "official"sv, "support"sv, "store"sv, "shop"sv, "toko"sv, "bot"sv, "team"sv,
          "tim"sv, "care"sv, "helpdesk"sv, "layanan"sv, "agent"sv, "agen"sv, "resmi"sv})
      if (w == a) return true;
  return false;
}

bool is_chat_system_text(std::string_view lowered) {
  for (const std::string_view p :
       {"end-to-end encrypted"sv, "terenkripsi secara end-to-end"sv, "<media omitted>"sv,
        "<media tidak disertakan>"sv, "image omitted"sv, "gambar tidak disertakan"sv,
        "this message was deleted"sv, "pesan ini telah dihapus"sv})
    if (contains(lowered, p)) return true;
  return false;
}

/// In a chat transcript keeps the customer's lines (without stamp and name) and drops the others.
void keep_customer_chat(std::vector<std::string>& lines, std::vector<char>& drop) {
  std::vector<std::optional<ChatLine>> parsed(lines.size());
  std::vector<std::string> speakers;
  for (size_t i = 0; i < lines.size(); ++i) {
    if (drop[i]) continue;
    parsed[i] = parse_chat_line(trimmed(lines[i]));
    if (parsed[i] && !parsed[i]->speaker.empty()) speakers.push_back(parsed[i]->speaker);
  }
  if (speakers.size() < 2) return;  // one stamped line is not a transcript
  const auto customer_it = std::find_if(speakers.begin(), speakers.end(),
                                        [](const std::string& s) { return !looks_like_agent(s); });
  const std::string customer = customer_it != speakers.end() ? *customer_it : speakers.front();
  bool customer_turn = true;  // lines before the first stamped one belong to the ticket
  for (size_t i = 0; i < lines.size(); ++i) {
    if (drop[i]) continue;
    if (parsed[i]) {
      customer_turn = parsed[i]->speaker == customer;
      if (customer_turn) lines[i] = std::string(trimmed(lines[i]).substr(parsed[i]->text_start));
    }
    if (!customer_turn || is_chat_system_text(ascii_lower(lines[i]))) drop[i] = 1;
  }
}

/// A line that may belong to a signature block: short, no question, no error code.
bool is_signature_like(std::string_view line, std::string_view without_noise, bool has_code) {
  const std::string_view t = trimmed(line);
  return !has_code && t.size() <= 80 && !t.ends_with('?') && split_words(without_noise, 11).size() <= 10;
}

/// A sign-off line with content (not only greetings) above it and at most six signature-like lines
/// below it to the end ends the message; the earliest such line wins ("Terima kasih,\n\nSalam,\nBudi").
void drop_signature_block(const std::vector<std::string>& lines, std::vector<char>& drop) {
  size_t first_content = lines.size();
  for (size_t i = 0; i < lines.size() && first_content == lines.size(); ++i)
    if (!drop[i] && has_word_char(strip_greetings(lines[i]))) first_content = i;
  std::optional<size_t> cut;
  size_t below = 0;
  for (size_t i = lines.size(); i-- > first_content + 1;) {
    if (drop[i] || trimmed(lines[i]).empty()) continue;
    std::vector<std::string> codes;
    const std::string without_noise = remove_noise(lines[i], codes);
    if (is_signoff_line(without_noise)) cut = i;
    if (below == 6 || !is_signature_like(lines[i], without_noise, !codes.empty())) break;
    ++below;
  }
  if (cut)
    for (size_t i = *cut; i < lines.size(); ++i) drop[i] = 1;
}

/// Cleans one message and appends its kept lines to @p kept.
void clean_message(std::vector<std::string> lines, std::vector<std::string>& kept,
                   std::vector<std::string>& codes) {
  std::vector<char> drop(lines.size(), 0);
  for (size_t i = 0; i < lines.size(); ++i) {
    const std::string_view t = trimmed(lines[i]);
    if (t == "--" || is_mobile_signature(ascii_lower(t))) {
      std::fill(drop.begin() + static_cast<std::ptrdiff_t>(i), drop.end(), 1);
      break;
    }
    if (t.starts_with('>') || is_rule_line(t)) drop[i] = 1;
  }
  drop_disclaimers(lines, drop);
  keep_customer_chat(lines, drop);
  drop_signature_block(lines, drop);
  for (size_t i = 0; i < lines.size(); ++i) {
    if (drop[i]) continue;
    std::string line = clean_line(lines[i], codes);
    if (!line.empty()) kept.push_back(std::move(line));
  }
}

/// Words in @p lines, counted up to @p limit.
size_t count_words(const std::vector<std::string>& lines, size_t limit) {
  size_t n = 0;
  for (size_t i = 0; i < lines.size() && n < limit; ++i) n += split_words(lines[i], limit - n).size();
  return n;
}

// ------------------------------------------------------------------------------------------ subject

/// The subject without "Re:", "RE: AW:", "Fwd:", "Re[2]:" prefixes and "[#12345]", "[EXTERNAL]" tags.
std::string_view strip_subject_prefixes(std::string_view s) {
  for (;;) {
    s = trimmed(s);
    if (s.starts_with('[')) {
      const size_t close = s.find(']');
      if (close != std::string_view::npos && close <= 40) {
        const std::string inner = ascii_lower(s.substr(1, close - 1));
        if (contains(inner, "#") || std::any_of(inner.begin(), inner.end(), is_digit) ||
            inner == "external" || inner == "eksternal" || inner == "ext" || inner == "spam" ||
            inner == "suspicious") {
          s.remove_prefix(close + 1);
          continue;
        }
      }
    }
    size_t p = 0;
    while (p < s.size() && p < 8 && is_alpha(s[p])) ++p;
    const std::string word = ascii_lower(s.substr(0, p));
    if (word == "re" || word == "fw" || word == "fwd" || word == "aw" || word == "wg" || word == "sv" ||
        word == "vs" || word == "tr" || word == "rv" || word == "antw" || word == "balas" || word == "bls" ||
        word == "terusan" || word == "trs") {
      if (p < s.size() && (s[p] == '[' || s[p] == '(')) {
        const size_t close = s.find_first_of("])", p);
        if (close != std::string_view::npos && all_digits(s.substr(p + 1, close - p - 1))) p = close + 1;
      }
      while (p < s.size() && s[p] == ' ') ++p;
      if (p < s.size() && s[p] == ':') {
        s.remove_prefix(p + 1);
        continue;
      }
    }
    return s;
  }
}

}  // namespace

CleanTicket clean_ticket(std::string_view subject, std::string_view body) {
  CleanTicket out;
  std::string one_line = normalize(subject);
  std::replace(one_line.begin(), one_line.end(), '\n', ' ');
  out.subject = clean_line(strip_subject_prefixes(one_line), out.codes);

  const std::vector<std::string> lines = split_lines(normalize(body));
  std::vector<std::string> kept;
  size_t from = 0;
  for (bool forwarded_part = false;; forwarded_part = true) {
    const Boundary b = find_boundary(lines, from);
    const size_t before = kept.size();
    clean_message(std::vector<std::string>(lines.begin() + static_cast<std::ptrdiff_t>(from),
                                           lines.begin() + static_cast<std::ptrdiff_t>(b.line)),
                  kept, out.codes);
    out.forwarded = out.forwarded || (forwarded_part && kept.size() > before);
    if (b.kind != Kind::forward || count_words(kept, kForwardNoteMaxWords + 1) > kForwardNoteMaxWords) break;
    from = b.content;
  }

  for (const std::string& line : kept) {
    if (!out.body.empty()) out.body += ' ';
    out.body += line;
  }
  const size_t non_blank = static_cast<size_t>(
      std::count_if(lines.begin(), lines.end(), [](const std::string& l) { return !trimmed(l).empty(); }));
  out.removed_lines = non_blank - kept.size();

  std::unordered_set<std::string> seen;
  std::erase_if(out.codes, [&](const std::string& code) { return !seen.insert(code).second; });
  return out;
}

}  // namespace solusi::service
