// Fitting text into terminal columns. Widths count UTF-8 code points, not bytes.
#pragma once

#include <string>
#include <string_view>

namespace perfadvise {

/// Number of code points in a UTF-8 string (ANSI escape sequences count as zero).
size_t display_width(std::string_view text);
/// Cuts `text` to at most `width` code points, ending with "…" when cut.
std::string fit(std::string_view text, int width);
/// Like fit, but keeps the end: "…s/loss.py:28" (the end of a path says the most).
std::string fit_left(std::string_view text, int width);
/// Word-wraps to `width` columns; the first line is already at column `first_indent` (the
/// caller printed that much), continuation lines are indented by `indent` spaces. Words longer
/// than a line are cut.
std::string wrap(std::string_view text, int width, int first_indent, int indent);

}  // namespace perfadvise
