#include <catch2/catch.hpp>

#include <fstream>

#include "tests/rules/rule_test_util.h"
#include "tests/support/temp_dir.h"

using namespace perfadvise;
using namespace perfadvise::testing;

namespace {

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

}  // namespace

TEST_CASE("SYNC-D2H: masked-loss baseline, one location per sync line with per-step cost") {
  const Profile base = masked_loss_training({.steps = 12});
  const auto found = findings_of(base, "SYNC-D2H");
  REQUIRE(found.size() == 1);
  const Finding& f = found[0];
  std::vector<uint32_t> lines;
  for (const Location& loc : f.locations) {
    CHECK(loc.file == "/work/toy/loss.py");
    CHECK(loc.count_per_step == Approx(1.0));
    CHECK(loc.cost_ms_per_step > 0);
    lines.push_back(loc.line);
  }
  std::sort(lines.begin(), lines.end());
  CHECK(lines == std::vector<uint32_t>{20, 21, 28, 30, 36});
  CHECK(contains(f.fix, "torch.where"));
  CHECK(contains(f.fix, "ignore_index"));
  CHECK(contains(f.fix, "sort"));
  CHECK(f.confidence == Confidence::kHigh);
  CHECK(f.doc == "rules/SYNC-D2H.md");
  CHECK(f.locations[0].op.find("aten::") == 0);

  // The estimate lands near what the fix gains in the simulated run (the acceptance bar on the
  // real samples is +-30%).
  const double gain =
      median_step_ms(base) - median_step_ms(masked_loss_training({.steps = 12, .fixed = true}));
  INFO("gain " << gain << " estimate " << f.estimated_saving_ms_per_step);
  CHECK(f.estimated_saving_ms_per_step == Approx(gain).epsilon(0.3));
}

TEST_CASE("SYNC-D2H: silent on the fixed loss") {
  CHECK(findings_of(masked_loss_training({.steps = 12, .fixed = true}), "SYNC-D2H").empty());
}

TEST_CASE("SYNC-D2H names the trigger from the source line when the file is readable") {
  TempDir dir;
  const std::string file = dir.file("loss.py");
  std::ofstream(file) << "def f(pred, target, mask):\n"
                      << "    masked_target = target[mask]\n"
                      << "    return loss.item()\n";
  const Profile p = loop(6, [&](ProfileBuilder&, WorkloadSim& sim) {
    sim.kernel(kConvKernel, 300'000);
    sim.blocking_copy(MemcpyKind::kDtoH, 8, {{file, "f", 2}}, "");
    sim.kernel(kAddKernel, 20'000);
    sim.blocking_copy(MemcpyKind::kDtoH, 4, {{file, "f", 3}}, "");
  });
  const auto found = findings_of(p, "SYNC-D2H");
  REQUIRE(found.size() == 1);
  REQUIRE(found[0].locations.size() == 2);
  std::string ops;
  for (const Location& loc : found[0].locations)
    ops += loc.op + " | " + loc.code + "\n";
  INFO(ops);
  CHECK(contains(ops, "boolean mask"));
  CHECK(contains(ops, ".item()"));
  CHECK(contains(ops, "masked_target = target[mask]"));
  CHECK(contains(found[0].fix, "ignore_index"));
}

namespace {

// Per step: a convolution, a sync with `op` (no Python frames), then 500 us of index (gather)
// kernels and a convolution. Returns SYNC-D2H's extra GPU work (ms/step), -1 when it is silent.
double extra_work_after(const std::string& op, bool compaction_after = true) {
  const Profile p = loop(8, [&](ProfileBuilder&, WorkloadSim& sim) {
    sim.kernel(kConvKernel, 300'000);
    sim.kernel(kSelectKernel, 30'000);  // the count / compaction of a data-dependent op
    sim.blocking_copy(MemcpyKind::kDtoH, 8, {}, op);
    if (!compaction_after) sim.kernel(kAddKernel, 20'000);
    sim.kernel(kIndexKernel, 500'000);
    sim.kernel(kConvKernel, 300'000);
  });
  const auto found = findings_of(p, "SYNC-D2H");
  if (found.empty()) return -1;
  return found[0].evidence_counts.at("extra_gpu_work_ms_per_step");
}

}  // namespace

TEST_CASE("SYNC-D2H counts the data-dependent kernels only for ops whose fix drops them") {
  // nonzero: the count before and the gather after the read-back are its work.
  CHECK(extra_work_after("aten::nonzero") == Approx(0.53).epsilon(0.01));
  // .item(): its fix keeps every kernel; only the idle after it counts.
  CHECK(extra_work_after("aten::_local_scalar_dense") == 0);
  // Unknown op: claims the work only when a compaction follows the read-back at once.
  CHECK(extra_work_after("") == Approx(0.53).epsilon(0.01));
  CHECK(extra_work_after("", false) == 0);
}

TEST_CASE("SYNC-D2H: torch.unique's fix sorts too, so its sort is not counted") {
  const Profile p = loop(8, [&](ProfileBuilder&, WorkloadSim& sim) {
    sim.kernel(kConvKernel, 300'000);
    for (int i = 0; i < 4; ++i)
      sim.kernel(kRadixSortKernel, 100'000);
    sim.kernel(kSelectKernel, 30'000);
    sim.blocking_copy(MemcpyKind::kDtoH, 8, {}, "aten::_unique2");
    sim.kernel(kConvKernel, 300'000);
  });
  const auto found = findings_of(p, "SYNC-D2H");
  REQUIRE(found.size() == 1);
  CHECK(found[0].evidence_counts.at("extra_gpu_work_ms_per_step") == Approx(0.03).epsilon(0.01));
}

TEST_CASE("SYNC-H2D: a tensor built on the CPU every token") {
  const auto found = findings_of(eager_decode({.tokens = 30}), "SYNC-H2D");
  REQUIRE(found.size() == 1);
  CHECK(found[0].locations.at(0).line == 31);
  CHECK(found[0].locations.at(0).count_per_step == Approx(1.0));
  CHECK(contains(found[0].fix, "non_blocking=True"));
  CHECK(
      findings_of(eager_decode({.tokens = 30, .cpu_built_positions = false}), "SYNC-H2D").empty());
}

TEST_CASE("SYNC-EXPLICIT: torch.cuda.synchronize() in the step") {
  auto body = [](bool sync) {
    return [sync](ProfileBuilder&, WorkloadSim& sim) {
      for (int i = 0; i < 10; ++i)
        sim.kernel(kConvKernel, 200'000);
      if (sync) {
        sim.explicit_sync(SyncType::kContextSynchronize, "cudaDeviceSynchronize_v3020",
                          {{"/work/toy/train.py", "train", 77}});
      }
      for (int i = 0; i < 10; ++i)
        sim.kernel(kAddKernel, 30'000);
    };
  };
  const auto found = findings_of(loop(10, body(true)), "SYNC-EXPLICIT");
  REQUIRE(found.size() == 1);
  CHECK(found[0].locations.at(0).line == 77);
  CHECK(found[0].estimated_saving_ms_per_step > 0);
  CHECK(findings_of(loop(10, body(false)), "SYNC-EXPLICIT").empty());
}

TEST_CASE("MEMCPY-PAGEABLE: non_blocking copies from unpinned memory") {
  auto body = [](MemoryKind kind) {
    return [kind](ProfileBuilder&, WorkloadSim& sim) {
      sim.async_copy(MemcpyKind::kHtoD, 8 << 20, kind);
      for (int i = 0; i < 10; ++i)
        sim.kernel(kConvKernel, 200'000);
    };
  };
  CHECK(findings_of(loop(10, body(MemoryKind::kPageable)), "MEMCPY-PAGEABLE").size() == 1);
  CHECK(findings_of(loop(10, body(MemoryKind::kPinned)), "MEMCPY-PAGEABLE").empty());
}

TEST_CASE("MEMCPY-SYNC: cudaMemcpy of large buffers, small uploads left out") {
  auto body = [](uint64_t bytes) {
    return [bytes](ProfileBuilder& b, WorkloadSim& sim) {
      for (int i = 0; i < 10; ++i)
        sim.kernel(kConvKernel, 200'000);
      const TimeNs start = std::max(sim.host(), sim.gpu_free());
      const uint32_t corr = sim.api("cudaMemcpy", start - sim.host() + 400'000);
      Memcpy m;
      m.start = start + 5'000;
      m.end = start + 390'000;
      m.bytes = bytes;
      m.correlation_id = corr;
      m.stream = ProfileBuilder::kDefaultStream;
      m.kind = MemcpyKind::kHtoD;
      m.src_kind = MemoryKind::kPinned;
      m.dst_kind = MemoryKind::kDevice;
      b.profile().memcpys.push_back(m);
    };
  };
  CHECK(findings_of(loop(10, body(64 << 20)), "MEMCPY-SYNC").size() == 1);
  CHECK(findings_of(loop(10, body(1024)), "MEMCPY-SYNC").empty());
}

TEST_CASE("ALLOC-CHURN: cudaMalloc/cudaFree every step") {
  auto body = [](bool churn) {
    return [churn](ProfileBuilder&, WorkloadSim& sim) {
      if (churn) sim.api("cudaMalloc_v3020", 80'000);
      for (int i = 0; i < 10; ++i)
        sim.kernel(kConvKernel, 200'000);
      if (churn) sim.api("cudaFree", 50'000, true);
      for (int i = 0; i < 10; ++i)
        sim.kernel(kAddKernel, 20'000);
    };
  };
  const auto found = findings_of(loop(10, body(true)), "ALLOC-CHURN");
  REQUIRE(found.size() == 1);
  CHECK(found[0].locations.size() == 2);
  CHECK(found[0].estimated_saving_ms_per_step > 0.08);
  CHECK(findings_of(loop(10, body(false)), "ALLOC-CHURN").empty());
}
