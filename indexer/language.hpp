// The two languages Solusi indexes and searches, with their Xapian stemmers and stop words.
#pragma once

#include <xapian.h>

#include <array>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace solusi {

enum class Lang { id, en };

inline constexpr std::array<Lang, 2> all_langs{Lang::id, Lang::en};

/// "id" or "en".
std::string_view lang_code(Lang lang);

/// Accepts "id", "en" and the spellings real front matter uses ("id-ID", "in", "indonesian",
/// "bahasa indonesia", "en-US", "english", …). Case-insensitive.
std::optional<Lang> parse_lang(std::string_view text);

/// Xapian's stemmer for the language ("indonesian", "english"). Thread-safe to copy, not to share.
Xapian::Stem stemmer_for(Lang lang);

/// Function words that carry no topic in the language (conservative: negations such as "tidak",
/// "belum", "not" are kept, because "OTP tidak masuk" means something).
const Xapian::Stopper& stopper_for(Lang lang);

/// What a query drops: the stop words above plus the words that ask rather than say ("siapakah",
/// "dimana", "berapa", "what", "how"). Queries only: the indexer keeps question words.
const Xapian::Stopper& query_stopper_for(Lang lang);

/// A stop or question word of either language (@p word lowercase).
bool is_query_stop_word(const std::string& word);

/// The standard spelling of an Indonesian chat abbreviation or colloquial form ("blm" → "belum",
/// "gabisa" → "tidak bisa", "pake" → "pakai") in the built-in table (chat_words.hpp); empty when
/// @p word (lowercase) is not one. Readers of an index use the table stored in it instead.
std::string_view indonesian_chat_word(std::string_view word);

/// Other stems an Indonesian word may share a root with, which the Snowball stemmer keeps apart
/// because it does not restore the consonant a nasal prefix absorbs: "pengembalian" stems to
/// "embali", "dikembalikan" to "kembali"; "penarikan" to "arik", "tarik" to "tarik". Returns the
/// candidates without the stem itself: the word as written; for a meN-/peN- word whose stem starts
/// with a vowel, the stem with the consonant that nasal absorbs ("menemukan" → "temu", never "semu");
/// for a root starting with k/t/p/s, the stem without it, only when @p surface_exists says the index
/// has a word starting with the matching nasal and that rest ("pengembali…"). Nothing for stop and
/// question words. The caller keeps the candidates that occur in the index.
std::vector<std::string> indonesian_root_variants(
    const std::string& word, const Xapian::Stem& stemmer,
    const std::function<bool(const std::string&)>& surface_exists);
}  // namespace solusi
