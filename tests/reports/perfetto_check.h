// An independent reader of the Perfetto traces perfadvise writes, for structural checks: every
// flow has both ends, track uuids are unique and described before use, timestamps never go back
// within a sequence, slices begin and end in pairs, interned names are defined before use.
#pragma once

#include <map>
#include <string>
#include <vector>

namespace perfadvise::testing {

struct PerfettoSummary {
  std::vector<std::string> problems;  // empty when the trace is well formed
  size_t packets = 0;
  size_t tracks = 0;
  size_t slices = 0;
  size_t flows = 0;
  std::map<std::string, size_t> slices_by_name;
  std::vector<std::string> track_names;
  size_t callstacks = 0;
};

PerfettoSummary check_perfetto(const std::string& bytes);

}  // namespace perfadvise::testing
