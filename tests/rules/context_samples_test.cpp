// Operator context on profiles recorded on the GPU machine (samples/manifest.json): the GEMM
// shapes libperfadvise_gemm.so captured, PyTorch's op ranges (--torch-op-shapes) and sampled
// kernel lines (--kernel-lines 16) reach the findings a user reads.
#include <catch2/catch.hpp>

#include <string>

#include "tests/support/analyzed_sample.h"

using namespace perfadvise;
using testing::analyze_sample;
using testing::findings_of;

namespace {

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

bool ends_with(const std::string& text, const std::string& tail) {
  return text.size() >= tail.size() &&
         text.compare(text.size() - tail.size(), tail.size(), tail) == 0;
}

}  // namespace

TEST_CASE("samples: GEMM-ALIGNMENT on Swin bf16 names the 49-token window GEMMs, 49 -> 56") {
  const auto swin = analyze_sample("swin_infer_bf16.sqlite");
  const auto found = findings_of(swin, "GEMM-ALIGNMENT");
  REQUIRE(found.size() == 1);
  const Finding& f = found[0];
  INFO(f.title);
  CHECK(contains(f.title, "49 -> 56"));
  REQUIRE(!f.locations.empty());
  for (const Location& loc : f.locations) {
    INFO(loc.op);
    CHECK(contains(loc.op, "bf16"));
    CHECK(contains(loc.op, "49 -> 56"));
  }
  // The saving is a part of what the misaligned GEMMs cost, estimated from aligned ones.
  CHECK(f.estimated_saving_ms_per_step > 0);
  CHECK(f.estimated_saving_ms_per_step < f.cost_ms_per_step);
  CHECK(contains(f.fix, "56"));
}

TEST_CASE("samples: FP32-GEMM on Swin fp32 reports each GEMM's shape and type") {
  const auto swin = analyze_sample("swin_infer_fp32.sqlite");
  const auto found = findings_of(swin, "FP32-GEMM");
  REQUIRE(found.size() == 1);
  REQUIRE(!found[0].locations.empty());
  for (const Location& loc : found[0].locations) {
    INFO(loc.op);
    CHECK(contains(loc.op, "fp32 m="));
  }
  CHECK_FALSE(findings_of(swin, "GEMM-ALIGNMENT").empty());  // fp32 window GEMMs: 49 % 4
}

TEST_CASE("samples: kernel findings name the op and the sampled Python line") {
  const auto decode = analyze_sample("decode_loop_ops.sqlite");
  const auto attention = findings_of(decode, "UNFUSED-ATTENTION");
  REQUIRE(attention.size() == 1);
  REQUIRE(!attention[0].locations.empty());
  for (const Location& loc : attention[0].locations) {
    INFO(loc.op);
    CHECK(contains(loc.op, "aten::bmm: cublas"));
  }
  // One launch in 16 was sampled, yet every costly kernel group names its line.
  const auto idle = findings_of(decode, "GPU-IDLE");
  REQUIRE(idle.size() == 1);
  REQUIRE(idle[0].locations.size() >= 4);
  for (const Location& loc : idle[0].locations) {
    INFO(loc.op);
    CHECK(ends_with(loc.file, "decode_loop.py"));
    CHECK(loc.line > 0);
  }
}

TEST_CASE("samples: nn.Linear(1024, 49) GEMMs are named by their op and cuBLAS call") {
  // Recorded with --kernel-lines 16: these 10 launches were not sampled, so no line here
  // (gpu_gemm_test checks the lines with --kernel-lines 1 on the GPU machine).
  const auto gemms = analyze_sample("gemm_shapes.sqlite");
  const auto found = findings_of(gemms, "GEMM-ALIGNMENT");
  REQUIRE(found.size() == 1);
  REQUIRE(found[0].locations.size() == 2);
  CHECK(found[0].locations[0].op ==
        "aten::addmm: cublasLtMatmul bf16 m=49 n=64 k=1024 (m = 49 -> 56)");
  CHECK(found[0].locations[1].op == "aten::mm: cublasGemmEx bf16 m=49 n=64 k=1024 (m = 49 -> 56)");
  const auto fp32 = findings_of(gemms, "FP32-GEMM");
  REQUIRE(fp32.size() == 1);
  REQUIRE(fp32[0].locations.size() == 1);
  CHECK(fp32[0].locations[0].op == "aten::mm: cublasSgemm fp32 m=128 n=256 k=512");
}
