// GPU tests of operator context (label gpu; skipped with exit code 77 where there is no GPU):
// GEMM arguments recorded by libperfadvise_gemm.so and linked to their kernels, PyTorch op
// ranges (--torch-ops) around every kernel, and sampled kernel lines (--kernel-lines).
// Same environment overrides as gpu_collector_test (tests/gpu/gpu_test_support.h).
#include <catch2/catch.hpp>

#include <filesystem>
#include <set>
#include <string>

#include "profile/launch_context.h"
#include "profile/reader.h"
#include "tests/gpu/gpu_test_support.h"

using namespace perfadvise;
using namespace perfadvise::testing;
namespace fs = std::filesystem;

namespace {

Profile record(const std::string& name, const std::string& flags) {
  const std::string dir = run_dir(name);
  const std::string cli = env_or("PERFADVISE_CLI", PERFADVISE_CLI);
  const std::string src = env_or("PERFADVISE_GPU_SRC", PERFADVISE_GPU_SRC_DIR);
  REQUIRE(shell("timeout 300 " + cli + " run -o " + dir + " " + flags + " -- python3 " + src +
                "/gemm_shapes.py --steps 5") == 0);
  return only_profile(dir);
}

/// The recorded GEMMs with these dimensions (in either order of m and n: cuBLAS is column-major,
/// so torch may swap the operands).
std::vector<uint32_t> gemms_shaped(const Profile& p, int64_t a, int64_t b, int64_t k) {
  std::vector<uint32_t> found;
  for (uint32_t i = 0; i < p.gemms.size(); ++i) {
    const GemmCall& g = p.gemms[i];
    if (g.k == k && ((g.m == a && g.n == b) || (g.m == b && g.n == a))) found.push_back(i);
  }
  return found;
}

/// Kernels linked to GEMM row `g`.
std::vector<uint32_t> kernels_of(const Profile& p, uint32_t g) {
  std::vector<uint32_t> kernels;
  for (uint32_t k = 0; k < p.kernels.size(); ++k) {
    if (p.gemm_of(k) == g) kernels.push_back(k);
  }
  return kernels;
}

}  // namespace

[[maybe_unused]] const bool kHaveGpu = testing::require_gpu_or_skip();

TEST_CASE("nn.Linear(1024, 49): m/n/k recorded and linked to its kernel; op ranges; lines") {
  const Profile p = record("gemm_shapes", "--torch-op-shapes --kernel-lines 1");
  CHECK(p.provenance.complete);
  // Linear(1024, 49) on 64 rows, with and without a bias: 5 steps each.
  const auto linear = gemms_shaped(p, 49, 64, 1024);
  CHECK(linear.size() == 10);
  std::set<std::string> apis;
  for (uint32_t g : linear) {
    const GemmCall& call = p.gemms[g];
    INFO("GEMM " << p.strings[call.api] << " m=" << call.m << " n=" << call.n);
    apis.insert(p.strings[call.api]);
    CHECK(call.a_type == 14);  // CUDA_R_16BF
    CHECK(call.batch == 1);
    CHECK(call.correlation_id != 0);
    const auto kernels = kernels_of(p, g);
    REQUIRE(!kernels.empty());
    // The kernel's launch call joins the GEMM's correlation id, and the op range around it
    // is torch's addmm / mm.
    CHECK(p.kernels[kernels.front()].correlation_id == call.correlation_id);
    const uint32_t op = p.op_of(kernels.front());
    REQUIRE(op != CorrelationIndex::kNone);
    const std::string name(torch_op_name(p.strings[p.nvtx[op].name]));
    CHECK((name == "aten::addmm" || name == "aten::mm" || name == "aten::linear" ||
           name == "aten::matmul"));
    CHECK(!torch_op_sizes(p.strings[p.nvtx[op].name]).empty());
  }
  INFO("APIs: " << apis.size());
  CHECK(!apis.empty());
  // Batched bf16 matmul: 8 x (64 x 32) @ (32 x 48).
  const auto batched = gemms_shaped(p, 48, 64, 32);
  REQUIRE(batched.size() == 5);
  CHECK(p.gemms[batched.front()].batch == 8);
  // fp32 matmul 256x512 @ 512x128.
  const auto fp32 = gemms_shaped(p, 128, 256, 512);
  REQUIRE(fp32.size() == 5);
  CHECK(p.gemms[fp32.front()].a_type == 0);  // CUDA_R_32F
  // --kernel-lines 1: every kernel launch has a call site with the script's line.
  size_t with_line = 0;
  for (const Kernel& k : p.kernels) {
    const uint32_t site = p.call_site_by_correlation.find(k.correlation_id);
    if (site == CorrelationIndex::kNone || p.call_sites[site].user_frame == 0) continue;
    const Frame& f = p.frames[p.call_sites[site].user_frame - 1];
    with_line += fs::path(p.strings[f.file]).filename() == "gemm_shapes.py";
  }
  CHECK(with_line >= 20);
}

TEST_CASE("--no-gemm-shapes records no GEMM rows; the default records them without op ranges") {
  const Profile off = record("gemm_off", "--no-gemm-shapes");
  CHECK(off.gemms.empty());
  const Profile on = record("gemm_default", "");
  CHECK(gemms_shaped(on, 49, 64, 1024).size() == 10);
  CHECK(on.kernel_op.empty());
}
