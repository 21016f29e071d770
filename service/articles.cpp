#include "articles.hpp"

#include <cmark.h>

#include <cstdlib>
#include <memory>

#include "pipe_table.hpp"
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

namespace {

constexpr int render_options = CMARK_OPT_DEFAULT | CMARK_OPT_VALIDATE_UTF8;

struct CmarkFree {
  void operator()(cmark_node* n) const { cmark_node_free(n); }
  void operator()(char* p) const { std::free(p); }
};

/// cmark's safe HTML of a piece of Markdown.
std::string cmark_html(std::string_view markdown) {
  std::unique_ptr<char, CmarkFree> html(
      cmark_markdown_to_html(markdown.data(), markdown.size(), render_options));
  return html ? std::string(html.get()) : std::string();
}

/// One table cell's Markdown as inline HTML: cmark's paragraph without its <p> wrapper.
std::string cell_html(const std::string& cell) {
  std::string html = cmark_html(cell);
  if (html.starts_with("<p>") && html.ends_with("</p>\n")) return html.substr(3, html.size() - 8);
  return html;
}

std::string table_html(const PipeTable& t) {
  std::string out;
  if (!t.lead.empty()) {
    std::string lead;
    for (const auto line : t.lead) lead.append(line).append("\n");
    out += cmark_html(lead);
  }
  auto cells = [&t, &out](const std::vector<std::string>& row, const char* tag) {
    out += "<tr>\n";
    for (size_t i = 0; i < row.size(); ++i) {
      out += "<";
      out += tag;
      switch (t.align[i]) {
        case CellAlign::left:
          out += " align=\"left\"";
          break;
        case CellAlign::center:
          out += " align=\"center\"";
          break;
        case CellAlign::right:
          out += " align=\"right\"";
          break;
        case CellAlign::none:
          break;
      }
      out.append(">").append(cell_html(row[i])).append("</").append(tag).append(">\n");
    }
    out += "</tr>\n";
  };
  out += "<table>\n<thead>\n";
  cells(t.header, "th");
  out += "</thead>\n";
  if (!t.rows.empty()) {
    out += "<tbody>\n";
    for (const auto& row : t.rows) cells(row, "td");
    out += "</tbody>\n";
  }
  out += "</table>\n";
  return out;
}

}  // namespace

std::string render_markdown(std::string_view markdown) {
  // cmark 0.30 is safe by default: without CMARK_OPT_UNSAFE raw HTML and dangerous URLs are removed.
  // Its core has no tables: a top-level paragraph that holds a pipe table is rendered here, each cell
  // through cmark (so cells keep their emphasis, code and links, and the same safety).
  // cmark ends lines at LF, CRLF and a lone CR; the paragraphs' line numbers are looked up in lines
  // split at LF only, so line ends are made LF first (a lone CR would shift every later paragraph onto
  // other lines: a paragraph rendered as the table below it, the table as text).
  std::string lf;
  if (markdown.find('\r') != std::string_view::npos) {
    lf.reserve(markdown.size());
    for (size_t i = 0; i < markdown.size(); ++i)
      if (markdown[i] != '\r')
        lf += markdown[i];
      else if (i + 1 == markdown.size() || markdown[i + 1] != '\n')
        lf += '\n';
    markdown = lf;
  }
  std::unique_ptr<cmark_node, CmarkFree> doc(
      cmark_parse_document(markdown.data(), markdown.size(), render_options));
  if (!doc) return {};
  std::vector<std::string_view> lines;
  bool split = false;
  std::string out;
  for (cmark_node* n = cmark_node_first_child(doc.get()); n; n = cmark_node_next(n)) {
    if (cmark_node_get_type(n) == CMARK_NODE_PARAGRAPH) {
      if (!split) {
        lines = text::split(markdown, '\n');
        split = true;
      }
      const int first = cmark_node_get_start_line(n), last = cmark_node_get_end_line(n);
      if (first >= 1 && last >= first && static_cast<size_t>(last) <= lines.size()) {
        const char* begin = lines[static_cast<size_t>(first - 1)].data();
        const std::string_view end_line = lines[static_cast<size_t>(last - 1)];
        if (auto table =
                parse_pipe_table({begin, static_cast<size_t>(end_line.data() + end_line.size() - begin)})) {
          out += table_html(*table);
          continue;
        }
      }
    }
    std::unique_ptr<char, CmarkFree> html(cmark_render_html(n, render_options));
    if (html) out += html.get();
  }
  return out;
}

}  // namespace solusi::service
