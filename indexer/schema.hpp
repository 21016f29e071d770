// The index schema: every term prefix and value slot Solusi uses, defined once.
//
// The indexer writes documents with this table and the searcher configures its query parser by
// looping over the same table, so the two cannot drift. Documented in docs/index-schema.md; keep both
// in step. Letters follow Xapian Omega where Omega has one (Q, S, K, L, Z), X… are ours.
#pragma once

#include <xapian.h>

#include <array>
#include <string_view>

namespace solusi::schema {

/// Bumped whenever a prefix, slot or the document data changes meaning. Stored in the database
/// metadata; an index written with another version is rebuilt from scratch by `solusi index`.
inline constexpr int version = 1;

/// Metadata keys (Xapian::Database::get_metadata).
namespace meta {
inline constexpr const char* schema_version = "solusi.schema_version";
inline constexpr const char* synonyms_hash = "solusi.synonyms_hash";
/// The chat word table from articles/chat-words.txt (ChatWords::serialise); absent when the folder has
/// no such file (readers then use the built-in table).
inline constexpr const char* chat_words = "solusi.chat_words";
/// The category groups from articles/categories.txt (serialise_category_groups); absent without it.
inline constexpr const char* category_groups = "solusi.category_groups";
inline constexpr const char* languages = "solusi.languages";
inline constexpr const char* last_commit = "solusi.last_commit";  ///< Unix seconds of the last commit
inline constexpr const char* articles_dir = "solusi.articles_dir";
/// The id of the events store (events.db) this index goes with: a missing or replaced events store
/// is refused at start instead of silently starting empty (service/stored_state.hpp). Absent in an
/// index that has not met its events store yet.
inline constexpr const char* events_id = "solusi.events_id";
}  // namespace meta

namespace prefix {
inline constexpr std::string_view id = "Q";         ///< boolean: the slug, one per document
inline constexpr std::string_view title = "S";      ///< free text: title words
inline constexpr std::string_view tag = "K";        ///< boolean: each tag, lowercased
inline constexpr std::string_view lang = "L";       ///< boolean: "id" or "en"
inline constexpr std::string_view stemmed = "Z";    ///< added by Xapian's TermGenerator before stems
inline constexpr std::string_view heading = "XH";   ///< free text: section heading words
inline constexpr std::string_view category = "XC";  ///< boolean: category, lowercased
inline constexpr std::string_view owner = "XO";     ///< boolean: owner, lowercased
inline constexpr std::string_view status = "XS";    ///< boolean: draft | review | published | archived
inline constexpr std::string_view audience = "XA";  ///< boolean: internal | public
inline constexpr std::string_view link = "XL";      ///< boolean: slug of an article this one links to
inline constexpr std::string_view folder = "XF";    ///< boolean: each folder above the article ("akun")
inline constexpr std::string_view learned = "XT";   ///< free text: ticket words learned from resolutions
}  // namespace prefix

/// Value slots. Append-only: a slot never changes meaning without bumping @ref version.
enum class Slot : Xapian::valueno {
  slug = 0,          ///< the slug, as text
  content_hash = 1,  ///< hex FNV-1a of the source file + indexer version: skips unchanged files
  reviewed = 2,      ///< sortable_serialise(days since 1970-01-01) of the last review; absent if never
  review_due = 3,    ///< sortable_serialise(days since 1970-01-01) when the next review is due
  updated = 4,       ///< sortable_serialise(days since 1970-01-01) of the last content change
  tags = 5,          ///< tags joined by '\n' (for facet counts)
  category = 6,      ///< category, as text (for facet counts)
  publish_at = 7,    ///< sortable_serialise(days) before which the article is not live; absent if none
  valid_to = 8,      ///< sortable_serialise(days) after which the article is not live; absent if none
  text = 9,          ///< plain body text (capped), for snippets: kept out of the data so hits parse less
  markdown = 10,     ///< the Markdown body as written, for the article view
  extra = 11,        ///< JSON object of unknown front matter fields (article view only)
  learned = 12,      ///< fingerprint of the learned ticket terms (see learned.hpp); absent if none
  /// The reports' facts: metadata, title and tag stems, text sketch (report_facts.hpp), binary.
  /// Absent in documents written before it existed: the reports then compute them from the document.
  report_facts = 13,
};

inline constexpr Xapian::valueno slot(Slot s) {
  return static_cast<Xapian::valueno>(s);
}

enum class FieldKind { free_text, boolean };

/// One searchable field. @c name is what a user may type before a colon ("tag:refund").
struct Field {
  std::string_view name;
  std::string_view prefix;
  FieldKind kind;
  /// Free text fields: also indexed unprefixed (the default search space) with this wdf multiplier;
  /// 0 = only under the prefix. Boolean fields: ignored.
  unsigned default_weight;
};

/// Every field. The term generator and the query parser are both configured from this table.
inline constexpr std::array<Field, 10> fields{{
    {"title", prefix::title, FieldKind::free_text, 5},
    {"heading", prefix::heading, FieldKind::free_text, 2},
    {"learned", prefix::learned, FieldKind::free_text, 0},
    {"tag", prefix::tag, FieldKind::boolean, 0},
    {"lang", prefix::lang, FieldKind::boolean, 0},
    {"category", prefix::category, FieldKind::boolean, 0},
    {"owner", prefix::owner, FieldKind::boolean, 0},
    {"status", prefix::status, FieldKind::boolean, 0},
    {"audience", prefix::audience, FieldKind::boolean, 0},
    {"folder", prefix::folder, FieldKind::boolean, 0},
}};

/// wdf multiplier of tags in the default search space (a tag is a strong hint of the topic).
inline constexpr unsigned tag_weight = 3;
/// wdf multiplier of the body text (and code) in the default search space.
inline constexpr unsigned body_weight = 1;

/// Longest term Xapian's glass backend stores (its MAX_SAFE_TERM_LENGTH): a document holding a longer
/// term is refused whole by add_document/replace_document. Front matter values that become terms are
/// limited well below it (limits::term_value_bytes), link targets over it are keyed by a hash
/// (link_term()), and the indexer checks every document against it before adding it.
inline constexpr size_t max_term_bytes = 245;

/// Builds a boolean term: prefix + value (values of our X prefixes never start with a capital,
/// so no ':' separator is needed; all boolean values are lowercased by the caller).
inline std::string term(std::string_view prefix, std::string_view value) {
  std::string t;
  t.reserve(prefix.size() + value.size());
  t.append(prefix);
  t.append(value);
  return t;
}

}  // namespace solusi::schema
