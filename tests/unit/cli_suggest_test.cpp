// The real `solusi suggest` binary over an index of the bundled knowledge base: a ticket on standard
// input ("Subject: …" then the body), JSON and text output, the audience filter, and the refusals (exit
// code 2 with a message).
#include <fcntl.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "confidence.hpp"
#include "test_support.hpp"

namespace solusi {
namespace {

namespace fs = std::filesystem;
using ::testing::AnyOf;
using ::testing::Contains;
using ::testing::HasSubstr;
using ::testing::Not;
using testing::TempDir;

/// Runs `solusi ARGS…` with @p input on standard input (through a file) and stdout/stderr captured
/// through files, in @p scratch, without the caller's SOLUSI_* variables.
testing::ProcessResult run_with_input(std::vector<std::string> args, const std::string& input,
                                      const TempDir& scratch) {
  static int counter = 0;
  const std::string tag = "suggest-" + std::to_string(++counter);
  const auto in_path = scratch.write("stdin-" + tag, input);
  const auto out_path = scratch / ("stdout-" + tag), err_path = scratch / ("stderr-" + tag);

  args.insert(args.begin(), SOLUSI_BINARY);
  std::vector<std::string> env_strings;
  for (char** e = environ; *e; ++e)
    if (!std::string_view(*e).starts_with("SOLUSI_")) env_strings.emplace_back(*e);
  std::vector<char*> env;
  for (auto& s : env_strings) env.push_back(s.data());
  env.push_back(nullptr);
  std::vector<char*> argv;
  for (auto& s : args) argv.push_back(s.data());
  argv.push_back(nullptr);

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, in_path.c_str(), O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 1, out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_addopen(&actions, 2, err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_addchdir_np(&actions, scratch.path().c_str());
  pid_t pid = 0;
  const int rc = ::posix_spawn(&pid, argv[0], &actions, nullptr, argv.data(), env.data());
  posix_spawn_file_actions_destroy(&actions);
  testing::ProcessResult result;
  if (rc != 0) {
    result.err = "posix_spawn failed: " + std::to_string(rc);
    return result;
  }
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) return result;
  }
  if (WIFEXITED(status)) result.exit_code = WEXITSTATUS(status);
  result.out = testing::read_text(out_path);
  result.err = testing::read_text(err_path);
  return result;
}

std::string output(const testing::ProcessResult& r) {
  return "exit " + std::to_string(r.exit_code) + "\n--- stdout\n" + r.out + "--- stderr\n" + r.err;
}

/// A refund approved a week ago that has not reached the customer's account: greeting, order number,
/// signature and a quoted earlier reply about OTP codes around the customer's question.
const std::string refund_ticket =
    "Subject: Re: [#55120] Refund belum masuk\n"
    "Selamat siang kak,\n\n"
    "Pengembalian dana pesanan INV/20261028/MPL/4839201 sudah disetujui seminggu lalu, tapi dananya belum "
    "masuk ke rekening bank saya. Estimasinya berapa hari kerja ya?\n\n"
    "Terima kasih,\n"
    "Rina Oktaviani\n"
    "0813-1122-4507\n\n"
    "Pada Sen, 14 Sep 2026 pukul 10.12, CS WarungRaya <halo@warungraya.co.id> menulis:\n"
    "> Kode OTP hanya berlaku 5 menit. Kalau muncul OTP-429, tunggu 30 menit\n"
    "> sebelum minta kode OTP baru dan pastikan sinyal ponsel stabil.\n";

const std::string job_application =
    "Subject: Lamaran kerja posisi desainer grafis\n"
    "Dengan hormat,\n\n"
    "Saya ingin melamar posisi desainer grafis di perusahaan Bapak/Ibu. Terlampir CV dan portofolio saya. "
    "Saya lulusan DKV dengan pengalaman tiga tahun di agensi periklanan.\n\n"
    "Hormat saya,\nAndi\n";

const std::string payment_code_ticket =
    "Subject: Gagal bayar\n"
    "Kak, waktu bayar pakai kartu kredit muncul tulisan PAY-402 terus transaksinya gagal. Itu maksudnya "
    "apa?\n";

const std::string chargeback_ticket =
    "Subject: Chargeback\nI want to file a chargeback dispute with my bank for an order I never got.\n";

const std::vector<std::string> refund_articles = {"pembayaran/refund-belum-masuk",
                                                  "payments/refund-timeline"};

/// Slugs of the articles whose front matter says `audience: internal` (or says no audience: the
/// default is internal).
std::set<std::string> internal_slugs(const fs::path& articles) {
  std::set<std::string> out;
  for (const auto& e : fs::recursive_directory_iterator(articles)) {
    if (!e.is_regular_file() || e.path().extension() != ".md") continue;
    std::istringstream in(testing::read_text(e.path()));
    std::string line, audience = "internal";
    std::getline(in, line);
    if (line != "---") continue;
    while (std::getline(in, line) && line != "---")
      if (line.starts_with("audience:")) audience = line.substr(line.find_first_not_of(" ", 9));
    if (audience == "internal") out.insert(fs::relative(e.path(), articles).replace_extension().string());
  }
  return out;
}

class CliSuggest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir();
    fs::copy(SOLUSI_ARTICLES_DIR, *dir_ / "articles", fs::copy_options::recursive);
    const auto r = testing::run_solusi(
        {"index", "--articles", (*dir_ / "articles").string(), "--index", index()}, *dir_);
    ASSERT_EQ(r.exit_code, 0) << output(r);
  }
  static void TearDownTestSuite() {
    delete dir_;
    dir_ = nullptr;
  }

  static std::string index() { return (*dir_ / "kb" / "index").string(); }

  testing::ProcessResult suggest(std::vector<std::string> more, const std::string& input) {
    std::vector<std::string> args{"suggest", "--index", index()};
    args.insert(args.end(), more.begin(), more.end());
    return run_with_input(args, input, *dir_);
  }
  /// `solusi suggest --json …` that must exit 0 with a JSON object.
  nlohmann::json suggest_json(std::vector<std::string> more, const std::string& input) {
    more.push_back("--json");
    const auto r = suggest(more, input);
    EXPECT_EQ(r.exit_code, 0) << output(r);
    auto j = nlohmann::json::parse(r.out, nullptr, false);
    EXPECT_TRUE(j.is_object()) << output(r);
    return j.is_object() ? j : nlohmann::json::object();
  }

  static TempDir* dir_;
};

TempDir* CliSuggest::dir_ = nullptr;

std::vector<std::string> slugs(const nlohmann::json& j) {
  std::vector<std::string> out;
  if (j.contains("suggestions"))
    for (const auto& s : j["suggestions"]) out.push_back(s["slug"].get<std::string>());
  return out;
}

TEST_F(CliSuggest, JsonHasTheSuggestionsForANoisyTicket) {
  const auto j = suggest_json({}, refund_ticket);
  ASSERT_FALSE(slugs(j).empty()) << j.dump(2);
  EXPECT_THAT(refund_articles, Contains(slugs(j)[0])) << j.dump(2);
  const auto& top = j["suggestions"][0];
  EXPECT_GT(top["confidence"].get<double>(), 0.0);
  EXPECT_LE(top["confidence"].get<double>(), 1.0);
  EXPECT_FALSE(top["matched"].empty());
  EXPECT_THAT(top["snippet"].get<std::string>(), HasSubstr("<mark>"));
  EXPECT_EQ(j["language"], "id");
  EXPECT_EQ(j["gap"], false);
  EXPECT_DOUBLE_EQ(j["threshold"].get<double>(), service::shipped_threshold());
  EXPECT_TRUE(j["codes"].empty()) << j["codes"];
  // The "Subject:" line is the subject, not body text: the subject words weigh more, and the header
  // word itself is not a term.
  for (const auto& t : j["key_terms"]) EXPECT_NE(t, "subject");
}

TEST_F(CliSuggest, TextOutputRanksTheSuggestions) {
  const auto r = suggest({}, refund_ticket);
  ASSERT_EQ(r.exit_code, 0) << output(r);
  EXPECT_THAT(r.out, HasSubstr("Ticket language: id (detected)"));
  EXPECT_THAT(r.out, AnyOf(HasSubstr("[pembayaran/refund-belum-masuk]\n"),
                           HasSubstr("[payments/refund-timeline]\n")));
  EXPECT_THAT(r.out, HasSubstr("\n1. 0."));
  EXPECT_THAT(r.out, HasSubstr("telling words"));
  EXPECT_THAT(r.out, HasSubstr("«")) << "highlights as «» when not on a terminal";
  EXPECT_THAT(r.out, Not(HasSubstr("<mark>")));
  EXPECT_THAT(r.out, Not(HasSubstr("\033[")));
  EXPECT_THAT(r.out, Not(HasSubstr("No confident suggestion")));
  EXPECT_TRUE(r.err.empty()) << r.err;
}

TEST_F(CliSuggest, OffTopicTicketSaysNoConfidentSuggestion) {
  const auto r = suggest({}, job_application);
  ASSERT_EQ(r.exit_code, 0) << output(r);
  EXPECT_THAT(r.out, HasSubstr("Ticket language: id"));
  std::ostringstream threshold;
  threshold << service::shipped_threshold();
  EXPECT_THAT(r.out, HasSubstr("No confident suggestion (threshold " + threshold.str() + ")"));
  EXPECT_THAT(r.out, Not(HasSubstr("\n1. ")));

  const auto j = suggest_json({}, job_application);
  EXPECT_EQ(j["gap"], true);
  EXPECT_TRUE(j["suggestions"].empty());
}

TEST_F(CliSuggest, EnglishTicketAndGivenLanguage) {
  const std::string en =
      "Subject: Refund approved 5 days ago, still nothing on my card\n"
      "My order was refunded (the app has said Refund Approved since 16 Nov) but nothing has shown up on my "
      "credit card yet. How long does a card refund take?\n";
  const auto detected = suggest_json({}, en);
  EXPECT_EQ(detected["language"], "en");
  EXPECT_EQ(detected["language_detected"], true);
  ASSERT_FALSE(slugs(detected).empty()) << detected.dump(2);
  EXPECT_THAT(refund_articles, Contains(slugs(detected)[0]));

  const auto given = suggest_json({"--lang", "en"}, en);
  EXPECT_EQ(given["language"], "en");
  EXPECT_EQ(given["language_detected"], false);
}

TEST_F(CliSuggest, ErrorCodeIsKept) {
  const auto j = suggest_json({}, payment_code_ticket);
  EXPECT_THAT(j["codes"].get<std::vector<std::string>>(), Contains("PAY-402")) << j.dump(2);
}

TEST_F(CliSuggest, SubjectOptionAndLimit) {
  const auto j = suggest_json({"--subject", "Refund belum masuk", "--threshold", "0", "--limit", "2"},
                              "Pengembalian dana sudah disetujui tapi belum masuk ke rekening bank.\n");
  EXPECT_EQ(j["suggestions"].size(), 2u) << j.dump(2);
  EXPECT_DOUBLE_EQ(j["threshold"].get<double>(), 0.0);
}

TEST_F(CliSuggest, AudiencePublicNeverListsInternalArticles) {
  const auto internal = internal_slugs(*dir_ / "articles");
  ASSERT_GE(internal.size(), 10u);
  size_t internal_by_default = 0;
  for (const auto& ticket : {payment_code_ticket, chargeback_ticket, refund_ticket}) {
    SCOPED_TRACE(ticket.substr(0, 40));
    for (const auto& s : slugs(suggest_json({"--threshold", "0", "--limit", "20"}, ticket)))
      internal_by_default += internal.count(s);
    const auto pub = suggest_json({"--audience", "public", "--threshold", "0", "--limit", "20"}, ticket);
    EXPECT_FALSE(slugs(pub).empty()) << pub.dump(2);
    for (const auto& s : pub["suggestions"]) {
      EXPECT_FALSE(internal.count(s["slug"].get<std::string>())) << s["slug"];
      EXPECT_EQ(s["audience"], "public") << s["slug"];
    }
    const auto text = suggest({"--audience", "public", "--threshold", "0", "--limit", "20"}, ticket);
    ASSERT_EQ(text.exit_code, 0) << output(text);
    for (const auto& slug : internal) EXPECT_THAT(text.out, Not(HasSubstr("[" + slug + "]")));
  }
  EXPECT_GE(internal_by_default, 2u) << "without --audience public the internal articles do show";
}

TEST_F(CliSuggest, UnknownLanguageIsExit2) {
  const auto r = suggest({"--lang", "xx"}, refund_ticket);
  EXPECT_EQ(r.exit_code, 2) << output(r);
  EXPECT_THAT(r.err, HasSubstr("--lang"));
  EXPECT_TRUE(r.out.empty()) << r.out;
}

TEST_F(CliSuggest, BadOptionValuesAreExit2) {
  for (const std::vector<std::string>& args : {std::vector<std::string>{"--limit", "0"},
                                               {"--limit", "21"},
                                               {"--audience", "everyone"},
                                               {"--threshold", "1.5"}}) {
    const auto r = suggest(args, refund_ticket);
    EXPECT_EQ(r.exit_code, 2) << args[0] << " " << args[1] << "\n" << output(r);
    EXPECT_THAT(r.err, HasSubstr(args[0])) << output(r);
  }
}

TEST_F(CliSuggest, EmptyTicketIsExit2WithAMessage) {
  for (const std::string& input : {std::string(), std::string(" \n\t\n"), std::string("Subject:   \n\n")}) {
    const auto r = suggest({}, input);
    EXPECT_EQ(r.exit_code, 2) << "input '" << input << "'\n" << output(r);
    EXPECT_THAT(r.err, HasSubstr("no subject and no body")) << output(r);
    EXPECT_TRUE(r.out.empty()) << r.out;
  }
}

TEST_F(CliSuggest, MissingIndexIsExit2) {
  const auto r =
      run_with_input({"suggest", "--index", (*dir_ / "no-such-index").string()}, refund_ticket, *dir_);
  EXPECT_EQ(r.exit_code, 2) << output(r);
  EXPECT_THAT(r.err, HasSubstr("no-such-index"));
}

TEST_F(CliSuggest, SuggestDoesNotWriteEventsDb) {
  const auto r = suggest({}, refund_ticket);
  ASSERT_EQ(r.exit_code, 0) << output(r);
  EXPECT_FALSE(fs::exists(*dir_ / "kb" / "events.db")) << "a read-only command created events.db";
  EXPECT_FALSE(fs::exists(*dir_ / "events.db"));
}

}  // namespace
}  // namespace solusi
