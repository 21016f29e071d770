// merge3 (service/diff.hpp): the three-way merge of an edit with someone else's, on dtl. line_diff's
// tests are in editing_test.cpp.
#include "diff.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <random>

namespace solusi::service {
namespace {

TEST(Merge3, NoChangeOrOneSideChangedTakesThatSide) {
  const std::string base = "a\nb\nc\n";
  EXPECT_EQ(merge3(base, base, base).text, base);
  auto m = merge3(base, "a\nB\nc\n", base);
  EXPECT_TRUE(m.clean());
  EXPECT_EQ(m.text, "a\nB\nc\n");
  m = merge3(base, base, "a\nb\nc\nd\n");
  EXPECT_TRUE(m.clean());
  EXPECT_EQ(m.text, "a\nb\nc\nd\n");
}

TEST(Merge3, ChangesToDifferentLinesAreBothKept) {
  const std::string base = "# Judul\n\nLangkah 1\nLangkah 2\nLangkah 3\n\nCatatan\n";
  const std::string theirs = "# Judul baru\n\nLangkah 1\nLangkah 2\nLangkah 3\n\nCatatan\n";
  const std::string yours = "# Judul\n\nLangkah 1\nLangkah 2\nLangkah 3\nLangkah 4\n\nCatatan penting\n";
  const Merge m = merge3(base, theirs, yours);
  EXPECT_TRUE(m.clean());
  EXPECT_EQ(m.text, "# Judul baru\n\nLangkah 1\nLangkah 2\nLangkah 3\nLangkah 4\n\nCatatan penting\n");
}

TEST(Merge3, TheSameChangeOnBothSidesIsTakenOnce) {
  const Merge m = merge3("a\nb\nc\n", "a\nX\nc\nd\n", "a\nX\nc\n");
  EXPECT_TRUE(m.clean());
  EXPECT_EQ(m.text, "a\nX\nc\nd\n");
}

TEST(Merge3, DifferentChangesToTheSameLinesAreAConflictThatKeepsYours) {
  const std::string base = "Biaya:\nRp5.000\nSelesai.\n";
  const Merge m =
      merge3(base, "Biaya:\nRp6.000\nSelesai.\n", "Biaya:\nRp7.500\ngratis untuk member\nSelesai.\n");
  ASSERT_EQ(m.conflicts.size(), 1u);
  EXPECT_FALSE(m.clean());
  EXPECT_EQ(m.text, "Biaya:\nRp7.500\ngratis untuk member\nSelesai.\n");
  const MergeConflict& c = m.conflicts[0];
  EXPECT_EQ(c.line, 2u);
  EXPECT_EQ(c.lines, 2u);
  EXPECT_EQ(c.base, "Rp5.000\n");
  EXPECT_EQ(c.theirs, "Rp6.000\n");
  EXPECT_EQ(c.yours, "Rp7.500\ngratis untuk member\n");
}

TEST(Merge3, InsertionsAtTheSamePlaceConflict) {
  const Merge m = merge3("a\nz\n", "a\nt\nz\n", "a\ny\nz\n");
  ASSERT_EQ(m.conflicts.size(), 1u);
  EXPECT_EQ(m.conflicts[0].line, 2u);
  EXPECT_EQ(m.conflicts[0].base, "");
  EXPECT_EQ(m.conflicts[0].theirs, "t\n");
  EXPECT_EQ(m.conflicts[0].yours, "y\n");
  EXPECT_EQ(m.text, "a\ny\nz\n");
}

TEST(Merge3, ChangesToAdjacentLinesConflictLikeDiff3) {
  // No base line both sides keep lies between the two changes: one region, changed on both sides.
  const Merge m = merge3("1\n2\n3\n4\n", "1\nT2\n3\n4\n", "1\n2\nY3\n4\n");
  ASSERT_EQ(m.conflicts.size(), 1u);
  EXPECT_EQ(m.conflicts[0].base, "2\n3\n");
  EXPECT_EQ(m.conflicts[0].theirs, "T2\n3\n");
  EXPECT_EQ(m.conflicts[0].yours, "2\nY3\n");
  EXPECT_EQ(m.text, "1\n2\nY3\n4\n");
}

TEST(Merge3, TheyDeletedWhatYouEditedConflicts) {
  const Merge m = merge3("a\nb\nc\n", "a\nc\n", "a\nB\nc\n");
  ASSERT_EQ(m.conflicts.size(), 1u);
  EXPECT_EQ(m.conflicts[0].theirs, "");
  EXPECT_EQ(m.conflicts[0].yours, "B\n");
  EXPECT_EQ(m.text, "a\nB\nc\n");
}

TEST(Merge3, LineEndsAndAMissingFinalNewlineAreKept) {
  auto m = merge3("a\r\nb\r\n", "a\r\nb\r\nc\r\n", "A\r\nb\r\n");
  EXPECT_TRUE(m.clean());
  EXPECT_EQ(m.text, "A\r\nb\r\nc\r\n");
  m = merge3("a\nb", "x\na\nb", "a\nb");
  EXPECT_EQ(m.text, "x\na\nb");
  m = merge3("", "", "new text");
  EXPECT_EQ(m.text, "new text");
  EXPECT_TRUE(m.clean());
  EXPECT_EQ(merge3("", "", "").text, "");
}

TEST(Merge3, SeveralConflictsHaveTheirLinesInTheMergedText) {
  const std::string base = "1\n2\n3\n4\n5\n6\n7\n";
  const Merge m = merge3(base, "1\nT2\n3\n4\n5\nT6\n7\n", "1\nY2\nY2b\n3\n4\n5\nY6\n7\n");
  ASSERT_EQ(m.conflicts.size(), 2u);
  EXPECT_EQ(m.text, "1\nY2\nY2b\n3\n4\n5\nY6\n7\n");
  EXPECT_EQ(m.conflicts[0].line, 2u);
  EXPECT_EQ(m.conflicts[0].lines, 2u);
  EXPECT_EQ(m.conflicts[1].line, 7u);
  EXPECT_EQ(m.conflicts[1].lines, 1u);
  EXPECT_EQ(m.conflicts[1].theirs, "T6\n");
}

/// Random edits: a clean merge of one side's edit is that side; every merge keeps the lines both sides
/// kept, and with theirs = base the merge is always yours, byte for byte.
TEST(Merge3, RandomEditsMergeLikeTheirSides) {
  std::mt19937 rng(20261207);
  const std::string words[] = {"---", "title: A", "", "## Masalah", "Refund", "saldo", "Rp5.000"};
  auto random_text = [&](size_t max_lines) {
    std::string out;
    const size_t n = rng() % (max_lines + 1);
    for (size_t i = 0; i < n; ++i) out += words[rng() % std::size(words)] + "\n";
    return out;
  };
  for (int round = 0; round < 300; ++round) {
    const std::string base = random_text(10), other = random_text(10);
    SCOPED_TRACE("round " + std::to_string(round));
    EXPECT_EQ(merge3(base, base, other).text, other);
    const Merge theirs_only = merge3(base, other, base);
    EXPECT_TRUE(theirs_only.clean());
    EXPECT_EQ(theirs_only.text, other);
    EXPECT_EQ(merge3(base, other, other).text, other);
    const Merge both = merge3(base, random_text(10), other);
    for (const auto& c : both.conflicts) {
      EXPECT_GE(c.line, 1u);
      EXPECT_NE(c.theirs, c.yours);
    }
  }
}

TEST(Merge3, ConflictMarkersShowBothSidesAndKeepTheRest) {
  const Merge m = merge3("a\nb\nc\nd\ne\n", "a\nB1\nc\nd\nE1", "a\nB2\nB3\nc\nd\nE2");
  ASSERT_EQ(m.conflicts.size(), 2u);
  EXPECT_EQ(with_conflict_markers(m),
            "a\n<<<<<<< yours\nB2\nB3\n=======\nB1\n>>>>>>> theirs\nc\nd\n"
            "<<<<<<< yours\nE2\n=======\nE1\n>>>>>>> theirs\n");
  const Merge clean = merge3("a\nb\n", "a\nb\nc\n", "A\nb\n");
  EXPECT_EQ(with_conflict_markers(clean), clean.text);
  // A region where one side deleted everything: its side is empty between the markers.
  const Merge gone = merge3("x\n", "", "y\n");
  ASSERT_EQ(gone.conflicts.size(), 1u);
  EXPECT_EQ(with_conflict_markers(gone), "<<<<<<< yours\ny\n=======\n>>>>>>> theirs\n");
}

}  // namespace
}  // namespace solusi::service
