#include "targets.hpp"

#include <cmark-gfm-core-extensions.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "api.hpp"
#include "article.hpp"
#include "articles.hpp"
#include "chat_words.hpp"
#include "editing.hpp"
#include "index_writer.hpp"
#include "markdown.hpp"
#include "search_json.hpp"
#include "searcher.hpp"
#include "suggest.hpp"
#include "synonyms.hpp"
#include "text.hpp"
#include "ticket_text.hpp"

namespace solusi::fuzz {
namespace {

namespace fs = std::filesystem;

/// A broken invariant: says which and aborts (libFuzzer saves the input; CTest reports the crash).
[[noreturn]] void broken(std::string_view target, std::string_view what, std::string_view detail = {}) {
  std::fprintf(stderr, "fuzz target %.*s: invariant broken: %.*s\n", static_cast<int>(target.size()),
               target.data(), static_cast<int>(what.size()), what.data());
  if (!detail.empty())
    std::fprintf(stderr, "  %.*s\n", static_cast<int>(std::min<size_t>(detail.size(), 2000)), detail.data());
  std::abort();
}

void check(bool ok, std::string_view target, std::string_view what, std::string_view detail = {}) {
  if (!ok) broken(target, what, detail);
}

std::string_view as_text(const std::uint8_t* data, std::size_t size) {
  return size == 0 ? std::string_view() : std::string_view(reinterpret_cast<const char*>(data), size);
}

/// A fixed day inside every lifecycle window of the fixed index, so runs do not depend on the date.
Date fixed_today() {
  return *Date::parse("2026-06-15");
}

// ------------------------------------------------------------------------------------------------
// The fixed index of the query and ticket targets: built once per process in a temporary folder,
// removed when the process exits normally.

struct FixedArticle {
  const char* path;
  const char* text;
};

constexpr FixedArticle fixed_articles[] = {
    {"pembayaran/refund-belum-masuk.md",
     "---\ntitle: Refund belum masuk ke rekening\nlang: id\ntags: [refund, pembayaran]\ncategory: "
     "pembayaran\nowner: tim-pembayaran\nreviewed: 2026-05-01\naudience: public\n---\n## Masalah\nDana "
     "pengembalian belum masuk ke rekening BCA setelah pesanan dibatalkan.\n\n## Solusi\nRefund diproses "
     "dalam 3-14 hari kerja. Cek status di menu **Pesanan**.\n\n| Metode | Lama |\n|---|---:|\n| VA | 3 hari "
     "|\n| Kartu kredit | 14 hari |\n"},
    {"akun/otp-tidak-masuk.md",
     "---\ntitle: Kode OTP tidak masuk lewat SMS atau WhatsApp\nlang: id\ntags: [otp, akun]\ncategory: "
     "akun\nowner: tim-akun\nreviewed: 2026-04-01\n---\nPelanggan tidak menerima kode OTP saat masuk. "
     "Kode error `OTP-429` berarti terlalu banyak permintaan; tunggu 15 menit.\n"},
    {"pengiriman/ongkos-kirim.md",
     "---\ntitle: Menghitung ongkos kirim\nlang: id\ntags: [ongkir]\ncategory: pengiriman\nowner: "
     "tim-logistik\nreviewed: 2026-03-01\n---\nOngkos kirim dihitung dari berat dan jarak. Batalkan "
     "pesanan bila kurir terlambat.\n"},
    {"payments/card-declined.md",
     "---\ntitle: Card payment declined\nlang: en\ntags: [payments, card]\ncategory: payments\nowner: "
     "team-payments\nreviewed: 2026-05-10\naudience: public\n---\n# Card declined\nThe bank declined the "
     "card. Error `PAY-401` or `0x80070005` means the issuer refused it.\n\n```\nPAY-401 "
     "insufficient_funds\n```\n"},
    {"account/cannot-log-in.md",
     "---\ntitle: Cannot log in\nlang: en\ntags: [account, password]\ncategory: account\nowner: "
     "team-account\nreviewed: 2026-02-01\nstatus: draft\n---\nReset the password from the login page; "
     "see [OTP](../akun/otp-tidak-masuk.md).\n"},
};

constexpr std::string_view fixed_synonyms =
    "refund, pengembalian dana, uang kembali\nongkos kirim, ongkir\nlog in, login, masuk\n";

class FixedIndex {
 public:
  FixedIndex() {
    std::string pattern = (fs::temp_directory_path() / "solusi-fuzz-XXXXXX").string();
    if (!::mkdtemp(pattern.data())) broken("setup", "mkdtemp failed");
    dir_ = pattern;
    for (const auto& a : fixed_articles) write(dir_ / "articles" / a.path, a.text);
    write(dir_ / "articles" / "synonyms.txt", fixed_synonyms);
    IndexOptions o;
    o.articles_dir = dir_ / "articles";
    o.index_dir = dir_ / "index";
    o.threads = 1;
    auto report = index_folder(o);
    if (!report) broken("setup", "index_folder failed", report.error().describe());
    if (!report->errors.empty()) broken("setup", "a fixed article is bad", report->errors.front().describe());
    auto s = service::Searcher::open(dir_ / "index");
    if (!s) broken("setup", "Searcher::open failed", s.error().describe());
    searcher_.emplace(std::move(*s));
  }
  FixedIndex(const FixedIndex&) = delete;
  FixedIndex& operator=(const FixedIndex&) = delete;
  ~FixedIndex() {
    searcher_.reset();
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }

  service::Searcher& searcher() { return *searcher_; }

 private:
  static void write(const fs::path& p, std::string_view content) {
    fs::create_directories(p.parent_path());
    std::ofstream out(p, std::ios::binary | std::ios::trunc);
    out.write(content.data(), static_cast<std::streamsize>(content.size()));
  }

  fs::path dir_;
  std::optional<service::Searcher> searcher_;
};

service::Searcher& fixed_searcher() {
  static FixedIndex index;
  return index.searcher();
}

// ------------------------------------------------------------------------------------------------
// HTML safety: every tag the safe renderer may write.

constexpr std::string_view allowed_tags[] = {
    "p",     "blockquote", "ul", "ol", "li", "pre",  "code", "h1",   "h2",     "h3",
    "h4",    "h5",         "h6", "hr", "br", "em",   "a",    "img",  "strong", "table",
    "thead", "tbody",      "tr", "th", "td", "mark", "del",  "input"};  // GFM strikethrough and task-list
                                                                        // checkboxes

/// Why @p html is not safe (a tag outside allowed_tags, a script URL in an attribute), or empty.
std::string unsafe_html(std::string_view html) {
  for (size_t i = html.find('<'); i != std::string_view::npos; i = html.find('<', i + 1)) {
    if (html.substr(i).starts_with("<!-- raw HTML omitted -->")) continue;
    size_t j = i + 1;
    if (j < html.size() && html[j] == '/') ++j;
    const size_t name = j;
    while (j < html.size() && ((html[j] >= 'a' && html[j] <= 'z') || (html[j] >= '0' && html[j] <= '9'))) ++j;
    const std::string_view tag = html.substr(name, j - name);
    const bool ends = j < html.size() && (html[j] == '>' || html[j] == ' ' || html[j] == '/');
    if (!ends || std::find(std::begin(allowed_tags), std::end(allowed_tags), tag) == std::end(allowed_tags))
      return "unexpected markup at byte " + std::to_string(i) + ": " + std::string(html.substr(i, 60));
  }
  const std::string lower = text::to_lower(html);
  for (std::string_view attr : {"href=\"", "src=\""})
    for (size_t i = lower.find(attr); i != std::string::npos; i = lower.find(attr, i + 1)) {
      const std::string_view value = std::string_view(lower).substr(i + attr.size());
      if (value.starts_with("javascript:") || value.starts_with("vbscript:"))
        return "script URL at byte " + std::to_string(i) + ": " + std::string(value.substr(0, 60));
    }
  return {};
}

/// Only <mark> and </mark> may appear as markup in a search snippet; the rest is escaped text.
bool snippet_is_escaped(std::string_view snippet) {
  for (size_t i = snippet.find('<'); i != std::string_view::npos; i = snippet.find('<', i + 1))
    if (!snippet.substr(i).starts_with("<mark>") && !snippet.substr(i).starts_with("</mark>")) return false;
  return snippet.find('>') == std::string_view::npos ||
         std::count(snippet.begin(), snippet.end(), '>') == std::count(snippet.begin(), snippet.end(), '<');
}

void check_article(std::string_view target, const Article& a) {
  check(!a.title.empty(), target, "an article without a title");
  for (std::string_view s : {std::string_view(a.title), std::string_view(a.summary), std::string_view(a.text),
                             std::string_view(a.code), std::string_view(a.markdown)})
    check(text::is_valid_utf8(s), target, "invalid UTF-8 in a parsed article", s);
  for (const auto& t : a.tags) check(!t.empty() && text::is_valid_utf8(t), target, "a bad tag", t);
  for (const auto& h : a.headings)
    check(h.level >= 1 && h.level <= 6 && h.line >= 1, target, "a bad heading");
  for (const auto& l : a.links) check(l.line >= 1, target, "a link without a line", l.url);
  try {
    (void)a.extra.dump();  // strict: throws on invalid UTF-8
  } catch (const nlohmann::json::exception& e) {
    broken(target, "unknown front matter fields do not serialize", e.what());
  }
}

/// Every GFM table of @p markdown has header cells and rows exactly as wide as its header.
void check_tables(std::string_view target, std::string_view markdown) {
  const markdown::Document doc(markdown);
  cmark_iter* it = cmark_iter_new(doc.root());
  for (cmark_event_type ev; (ev = cmark_iter_next(it)) != CMARK_EVENT_DONE;) {
    cmark_node* table = cmark_iter_get_node(it);
    if (ev != CMARK_EVENT_ENTER || markdown::extension_of(table) != markdown::Extension::table) continue;
    const int columns = cmark_gfm_extensions_get_table_columns(table);
    check(columns > 0, target, "a table without header cells");
    for (cmark_node* row = cmark_node_first_child(table); row; row = cmark_node_next(row)) {
      int cells = 0;
      for (cmark_node* c = cmark_node_first_child(row); c; c = cmark_node_next(c)) ++cells;
      if (cells != columns) {
        cmark_iter_free(it);
        broken(target, "a table row not as wide as its header");
      }
    }
  }
  cmark_iter_free(it);
}

/// @p s with CRLF and lone CR line ends made LF.
std::string lf_line_ends(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i)
    if (s[i] != '\r')
      out += s[i];
    else if (i + 1 >= s.size() || s[i + 1] != '\n')
      out += '\n';
  return out;
}

}  // namespace

int fuzz_article(const std::uint8_t* data, std::size_t size) {
  constexpr std::string_view target = "article";
  const std::string_view input = as_text(data, size);
  auto a = parse_article("fuzz/article.md", input);
  if (!a) {
    check(a.error().code == ErrorCode::invalid_article, target, "a parse error of the wrong kind");
    check(a.error().line >= 1, target, "a parse error without a line", a.error().message);
    return 0;
  }
  check(a->slug == "fuzz/article", target, "the slug is not the path's");
  check_article(target, *a);
  // What archiving does to a good article (DELETE /v1/articles/{slug}): it must stay the same good
  // article, archived.
  // An edit it cannot verify is refused with a clear error (a flow-mapping front matter, two fences
  // with byte-order marks, …): that is allowed; a broken or unarchived file is not.
  auto archived = service::set_front_matter_field(input, "status", "archived");
  if (!archived) {
    check(archived.error().code == ErrorCode::invalid_argument, target, "archiving failed unexpectedly",
          archived.error().describe());
    return 0;
  }
  auto b = parse_article("fuzz/article.md", *archived);
  if (!b) broken(target, "set_front_matter_field broke a good article", b.error().describe());
  check(b->status == Status::archived, target, "set_front_matter_field did not set status", *archived);
  check(b->title == a->title && b->lang == a->lang && b->tags == a->tags && b->category == a->category &&
            b->owner == a->owner && b->summary == a->summary && b->audience == a->audience &&
            b->extra == a->extra && b->markdown == a->markdown,
        target, "set_front_matter_field changed another field or the body", *archived);
  return 0;
}

int fuzz_markdown(const std::uint8_t* data, std::size_t size) {
  constexpr std::string_view target = "markdown";
  const std::string_view input = as_text(data, size);
  const std::string html = service::render_markdown(input);
  if (auto why = unsafe_html(html); !why.empty()) broken(target, "unsafe HTML from render_markdown", why);
  // LF, CRLF and lone CR line ends are the same Markdown (cmark reads them alike).
  if (input.find('\r') != std::string_view::npos)
    check(service::render_markdown(lf_line_ends(input)) == html, target, "line ends change the HTML", html);
  const bool valid = text::is_valid_utf8(input);
  if (valid) check(text::is_valid_utf8(html), target, "invalid UTF-8 from valid Markdown", html);

  check_tables(target, input);
  if (valid) {
    auto a = parse_article("fuzz/body.md", "---\ntitle: Fuzz\nlang: en\n---\n" + std::string(input));
    if (a) check_article(target, *a);
  }
  return 0;
}

int fuzz_ticket(const std::uint8_t* data, std::size_t size) {
  constexpr std::string_view target = "ticket";
  const std::string_view input = as_text(data, size);
  const size_t nl = input.find('\n');
  const std::string_view subject = nl == std::string_view::npos ? input : input.substr(0, nl);
  const std::string_view body = nl == std::string_view::npos ? std::string_view() : input.substr(nl + 1);

  const service::CleanTicket t = service::clean_ticket(subject, body);
  for (std::string_view s : {std::string_view(t.subject), std::string_view(t.body)}) {
    check(text::is_valid_utf8(s), target, "invalid UTF-8 out of clean_ticket", s);
    check(s.find('\n') == std::string_view::npos && s.find('\r') == std::string_view::npos, target,
          "a line break in a cleaned ticket", s);
  }
  for (size_t i = 0; i < t.codes.size(); ++i) {
    check(!t.codes[i].empty() && text::is_valid_utf8(t.codes[i]), target, "a bad error code", t.codes[i]);
    for (size_t j = 0; j < i; ++j)
      check(t.codes[i] != t.codes[j], target, "a duplicate error code", t.codes[i]);
  }

  // The suggester reads the same ticket as POST /v1/suggest would (valid UTF-8, no NUL: checked there).
  if (!text::is_valid_utf8(input) || input.find('\0') != std::string_view::npos) return 0;
  service::SuggestRequest request;
  request.subject = std::string(subject);
  request.body = std::string(body);
  request.today = fixed_today();
  if (!service::validate(request)) return 0;
  auto result = fixed_searcher().suggest(request);
  if (!result) broken(target, "suggest failed", result.error().describe());
  for (const auto& s : result->suggestions)
    check(s.confidence >= 0 && s.confidence <= 1, target, "a confidence outside [0, 1]", s.slug);
  try {
    (void)service::to_json(*result).dump();
  } catch (const nlohmann::json::exception& e) {
    broken(target, "the suggestion does not serialize", e.what());
  }
  return 0;
}

int fuzz_query(const std::uint8_t* data, std::size_t size) {
  constexpr std::string_view target = "query";
  if (size == 0) return 0;
  // First byte: the request's options; the rest: the query text.
  const std::uint8_t flags = data[0];
  service::SearchRequest r;
  r.q = std::string(as_text(data + 1, size - 1));
  switch (flags & 3) {
    case 1:
      r.lang = Lang::id;
      break;
    case 2:
      r.lang = Lang::en;
      break;
    default:
      break;
  }
  r.partial_last_word = (flags & 4) == 0;
  r.facets = (flags & 8) != 0;
  r.public_only = (flags & 16) != 0;
  r.include_unpublished = (flags & 32) != 0;
  r.explain = (flags & 64) != 0;
  if (flags & 128) r.tags.push_back("refund");
  r.limit = 10;
  r.today = fixed_today();
  if (!service::validate(r)) return 0;

  auto result = fixed_searcher().search(r);
  if (!result) {
    // A query the parser refuses is the caller's error; anything else would be a 503 for a bad query.
    check(result.error().code == ErrorCode::invalid_query, target, "a query failed with a non-query error",
          result.error().describe());
    return 0;
  }
  for (const auto& h : result->hits) {
    check(text::is_valid_utf8(h.snippet), target, "a snippet that is not valid UTF-8", h.snippet);
    check(snippet_is_escaped(h.snippet), target, "a snippet with markup other than <mark>", h.snippet);
    check(!r.public_only || h.audience == "public", target, "an internal article in a public search", h.slug);
  }
  if (result->corrected)
    check(text::is_valid_utf8(*result->corrected), target, "a correction that is not valid UTF-8",
          *result->corrected);
  try {
    (void)service::to_json(*result).dump();
  } catch (const nlohmann::json::exception& e) {
    broken(target, "the search result does not serialize", e.what());
  }
  return 0;
}

int fuzz_json_body(const std::uint8_t* data, std::size_t size) {
  constexpr std::string_view target = "json_body";
  service::ApiRequest r;
  r.method = "POST";
  r.content_type = "application/json";
  r.body = std::string(as_text(data, size));

  // The accepted fields of each route that reads a JSON body (see service/server.cpp).
  static const std::vector<std::vector<std::string>> routes = {
      {"front_matter", "body", "note"},                                       // PUT /v1/articles/{slug}
      {"revision", "note"},                                                   // POST …/restore
      {"front_matter", "body"},                                               // POST /v1/preview
      {"subject", "body", "lang", "slug", "tags", "owner"},                   // POST /v1/drafts/from-ticket
      {"ticket_id", "subject", "body", "tags", "lang", "limit", "audience"},  // POST /v1/suggest
      {"ticket_id", "slug", "kind", "agent", "subject", "body", "lang"},      // POST /v1/feedback
  };
  for (const auto& accepted : routes) {
    auto j = service::json_object_body(r, accepted);
    if (!j) {
      check(j.error().code == ErrorCode::invalid_argument, target, "a body refused with the wrong error");
      continue;
    }
    check(j->is_object(), target, "json_object_body returned a non-object");
    for (const auto& [key, value] : j->items())
      check(std::find(accepted.begin(), accepted.end(), key) != accepted.end(), target,
            "json_object_body let an unknown field through", key);
    (void)service::ApiResponse::json(*j);  // echoing the body must not throw

    // Every string member the routes read, with their limits.
    for (const auto& name : accepted) {
      auto v = service::string_member(*j, name, 1024);
      if (v && *v)
        check((*v)->size() <= 1024 && (*v)->find('\0') == std::string::npos, target,
              "string_member let a bad value through", name);
    }
    if (auto rev = j->find("revision"); rev != j->end() && rev->is_number_integer()) {
      const long long n = rev->get<long long>();
      if (n >= 1 && n <= 1000000000) (void)rev->get<int>();
    }
    if (auto l = j->find("limit"); l != j->end() && l->is_number_integer()) {
      const long long n = l->get<long long>();
      if (n >= 1 && n <= static_cast<long long>(service::max_suggestions)) (void)l->get<size_t>();
    }

    // The editor's JSON shape: the article text written from it must parse as YAML again.
    if (std::find(accepted.begin(), accepted.end(), "front_matter") == accepted.end()) continue;
    auto body = service::string_member(*j, "body", service::max_article_bytes);
    if (!body) continue;
    const auto fm = j->find("front_matter");
    auto article =
        service::article_from_json(fm == j->end() ? nlohmann::json::object() : *fm, body->value_or(""));
    if (!article) continue;
    auto a = parse_article("fuzz/json.md", *article);
    if (!a)
      check(!a.error().message.starts_with("front matter is not valid YAML"), target,
            "article_from_json wrote front matter that is not valid YAML", *article);
    else
      check_article(target, *a);
    // An unknown field's string reads back exactly (control characters included).
    if (a && fm != j->end())
      for (const auto& [k, v] : fm->items())
        if (v.is_string() && a->extra.contains(k))
          check(a->extra[k] == v, target, "a front matter string did not read back exactly", *article);
  }
  return 0;
}

int fuzz_word_lists(const std::uint8_t* data, std::size_t size) {
  constexpr std::string_view target = "word_lists";
  const std::string_view input = as_text(data, size);
  const auto lines = static_cast<int>(std::count(input.begin(), input.end(), '\n')) + 1;
  auto check_problems = [&](const std::vector<Diagnostic>& problems, std::string_view file) {
    for (const auto& p : problems) {
      check(p.line >= 1 && p.line <= lines, target, "a problem outside the file's lines", p.describe());
      check(p.file == file, target, "a problem names another file", p.describe());
      check(text::is_valid_utf8(p.message), target, "invalid UTF-8 in a problem", p.message);
    }
  };

  // articles/chat-words.txt: what is kept is within the limits, looks itself up, and survives the
  // round trip through the index metadata unchanged.
  const ChatWordsFile chat = parse_chat_words(input);
  check_problems(chat.problems, chat_words_file_name);
  check(chat.words.size() <= max_chat_words, target, "more chat words than the limit");
  const std::string stored = chat.words.serialise();
  check(!stored.empty(), target, "an empty serialised chat-word table");
  check(ChatWords::deserialise(stored) == chat.words, target, "chat words change in the round trip", stored);

  // articles/synonyms.txt and articles/categories.txt (one parser): entries are normalised and
  // non-empty, and every category of a group maps to the whole group after the round trip.
  const SynonymFile synonyms = parse_synonyms(input);
  check_problems(synonyms.problems, synonyms_file_name);
  for (const auto& group : synonyms.groups)
    for (const auto& entry : group) {
      check(!entry.empty() && text::is_valid_utf8(entry), target, "an empty or invalid synonym", entry);
      check(normalize_synonym(entry) == entry, target, "a synonym that is not normalised", entry);
    }
  const auto groups = deserialise_category_groups(serialise_category_groups(synonyms.groups));
  for (const auto& [category, same] : groups)
    check(std::find(same.begin(), same.end(), category) != same.end(), target,
          "a category group without its own category", category);
  return 0;
}

}  // namespace solusi::fuzz
