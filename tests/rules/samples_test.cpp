// SYNC-D2H on the recorded masked-loss samples (samples/manifest.json): the saving estimated on
// the baseline against the step-time gain its fixes measured on the same GPU, both step times
// from the analyzer; and no SYNC-D2H once fixed.
#include <catch2/catch.hpp>

#include <fstream>
#include <map>
#include <regex>
#include <set>

#include "analyzer/spread.h"
#include "tests/support/analyzed_sample.h"

using namespace perfadvise;

namespace {

using testing::analyze_sample;
using testing::AnalyzedSample;
using testing::findings_of;
using testing::kSamplesDir;

double median_step_ms(const AnalyzedSample& a) {
  return spread_over_steps(a.analysis.processes[0].per_step,
                           [](const StepMetrics& m) { return m.wall_ms; })
      .median;
}

// The lines the script tags "# SYNC:<name>", so that no line number is written here.
std::map<std::string, uint32_t> tagged_lines() {
  std::ifstream in(kSamplesDir + "/../tests/gpu/masked_loss.py");
  const std::regex tag(R"(  # SYNC:([a-z_]+)$)");
  std::map<std::string, uint32_t> out;
  uint32_t number = 0;
  for (std::string text; std::getline(in, text);) {
    ++number;
    std::smatch m;
    if (std::regex_search(text, m, tag)) out[m[1]] = number;
  }
  return out;
}

}  // namespace

TEST_CASE("samples: SYNC-D2H saving on the masked-loss baseline is within 30% of the fix's gain") {
  const AnalyzedSample base = analyze_sample("masked_loss_baseline.sqlite");
  const AnalyzedSample fixed = analyze_sample("masked_loss_fixed.sqlite");
  const double gain = median_step_ms(base) - median_step_ms(fixed);
  REQUIRE(gain > 0);
  const std::vector<Finding> found = findings_of(base, "SYNC-D2H");
  REQUIRE(found.size() == 1);
  const double estimate = found[0].estimated_saving_ms_per_step;
  INFO("measured gain " << gain << " ms/step, estimate " << estimate << " ms/step ("
                        << found[0].estimate_method << ")");
  CHECK(estimate >= 0.7 * gain);
  CHECK(estimate <= 1.3 * gain);
  CHECK(findings_of(fixed, "SYNC-D2H").empty());
}

TEST_CASE("samples: SYNC-D2H on the baseline has a location per sync line of the loss") {
  const AnalyzedSample base = analyze_sample("masked_loss_baseline.sqlite");
  const std::vector<Finding> found = findings_of(base, "SYNC-D2H");
  REQUIRE(found.size() == 1);
  std::set<uint32_t> lines;
  for (const Location& loc : found[0].locations) {
    if (loc.file.ends_with("masked_loss.py")) lines.insert(loc.line);
    CHECK(loc.cost_ms_per_step > 0);
  }
  const std::map<std::string, uint32_t> tags = tagged_lines();
  for (const char* tag : {"nonzero", "unique", "mask_target", "mask_pred"}) {
    INFO(tag);
    REQUIRE(tags.count(tag) == 1);
    CHECK(lines.count(tags.at(tag)) == 1);
  }
}
