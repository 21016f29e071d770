// The service's own files in the articles folder, through real HTTP on loopback: symbolic links are
// never followed by a write (a linked folder, a planted temporary-file link, a linked article), a link
// loop does not stop the folder watcher, leftover temporary files are removed at start; hidden articles
// (draft, scheduled, expired, archived) leak neither through spelling suggestions nor through feedback;
// a full disk refuses writes with 507 and loses nothing acknowledged.
#include <gtest/gtest.h>
#include <sys/mount.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <iostream>
#include <map>
#include <regex>
#include <sstream>

#include "http_support.hpp"
#include "safe_files.hpp"

namespace solusi {
namespace {

using namespace std::chrono_literals;
namespace fs = std::filesystem;
using nlohmann::json;
using service::Role;
using testing::Reply;

/// Outside edits: 300 ms of quiet, then a reindex.
constexpr auto outside_edit_deadline = 10s;

struct Token {
  std::string name;
  Role role;
  std::string secret;
};

const Token tokens[] = {
    {"rina", Role::agent, "sol_agent-rina-files-0123456789"},
    {"budi", Role::editor, "sol_editor-budi-files-0123456789"},
    {"sari", Role::lead, "sol_lead-sari-files-0123456789"},
    {"helpdesk", Role::ticket_system, "sol_ticket-helpdesk-files-0123456789"},
};

httplib::Headers as(const std::string& name) {
  for (const auto& t : tokens)
    if (t.name == name) return {{"Authorization", "Bearer " + t.secret}};
  throw std::logic_error("no token " + name);
}

/// An article whose body holds the made-up @p word; @p extra goes into the front matter.
std::string article(const std::string& title, const std::string& word,
                    const std::string& status = "published", const std::string& extra = "") {
  return "---\ntitle: " + title +
         "\nlang: id\ntags: [uji]\ncategory: pembayaran\nowner: tim-pembayaran\nreviewed: "
         "2026-10-01\nstatus: " +
         status + "\naudience: internal\n" + extra + "---\n## Masalah\n\nPelanggan menanyakan " + word +
         " di aplikasi.\n\n## Solusi\n\n1. Jelaskan " + word + " kepada pelanggan.\n";
}

std::string read_all(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

/// Files below @p dir whose name holds the service's temporary-file marker or ends with ".md.tmp".
std::vector<std::string> temporaries(const fs::path& dir) {
  std::vector<std::string> out;
  std::error_code ec;
  for (fs::recursive_directory_iterator it(dir, ec), end; it != end; it.increment(ec)) {
    const std::string name = it->path().filename().string();
    if (name.find(service::temp_file_marker) != std::string::npos || name.ends_with(".md.tmp"))
      out.push_back(it->path().string());
  }
  return out;
}

class Files : public testing::HttpTest {
 protected:
  /// Extra articles written before the index is built (path → text).
  virtual std::vector<testing::ArticleFile> extra_articles() const { return {}; }
  /// Whether SetUp starts the server (some tests plant files first).
  virtual bool start_in_setup() const { return true; }

  void SetUp() override {
    testing::write_fixture_articles(articles_dir());
    for (const auto& a : extra_articles()) testing::write_file(articles_dir() / a.path, a.text);
    auto report = testing::reindex(articles_dir(), index_dir());
    ASSERT_TRUE(report) << report.error().describe();
    ASSERT_TRUE(report->errors.empty()) << report->errors.front().describe();
    if (start_in_setup()) start(config());
  }

  service::Config config() const {
    auto c = base_config();
    for (const auto& t : tokens) c.tokens.push_back({t.name, t.role, service::sha256_hex(t.secret)});
    return c;
  }

  Reply put(const std::string& slug, const std::string& body, const std::string& who = "budi") {
    return testing::to_reply(client_->Put(("/v1/articles/" + slug).c_str(), as(who), body, "text/markdown"));
  }
  Reply post(const std::string& path, const json& body, const std::string& who) {
    return testing::to_reply(client_->Post(path.c_str(), as(who), body.dump(), "application/json"));
  }
  std::vector<std::string> search(const std::string& q, const std::string& who = "rina") {
    const Reply r = get("/v1/search?limit=50&q=" + testing::url_encode(q), as(who));
    EXPECT_EQ(r.status, 200) << r.describe();
    return testing::hit_slugs(r.json);
  }
  bool eventually_found(const std::string& slug, const std::string& word) {
    return testing::eventually([&] { return testing::contains(search(word), slug); }, outside_edit_deadline);
  }
};

// ------------------------------------------------------------------------------------------------
// Symbolic links: a write never follows one

TEST_F(Files, PutUnderALinkedFolderIsRefusedAndCreatesNothingOutside) {
  const fs::path outside = dir_ / "outside";
  fs::create_directories(outside);
  fs::create_directory_symlink(outside, articles_dir() / "keluar");

  for (const std::string slug : {"keluar/bocor", "keluar/dalam/bocor"}) {
    const Reply r = put(slug, article("Bocor", "bocorvex"));
    EXPECT_EQ(r.status, 409) << slug << ": " << r.describe();
    EXPECT_EQ(r.json["error"]["code"], "symlink_in_path") << r.describe();
    EXPECT_NE(r.json["error"]["message"].get<std::string>().find("symbolic link"), std::string::npos);
  }
  EXPECT_TRUE(fs::is_empty(outside)) << "a write followed the link to " << outside;
  EXPECT_TRUE(fs::is_symlink(articles_dir() / "keluar"));
  // The service goes on writing elsewhere.
  EXPECT_EQ(put("uji/biasa", article("Biasa", "biasavex")).status, 201);
}

TEST_F(Files, PlantedTemporaryFileLinkDoesNotRedirectAPut) {
  const fs::path victim = dir_ / "victim.txt";
  testing::write_file(victim, "precious\n");
  fs::create_directories(articles_dir() / "uji");
  // The name the old code used, and the new scheme's names for this process's first counters.
  fs::create_symlink(victim, articles_dir() / "uji" / "x.md.tmp");
  for (int i = 0; i < 4; ++i)
    fs::create_symlink(victim, articles_dir() / "uji" /
                                   (".x.md" + std::string(service::temp_file_marker) +
                                    std::to_string(::getpid()) + "-" + std::to_string(i)));

  const std::string text = article("Tanam", "tanamvex");
  const Reply r = put("uji/x", text);
  ASSERT_EQ(r.status, 201) << r.describe();
  EXPECT_EQ(read_all(victim), "precious\n") << "the PUT wrote through a planted link";
  EXPECT_FALSE(fs::is_symlink(articles_dir() / "uji" / "x.md"));
  EXPECT_EQ(read_all(articles_dir() / "uji" / "x.md"), text);
  EXPECT_TRUE(eventually_found("uji/x", "tanamvex"));
}

TEST_F(Files, PutOverALinkedArticleFileIsRefused) {
  const fs::path victim = dir_ / "victim.md";
  testing::write_file(victim, article("Korban", "korbanvex"));
  fs::create_directories(articles_dir() / "uji");
  fs::create_symlink(victim, articles_dir() / "uji" / "tautan.md");

  const Reply r = put("uji/tautan", article("Tautan", "tautanvex"));
  EXPECT_EQ(r.status, 409) << r.describe();
  EXPECT_EQ(r.json["error"]["code"], "symlink_in_path") << r.describe();
  EXPECT_EQ(read_all(victim), article("Korban", "korbanvex"));
  EXPECT_TRUE(fs::is_symlink(articles_dir() / "uji" / "tautan.md"));
}

class FilesAtStart : public Files {
 protected:
  bool start_in_setup() const override { return false; }
};

TEST_F(FilesAtStart, LeftoverTemporaryFilesAreRemovedButLinksAreNeitherFollowedNorRemoved) {
  const fs::path victim = dir_ / "victim.txt";
  testing::write_file(victim, "precious\n");
  const fs::path old_style = articles_dir() / "akun" / "otp-tidak-masuk.md.tmp";
  const fs::path new_style =
      articles_dir() / ".drafts" / "uji" / (".a.md" + std::string(service::temp_file_marker) + "999-7");
  testing::write_file(old_style, "half a publish");
  testing::write_file(new_style, "half a draft");
  const fs::path planted = articles_dir() / "akun" / "b.md.tmp";
  fs::create_symlink(victim, planted);
  const fs::path notes = articles_dir() / "akun" / "catatan.tmp";  // not our pattern
  testing::write_file(notes, "mine");

  start(config());
  EXPECT_FALSE(fs::exists(old_style));
  EXPECT_FALSE(fs::exists(new_style));
  EXPECT_TRUE(fs::is_symlink(planted));
  EXPECT_EQ(read_all(victim), "precious\n");
  EXPECT_TRUE(fs::exists(notes));
  EXPECT_TRUE(fs::exists(articles_dir() / "akun" / "otp-tidak-masuk.md"));
}

TEST_F(FilesAtStart, LinkLoopsDoNotStopTheWatcher) {
  // Loops present at start: the folder itself, its parent (which holds the index and events.db),
  // and a category pointing back up.
  fs::create_directory_symlink(".", articles_dir() / "loop");
  fs::create_directory_symlink("..", articles_dir() / "up");
  fs::create_directory_symlink("..", articles_dir() / "akun" / "balik");
  start(config());

  // Nothing is indexed through a link.
  auto through_links = [&] {
    std::vector<std::string> out;
    for (const auto& slug : search("otp refund paket"))
      if (slug.starts_with("loop/") || slug.starts_with("up/") || slug.find("/balik/") != std::string::npos)
        out.push_back(slug);
    return out;
  };
  const auto before_loops = search("otp refund paket");
  ASSERT_FALSE(before_loops.empty());
  EXPECT_EQ(through_links(), std::vector<std::string>{});
  // An outside edit is still noticed and indexed.
  testing::write_file(articles_dir() / "uji" / "luar.md", article("Luar", "luarvex"));
  EXPECT_TRUE(eventually_found("uji/luar", "luarvex"));
  // A loop made while running, inside a folder made while running, then another edit.
  fs::create_directories(articles_dir() / "baru");
  fs::create_directory_symlink("../..", articles_dir() / "baru" / "atas");
  testing::write_file(articles_dir() / "baru" / "kedua.md", article("Kedua", "keduavex"));
  EXPECT_TRUE(eventually_found("baru/kedua", "keduavex"));
  // A full rescan (what the 30 s timer runs) completes, and writes still work.
  const Reply re = post("/v1/admin/reindex", json::object(), "budi");
  EXPECT_EQ(re.status, 200) << re.describe();
  EXPECT_EQ(put("uji/tulis", article("Tulis", "tulisvex")).status, 201);
  EXPECT_TRUE(eventually_found("uji/tulis", "tulisvex"));
  EXPECT_EQ(through_links(), std::vector<std::string>{});

  // Not asserted (no wall-clock assertions): CPU the process used over one idle second.
  auto cpu_ticks = [] {
    std::ifstream in("/proc/self/stat");
    std::string s((std::istreambuf_iterator<char>(in)), {});
    std::istringstream fields(s.substr(s.rfind(')') + 2));
    std::string f;
    long ticks = 0;
    for (int i = 3; i <= 15 && fields >> f; ++i)
      if (i == 14 || i == 15) ticks += std::stol(f);
    return ticks;
  };
  const long before = cpu_ticks();
  std::this_thread::sleep_for(1s);
  std::cout << "[ link loops ] idle CPU over 1 s: " << (cpu_ticks() - before) * 1000 / ::sysconf(_SC_CLK_TCK)
            << " ms\n";
}

// ------------------------------------------------------------------------------------------------
// Hidden articles leak neither through spelling nor through feedback

class Hidden : public Files {
 protected:
  std::vector<testing::ArticleFile> extra_articles() const override {
    return {
        {"uji/terjadwal.md", article("Terjadwal", "zirkonaksi", "published", "publish_at: 2099-01-01\n")},
        {"uji/kedaluwarsa.md", article("Kedaluwarsa", "titanaksi", "published", "valid_to: 2026-10-02\n")},
        {"uji/konsep.md", article("Konsep", "galiumaksi", "draft")},
        {"uji/arsip.md", article("Arsip", "vanadaksi", "archived")},
        {"uji/terbit.md", article("Terbit", "molibdaksi")},
    };
  }
};

TEST_F(Hidden, SpellingNeverSuggestsAWordOnlyHiddenArticlesContain) {
  auto corrected = [&](const std::string& q, const std::string& who) -> std::string {
    const Reply r = get("/v1/search?q=" + testing::url_encode(q + " "), as(who));
    EXPECT_EQ(r.status, 200) << r.describe();
    return r.json.contains("corrected") && r.json["corrected"].is_string()
               ? r.json["corrected"].get<std::string>()
               : std::string();
  };
  // Control: a published article's word is suggested, so the check below can fail.
  EXPECT_EQ(corrected("molibdaxsi", "rina"), "molibdaksi");
  for (const auto& [typo, hidden] :
       std::vector<std::pair<std::string, std::string>>{{"zirkonaxsi", "scheduled"},
                                                        {"titanaxsi", "expired"},
                                                        {"galiumaxsi", "draft"},
                                                        {"vanadaxsi", "archived"}}) {
    for (const std::string who : {"rina", "helpdesk"})
      EXPECT_EQ(corrected(typo, who), "") << typo << " (" << hidden << ") as " << who;
  }
}

TEST_F(Hidden, FeedbackAnswersTheSameForHiddenAndUnknownArticles) {
  auto feedback = [&](const std::string& slug, const std::string& who) {
    return post("/v1/feedback", {{"ticket_id", "T-" + who + "-" + slug}, {"slug", slug}, {"kind", "helpful"}},
                who);
  };
  for (const std::string who : {"rina", "helpdesk"}) {
    EXPECT_EQ(feedback("uji/terbit", who).status, 201) << who;
    const Reply unknown = feedback("uji/tidak-ada", who);
    ASSERT_EQ(unknown.status, 400) << unknown.describe();
    const std::string shape = std::regex_replace(unknown.json["error"]["message"].get<std::string>(),
                                                 std::regex("uji/tidak-ada"), "SLUG");
    for (const std::string slug : {"uji/terjadwal", "uji/kedaluwarsa", "uji/konsep", "uji/arsip"}) {
      const Reply r = feedback(slug, who);
      EXPECT_EQ(r.status, unknown.status) << slug << " as " << who << ": " << r.describe();
      EXPECT_EQ(r.json["error"]["code"], unknown.json["error"]["code"]) << slug;
      EXPECT_EQ(std::regex_replace(r.json["error"]["message"].get<std::string>(), std::regex(slug), "SLUG"),
                shape)
          << slug;
    }
  }
  // Editors and leads keep filing feedback on any article that exists.
  EXPECT_EQ(feedback("uji/konsep", "budi").status, 201);
  EXPECT_EQ(feedback("uji/terjadwal", "sari").status, 201);
  EXPECT_EQ(feedback("uji/tidak-ada", "budi").status, 400);
}

// ------------------------------------------------------------------------------------------------
// A full disk: articles, index and events.db on a small tmpfs

class DiskFull : public Files {
 protected:
  bool start_in_setup() const override { return false; }

  void SetUp() override {
    // The whole test folder becomes a tmpfs of its own (root, or CAP_SYS_ADMIN, needed).
    if (::mount("tmpfs", dir_.path().c_str(), "tmpfs", 0, "size=48m,mode=0700") != 0) {
      GTEST_SKIP() << "cannot mount a tmpfs (" << std::strerror(errno)
                   << "): the full-disk behaviour needs root or CAP_SYS_ADMIN and is not tested here";
    }
    mounted_ = true;
    Files::SetUp();
  }
  void TearDown() override {
    if (server_) server_->stop();
    server_.reset();
    if (mounted_) ::umount2(dir_.path().c_str(), MNT_DETACH);
  }

  service::Config config() const {
    auto c = Files::config();
    c.usage_flush_ms = 20;
    return c;
  }

  /// Fills the file system with one file until it refuses more.
  void fill() {
    std::ofstream out(filler(), std::ios::binary | std::ios::app);
    const std::string mb(1 << 20, 'x');
    while (out.write(mb.data(), static_cast<std::streamsize>(mb.size())) && out.flush()) {
    }
    out.clear();
    const std::string kb(1024, 'x');
    while (out.write(kb.data(), static_cast<std::streamsize>(kb.size())) && out.flush()) {
    }
    out.clear();
    while (out.write("x", 1) && out.flush()) {
    }
  }
  fs::path filler() const { return dir_ / "filler"; }

  bool mounted_ = false;
};

TEST_F(DiskFull, WritesAreRefusedWith507ReadsGoOnAndNothingAcknowledgedIsLost) {
  start(config());
  std::map<std::string, std::string> acknowledged;  // slug → text
  auto publish = [&](const std::string& slug, const std::string& word) {
    const std::string text = article("Artikel " + word, word);
    const Reply r = put(slug, text);
    if (r.status / 100 == 2) acknowledged[slug] = text;
    return r;
  };
  ASSERT_EQ(publish("uji/sebelum", "sebelumvex").status, 201);

  fill();
  // A publish is refused before anything is written.
  const Reply refused = publish("uji/saat-penuh", "penuhvex");
  EXPECT_EQ(refused.status, 507) << refused.describe();
  EXPECT_EQ(refused.json["error"]["code"], "insufficient_storage") << refused.describe();
  EXPECT_FALSE(fs::exists(articles_dir() / "uji" / "saat-penuh.md"));
  // The write layer itself, below the up-front check: ENOSPC is insufficient_storage, no leftovers.
  auto direct = service::write_below(articles_dir(), "uji/langsung.md", std::string(256 * 1024, 'y'));
  ASSERT_FALSE(direct);
  EXPECT_EQ(direct.error().code, ErrorCode::insufficient_storage) << direct.error().message;
  EXPECT_FALSE(fs::exists(articles_dir() / "uji" / "langsung.md"));
  EXPECT_EQ(temporaries(articles_dir()), std::vector<std::string>{});

  // Feedback commits to events.db: once its journal has no room left, 507, never a 500.
  int feedback_refused = 0, feedback_accepted = 0;
  for (int i = 0; i < 3000 && feedback_refused == 0; ++i) {
    const Reply r = post("/v1/feedback",
                         {{"ticket_id", "T-full-" + std::to_string(i)},
                          {"slug", "akun/otp-tidak-masuk"},
                          {"kind", "helpful"},
                          {"body", std::string(2000, 'a') + " otp"}},
                         "rina");
    if (r.status == 507) {
      ++feedback_refused;
      EXPECT_EQ(r.json["error"]["code"], "insufficient_storage") << r.describe();
    } else {
      ASSERT_EQ(r.status, 201) << r.describe();
      ++feedback_accepted;
    }
  }
  EXPECT_EQ(feedback_refused, 1) << "the disk never filled up for events.db";
  std::cout << "[ disk full ] feedback accepted before the first 507: " << feedback_accepted << "\n";
  // Reads keep working; their usage events are dropped and counted, never failing the request.
  for (int i = 0; i < 5; ++i) EXPECT_FALSE(search("refund").empty());
  EXPECT_EQ(get("/v1/articles/uji/sebelum", as("rina")).status, 200);
  EXPECT_TRUE(testing::eventually(
      [&] {
        const Reply m = get("/metrics");
        return m.body.find("solusi_events_dropped_total{reason=\"write_failed\"} 0") == std::string::npos;
      },
      10s))
      << "usage events written on a full disk were not counted as dropped";

  // Space returns: writes succeed again.
  fs::remove(filler());
  EXPECT_EQ(publish("uji/sesudah", "sesudahvex").status, 201);
  EXPECT_EQ(post("/v1/feedback",
                 {{"ticket_id", "T-after"}, {"slug", "akun/otp-tidak-masuk"}, {"kind", "helpful"}}, "rina")
                .status,
            201);
  EXPECT_TRUE(eventually_found("uji/sesudah", "sesudahvex"));

  // Every acknowledged publish is there, also after a restart.
  server_->stop();
  server_.reset();
  start(config());
  for (const auto& [slug, text] : acknowledged) {
    EXPECT_EQ(read_all(articles_dir() / (slug + ".md")), text) << slug;
    const Reply r = get("/v1/articles/" + slug, as("budi"));
    EXPECT_EQ(r.status, 200) << slug << ": " << r.describe();
  }
  EXPECT_EQ(acknowledged.size(), 2u);
  EXPECT_EQ(temporaries(articles_dir()), std::vector<std::string>{});
}

}  // namespace
}  // namespace solusi
