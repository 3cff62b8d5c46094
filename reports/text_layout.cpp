#include "reports/text_layout.h"

#include <algorithm>
#include <vector>

namespace perfadvise {
namespace {

bool is_continuation(unsigned char c) {
  return (c & 0xC0) == 0x80;
}

// Byte offset just past the first `count` code points of `text` (escape sequences are free).
size_t prefix_bytes(std::string_view text, size_t count) {
  size_t i = 0, seen = 0;
  while (i < text.size()) {
    if (text[i] == '\033') {
      size_t m = text.find('m', i);
      i = m == std::string_view::npos ? text.size() : m + 1;
      continue;
    }
    if (seen == count) break;
    ++i;
    while (i < text.size() && is_continuation(static_cast<unsigned char>(text[i])))
      ++i;
    ++seen;
  }
  return i;
}

std::vector<std::string_view> words(std::string_view text) {
  std::vector<std::string_view> out;
  size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && (text[i] == ' ' || text[i] == '\n'))
      ++i;
    size_t j = i;
    while (j < text.size() && text[j] != ' ' && text[j] != '\n')
      ++j;
    if (j > i) out.push_back(text.substr(i, j - i));
    i = j;
  }
  return out;
}

}  // namespace

size_t display_width(std::string_view text) {
  size_t width = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\033') {
      size_t m = text.find('m', i);
      if (m == std::string_view::npos) break;
      i = m;
      continue;
    }
    if (!is_continuation(static_cast<unsigned char>(text[i]))) ++width;
  }
  return width;
}

std::string fit(std::string_view text, int width) {
  if (width <= 0) return "";
  if (display_width(text) <= static_cast<size_t>(width)) return std::string(text);
  return std::string(text.substr(0, prefix_bytes(text, static_cast<size_t>(width - 1)))) + "…";
}

std::string fit_left(std::string_view text, int width) {
  size_t total = display_width(text);
  if (width <= 0) return "";
  if (total <= static_cast<size_t>(width)) return std::string(text);
  return "…" + std::string(text.substr(prefix_bytes(text, total - static_cast<size_t>(width - 1))));
}

std::string wrap(std::string_view text, int width, int first_indent, int indent) {
  std::string out;
  int column = first_indent;
  bool line_empty = true;
  for (std::string_view word : words(text)) {
    int w = static_cast<int>(display_width(word));
    if (!line_empty && column + 1 + w > width) {
      out += '\n' + std::string(static_cast<size_t>(indent), ' ');
      column = indent;
      line_empty = true;
    }
    if (!line_empty) {
      out += ' ';
      ++column;
    }
    std::string piece =
        column + w > width ? fit(word, std::max(1, width - column)) : std::string(word);
    out += piece;
    column += static_cast<int>(display_width(piece));
    line_empty = false;
  }
  return out;
}

}  // namespace perfadvise
