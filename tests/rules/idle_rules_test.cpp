#include <catch2/catch.hpp>

#include "tests/rules/rule_test_util.h"

using namespace perfadvise;
using namespace perfadvise::testing;

TEST_CASE("GPU-IDLE: an eager decode loop is launch-bound") {
  const auto found = findings_of(
      eager_decode({.tokens = 30, .cpu_built_positions = false, .read_back_token = false}),
      "GPU-IDLE");
  REQUIRE(found.size() == 1);
  CHECK(found[0].title.find("launch-bound") != std::string::npos);
  CHECK(found[0].fix.find("CUDA graph") != std::string::npos);
  CHECK(found[0].estimated_saving_ms_per_step > 0.5 * found[0].cost_ms_per_step);
  CHECK(found[0].evidence_counts.at("gpu_busy_share") < 0.5);
}

TEST_CASE("GPU-IDLE: silent on a GPU-bound training loop") {
  CHECK(findings_of(masked_loss_training({.steps = 10, .fixed = true}), "GPU-IDLE").empty());
}

TEST_CASE("GPU-IDLE: long host pauses between ops are the other kind of idle") {
  const Profile p = loop(10, [](ProfileBuilder&, WorkloadSim& sim) {
    sim.kernel(kGemmBf16, 100'000);
    for (int i = 0; i < 10; ++i) {
      sim.kernel(kConvKernel, 200'000);
      sim.host_work(i == 5 ? 0 : 300'000);  // Python work longer than the kernels
    }
  });
  const auto found = findings_of(p, "GPU-IDLE");
  REQUIRE(found.size() == 1);
  CHECK(found[0].title.find("host works") != std::string::npos);
  CHECK(found[0].confidence == Confidence::kLow);
}

TEST_CASE("DATALOADER-STALL: the GPU waits at each step start for the batch") {
  const auto found =
      findings_of(masked_loss_training({.steps = 10, .fixed = true, .data_loading = 40'000'000}),
                  "DATALOADER-STALL");
  REQUIRE(found.size() == 1);
  CHECK(found[0].estimated_saving_ms_per_step > 10);
  CHECK(found[0].fix.find("num_workers") != std::string::npos);
  CHECK(
      findings_of(masked_loss_training({.steps = 10, .fixed = true}), "DATALOADER-STALL").empty());
}
