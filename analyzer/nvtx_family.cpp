// Steps from a numbered family of NVTX ranges ("step#0", "step#1", ... or "iter 12", "iter 13"):
// what most hand-annotated loops look like when the user gave no --steps regex and PyTorch's
// profiler wrote no ProfilerStep#N.
#include <algorithm>
#include <map>
#include <tuple>

#include "analyzer/steps.h"

namespace perfadvise {
namespace {

constexpr size_t kMinRanges = 3;

struct Numbered {
  TimeNs start = 0;
  TimeNs end = 0;
  uint64_t number = 0;
  StringId name = 0;
};

// "step#12" -> ("step#", 12); false when the name does not end in digits after a non-digit.
bool split_number(const std::string& name, std::string& prefix, uint64_t& number) {
  size_t digits = name.size();
  while (digits > 0 && name[digits - 1] >= '0' && name[digits - 1] <= '9')
    --digits;
  if (digits == 0 || digits == name.size() || name.size() - digits > 9) return false;
  prefix = name.substr(0, digits);
  number = std::stoull(name.substr(digits));
  return true;
}

// Ranges of one family in time order: each starts after the previous ended and carries the
// next number. Anything else (nested layers "layer0".."layer15" repeating per step, unordered
// numbers) is not a loop.
bool is_loop(const std::vector<Numbered>& ranges) {
  if (ranges.size() < kMinRanges) return false;
  for (size_t i = 1; i < ranges.size(); ++i) {
    if (ranges[i].start < ranges[i - 1].end || ranges[i].number != ranges[i - 1].number + 1)
      return false;
  }
  return true;
}

}  // namespace

std::vector<Step> numbered_nvtx_steps(const Profile& profile, std::string* family) {
  std::map<std::pair<StringId, std::string>, std::vector<Numbered>> families;  // (domain, prefix)
  std::string prefix;
  uint64_t number = 0;
  for (const NvtxEvent& e : profile.nvtx) {
    if (e.kind != NvtxKind::kRange || e.end <= e.start) continue;
    if (!split_number(profile.strings[e.name], prefix, number)) continue;
    families[{e.domain, prefix}].push_back({e.start, e.end, number, e.name});
  }
  const std::vector<Numbered>* best = nullptr;
  for (const auto& [key, ranges] : families) {  // nvtx is sorted by start, so are the ranges
    if (!is_loop(ranges)) continue;
    const TimeNs span = ranges.back().start - ranges.front().start;
    if (best == nullptr || span > best->back().start - best->front().start) {
      best = &ranges;
      if (family != nullptr) *family = key.second + "N";
    }
  }
  std::vector<Step> steps;
  if (best == nullptr) return steps;
  // A step runs from its range's start to the next one's: work the range queued that the GPU
  // runs after the range closed (a loop that pops its range before synchronizing) belongs to
  // it. The last range has no successor and is not a step, as the last period of the kernel
  // sequence.
  for (size_t i = 0; i + 1 < best->size(); ++i) {
    const Numbered& r = (*best)[i];
    steps.push_back(Step{r.start, (*best)[i + 1].start, profile.strings[r.name]});
  }
  return steps;
}

}  // namespace perfadvise
