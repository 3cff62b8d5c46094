#include "reports/markup.h"

namespace perfadvise {

bool append_markup_entity(std::string& out, char c) {
  switch (c) {
    case '&':
      out += "&amp;";
      return true;
    case '<':
      out += "&lt;";
      return true;
    case '>':
      out += "&gt;";
      return true;
    case '"':
      out += "&quot;";
      return true;
    case '\'':
      out += "&#39;";  // &apos; is XML only; this one is both HTML and XML
      return true;
    default:
      return false;
  }
}

std::string escape_markup(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    if (append_markup_entity(out, c)) continue;
    const bool forbidden =
        static_cast<unsigned char>(c) < 0x20 && c != '\t' && c != '\n' && c != '\r';
    if (!forbidden) out += c;
  }
  return out;
}

}  // namespace perfadvise
