#include "document.hpp"

#include "report_facts.hpp"
#include "schema.hpp"
#include "text.hpp"

namespace solusi {
namespace {

std::string serialise_date(const Date& d) {
  return Xapian::sortable_serialise(static_cast<double>(d.days_since_epoch()));
}

template <class T>
void put_optional(nlohmann::json& j, const char* key, const std::optional<T>& v) {
  if (v) j[key] = *v;
}

template <class T>
void get_optional(const nlohmann::json& j, const char* key, std::optional<T>& v) {
  if (auto it = j.find(key); it != j.end() && !it->is_null()) v = it->get<T>();
}

/// Indexes @p text as the schema field @p name: under the field's prefix, and in the default search
/// space with the field's weight (with positions there, so phrases work).
void index_field(Xapian::TermGenerator& tg, std::string_view name, const std::string& text) {
  for (const auto& f : schema::fields) {
    if (f.name != name) continue;
    if (f.default_weight > 0) tg.index_text(text, f.default_weight);
    tg.index_text_without_positions(text, 1, std::string(f.prefix));
    tg.increase_termpos();  // phrases never cross field boundaries
    return;
  }
}

}  // namespace

nlohmann::json StoredArticle::to_json() const {
  nlohmann::json j{{"slug", slug},
                   {"path", path},
                   {"title", title},
                   {"summary", summary},
                   {"lang", lang},
                   {"tags", tags},
                   {"category", category},
                   {"owner", owner},
                   {"status", status},
                   {"audience", audience},
                   {"review_every_days", review_every_days},
                   {"links", links},
                   {"files", files},
                   {"extra", extra}};
  put_optional(j, "reviewed", reviewed);
  put_optional(j, "review_due", review_due);
  put_optional(j, "updated", updated);
  put_optional(j, "publish_at", publish_at);
  put_optional(j, "valid_to", valid_to);
  return j;
}

StoredArticle StoredArticle::from_json(const nlohmann::json& j) {
  StoredArticle s;
  s.slug = j.at("slug").get<std::string>();
  s.path = j.value("path", "");
  s.title = j.value("title", "");
  s.summary = j.value("summary", "");
  s.lang = j.value("lang", "id");
  s.tags = j.value("tags", std::vector<std::string>{});
  s.category = j.value("category", "");
  s.owner = j.value("owner", "");
  s.status = j.value("status", "published");
  s.audience = j.value("audience", "internal");
  s.review_every_days = j.value("review_every_days", 0);
  s.links = j.value("links", std::vector<std::string>{});
  s.files = j.value("files", std::vector<std::string>{});
  if (auto it = j.find("extra"); it != j.end()) s.extra = *it;
  get_optional(j, "reviewed", s.reviewed);
  get_optional(j, "review_due", s.review_due);
  get_optional(j, "updated", s.updated);
  get_optional(j, "publish_at", s.publish_at);
  get_optional(j, "valid_to", s.valid_to);
  return s;
}

StoredArticle stored_article(const Article& a, const DocumentOptions& options) {
  StoredArticle s;
  s.slug = a.slug;
  s.path = a.path;
  s.title = a.title;
  s.summary = a.summary;
  s.lang = std::string(lang_code(a.lang));
  s.tags = a.tags;
  s.category = a.category;
  s.owner = a.owner;
  s.status = std::string(to_string(a.status));
  s.audience = std::string(to_string(a.audience));
  s.review_every_days = a.review_every_days > 0 ? a.review_every_days : options.default_review_days;
  if (a.reviewed) {
    s.reviewed = a.reviewed->iso();
    s.review_due = a.reviewed->plus_days(s.review_every_days).iso();
  }
  if (options.modified) s.updated = options.modified->iso();
  if (a.reviewed && (!s.updated || *s.updated < *s.reviewed)) s.updated = s.reviewed;
  if (a.publish_at) s.publish_at = a.publish_at->iso();
  if (a.valid_to) s.valid_to = a.valid_to->iso();
  for (const auto& l : a.links) {
    if (l.article_slug && std::find(s.links.begin(), s.links.end(), *l.article_slug) == s.links.end())
      s.links.push_back(*l.article_slug);
    if (l.local_file && std::find(s.files.begin(), s.files.end(), *l.local_file) == s.files.end())
      s.files.push_back(*l.local_file);
  }
  std::string text = text::collapse_whitespace(a.text);
  s.text = text.size() > stored_text_limit ? text::truncate_words(text, stored_text_limit) : std::move(text);
  s.extra = a.extra;
  s.markdown = a.markdown;
  return s;
}

std::string link_term(std::string_view slug) {
  std::string t = schema::term(schema::prefix::link, slug);
  if (t.size() <= schema::max_term_bytes) return t;
  return schema::term(schema::prefix::link, "#" + text::to_hex(text::fnv1a64(slug)));
}

std::optional<std::string> overlong_term(const Xapian::Document& doc) {
  for (auto it = doc.termlist_begin(); it != doc.termlist_end(); ++it)
    if ((*it).size() > schema::max_term_bytes) return *it;
  return std::nullopt;
}

StoredArticle read_stored(const Xapian::Document& doc, unsigned parts) {
  StoredArticle s = StoredArticle::from_json(nlohmann::json::parse(doc.get_data()));
  if (parts & stored_text) s.text = doc.get_value(schema::slot(schema::Slot::text));
  if (parts & stored_markdown) s.markdown = doc.get_value(schema::slot(schema::Slot::markdown));
  if (parts & stored_extra) {
    const std::string extra = doc.get_value(schema::slot(schema::Slot::extra));
    if (!extra.empty()) s.extra = nlohmann::json::parse(extra);
  }
  return s;
}

Xapian::Document make_document(const Article& a, const std::string& content_hash,
                               const DocumentOptions& options, Xapian::TermGenerator& tg) {
  Xapian::Document doc;
  tg.set_document(doc);
  tg.set_stemmer(stemmer_for(a.lang));
  tg.set_stopper(&stopper_for(a.lang));
  tg.set_stemming_strategy(Xapian::TermGenerator::STEM_SOME);

  index_field(tg, "title", a.title);
  for (const auto& h : a.headings) index_field(tg, "heading", h.text);
  for (const auto& tag : a.tags) {
    tg.index_text(tag, schema::tag_weight);
    tg.increase_termpos();
    doc.add_boolean_term(schema::term(schema::prefix::tag, tag));
  }
  tg.index_text(a.text, schema::body_weight);
  tg.increase_termpos();
  tg.index_text(a.code, schema::body_weight);

  doc.add_boolean_term(schema::term(schema::prefix::id, a.slug));
  doc.add_boolean_term(schema::term(schema::prefix::lang, lang_code(a.lang)));
  doc.add_boolean_term(schema::term(schema::prefix::status, to_string(a.status)));
  doc.add_boolean_term(schema::term(schema::prefix::audience, to_string(a.audience)));
  if (!a.category.empty()) doc.add_boolean_term(schema::term(schema::prefix::category, a.category));
  if (!a.owner.empty()) doc.add_boolean_term(schema::term(schema::prefix::owner, text::to_lower(a.owner)));
  for (size_t slash = a.slug.find('/'); slash != std::string::npos; slash = a.slug.find('/', slash + 1))
    doc.add_boolean_term(schema::term(schema::prefix::folder, a.slug.substr(0, slash)));

  StoredArticle stored = stored_article(a, options);
  for (const auto& l : stored.links) doc.add_boolean_term(link_term(l));

  doc.add_value(schema::slot(schema::Slot::slug), a.slug);
  doc.add_value(schema::slot(schema::Slot::content_hash), content_hash);
  if (a.reviewed) {
    doc.add_value(schema::slot(schema::Slot::reviewed), serialise_date(*a.reviewed));
    doc.add_value(schema::slot(schema::Slot::review_due),
                  serialise_date(a.reviewed->plus_days(stored.review_every_days)));
  }
  if (stored.updated)
    doc.add_value(schema::slot(schema::Slot::updated), serialise_date(*Date::parse(*stored.updated)));
  if (!a.tags.empty()) {
    std::string joined;
    for (const auto& t : a.tags) {
      if (!joined.empty()) joined += '\n';
      joined += t;
    }
    doc.add_value(schema::slot(schema::Slot::tags), joined);
  }
  if (!a.category.empty()) doc.add_value(schema::slot(schema::Slot::category), a.category);
  if (a.publish_at) doc.add_value(schema::slot(schema::Slot::publish_at), serialise_date(*a.publish_at));
  if (a.valid_to) doc.add_value(schema::slot(schema::Slot::valid_to), serialise_date(*a.valid_to));

  doc.add_value(schema::slot(schema::Slot::text), stored.text);
  doc.add_value(schema::slot(schema::Slot::markdown), stored.markdown);
  {
    thread_local TermExtractor terms;
    doc.add_value(schema::slot(schema::Slot::report_facts),
                  encode_report_facts(stored, report_keys(stored, terms)));
  }
  nlohmann::json data = stored.to_json();
  data.erase("extra");  // only the article view needs it: its own slot keeps search hits' JSON small
  if (!stored.extra.empty()) doc.add_value(schema::slot(schema::Slot::extra), stored.extra.dump());
  doc.set_data(data.dump());
  return doc;
}

}  // namespace solusi
