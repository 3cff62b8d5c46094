#include <catch2/catch.hpp>

#include "analyzer/analyzer.h"
#include "tests/analyzer/scenarios.h"

using namespace perfadvise;
using namespace perfadvise::testing;

namespace {

const ProcessAnalysis& only(const Result<Analysis>& a) {
  REQUIRE(a.ok());
  REQUIRE(a->processes.size() == 1);
  return a->processes[0];
}

}  // namespace

TEST_CASE("per-step metrics add up: busy + idle split = wall") {
  const std::vector<Profile> profiles{masked_loss_training({.steps = 8})};
  const auto a = analyze(profiles, {});
  const ProcessAnalysis& p = only(a);
  REQUIRE(p.per_step.size() >= 5);
  for (const StepMetrics& m : p.per_step) {
    CHECK(m.wall_ms > 0);
    CHECK(m.gpu_busy_ms + m.idle_host_wait_ms + m.idle_launch_gap_ms + m.idle_other_ms ==
          Approx(m.wall_ms).epsilon(1e-6));
    CHECK(m.category_ms.at("convolution") > 0);
    CHECK(m.syncs_by_kind.at("stream") == 5);
    CHECK(m.copies_by_direction.at("DtoH") == 5);
    CHECK(m.copies_by_direction.at("HtoD") == 2);
    CHECK(m.bytes_by_direction.at("HtoD") == (5u << 20));
    CHECK(m.copies_by_memory.at("DtoH pageable") == 5);
    CHECK(m.copies_by_memory.at("HtoD pinned") == 2);
    CHECK(m.pageable_copies == 5);
    CHECK(m.kernel_launches == m.kernels);
    CHECK(m.idle_host_wait_ms > 0);
    CHECK(m.host_blocked_ms > m.idle_host_wait_ms);
  }
}

TEST_CASE("the fixed training loop has no host wait and fewer idle") {
  const std::vector<Profile> base{masked_loss_training({.steps = 8})};
  const std::vector<Profile> fixed{masked_loss_training({.steps = 8, .fixed = true})};
  const auto a = analyze(base, {});
  const auto b = analyze(fixed, {});
  const ProcessAnalysis& pa = only(a);
  const ProcessAnalysis& pb = only(b);
  for (const StepMetrics& m : pb.per_step) {
    CHECK(m.idle_host_wait_ms == 0);
    CHECK(m.syncs_by_kind.empty());
  }
  CHECK(pb.per_step[2].wall_ms < pa.per_step[2].wall_ms);
}

TEST_CASE("an eager decode loop is dominated by launch gaps") {
  const std::vector<Profile> profiles{
      eager_decode({.tokens = 20, .cpu_built_positions = false, .read_back_token = false})};
  const auto a = analyze(profiles, {});
  const ProcessAnalysis& p = only(a);
  REQUIRE_FALSE(p.per_step.empty());
  const StepMetrics& m = p.per_step[1];
  CHECK(m.gpu_busy_share() < 0.5);
  CHECK(m.idle_launch_gap_ms > m.idle_other_ms);
  CHECK(m.idle_host_wait_ms == 0);
}
