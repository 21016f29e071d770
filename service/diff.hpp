// Line diffs between revisions and the three-way merge of an edit with someone else's, on Debian's dtl
// (libdtl-dev: Wu, Manber and Myers' O(NP) shortest edit script).
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace solusi::service {

struct DiffLine {
  char op;  ///< ' ' same, '-' only in the old text, '+' only in the new one
  std::string text;
};

/// Line diff: a shortest edit script from @p before to @p after. Lines end at LF (a CR before it stays
/// part of the line); the final line end does not make an empty line of its own.
std::vector<DiffLine> line_diff(std::string_view before, std::string_view after);

/// A region of a three-way merge where both sides changed the same lines of the base differently.
struct MergeConflict {
  size_t line = 0;   ///< first line of the region in the merged text, from 1 (where it would be when empty)
  size_t lines = 0;  ///< lines of the merged text the region covers: yours
  std::string base, theirs, yours;  ///< the region's text in each version, line ends included
};

struct Merge {
  /// Both sides' changes to the base; in a conflict region, your text. Byte for byte what the lines of
  /// the three versions hold (line ends as they were).
  std::string text;
  std::vector<MergeConflict> conflicts;
  bool clean() const { return conflicts.empty(); }
};

/// diff3: merges @p theirs and @p yours, two edits of @p base, line by line. Lines changed on one side
/// only take that side's change; the same change on both sides is taken once; different changes to the
/// same lines (or an insertion at the same place, or changes to adjacent lines: no kept line between
/// them) are a conflict that keeps yours in the text, so a merge never loses your work. Built on two dtl
/// diffs (base → theirs, base → yours): the lines both keep in place are stable, and what lies between stable
/// lines is merged as one region.
Merge merge3(std::string_view base, std::string_view theirs, std::string_view yours);

/// The lines an editor sees around each conflict region of a merge, in the usual diff3 shape.
inline constexpr std::string_view conflict_start = "<<<<<<< yours\n";
inline constexpr std::string_view conflict_middle = "=======\n";
inline constexpr std::string_view conflict_end = ">>>>>>> theirs\n";

/// @p m's text with each conflict region shown as both versions between marker lines, yours first:
/// "<<<<<<< yours", your lines, "=======", their lines, ">>>>>>> theirs" (a region's last line gets
/// an LF when it had none), for the editor to resolve by hand. Nothing of either side is lost.
std::string with_conflict_markers(const Merge& m);

}  // namespace solusi::service
