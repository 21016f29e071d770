#include "articles.hpp"

#include "markdown.hpp"
#include "schema.hpp"
#include "text.hpp"

namespace solusi::service {
namespace {

Xapian::Query visibility_filter(Xapian::Query query, const Visibility& v) {
  if (!v.include_unpublished)
    query = Xapian::Query(Xapian::Query::OP_FILTER, query,
                          Xapian::Query(schema::term(schema::prefix::status, "published")));
  if (v.public_only)
    query = Xapian::Query(Xapian::Query::OP_FILTER, query,
                          Xapian::Query(schema::term(schema::prefix::audience, "public")));
  if (v.today) {  // the publish_at / valid_to window, exactly as search applies it
    auto day = [](const Date& d) {
      return Xapian::sortable_serialise(static_cast<double>(d.days_since_epoch()));
    };
    query = Xapian::Query(Xapian::Query::OP_AND_NOT, query,
                          Xapian::Query(Xapian::Query::OP_VALUE_GE, schema::slot(schema::Slot::publish_at),
                                        day(v.today->plus_days(1))));
    query = Xapian::Query(Xapian::Query::OP_AND_NOT, query,
                          Xapian::Query(Xapian::Query::OP_VALUE_LE, schema::slot(schema::Slot::valid_to),
                                        day(v.today->plus_days(-1))));
  }
  return query;
}

}  // namespace

Result<void> validate_slug(std::string_view slug) {
  return check_slug(slug);
}

Result<StoredArticle> find_article(const Xapian::Database& db, std::string_view slug,
                                   const Visibility& visibility) {
  if (auto ok = validate_slug(slug); !ok) return tl::unexpected(ok.error());
  const std::string id = schema::term(schema::prefix::id, slug);
  auto it = db.postlist_begin(id);
  if (it == db.postlist_end(id)) return fail(ErrorCode::not_found, "no article '" + std::string(slug) + "'");
  StoredArticle a = read_stored(db.get_document(*it));
  const std::string today = visibility.today ? visibility.today->iso() : std::string();
  const bool out_of_window =
      visibility.today && ((a.publish_at && *a.publish_at > today) || (a.valid_to && *a.valid_to < today));
  const bool hidden = (!visibility.include_unpublished && a.status != "published") ||
                      (visibility.public_only && a.audience != "public") || out_of_window;
  // Hidden articles are reported exactly like missing ones, so their existence does not leak.
  if (hidden) return fail(ErrorCode::not_found, "no article '" + std::string(slug) + "'");
  return a;
}

Result<ArticleList> list_articles(const Xapian::Database& db, const ArticleFilter& f,
                                  const Visibility& visibility) {
  // Not Xapian::Query::MatchAll: copying that shared static from several threads races on its
  // (non-atomic) reference count. The empty term matches every document too.
  Xapian::Query query{std::string()};
  auto filter = [&](std::string_view prefix, const std::optional<std::string>& value) {
    if (value)
      query = Xapian::Query(Xapian::Query::OP_FILTER, query,
                            Xapian::Query(schema::term(prefix, text::to_lower(*value))));
  };
  filter(schema::prefix::tag, f.tag);
  filter(schema::prefix::category, f.category);
  filter(schema::prefix::owner, f.owner);
  filter(schema::prefix::lang, f.lang);
  filter(schema::prefix::status, f.status);
  if (f.updated_since)
    query = Xapian::Query(
        Xapian::Query::OP_FILTER, query,
        Xapian::Query(Xapian::Query::OP_VALUE_GE, schema::slot(schema::Slot::updated),
                      Xapian::sortable_serialise(static_cast<double>(f.updated_since->days_since_epoch()))));
  query = visibility_filter(query, visibility);
  Xapian::Query page = query;
  if (f.after_slug)  // slugs from this one on, without it
    page = Xapian::Query(Xapian::Query::OP_AND_NOT,
                         Xapian::Query(Xapian::Query::OP_FILTER, page,
                                       Xapian::Query(Xapian::Query::OP_VALUE_GE,
                                                     schema::slot(schema::Slot::slug), *f.after_slug)),
                         Xapian::Query(schema::term(schema::prefix::id, *f.after_slug)));

  Xapian::Enquire enquire(db);
  enquire.set_query(page);
  enquire.set_weighting_scheme(Xapian::BoolWeight());
  enquire.set_sort_by_value(schema::slot(schema::Slot::slug), false);
  Xapian::MSet mset = enquire.get_mset(static_cast<Xapian::doccount>(f.offset),
                                       static_cast<Xapian::doccount>(f.limit), db.get_doccount());
  ArticleList out;
  // Exact: every document is checked (checkatleast is the document count).
  out.more = f.offset + mset.size() < mset.get_matches_estimated();
  if (f.after_slug) {
    enquire.set_query(query);
    out.total = enquire.get_mset(0, 0, db.get_doccount()).get_matches_estimated();
  } else {
    out.total = mset.get_matches_estimated();
  }
  for (auto it = mset.begin(); it != mset.end(); ++it) {
    StoredArticle a = read_stored(it.get_document(), stored_meta);
    out.articles.push_back(std::move(a));
  }
  return out;
}

std::string render_markdown(std::string_view markdown) {
  // cmark-gfm's own renderer over the same parse as the indexer's (indexer/markdown.hpp): safe mode
  // (raw HTML omitted, unsafe URLs emptied), GFM tables, strikethrough, autolinks, task lists, tagfilter.
  return markdown::Document(markdown).html();
}

}  // namespace solusi::service
