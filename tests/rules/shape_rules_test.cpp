#include <catch2/catch.hpp>

#include "tests/rules/rule_test_util.h"

using namespace perfadvise;
using namespace perfadvise::testing;

namespace {

constexpr uint16_t kBf16 = 14;        // CUDA_R_16BF
constexpr uint16_t kComputeF32 = 68;  // CUBLAS_COMPUTE_32F

// Swin-like windows: GEMMs over 49 tokens (or 56 when padded) next to aligned MLP GEMMs.
Profile windows(int64_t tokens, TimeNs window_gemm_ns) {
  return loop(10, [&](ProfileBuilder& b, WorkloadSim& sim) {
    for (int i = 0; i < 8; ++i) {
      b.gemm(sim.kernel(kGemmBf16, window_gemm_ns), 3136, tokens, 32, kBf16, kComputeF32, 64);
      b.gemm(sim.kernel(kGemmBf16, 100'000), 3136, 384, 960, kBf16, kComputeF32);
    }
  });
}

// Decode: y = W x with W of n x k bf16; `ns` per GEMV.
Profile decode_gemvs(int64_t n, int64_t k, TimeNs ns, int64_t batch_rows = 1) {
  return loop(10, [&](ProfileBuilder& b, WorkloadSim& sim) {
    for (int i = 0; i < 20; ++i) {
      b.gemm(sim.kernel(kGemv, ns), n, batch_rows, k, kBf16, kComputeF32);
      sim.kernel(kAddKernel, 2'000);
    }
  });
}

}  // namespace

TEST_CASE("GEMM-ALIGNMENT: 49-token window GEMMs, measured against aligned ones") {
  const auto found = findings_of(windows(49, 60'000), "GEMM-ALIGNMENT");
  REQUIRE(found.size() == 1);
  CHECK(found[0].fix.find("n = 49 -> 56") != std::string::npos);
  CHECK(found[0].confidence == Confidence::kMedium);
  CHECK(found[0].estimated_saving_ms_per_step > 0);
  CHECK(found[0].estimated_saving_ms_per_step <= 0.5 * found[0].cost_ms_per_step);
  CHECK(findings_of(windows(56, 60'000), "GEMM-ALIGNMENT").empty());
}

TEST_CASE("GEMM-ALIGNMENT: silent for matrix-vector products (batch-1 decode, n = 1)") {
  // Padding n = 1 to 8 would multiply a memory-bound GEMV's work by 8 (seen on the H100 decode
  // sample before this was excluded: "n = 1 -> 8").
  CHECK(findings_of(decode_gemvs(4096, 4096, 100'000), "GEMM-ALIGNMENT").empty());
  CHECK(findings_of(decode_gemvs(4099, 4096, 100'000), "GEMM-ALIGNMENT").empty());
}

TEST_CASE("MEMORY-BOUND-DECODE: GEMVs far below bandwidth") {
  // 4096 x 4096 bf16 = 32 MiB per GEMV; 100 us is ~340 GB/s, a tenth of H100's 3.35 TB/s.
  const auto found = findings_of(decode_gemvs(4096, 4096, 100'000), "MEMORY-BOUND-DECODE");
  REQUIRE(found.size() == 1);
  CHECK(found[0].fix.find("far below") != std::string::npos);
  CHECK(found[0].estimated_saving_ms_per_step > 0.5 * found[0].cost_ms_per_step);
}

TEST_CASE("MEMORY-BOUND-DECODE: GEMVs at bandwidth are a case for weight-only quantization") {
  // 32 MiB at ~2.9 TB/s: 11.6 us.
  const auto found = findings_of(decode_gemvs(4096, 4096, 11'600), "MEMORY-BOUND-DECODE");
  REQUIRE(found.size() == 1);
  CHECK(found[0].fix.find("int8 weight-only") != std::string::npos);
  CHECK(found[0].estimated_saving_ms_per_step == Approx(0.5 * found[0].cost_ms_per_step));
}

TEST_CASE("MEMORY-BOUND-DECODE: silent for large-batch GEMMs and without shapes") {
  CHECK(findings_of(decode_gemvs(4096, 4096, 100'000, 512), "MEMORY-BOUND-DECODE").empty());
  CHECK(findings_of(eager_decode({.tokens = 20}), "MEMORY-BOUND-DECODE").empty());
}

TEST_CASE("GEMM-ALIGNMENT names the op and shape, measured against aligned GEMMs of similar size") {
  // As recorded by perfadvise run --torch-ops: cuBLAS calls timed on the host thread (linked by
  // interval), inside aten op ranges.
  const Profile p = loop(10, [&](ProfileBuilder& b, WorkloadSim& sim) {
    for (int i = 0; i < 8; ++i) {
      TimeNs t = sim.host();
      b.nvtx_range("aten::bmm, sizes = [[64, 3136, 32], [64, 32, 49]]", t - 200, t + 4'000);
      b.gemm_call(t - 100, t + 3'000, 3136, 49, 32, kBf16, "cublasGemmStridedBatchedEx");
      b.profile().gemms.back().batch = 64;
      sim.kernel(kGemmBf16, 60'000);
      t = sim.host();
      b.nvtx_range("aten::mm", t - 200, t + 4'000);
      b.gemm_call(t - 100, t + 3'000, 3136, 384, 960, kBf16, "cublasGemmEx");
      sim.kernel(kGemmBf16, 100'000);
    }
  });
  const auto found = findings_of(p, "GEMM-ALIGNMENT");
  REQUIRE(found.size() == 1);
  const Finding& f = found[0];
  INFO(f.title << "\n" << f.estimate_method);
  CHECK(f.title.find("aten::bmm: cublasGemmStridedBatchedEx bf16 m=3136 n=49 k=32 batch=64") !=
        std::string::npos);
  CHECK(f.title.find("n = 49 -> 56") != std::string::npos);
  CHECK(f.estimate_method.find("of similar size") != std::string::npos);
  CHECK(f.confidence == Confidence::kMedium);
  CHECK(f.estimated_saving_ms_per_step == Approx(0.5 * f.cost_ms_per_step));  // capped
}

TEST_CASE("MEMORY-BOUND-DECODE gives the bandwidth bound on the step rate") {
  const auto found = findings_of(decode_gemvs(4096, 4096, 100'000), "MEMORY-BOUND-DECODE");
  REQUIRE(found.size() == 1);
  INFO(found[0].title);
  CHECK(found[0].title.find("steps/s") != std::string::npos);
  CHECK(found[0].evidence_counts.at("bandwidth_bound_steps_per_s") > 0);
}
