// What GEMM capture costs per cuBLAS call, on the CPU (no GPU needed): prints ns per call for
//   1. the collector's side: two cuptiGetTimestamp readings and one record queued to a live
//      writer thread that stores it in a profile (the hooks libperfadvise_gemm.so calls);
//   2. the interposer's side: cublasGemmEx / cublasLtMatmul against a fake cuBLAS, plain and
//      with libperfadvise_gemm.so preloaded (the bench re-runs itself with LD_PRELOAD) and a
//      trivial collector behind it.
// The sum of (1) and the difference in (2) is the added host time per GEMM call; times the
// GEMM calls per step it bounds the capture's overhead (docs/collector-gpu-results.md).
//   bench/overhead/gemm_capture_bench [CALLS]
#include <cublasLt.h>
#include <cublas_v2.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "collector/buffer_pool.h"
#include "collector/gemm_capture.h"
#include "collector/gemm_hook.h"
#include "collector/recording_state.h"
#include "collector/writer_thread.h"

extern "C" const PerfadviseGemmHooks* perfadvise_gemm_hooks(uint32_t version);

namespace {

using Clock = std::chrono::steady_clock;

double ns_per(Clock::time_point start, long calls) {
  return std::chrono::duration<double, std::nano>(Clock::now() - start).count() / double(calls);
}

void collector_side(long calls) {
  using namespace perfadvise::collector;
  char dir[] = "/tmp/gemm_capture_bench.XXXXXX";
  if (mkdtemp(dir) == nullptr) return;
  BufferPool pool(1 << 16, 1, 2);
  WriterConfig config;
  config.path = std::string(dir) + "/profile.sqlite";
  WriterThread writer(config, pool);
  if (!writer.start()) return;
  set_gemm_sink(&writer);
  recording_flag().store(true);
  const PerfadviseGemmHooks* hooks = perfadvise_gemm_hooks(PERFADVISE_GEMM_HOOKS_VERSION);
  PerfadviseGemmRecord r{};
  r.api = "cublasGemmEx", r.m = 49, r.n = 64, r.k = 1024, r.batch = 1, r.a_type = 14;
  const auto start = Clock::now();
  for (long i = 0; i < calls; ++i) {
    r.start_ns = hooks->now_ns();
    r.end_ns = hooks->now_ns();
    hooks->record(&r);
  }
  const double per_call = ns_per(start, calls);
  set_gemm_sink(nullptr);
  writer.stop(std::chrono::seconds(60));
  std::printf(
      "collector: 2 x now_ns + record           %8.1f ns/call (%ld calls, stored %llu rows)\n",
      per_call, calls, static_cast<unsigned long long>(writer.records_written()));
  std::remove(config.path.c_str());
  rmdir(dir);
}

void calls(long n, const char* label) {
  auto start = Clock::now();
  for (long i = 0; i < n; ++i) {
    cublasGemmEx(nullptr, CUBLAS_OP_T, CUBLAS_OP_N, 49, 64, 1024, nullptr, nullptr, CUDA_R_16BF,
                 1024, nullptr, CUDA_R_16BF, 1024, nullptr, nullptr, CUDA_R_16BF, 49,
                 CUBLAS_COMPUTE_32F, CUBLAS_GEMM_DEFAULT);
  }
  const double gemm_ex = ns_per(start, n);
  cublasLtMatrixLayoutOpaque_t a{}, d{};
  a.data[0] = CUDA_R_16BF, a.data[1] = 1024, a.data[2] = 49, a.data[3] = 1024, a.data[4] = 1;
  d.data[0] = CUDA_R_16BF, d.data[1] = 49, d.data[2] = 64, d.data[3] = 49, d.data[4] = 1;
  cublasLtMatmulDescOpaque_t desc{};
  desc.data[1] = CUBLAS_OP_T;
  start = Clock::now();
  for (long i = 0; i < n; ++i) {
    cublasLtMatmul(nullptr, &desc, nullptr, nullptr, &a, nullptr, &a, nullptr, nullptr, &d, nullptr,
                   &d, nullptr, nullptr, 0, nullptr);
  }
  std::printf("%-40s %8.1f ns/cublasGemmEx %8.1f ns/cublasLtMatmul\n", label, gemm_ex,
              ns_per(start, n));
}

}  // namespace

int main(int argc, char** argv) {
  const long n = argc > 1 ? std::atol(argv[1]) : 1'000'000;
  if (std::getenv("GEMM_BENCH_CHILD") != nullptr) {
    calls(n, std::getenv("LD_PRELOAD") != nullptr ? "fake cuBLAS + libperfadvise_gemm.so:"
                                                  : "fake cuBLAS alone:");
    return 0;
  }
  collector_side(n);
  std::fflush(stdout);  // before the children write theirs
  const std::string self = std::string("GEMM_BENCH_CHILD=1 ") + argv[0] + " " + std::to_string(n);
  int failed = std::system(self.c_str());
  failed |= std::system(("LD_PRELOAD=" PERFADVISE_GEMM_LIB
                         " CUDA_INJECTION64_PATH=" PERFADVISE_FAKE_COLLECTOR " " +
                         self)
                            .c_str());
  return failed != 0;
}
