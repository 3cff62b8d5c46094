// Escaping text for markup outputs: the HTML report, the Markdown summary (which renders inline
// HTML) and the gate's JUnit XML. One table of entities for all three.
#pragma once

#include <string>
#include <string_view>

namespace perfadvise {

/// Appends the entity of & < > " ' to `out` and returns true; false for any other character.
bool append_markup_entity(std::string& out, char c);

/// Text for HTML or XML content and attribute values: & < > " ' become entities, and the
/// control characters XML 1.0 forbids (all below 0x20 but tab, newline, carriage return) are
/// dropped.
std::string escape_markup(std::string_view text);

}  // namespace perfadvise
