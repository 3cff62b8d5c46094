// The rules/<ID>.md files, embedded into the binary at build time (see rules/CMakeLists.txt and
// rules/embed_docs.cmake) so `perfadvise rules ID` works from any directory.
#pragma once

#include <string_view>
#include <vector>

namespace perfadvise {

struct EmbeddedRuleDoc {
  std::string_view id;
  std::string_view text;
};

const std::vector<EmbeddedRuleDoc>& embedded_rule_docs();

}  // namespace perfadvise
