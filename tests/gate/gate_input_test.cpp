// gate_input_from_analysis on synthetic profiles: sync sites found in the events with their
// Python lines, counts summed and timings pooled across processes, the environment recorded.
#include <catch2/catch.hpp>

#include "gate/gate_input.h"
#include "tests/support/profile_builder.h"

using namespace perfadvise;
using namespace perfadvise::gate;
using namespace perfadvise::testing;

namespace {

constexpr TimeNs kMs = 1000000;

/// `steps` steps of 10 ms; with `masked`, each step does a D2H copy and a stream sync
/// called from loss.py:28 (torch.nonzero), as the masked-loss sample does.
Profile loop_profile(int steps, bool masked) {
  ProfileBuilder b;
  // The builder records one H100 (device 0).
  b.profile().provenance.driver_version = "550.54.15";
  b.profile().provenance.cupti_version = "12.4";
  b.profile().provenance.extra["torch_version"] = "2.3.0";
  b.profile().provenance.extra["tool_version"] = "0.1.0";
  b.profile().provenance.extra["hostname_alias"] = "runner-7";
  for (int s = 0; s < steps; ++s) {
    const TimeNs t = s * 10 * kMs;
    b.nvtx_range("ProfilerStep#" + std::to_string(s), t, t + 10 * kMs);
    b.launch("ampere_sgemm_128x64_tn", t + kMs, t + kMs, 3 * kMs);
    if (!masked) continue;
    uint32_t copy = b.copy(MemcpyKind::kDtoH, 8, t + 4 * kMs, t + 4 * kMs + 10000, t + 4 * kMs,
                           t + 4 * kMs + 5000);
    uint32_t sync = b.sync(SyncType::kStreamSynchronize, t + 5 * kMs, t + 6 * kMs);
    const std::vector<PyFrame> stack = {{"torch/_tensor.py", "nonzero", 100},
                                        {"loss.py", "masked_loss", 28},
                                        {"train.py", "main", 50}};
    b.call_site(copy, stack, 1, "aten::nonzero");
    b.call_site(sync, stack, 1, "aten::nonzero");
  }
  return b.build();
}

ProcessAnalysis process_of(const Profile& profile, int steps, double wall_ms, bool masked) {
  ProcessAnalysis p;
  p.profile = &profile;
  p.steps.description = "NVTX 'ProfilerStep#N'";
  for (int s = 0; s < steps; ++s) {
    p.steps.steps.push_back(
        {s * 10 * kMs, (s + 1) * 10 * kMs, "ProfilerStep#" + std::to_string(s)});
    StepMetrics m;
    m.wall_ms = wall_ms + s * 0.01;
    m.gpu_busy_ms = 3;
    m.category_ms["gemm"] = 3;
    m.kernel_launches = 1;
    if (masked) {
      m.syncs_by_kind["stream"] = 1;
      m.copies_by_direction["DtoH"] = 1;
      m.bytes_by_direction["DtoH"] = 8;
      m.pageable_copies = 1;
      m.category_ms["memcpy"] = 0.005;
    }
    p.per_step.push_back(m);
  }
  return p;
}

}  // namespace

TEST_CASE("sync sites come from the profile with their Python lines") {
  Profile profile = loop_profile(12, true);
  Analysis analysis;
  analysis.processes.push_back(process_of(profile, 12, 10, true));
  // The first two steps are warm-up: only the measured ones count.
  analysis.processes[0].steps.steps.erase(analysis.processes[0].steps.steps.begin(),
                                          analysis.processes[0].steps.steps.begin() + 2);
  GateInput in = gate_input_from_analysis(analysis, "masked.sqlite");
  REQUIRE(in.sync_sites.size() == 1);
  const SyncSite& site = in.sync_sites[0];
  CHECK(site.location == "loss.py:28");
  CHECK(site.function == "masked_loss");
  CHECK(site.op == "aten::nonzero");
  CHECK(site.api == "cudaStreamSynchronize");
  CHECK(site.kind == "stream");
  CHECK(site.per_step == 1);
  CHECK(site.describe() == "loss.py:28 masked_loss (aten::nonzero -> cudaStreamSynchronize)");
}

TEST_CASE("the environment keeps GPU, driver, CUPTI and version keys") {
  Profile profile = loop_profile(2, false);
  auto env = environment_of(profile);
  CHECK(env.at("gpu") == "NVIDIA H100 80GB HBM3");
  CHECK(env.at("driver") == "550.54.15");
  CHECK(env.at("cupti") == "12.4");
  CHECK(env.at("torch_version") == "2.3.0");
  CHECK(env.count("tool_version") == 0);
  CHECK(env.count("hostname_alias") == 0);
}

TEST_CASE("processes: counts are summed, timings pooled") {
  Profile p0 = loop_profile(10, true);
  Profile p1 = loop_profile(10, false);
  Analysis analysis;
  analysis.processes.push_back(process_of(p0, 10, 10, true));
  analysis.processes.push_back(process_of(p1, 10, 20, false));
  GateInput in = gate_input_from_analysis(analysis, "run");
  CHECK(in.processes == 2);
  CHECK(in.steps == 20);
  CHECK(in.step_method == "NVTX 'ProfilerStep#N'");
  CHECK(in.counts.at("kernel_launches").median == 2);
  CHECK(in.counts.at("syncs.stream").median == 1);
  REQUIRE(in.timings.at("wall_ms").size() == 20);
  CHECK(in.timings.at("wall_ms")[0] == 10);
  CHECK(in.timings.at("wall_ms")[10] == 20);
  // A category only one process has is 0 in the other's steps.
  REQUIRE(in.timings.at("category_ms.memcpy").size() == 20);
  CHECK(in.timings.at("category_ms.memcpy")[15] == 0);
  CHECK(in.sync_sites.size() == 1);
}
