#include "diff.hpp"

#include <algorithm>
#include <dtl/dtl.hpp>
#include <iterator>

namespace solusi::service {
namespace {

using Lines = std::vector<std::string_view>;

/// @p s split at LF; each line with its LF when @p keep_ends (so the lines put together are @p s).
Lines split_lines(std::string_view s, bool keep_ends) {
  Lines out;
  size_t start = 0;
  while (start < s.size()) {
    size_t nl = s.find('\n', start);
    const size_t end = nl == std::string_view::npos ? s.size() : nl + 1;
    out.push_back(s.substr(start, (keep_ends || nl == std::string_view::npos ? end : nl) - start));
    start = end;
  }
  return out;
}

using Ses = std::vector<std::pair<std::string_view, dtl::elemInfo>>;

Ses edit_script(const Lines& a, const Lines& b) {
  dtl::Diff<std::string_view, Lines> diff(a, b);
  diff.compose();
  return diff.getSes().getSequence();
}

/// For each line of @p base, the index of the same line in @p other when the shortest edit script keeps
/// it, else npos.
std::vector<size_t> matches(const Lines& base, const Lines& other) {
  std::vector<size_t> m(base.size(), std::string_view::npos);
  for (const auto& [line, info] : edit_script(base, other))
    if (info.type == dtl::SES_COMMON)  // dtl's indexes count from 1
      m[static_cast<size_t>(info.beforeIdx - 1)] = static_cast<size_t>(info.afterIdx - 1);
  return m;
}

std::string join(const Lines& lines, size_t from, size_t to) {
  std::string out;
  for (size_t i = from; i < to; ++i) out += lines[i];
  return out;
}

bool same(const Lines& x, size_t x_from, size_t x_to, const Lines& y, size_t y_from, size_t y_to) {
  return x_to - x_from == y_to - y_from && std::equal(x.begin() + static_cast<std::ptrdiff_t>(x_from),
                                                      x.begin() + static_cast<std::ptrdiff_t>(x_to),
                                                      y.begin() + static_cast<std::ptrdiff_t>(y_from));
}

}  // namespace

std::vector<DiffLine> line_diff(std::string_view before, std::string_view after) {
  const Lines a = split_lines(before, false), b = split_lines(after, false);
  std::vector<DiffLine> out;
  if (a.empty() && b.empty()) return out;
  const Ses ses = edit_script(a, b);
  out.reserve(ses.size());
  // dtl may list a changed region's additions before its deletions; a diff reads old lines first.
  std::vector<DiffLine> added;
  for (const auto& [line, info] : ses) {
    if (info.type == dtl::SES_ADD) {
      added.push_back({'+', std::string(line)});
      continue;
    }
    if (info.type == dtl::SES_COMMON) {
      std::move(added.begin(), added.end(), std::back_inserter(out));
      added.clear();
    }
    out.push_back({info.type == dtl::SES_DELETE ? '-' : ' ', std::string(line)});
  }
  std::move(added.begin(), added.end(), std::back_inserter(out));
  return out;
}

Merge merge3(std::string_view base_text, std::string_view theirs_text, std::string_view yours_text) {
  const Lines base = split_lines(base_text, true), theirs = split_lines(theirs_text, true),
              yours = split_lines(yours_text, true);
  const std::vector<size_t> in_theirs = matches(base, theirs), in_yours = matches(base, yours);
  Merge m;
  size_t lines_out = 0;  // lines of m.text so far
  auto take = [&](const Lines& from, size_t begin, size_t end) {
    for (size_t i = begin; i < end; ++i) m.text += from[i];
    lines_out += end - begin;
  };
  size_t o = 0, t = 0, y = 0;  // next line of base, theirs, yours
  while (o < base.size() || t < theirs.size() || y < yours.size()) {
    // Stable: base lines both sides keep, at the places they are next.
    size_t n = 0;
    while (o + n < base.size() && in_theirs[o + n] == t + n && in_yours[o + n] == y + n) ++n;
    if (n > 0) {
      take(base, o, o + n);
      o += n;
      t += n;
      y += n;
      continue;
    }
    // Unstable: up to the next base line both sides keep (or to the ends).
    size_t next = o;
    while (next < base.size() &&
           (in_theirs[next] == std::string_view::npos || in_yours[next] == std::string_view::npos))
      ++next;
    const size_t t_end = next < base.size() ? in_theirs[next] : theirs.size();
    const size_t y_end = next < base.size() ? in_yours[next] : yours.size();
    if (same(base, o, next, theirs, t, t_end)) {
      take(yours, y, y_end);  // only yours changed
    } else if (same(base, o, next, yours, y, y_end) || same(theirs, t, t_end, yours, y, y_end)) {
      take(theirs, t, t_end);  // only theirs changed, or both the same way
    } else {
      MergeConflict c;
      c.line = lines_out + 1;
      c.lines = y_end - y;
      c.base = join(base, o, next);
      c.theirs = join(theirs, t, t_end);
      c.yours = join(yours, y, y_end);
      m.conflicts.push_back(std::move(c));
      take(yours, y, y_end);
    }
    o = next;
    t = t_end;
    y = y_end;
  }
  return m;
}

std::string with_conflict_markers(const Merge& m) {
  const Lines lines = split_lines(m.text, true);
  auto ended = [](std::string s) {
    if (!s.empty() && s.back() != '\n') s += '\n';
    return s;
  };
  std::string out;
  size_t next = 0;  // next line of m.text, from 0
  for (const MergeConflict& c : m.conflicts) {
    const size_t first = std::min(c.line - 1, lines.size());
    out += join(lines, std::min(next, first), first);
    out += conflict_start;
    out += ended(c.yours);
    out += conflict_middle;
    out += ended(c.theirs);
    out += conflict_end;
    next = std::min(first + c.lines, lines.size());
  }
  out += join(lines, std::min(next, lines.size()), lines.size());
  return out;
}

}  // namespace solusi::service
