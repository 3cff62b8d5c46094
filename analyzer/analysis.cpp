#include "analyzer/analysis.h"

#include <algorithm>

namespace perfadvise {

std::vector<Finding> Analysis::ranked_findings() const {
  std::vector<Finding> all;
  for (const ProcessAnalysis& process : processes) {
    all.insert(all.end(), process.findings.begin(), process.findings.end());
  }
  std::stable_sort(all.begin(), all.end(), [](const Finding& a, const Finding& b) {
    return a.estimated_saving_ms_per_step > b.estimated_saving_ms_per_step;
  });
  return all;
}

}  // namespace perfadvise
