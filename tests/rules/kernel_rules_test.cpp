#include <catch2/catch.hpp>

#include "rules/rule_util.h"
#include "tests/rules/rule_test_util.h"

using namespace perfadvise;
using namespace perfadvise::testing;

namespace {

// A GPU-bound step: `main` kernels of `main_us` each, then 20 ordinary elementwise kernels.
Profile gpu_bound(const std::string& main, int count, TimeNs main_us, KernelShape shape = {}) {
  return loop(10, [&](ProfileBuilder&, WorkloadSim& sim) {
    sim.kernel(kGemmBf16, 300'000);
    for (int i = 0; i < count; ++i) {
      const TimeNs start = sim.gpu_free();
      (void)start;
      sim.kernel(main, main_us * 1000, shape);
    }
    for (int i = 0; i < 20; ++i)
      sim.kernel(kAddKernel, 10'000);
  });
}

}  // namespace

TEST_CASE("FP32-GEMM: sgemm kernels dominate") {
  const auto found = findings_of(gpu_bound(kSgemm, 20, 200), "FP32-GEMM");
  REQUIRE(found.size() == 1);
  CHECK(found[0].fix.find("set_float32_matmul_precision") != std::string::npos);
  CHECK(found[0].estimated_saving_ms_per_step < found[0].cost_ms_per_step);
  CHECK(findings_of(gpu_bound(kGemmBf16, 20, 200), "FP32-GEMM").empty());
}

TEST_CASE("UNFUSED-ELEMENTWISE: eager pointwise chains dominate, Triton kernels do not count") {
  const auto found = findings_of(gpu_bound(kMulKernel, 100, 40), "UNFUSED-ELEMENTWISE");
  REQUIRE(found.size() == 1);
  CHECK(found[0].fix.find("torch.compile") != std::string::npos);
  CHECK(found[0].locations.at(0).op.find("MulFunctor") != std::string::npos);
  CHECK(
      findings_of(gpu_bound("triton_poi_fused_add_mul_0", 100, 40), "UNFUSED-ELEMENTWISE").empty());
}

TEST_CASE("UNFUSED-ATTENTION: bmm -> scale -> softmax -> bmm, not flash") {
  auto attention = [](bool fused) {
    return loop(10, [fused](ProfileBuilder&, WorkloadSim& sim) {
      for (int layer = 0; layer < 12; ++layer) {
        sim.kernel(kGemmBf16, 100'000);  // qkv projection
        if (fused) {
          sim.kernel(kFlashKernel, 150'000);
        } else {
          sim.kernel(kGemmBf16, 80'000);   // q @ k^T
          sim.kernel(kMulKernel, 40'000);  // scale
          sim.kernel(kSoftmaxKernel, 60'000);
          sim.kernel(kGemmBf16, 80'000);  // attn @ v
        }
        sim.kernel(kGemmBf16, 100'000);  // output projection
      }
      sim.kernel(kArgmaxKernel, 20'000);  // once per step: the loss
    });
  };
  const auto found = findings_of(attention(false), "UNFUSED-ATTENTION");
  REQUIRE(found.size() == 1);
  CHECK(found[0].evidence_counts.at("events_per_step") == Approx(12));
  CHECK(found[0].fix.find("scaled_dot_product_attention") != std::string::npos);
  CHECK(findings_of(attention(true), "UNFUSED-ATTENTION").empty());
}

TEST_CASE("UNFUSED-ATTENTION: ops split by 32-bit indexing still form one block") {
  // SAM's global attention at batch 32: each add and the softmax run as several launches.
  const auto split_attention = loop(10, [](ProfileBuilder&, WorkloadSim& sim) {
    for (int block = 0; block < 4; ++block) {
      sim.kernel(kGemmBf16, 400'000);  // q @ k^T
      for (int part = 0; part < 4; ++part)
        sim.kernel(kAddKernel, 50'000);  // + rel_h, in four launches
      for (int part = 0; part < 4; ++part)
        sim.kernel(kMulKernel, 50'000);  // another elementwise op, four launches
      for (int part = 0; part < 3; ++part)
        sim.kernel(kSoftmaxKernel, 100'000);
      sim.kernel(kGemmBf16, 400'000);  // attn @ v
      sim.kernel(kGemmBf16, 100'000);  // output projection
    }
    sim.kernel(kArgmaxKernel, 20'000);  // once per step: the loss
  });
  const auto found = findings_of(split_attention, "UNFUSED-ATTENTION");
  REQUIRE(found.size() == 1);
  CHECK(found[0].evidence_counts.at("events_per_step") == Approx(4));
  // More distinct ops than kMaxBetween between the GEMM and the softmax: not attention.
  const auto long_chain = loop(10, [](ProfileBuilder&, WorkloadSim& sim) {
    sim.kernel(kGemmBf16, 400'000);
    for (int op = 0; op < 7; ++op)
      sim.kernel(op % 2 == 0 ? kAddKernel : kMulKernel, 50'000);
    sim.kernel(kSoftmaxKernel, 100'000);
    sim.kernel(kGemmBf16, 400'000);
    sim.kernel(kArgmaxKernel, 20'000);
  });
  CHECK(findings_of(long_chain, "UNFUSED-ATTENTION").empty());
}

TEST_CASE("LAYOUT-COPIES: roll and contiguous copies take a large share") {
  const char* roll = "void at::native::roll_cuda_kernel<float>(float const*, float*, long)";
  const auto found = findings_of(gpu_bound(roll, 10, 60), "LAYOUT-COPIES");
  REQUIRE(found.size() == 1);
  CHECK(found[0].fix.find("roll") != std::string::npos);
  CHECK(findings_of(gpu_bound(kGemmBf16, 10, 60), "LAYOUT-COPIES").empty());
}

TEST_CASE("SMALL-GRID: kernels with fewer blocks than SMs dominate") {
  const char* kernel = "my_small_kernel(float*)";
  const auto found = findings_of(gpu_bound(kernel, 10, 100, {.grid_x = 16}), "SMALL-GRID");
  REQUIRE(found.size() == 1);
  CHECK(found[0].title.find("132 SMs") != std::string::npos);
  CHECK(findings_of(gpu_bound(kernel, 10, 100, {.grid_x = 264}), "SMALL-GRID").empty());
}

TEST_CASE("UNFUSED-OPTIMIZER: per-parameter kernels at the end of each step") {
  const auto found =
      findings_of(masked_loss_training({.steps = 10, .fixed = true, .fused_optimizer = false}),
                  "UNFUSED-OPTIMIZER");
  REQUIRE(found.size() == 1);
  CHECK(found[0].fix.find("fused=True") != std::string::npos);
  CHECK(
      findings_of(masked_loss_training({.steps = 10, .fixed = true}), "UNFUSED-OPTIMIZER").empty());
}

TEST_CASE("short kernel names drop the return type and keep the innermost functor") {
  CHECK(short_kernel_name("std::enable_if<!(false), void>::type internal::gemvx::kernel<int, "
                          "int, __nv_bfloat16, float, false, 6>(cublasGemvParamsEx<int>)") ==
        "internal::gemvx::kernel");
  CHECK(short_kernel_name("void at::native::vectorized_elementwise_kernel<4, "
                          "at::native::BinaryFunctor<float, float, float, "
                          "at::native::binary_internal::MulFunctor<float>>, "
                          "std::array<char*, 3>>(int, at::native::BinaryFunctor<float>)") ==
        "at::native::vectorized_elementwise_kernel<MulFunctor>");
  CHECK(short_kernel_name("nvjet_sm90_tst_64x8_64x16_4x1_v_bz_TNT") ==
        "nvjet_sm90_tst_64x8_64x16_4x1_v_bz_TNT");
  CHECK(short_kernel_name("(anonymous namespace)::softmax_warp_forward<float>(float*)") ==
        "(anonymous namespace)::softmax_warp_forward");
}
