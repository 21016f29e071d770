#include "chat_words.hpp"

#include "text.hpp"

namespace solusi {
namespace {

/// First line of the stored form; bumped if the form changes.
constexpr std::string_view stored_header = "solusi-chat-words 1";

}  // namespace

std::string_view ChatWords::lookup(std::string_view word) const {
  const auto it = table_.find(word);
  return it == table_.end() ? std::string_view() : std::string_view(it->second);
}

bool ChatWords::add(std::string word, std::string standard) {
  return table_.try_emplace(std::move(word), std::move(standard)).second;
}

std::string ChatWords::serialise() const {
  std::string out(stored_header);
  out += '\n';
  for (const auto& [word, standard] : table_) {
    out += word;
    out += '=';
    out += standard;
    out += '\n';
  }
  return out;
}

ChatWords ChatWords::deserialise(std::string_view stored) {
  ChatWords out;
  bool header = true;
  for (const auto line : text::split(stored, '\n')) {
    if (header) {
      header = false;
      continue;
    }
    const auto eq = line.find('=');
    if (eq == std::string_view::npos || eq == 0 || eq + 1 == line.size()) continue;
    out.add(std::string(line.substr(0, eq)), std::string(line.substr(eq + 1)));
  }
  return out;
}

ChatWordsFile parse_chat_words(std::string_view text, const std::string& file_name) {
  ChatWordsFile out;
  std::map<std::string, int, std::less<>> first_line;  // abbreviation → line that mapped it
  int line_no = 0;
  size_t offset = 0;
  for (const auto raw_line : text::split(text, '\n')) {
    ++line_no;
    const size_t line_end = offset + raw_line.size();
    offset = line_end + 1;
    auto problem = [&](std::string code, std::string message,
                       Diagnostic::Severity severity = Diagnostic::Severity::error) {
      out.problems.push_back({severity, file_name, line_no, std::move(code), std::move(message)});
    };
    if (line_end > max_chat_words_file_bytes) {
      problem("chat_words_too_large", "the file is larger than " + std::to_string(max_chat_words_file_bytes) +
                                          " bytes; this line and the rest are skipped");
      break;
    }
    const std::string_view line = text::trim(raw_line);
    if (line.empty() || line.front() == '#') continue;
    if (out.words.size() >= max_chat_words) {
      problem("chat_words_too_large", "more than " + std::to_string(max_chat_words) +
                                          " mappings; this line and the rest are skipped");
      break;
    }
    if (!text::is_valid_utf8(line)) {
      problem("bad_chat_word", "line is not valid UTF-8; skipped");
      continue;
    }
    const auto eq = line.find('=');
    if (eq == std::string_view::npos || line.find('=', eq + 1) != std::string_view::npos) {
      problem("bad_chat_word", "expected one 'abbreviation = standard words' (one '='); skipped");
      continue;
    }
    const std::string_view left = text::trim(line.substr(0, eq));
    const std::vector<std::string> abbreviation = text::words(left);
    if (abbreviation.size() != 1 || abbreviation.front() != text::to_lower(left)) {
      problem("bad_chat_word", "the left side must be one word (letters and digits only): '" +
                                   std::string(left) + "'; skipped");
      continue;
    }
    const std::string& word = abbreviation.front();
    if (word.size() > max_chat_word_bytes) {
      problem("bad_chat_word",
              "the abbreviation is longer than " + std::to_string(max_chat_word_bytes) + " bytes; skipped");
      continue;
    }
    const std::vector<std::string> standard_words = text::words(line.substr(eq + 1));
    if (standard_words.empty()) {
      problem("bad_chat_word", "'" + word + "' has no standard words after '='; skipped");
      continue;
    }
    if (standard_words.size() > max_chat_expansion_words) {
      problem("bad_chat_word", "'" + word + "' stands for more than " +
                                   std::to_string(max_chat_expansion_words) + " words; skipped");
      continue;
    }
    std::string standard;
    for (const auto& w : standard_words) standard += (standard.empty() ? "" : " ") + w;
    if (standard == word) {
      problem("bad_chat_word", "'" + word + "' maps to itself; skipped");
      continue;
    }
    if (const auto it = first_line.find(word); it != first_line.end()) {
      problem(
          "duplicate_chat_word",
          "'" + word + "' is already mapped on line " + std::to_string(it->second) + "; this line is skipped",
          Diagnostic::Severity::warning);
      continue;
    }
    first_line.emplace(word, line_no);
    out.words.add(word, std::move(standard));
  }
  return out;
}

const ChatWords& builtin_chat_words() {
  // Abbreviations and colloquial spellings common in Indonesian chat and tickets. Function words map
  // to their standard form too, so stop words and language detection see them.
  static const ChatWords table = [] {
    static constexpr std::pair<std::string_view, std::string_view> pairs[] = {
        {"aja", "saja"},
        {"bgt", "banget"},
        {"blm", "belum"},
        {"blom", "belum"},
        {"bln", "bulan"},
        {"brp", "berapa"},
        {"bs", "bisa"},
        {"bsa", "bisa"},
        {"dah", "sudah"},
        {"dgn", "dengan"},
        {"dmn", "dimana"},
        {"dr", "dari"},
        {"engga", "tidak"},
        {"enggak", "tidak"},
        {"ga", "tidak"},
        {"gaada", "tidak ada"},
        {"gabisa", "tidak bisa"},
        {"gak", "tidak"},
        {"gakbisa", "tidak bisa"},
        {"gk", "tidak"},
        {"gmn", "gimana"},
        {"gue", "saya"},
        {"gw", "saya"},
        {"hrs", "harus"},
        {"jd", "jadi"},
        {"kagak", "tidak"},
        {"kalo", "kalau"},
        {"knp", "kenapa"},
        {"kpn", "kapan"},
        {"krn", "karena"},
        {"lg", "lagi"},
        {"msh", "masih"},
        {"ngga", "tidak"},
        {"nggak", "tidak"},
        {"org", "orang"},
        {"pake", "pakai"},
        {"pakek", "pakai"},
        {"sdh", "sudah"},
        {"sm", "sama"},
        {"sy", "saya"},
        {"tdk", "tidak"},
        {"tgl", "tanggal"},
        {"thn", "tahun"},
        {"tp", "tapi"},
        {"tpi", "tapi"},
        {"trs", "terus"},
        {"udah", "sudah"},
        {"udh", "sudah"},
        {"utk", "untuk"},
        {"yg", "yang"},
        {"nyampe", "sampai"},
        {"nyampai", "sampai"},
        {"dateng", "datang"},
        {"nunggu", "menunggu"},
        {"cepet", "cepat"},
        {"bener", "benar"},
    };
    ChatWords t;
    for (const auto& [from, to] : pairs) t.add(std::string(from), std::string(to));
    return t;
  }();
  return table;
}

}  // namespace solusi
