// Kernel -> GEMM call and kernel -> framework op, linked by the launch call's thread and time
// (profile/launch_context.h), on synthetic profiles and through the file format.
#include <catch2/catch.hpp>

#include "profile/launch_context.h"
#include "profile/reader.h"
#include "tests/support/profile_builder.h"
#include "tests/support/temp_dir.h"

using namespace perfadvise;
using testing::ProfileBuilder;

namespace {

constexpr uint32_t kNone = CorrelationIndex::kNone;
constexpr uint16_t kBf16 = 14;

/// Index of the kernel with this correlation id.
uint32_t kernel(const Profile& p, uint32_t correlation) {
  return p.kernel_by_correlation.find(correlation);
}

}  // namespace

TEST_CASE("torch op names and sizes from NVTX messages") {
  CHECK(torch_op_name("aten::addmm, seq = 5, op_id = 9, sizes = [[1, 1024]]") == "aten::addmm");
  CHECK(torch_op_name("aten::mm") == "aten::mm");
  CHECK(torch_op_name("autograd::engine::evaluate_function: MmBackward0, seq = 3") ==
        "autograd::engine::evaluate_function: MmBackward0");
  CHECK(torch_op_name("token").empty());
  CHECK(torch_op_name("ProfilerStep#3").empty());
  CHECK(torch_op_name("::weird").empty());
  CHECK(torch_op_name("step 3 :: warmup").empty());
  CHECK(torch_op_sizes("aten::addmm, sizes = [[64, 1024], [1024, 49]], input_op_ids = [1]") ==
        "[[64, 1024], [1024, 49]]");
  CHECK(torch_op_sizes("aten::addmm").empty());
}

TEST_CASE("kernels link to the GEMM call around their launch on the same thread") {
  ProfileBuilder b;
  // A cuBLASLt call that launches a GEMM kernel and a split-K reduction.
  const uint32_t gemm = b.gemm_call(1'000, 10'000, 49, 64, 1024, kBf16);
  const uint32_t first = b.launch("sm90_xmma_gemm_bf16", 2'000, 3'000, 5'000);
  const uint32_t reduce = b.launch("splitKreduce_kernel", 6'000, 9'000, 1'000);
  const uint32_t outside = b.launch("elementwise_kernel", 12'000, 13'000, 1'000);
  // Same time, other thread: not this GEMM's.
  const uint32_t other_thread = b.launch("elementwise_kernel", 2'500, 14'000, 1'000);
  for (ApiCall& a : b.profile().api_calls)
    if (a.correlation_id == other_thread) a.thread_id = 77;
  const Profile p = b.build();
  CHECK(p.gemm_of(kernel(p, first)) == gemm);
  CHECK(p.gemm_of(kernel(p, reduce)) == gemm);
  CHECK(p.gemm_of(kernel(p, outside)) == kNone);
  CHECK(p.gemm_of(kernel(p, other_thread)) == kNone);
  // The call's correlation id becomes its first kernel's, so SQL joins and rules can use it.
  CHECK(p.gemms[gemm].correlation_id == first);
  CHECK(p.kernel_op.empty());  // no op ranges in this profile
}

TEST_CASE("GEMM rows written with a correlation id (no interval) still link") {
  ProfileBuilder b;
  const uint32_t launch = b.launch("ampere_sgemm_128x64_nn", 1'000, 2'000, 4'000);
  b.gemm(launch, 512, 512, 512, 0, 68);
  const Profile p = b.build();
  CHECK(p.gemm_of(kernel(p, launch)) == 0);
}

TEST_CASE("each kernel gets the innermost op range around its launch") {
  ProfileBuilder b;
  b.nvtx_range("token", 0, 100'000);
  b.nvtx_range("aten::linear, seq = 1, op_id = 2", 1'000, 12'000);
  b.nvtx_range("aten::addmm, sizes = [[64, 1024], [1024, 49]]", 1'500, 11'000);
  b.nvtx_range("aten::silu", 20'000, 25'000);
  const uint32_t in_addmm = b.launch("gemm", 2'000, 3'000, 1'000);
  const uint32_t in_linear = b.launch("bias_kernel", 11'500, 14'000, 1'000);
  const uint32_t in_silu = b.launch("silu_kernel", 21'000, 22'000, 1'000);
  const uint32_t no_op = b.launch("argmax_kernel", 30'000, 31'000, 1'000);
  const Profile p = b.build();
  auto op = [&](uint32_t correlation) -> std::string {
    const uint32_t range = p.op_of(kernel(p, correlation));
    return range == kNone ? "" : std::string(torch_op_name(p.strings[p.nvtx[range].name]));
  };
  CHECK(op(in_addmm) == "aten::addmm");
  CHECK(op(in_linear) == "aten::linear");
  CHECK(op(in_silu) == "aten::silu");
  CHECK(op(no_op).empty());  // inside "token" only, which is not an op
}

TEST_CASE("GEMM intervals survive the file format") {
  ProfileBuilder b;
  b.gemm_call(1'000, 10'000, 49, 64, 1024, kBf16, "cublasGemmEx");
  const uint32_t launch = b.launch("gemm", 2'000, 3'000, 1'000);
  testing::TempDir dir;
  const std::string path = (dir.path() / "p.sqlite").string();
  REQUIRE(b.write(path).ok());
  auto loaded = load_profile(path);
  REQUIRE(loaded.ok());
  const Profile& p = *loaded;
  REQUIRE(p.gemms.size() == 1);
  const GemmCall& g = p.gemms[0];
  CHECK(g.thread_id == ProfileBuilder::kMainThread);
  CHECK(g.end - g.start == 9'000);
  CHECK(p.strings[g.api] == "cublasGemmEx");
  CHECK(g.correlation_id == launch);
  CHECK(p.gemm_of(p.kernel_by_correlation.find(launch)) == 0);
}
