// The editor-owned chat word file (articles/chat-words.txt): Indonesian chat abbreviations and
// colloquial spellings with the standard words articles use ("udh = sudah", "gabisa = tidak bisa").
//
// The indexer parses the file and stores the table in the index (metadata schema::meta::chat_words),
// so every reader of an index (search, suggest, reports, replicas) normalises with the same table.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "article.hpp"

namespace solusi {

/// File name of the chat word file inside the articles folder.
inline constexpr std::string_view chat_words_file_name = "chat-words.txt";
/// Bytes of the file read; the lines after this are reported and skipped.
inline constexpr size_t max_chat_words_file_bytes = 256 * 1024;
/// Mappings kept; the lines after this many are reported and skipped.
inline constexpr size_t max_chat_words = 5000;
/// Longest abbreviation (left side), in bytes.
inline constexpr size_t max_chat_word_bytes = 40;
/// Most standard words one abbreviation may stand for (right side).
inline constexpr size_t max_chat_expansion_words = 4;

/// Chat word → standard words (lowercase, one space between words).
class ChatWords {
 public:
  /// The standard words for @p word (lowercase), empty when it is not a chat word.
  std::string_view lookup(std::string_view word) const;
  /// Adds a mapping unless @p word already has one; false when it had.
  bool add(std::string word, std::string standard);
  size_t size() const { return table_.size(); }
  bool empty() const { return table_.empty(); }

  /// The form stored in the index metadata: a header line, then "word=standard words" lines. Never
  /// empty (an empty table is a deliberate choice of the editors, unlike no table at all).
  std::string serialise() const;
  /// Reads what serialise() wrote; lines it cannot read are skipped.
  static ChatWords deserialise(std::string_view stored);

  bool operator==(const ChatWords&) const = default;

 private:
  std::map<std::string, std::string, std::less<>> table_;
};

struct ChatWordsFile {
  ChatWords words;
  std::vector<Diagnostic> problems;  ///< lines that were skipped, with their line numbers
};

/// Parses the file: one "abbreviation = standard words" per line, '#' starts a comment line. The
/// abbreviation is one word; both sides are lowercased. Bad lines are reported (file and line) and
/// skipped; a repeated abbreviation keeps its first line.
ChatWordsFile parse_chat_words(std::string_view text,
                               const std::string& file_name = std::string(chat_words_file_name));

/// The table used by an index written from a folder without chat-words.txt (and by indexes written
/// before the file existed): the most common abbreviations and spellings.
const ChatWords& builtin_chat_words();

}  // namespace solusi
