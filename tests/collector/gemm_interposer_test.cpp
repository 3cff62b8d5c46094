// The GEMM interposer's record path without a GPU: this program links a fake cuBLAS
// (fake_cublas.cpp) the ordinary way (DT_NEEDED) and runs with LD_PRELOAD=libperfadvise_gemm.so
// (set by CTest), as `perfadvise run` does. It checks that the interposer's definitions win,
// that the real (fake) functions still run, what reaches the collector's hooks (a fake collector
// found through CUDA_INJECTION64_PATH), that nested cuBLAS -> cuBLASLt calls are recorded once,
// and that without a collector the interposer only forwards.
#include <catch2/catch.hpp>

#include <cublasLt.h>
#include <cublas_v2.h>
#include <dlfcn.h>
#include <stdlib.h>

#include <string>

#include "collector/gemm_hook.h"

extern "C" int fake_cublas_calls;

namespace {

using RecordsFn = const PerfadviseGemmRecord* (*)(int*);

int gemm_ex(int m, int n, int k) {
  return cublasGemmEx(nullptr, CUBLAS_OP_T, CUBLAS_OP_N, m, n, k, nullptr, nullptr, CUDA_R_16BF, k,
                      nullptr, CUDA_R_16BF, k, nullptr, nullptr, CUDA_R_16BF, m, CUBLAS_COMPUTE_32F,
                      CUBLAS_GEMM_DEFAULT);
}

}  // namespace

TEST_CASE(
    "interposer: forwards, records outermost calls with their arguments, inert without "
    "a collector") {
  const char* preload = std::getenv("LD_PRELOAD");
  REQUIRE(preload != nullptr);
  REQUIRE(std::string(preload).find("libperfadvise_gemm.so") != std::string::npos);

  // Without CUDA_INJECTION64_PATH: forwarded, nothing recorded anywhere.
  unsetenv("CUDA_INJECTION64_PATH");
  CHECK(gemm_ex(49, 64, 1024) == CUBLAS_STATUS_SUCCESS);
  CHECK(fake_cublas_calls == 2);  // cublasGemmEx and its inner cublasLtMatmul
}

TEST_CASE("interposer: records reach the collector's hooks") {
  // The fake collector, loaded as CUDA would load the real one. The interposer gave up looking
  // after the previous test case (no variable): that is a process-wide decision, so this case
  // runs in its own process (CTest runs each case separately, see CMakeLists.txt).
  const char* path = std::getenv("FAKE_COLLECTOR");
  REQUIRE(path != nullptr);
  void* collector = dlopen(path, RTLD_NOW | RTLD_LOCAL);
  REQUIRE(collector != nullptr);
  setenv("CUDA_INJECTION64_PATH", path, 1);
  auto records = reinterpret_cast<RecordsFn>(dlsym(collector, "fake_collector_records"));
  REQUIRE(records != nullptr);

  const int before = fake_cublas_calls;
  CHECK(gemm_ex(49, 64, 1024) == CUBLAS_STATUS_SUCCESS);
  CHECK(fake_cublas_calls == before + 2);
  CHECK(cublasSgemmStridedBatched(nullptr, CUBLAS_OP_N, CUBLAS_OP_N, 32, 48, 64, nullptr, nullptr,
                                  32, 0, nullptr, 64, 0, nullptr, nullptr, 32, 0,
                                  8) == CUBLAS_STATUS_SUCCESS);
  // cuBLASLt: shapes from the layouts. D is 56 x 64, A (transposed) is 1024 x 56.
  cublasLtMatrixLayoutOpaque_t a{}, b{}, d{};
  a.data[0] = CUDA_R_16F, a.data[1] = 1024, a.data[2] = 56, a.data[3] = 1024, a.data[4] = 1;
  b.data[0] = CUDA_R_16F, b.data[1] = 1024, b.data[2] = 64, b.data[3] = 1024, b.data[4] = 1;
  d.data[0] = CUDA_R_16F, d.data[1] = 56, d.data[2] = 64, d.data[3] = 56, d.data[4] = 3;
  cublasLtMatmulDescOpaque_t desc{};
  desc.data[0] = CUBLAS_COMPUTE_32F, desc.data[1] = CUBLAS_OP_T, desc.data[2] = CUBLAS_OP_N;
  CHECK(cublasLtMatmul(nullptr, &desc, nullptr, nullptr, &a, nullptr, &b, nullptr, nullptr, &d,
                       nullptr, &d, nullptr, nullptr, 0, nullptr) == CUBLAS_STATUS_SUCCESS);

  int count = 0;
  const PerfadviseGemmRecord* r = records(&count);
  REQUIRE(count == 3);  // the inner cublasLtMatmul of cublasGemmEx is not a separate GEMM
  CHECK(std::string(r[0].api) == "cublasGemmEx");
  CHECK((r[0].m == 49 && r[0].n == 64 && r[0].k == 1024 && r[0].batch == 1));
  CHECK((r[0].trans_a == CUBLAS_OP_T && r[0].trans_b == CUBLAS_OP_N));
  CHECK((r[0].a_type == CUDA_R_16BF && r[0].compute_type == CUBLAS_COMPUTE_32F));
  CHECK((r[0].lda == 1024 && r[0].ldc == 49));
  CHECK(r[0].start_ns < r[0].end_ns);
  CHECK(r[0].thread_id != 0);
  CHECK(std::string(r[1].api) == "cublasSgemmStridedBatched");
  CHECK((r[1].m == 32 && r[1].n == 48 && r[1].k == 64 && r[1].batch == 8));
  CHECK((r[1].a_type == CUDA_R_32F && r[1].compute_type == -1));
  CHECK(std::string(r[2].api) == "cublasLtMatmul");
  CHECK((r[2].m == 56 && r[2].n == 64 && r[2].k == 1024 && r[2].batch == 3));
  CHECK((r[2].a_type == CUDA_R_16F && r[2].trans_a == CUBLAS_OP_T));
  CHECK((r[2].lda == 1024 && r[2].ldb == 1024 && r[2].ldc == 56));
}
