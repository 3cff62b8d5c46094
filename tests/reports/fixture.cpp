#include "tests/reports/fixture.h"

#include <fmt/format.h>

#include "tests/support/profile_builder.h"

namespace perfadvise::testing {
namespace {

constexpr TimeNs kUs = 1000;

// One step: kernels back to back, then nonzero's D2H copy and the stream sync that waits for it.
void add_step(ProfileBuilder& b, int step, TimeNs start, int kernels, StepMetrics& m) {
  TimeNs t = start + 100 * kUs;
  for (int i = 0; i < kernels; ++i) {
    std::string name =
        i % 7 == 3 ? kHostileKernel : fmt::format("void at::native::elementwise_kernel<{}>", i % 5);
    b.launch(name, t, t + 5 * kUs, 20 * kUs);
    t += 25 * kUs;
  }
  TimeNs copy_at = t + 10 * kUs;
  uint32_t copy = b.copy(MemcpyKind::kDtoH, 8, copy_at, copy_at + 3 * kUs, copy_at + 1 * kUs,
                         copy_at + 2 * kUs);
  b.call_site(copy, {{"/home/user/proj/loss.py", "masked_loss", 28}, {"train.py", "main", 51}}, 0,
              "aten::nonzero");
  uint32_t sync = b.sync(SyncType::kStreamSynchronize, copy_at + 4 * kUs, copy_at + 2004 * kUs);
  b.call_site(sync, {{"/home/user/proj/loss.py", "masked_loss", 28}, {"train.py", "main", 51}}, 0,
              "aten::nonzero");
  TimeNs end = copy_at + 3000 * kUs;
  b.nvtx_range(fmt::format("ProfilerStep#{}", step), start, end);
  m.wall_ms = (end - start) / 1e6;
  m.gpu_busy_ms = kernels * 0.020 + 0.001;
  m.idle_host_wait_ms = 2.0;
  m.idle_launch_gap_ms = kernels * 0.005;
  m.idle_other_ms = m.wall_ms - m.gpu_busy_ms - m.idle_host_wait_ms - m.idle_launch_gap_ms;
  m.category_ms = {{"elementwise", kernels * 0.020}};
  m.kernel_launches = static_cast<uint64_t>(kernels);
  m.syncs_by_kind = {{"stream", 1}};
  m.copies_by_direction = {{"DtoH", 1}};
  m.bytes_by_direction = {{"DtoH", 8}};
  m.pageable_copies = 1;
}

Finding sync_finding(const Profile& p, double step_ms) {
  Finding f;
  f.rule_id = "SYNC-D2H";
  f.severity = Severity::kCritical;
  f.title = "1 host-device sync per step blocks the CPU for 2.0 ms/step (<b>nonzero</b>)";
  f.step_time_ms = step_ms;
  f.cost_ms_per_step = 2.0;
  f.estimated_saving_ms_per_step = 1.8;
  f.estimate_method = "measured cost of the stalls";
  f.confidence = Confidence::kHigh;
  f.locations.push_back({"/home/user/proj/loss.py",
                         28,
                         "masked_loss",
                         "aten::nonzero",
                         1,
                         2.0,
                         {"/home/user/proj/loss.py:28 masked_loss", "train.py:51 main"}});
  f.fix = "torch.where(cond, -1, target) instead of nonzero + index assignment";
  for (uint32_t i = 0; i < p.syncs.size(); ++i)
    f.evidence_events.push_back({EventRef::Table::kSync, i});
  f.evidence_counts = {{"syncs_per_step", 1}};
  f.doc = "rules/SYNC-D2H.md";
  return f;
}

Finding idle_finding(double step_ms) {
  Finding f;
  f.rule_id = "GPU-IDLE";
  f.title = "The GPU idles 0.2 ms/step between 40 short kernels";
  f.step_time_ms = step_ms;
  f.cost_ms_per_step = 0.2;
  f.estimated_saving_ms_per_step = 0.15;
  f.estimate_method = "launch gaps inside steps";
  f.locations.push_back({"", 0, "", "cudaLaunchKernel", 40, 0.2, {}});
  f.fix = "CUDA graphs: torch.compile(mode=\"reduce-overhead\")";
  f.evidence_events.push_back({EventRef::Table::kKernel, 3});
  f.doc = "rules/GPU-IDLE.md";
  return f;
}

}  // namespace

std::unique_ptr<ReportFixture> make_report_fixture(const FixtureShape& shape) {
  ProfileBuilder b;
  ProcessAnalysis process;
  process.steps.method = StepMethod::kNvtx;
  process.steps.description = "NVTX 'ProfilerStep#N'";
  TimeNs t = 0;
  for (int step = 0; step < shape.steps; ++step) {
    StepMetrics m;
    add_step(b, step, t, shape.kernels_per_step, m);
    TimeNs end = b.profile().nvtx.back().end;
    process.steps.steps.push_back({t, end, fmt::format("ProfilerStep#{}", step)});
    process.per_step.push_back(m);
    t = end + 50 * kUs;
  }
  auto fixture = std::make_unique<ReportFixture>();
  fixture->profile = b.build();
  fixture->profile.path = "runs/masked_loss/rank0.sqlite";
  process.profile = &fixture->profile;
  if (shape.with_findings) {
    double step_ms = process.per_step.front().wall_ms;
    process.findings.push_back(sync_finding(fixture->profile, step_ms));
    process.findings.push_back(idle_finding(step_ms));
  }
  fixture->analysis.processes.push_back(std::move(process));
  return fixture;
}

}  // namespace perfadvise::testing
