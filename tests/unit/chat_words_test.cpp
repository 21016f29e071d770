// articles/chat-words.txt: the parser (good lines, bad lines with their line numbers, the limits), the
// table the indexer stores in the index and the Searcher reads back, and the one normalisation search
// and suggest share: chat words, glued words split, split words joined, code-switched words.
#include "chat_words.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>

#include "lint.hpp"
#include "suggest.hpp"
#include "test_support.hpp"
#include "text.hpp"

namespace solusi {
namespace {

using ::testing::Contains;
using ::testing::HasSubstr;
using ::testing::Not;
using testing::TempDir;

const Diagnostic* problem_on(const ChatWordsFile& f, int line) {
  for (const auto& p : f.problems)
    if (p.line == line) return &p;
  return nullptr;
}

// ------------------------------------------------------------------------------------------------
// The parser

TEST(ChatWordsFile, ReadsMappingsCommentsAndBlankLines) {
  const ChatWordsFile f = parse_chat_words(
      "# komentar\n"
      "\n"
      "udh = sudah\n"
      "  gabisa=tidak   bisa  \n"
      "Rek = Rekening\n"
      "gpp = tidak apa apa\r\n");
  EXPECT_TRUE(f.problems.empty()) << f.problems.front().describe();
  EXPECT_EQ(f.words.size(), 4u);
  EXPECT_EQ(f.words.lookup("udh"), "sudah");
  EXPECT_EQ(f.words.lookup("gabisa"), "tidak bisa");
  EXPECT_EQ(f.words.lookup("rek"), "rekening");  // both sides lowercased
  EXPECT_EQ(f.words.lookup("gpp"), "tidak apa apa");
  EXPECT_EQ(f.words.lookup("sudah"), "");
}

TEST(ChatWordsFile, BadLinesAreReportedWithFileAndLineAndSkipped) {
  const ChatWordsFile f = parse_chat_words(
      "udh = sudah\n"              // 1 good
      "blm belum\n"                // 2 no '='
      "a = b = c\n"                // 3 two '='
      "no rek = nomor rekening\n"  // 4 two words on the left
      "tdk =\n"                    // 5 nothing on the right
      "gpp = a b c d e\n"          // 6 more than max_chat_expansion_words
      "sudah = sudah\n"            // 7 maps to itself
      "udh = telah\n"              // 8 repeated: the first line wins
      "bad = \xff\xfe\n"           // 9 not UTF-8
      "= kosong\n"                 // 10 nothing on the left
      "sy = saya\n",               // 11 good
      "articles/chat-words.txt");
  EXPECT_EQ(f.words.size(), 2u);
  EXPECT_EQ(f.words.lookup("udh"), "sudah");
  EXPECT_EQ(f.words.lookup("sy"), "saya");
  for (int line : {2, 3, 4, 5, 6, 7, 9, 10}) {
    const Diagnostic* p = problem_on(f, line);
    ASSERT_NE(p, nullptr) << "line " << line;
    EXPECT_EQ(p->severity, Diagnostic::Severity::error) << "line " << line;
    EXPECT_EQ(p->file, "articles/chat-words.txt");
    EXPECT_EQ(p->code, "bad_chat_word") << "line " << line;
  }
  const Diagnostic* dup = problem_on(f, 8);
  ASSERT_NE(dup, nullptr);
  EXPECT_EQ(dup->code, "duplicate_chat_word");
  EXPECT_EQ(dup->severity, Diagnostic::Severity::warning);
  EXPECT_THAT(dup->message, HasSubstr("line 1"));
  EXPECT_EQ(f.problems.size(), 9u);
  EXPECT_EQ(problem_on(f, 1), nullptr);
  EXPECT_EQ(problem_on(f, 11), nullptr);
}

TEST(ChatWordsFile, AbbreviationLongerThanTheLimitIsSkipped) {
  const std::string longest(max_chat_word_bytes, 'x');
  const ChatWordsFile f = parse_chat_words(longest + " = panjang\n" + longest + "y = terlalu panjang\n");
  EXPECT_EQ(f.words.lookup(longest), "panjang");
  ASSERT_NE(problem_on(f, 2), nullptr);
  EXPECT_THAT(problem_on(f, 2)->message, HasSubstr(std::to_string(max_chat_word_bytes)));
}

TEST(ChatWordsFile, MappingsPastTheLimitAreReportedOnceAndSkipped) {
  std::string text;
  for (size_t i = 0; i <= max_chat_words + 10; ++i) text += "w" + std::to_string(i) + " = kata\n";
  const ChatWordsFile f = parse_chat_words(text);
  EXPECT_EQ(f.words.size(), max_chat_words);
  ASSERT_EQ(f.problems.size(), 1u);
  EXPECT_EQ(f.problems.front().code, "chat_words_too_large");
  EXPECT_EQ(f.problems.front().line, static_cast<int>(max_chat_words) + 1);
}

TEST(ChatWordsFile, LinesPastTheByteLimitAreReportedAndSkipped) {
  std::string text = "udh = sudah\n# " + std::string(max_chat_words_file_bytes, 'x') + "\nsy = saya\n";
  const ChatWordsFile f = parse_chat_words(text);
  EXPECT_EQ(f.words.lookup("udh"), "sudah");
  EXPECT_EQ(f.words.lookup("sy"), "");
  ASSERT_EQ(f.problems.size(), 1u);
  EXPECT_EQ(f.problems.front().code, "chat_words_too_large");
  EXPECT_EQ(f.problems.front().line, 2);
}

TEST(ChatWordsFile, StoredFormRoundTripsAndAnEmptyTableIsNotNoTable) {
  const ChatWordsFile f = parse_chat_words("udh = sudah\ngabisa = tidak bisa\n");
  EXPECT_EQ(ChatWords::deserialise(f.words.serialise()), f.words);
  EXPECT_FALSE(ChatWords().serialise().empty());
  EXPECT_TRUE(ChatWords::deserialise(ChatWords().serialise()).empty());
}

TEST(ChatWordsFile, BundledFileIsCleanAndCoversTheBuiltInTable) {
  std::ifstream in(std::string(SOLUSI_ARTICLES_DIR) + "/chat-words.txt", std::ios::binary);
  ASSERT_TRUE(in);
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const ChatWordsFile f = parse_chat_words(text);
  EXPECT_TRUE(f.problems.empty()) << f.problems.front().describe();
  const std::string builtin = builtin_chat_words().serialise();
  const ChatWords bundled = f.words;
  for (const auto& line : text::split(builtin, '\n')) {
    const auto eq = line.find('=');
    if (eq == std::string_view::npos) continue;
    EXPECT_EQ(bundled.lookup(line.substr(0, eq)), line.substr(eq + 1)) << line;
  }
  for (const char* w :
       {"blm", "udh", "sy", "tp", "gk", "utk", "rek", "skrg", "tf", "trf", "byr", "gpp", "tsb"})
    EXPECT_FALSE(bundled.lookup(w).empty()) << w;
  EXPECT_EQ(bundled.lookup("rek"), "rekening");
  EXPECT_EQ(bundled.lookup("no"), "");  // also an English word
}

// ------------------------------------------------------------------------------------------------
// Through the index: search and suggest on a folder of the test's own

class ChatWordsIndex : public ::testing::Test {
 protected:
  void SetUp() override {
    write("id/kartu-hadiah.md", "Kartu hadiah kedaluwarsa", "id",
          "Kartu hadiah yang sudah kedaluwarsa tidak bisa dipakai untuk membayar pesanan.");
    write("id/lupa-password.md", "Lupa password akun", "id",
          "Kalau lupa password, buka halaman masuk dan pilih atur ulang password.");
    write("id/toko-karangkancana.md", "Gerai karangkancana", "id",
          "Gerai karangkancana melayani pengambilan paket setiap hari.");
    write("id/refund-saldo.md", "Refund ke saldo", "id", "Refund masuk ke saldo dalam tiga hari kerja.");
    write("en/shipping-label.md", "Printing a shipping label", "en",
          "Sellers print the shipping label from the order page.");
  }

  void write(const std::string& path, const std::string& title, const std::string& lang,
             const std::string& body) {
    dir_.write("articles/" + path, "---\ntitle: " + title + "\nlang: " + lang +
                                       "\nowner: tim\nreviewed: 2026-08-01\n---\n" + body + "\n");
  }

  IndexReport index() {
    auto report = index_folder(testing::index_options(dir_ / "articles", dir_ / "index"));
    EXPECT_TRUE(report) << report.error().describe();
    return report ? *report : IndexReport{};
  }

  void open() {
    auto s = service::Searcher::open(dir_ / "index");
    ASSERT_TRUE(s) << s.error().describe();
    searcher_.emplace(std::move(*s));
  }

  std::vector<std::string> slugs(const std::string& q, std::optional<Lang> lang = {}) {
    service::SearchRequest r;
    r.q = q;
    r.lang = lang;
    r.limit = 10;
    r.partial_last_word = false;
    auto result = searcher_->search(r);
    EXPECT_TRUE(result) << q << ": " << result.error().describe();
    return result ? testing::slugs_of(*result) : std::vector<std::string>{};
  }

  /// The words suggest searches for in a ticket of @p subject (with @p unknown: those it keeps to
  /// learn instead, the words no article uses).
  std::vector<std::string> key_words(const std::string& subject, bool unknown = false) {
    service::SuggestRequest r;
    r.subject = subject;
    r.lang = Lang::id;
    auto analysis = searcher_->analyse_ticket(r);
    EXPECT_TRUE(analysis) << analysis.error().describe();
    std::vector<std::string> out;
    if (analysis)
      for (const auto& k : unknown ? analysis->unknown : analysis->keys) out.push_back(k.word);
    return out;
  }

  TempDir dir_;
  std::optional<service::Searcher> searcher_;
};

TEST_F(ChatWordsIndex, WithoutTheFileTheBuiltInTableApplies) {
  const IndexReport report = index();
  EXPECT_EQ(report.chat_words, 0u);
  open();
  ASSERT_TRUE(searcher_);
  EXPECT_THAT(key_words("blom kedaluwarsa", true), Not(Contains("blom")));  // "belum"
  EXPECT_THAT(key_words("krthdh kedaluwarsa"), Not(Contains("kartu")));
}

TEST_F(ChatWordsIndex, AMappingAddedToTheFileIsUsedBySearchAndSuggestAfterReindexing) {
  ASSERT_TRUE(index().errors.empty());
  open();
  ASSERT_TRUE(searcher_);
  EXPECT_THAT(slugs("krthdh"), Not(Contains("id/kartu-hadiah")));

  dir_.write("articles/chat-words.txt", "# uji\nkrthdh = kartu hadiah\nrusak baris\n");
  const IndexReport report = index();
  EXPECT_TRUE(report.chat_words_changed);
  EXPECT_EQ(report.chat_words, 1u);
  ASSERT_EQ(report.errors.size(), 1u);  // the bad line, with file and line; indexing went on
  EXPECT_EQ(report.errors.front().file, "chat-words.txt");
  EXPECT_EQ(report.errors.front().line, 3);

  ASSERT_TRUE(searcher_->refresh());  // the reader picks the table up with the index
  EXPECT_EQ(slugs("krthdh").front(), "id/kartu-hadiah");
  EXPECT_THAT(key_words("krthdh saya kedaluwarsa"), Contains("kartu"));
  // The file is the only source now: the built-in "blom" is an unknown word.
  EXPECT_THAT(key_words("blom kedaluwarsa", true), Contains("blom"));

  // Unchanged file: nothing to apply; file removed: the built-in table again.
  EXPECT_FALSE(index().chat_words_changed);
  std::filesystem::remove(dir_ / "articles" / "chat-words.txt");
  EXPECT_TRUE(index().chat_words_changed);
  ASSERT_TRUE(searcher_->refresh());
  EXPECT_THAT(slugs("krthdh"), Not(Contains("id/kartu-hadiah")));
}

TEST_F(ChatWordsIndex, CheckReportsBadLinesOfTheFile) {
  dir_.write("articles/chat-words.txt", "udh = sudah\nudh\n");
  auto report = check_folder(dir_ / "articles");
  ASSERT_TRUE(report) << report.error().describe();
  const auto bad = std::find_if(report->findings.begin(), report->findings.end(),
                                [](const Diagnostic& d) { return d.code == "bad_chat_word"; });
  ASSERT_NE(bad, report->findings.end());
  EXPECT_EQ(bad->file, "chat-words.txt");
  EXPECT_EQ(bad->line, 2);
}

TEST_F(ChatWordsIndex, GluedWordIsSplitForSearchAndSuggest) {
  index();
  open();
  ASSERT_TRUE(searcher_);
  EXPECT_EQ(slugs("lupapassword").front(), "id/lupa-password");
  EXPECT_THAT(key_words("lupapassword"), Contains("password"));
  // A chat word glued to another: "tdk" + "bisa".
  EXPECT_THAT(key_words("kartu hadiah tdkbisa dipakai"), Contains("tidak"));
}

TEST_F(ChatWordsIndex, GluedLastWordIsSplitWhileTypingUnlessItStartsAWord) {
  index();
  open();
  ASSERT_TRUE(searcher_);
  auto typed = [&](const std::string& q) {
    service::SearchRequest r;
    r.q = q;  // the last word is a prefix (as-you-type)
    auto result = searcher_->search(r);
    EXPECT_TRUE(result) << result.error().describe();
    return result ? testing::slugs_of(*result) : std::vector<std::string>{};
  };
  EXPECT_THAT(typed("lupapassword"), Contains("id/lupa-password"));          // no word starts with it
  EXPECT_THAT(typed("gerai karangkan"), Contains("id/toko-karangkancana"));  // being typed: kept whole
}

TEST_F(ChatWordsIndex, WordTheIndexKnowsIsNeverSplit) {
  index();
  open();
  ASSERT_TRUE(searcher_);
  EXPECT_THAT(key_words("karangkancana"), Contains("karangkancana"));
  EXPECT_THAT(key_words("pengambilan"), Contains("pengambilan"));
}

TEST_F(ChatWordsIndex, SplitWordIsJoinedForSearchAndSuggest) {
  index();
  open();
  ASSERT_TRUE(searcher_);
  EXPECT_EQ(slugs("Karang kancana").front(), "id/toko-karangkancana");
  EXPECT_EQ(slugs("pass word").front(), "id/lupa-password");
  EXPECT_THAT(key_words("gerai karang kancana tutup"), Contains("karangkancana"));
  // Words articles use on their own are left apart.
  EXPECT_THAT(key_words("kartu hadiah"), Contains("kartu"));
}

TEST_F(ChatWordsIndex, CodeSwitchedWordIsLookedUpInItsOwnLanguage) {
  index();
  open();
  ASSERT_TRUE(searcher_);
  // "refunding" in an Indonesian query: its Indonesian stem is unknown and too far from "refund" for a
  // spelling correction; its English stem "refund" is what the Indonesian article says.
  EXPECT_THAT(slugs("refunding", Lang::id), Contains("id/refund-saldo"));
  EXPECT_THAT(key_words("refunding belum masuk"), Contains("refunding"));
}

}  // namespace
}  // namespace solusi
