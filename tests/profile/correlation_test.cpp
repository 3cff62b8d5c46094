// Correlation ids join launches to their GPU work. A CUDA graph's launch legitimately carries
// many kernels under one id; an id repeated over many API calls is CUPTI numbering wrongly
// (docs/collector.md: switching its activity kinds mid-run) and must neither link nor make lookups
// slow.
#include <catch2/catch.hpp>

#include "tests/support/profile_builder.h"

using namespace perfadvise;
using testing::ProfileBuilder;

namespace {

constexpr uint32_t kNone = CorrelationIndex::kNone;

}  // namespace

TEST_CASE("one launch's correlation id finds all its kernels") {
  ProfileBuilder b;
  const uint32_t graph = b.launch("graph_kernel", 0, 10'000, 1'000);
  for (int i = 1; i < 500; ++i) {
    Kernel copy = b.profile().kernels.back();
    copy.start += 1'000;
    copy.end += 1'000;
    b.profile().kernels.push_back(copy);
  }
  const uint32_t after = b.launch("after", 600'000, 610'000, 1'000);
  const Profile p = b.build();
  auto [first, last] = p.kernel_by_correlation.equal_range(graph);
  CHECK(last - first == 500);
  CHECK(p.api_by_correlation.find(graph) != kNone);
  CHECK(p.kernel_by_correlation.find(after) == 500);
  CHECK(p.repeated_api_correlations.empty());
}

TEST_CASE("an id repeated over API calls links nothing and is counted") {
  ProfileBuilder b;
  const uint32_t sound = b.launch("sound", 0, 5'000, 1'000);
  std::vector<uint32_t> stuck;
  for (int i = 0; i < 300; ++i) {
    stuck.push_back(b.launch("stuck", 10'000 + i * 4'000, 12'000 + i * 4'000, 1'000));
  }
  Profile& raw = b.profile();
  for (ApiCall& call : raw.api_calls) {
    if (call.correlation_id != sound) call.correlation_id = 133;
  }
  for (Kernel& k : raw.kernels) {
    if (k.correlation_id != sound) k.correlation_id = 133;
  }
  const Profile p = b.build();
  CHECK(p.repeated_api_correlations == std::vector<uint32_t>{133});
  CHECK(p.api_calls_with_repeated_correlation == 300);
  CHECK(p.api_by_correlation.find(133) == kNone);
  CHECK(p.kernel_by_correlation.find(133) == kNone);
  CHECK(p.api_by_correlation.find(sound) != kNone);
  CHECK(p.kernel_by_correlation.find(sound) == 0);
}
