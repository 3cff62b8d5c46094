// The C interface between libperfadvise_gemm.so (the cuBLAS interposer, LD_PRELOADed by
// `perfadvise run`) and libperfadvise_collector.so (loaded by CUDA through
// CUDA_INJECTION64_PATH). The interposer finds the collector with dlopen(RTLD_NOLOAD) and asks
// it for these hooks; without a live collector it forwards every call untouched.
//
// Plain C types only: the two libraries are built separately and must agree on nothing but
// this layout. A new field goes at the end with a new version number.
#pragma once

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define PERFADVISE_GEMM_HOOKS_VERSION 1u

// A C header (the interposer and the collector share it): typedef, not using.
// NOLINTBEGIN(modernize-use-using)

/// One cuBLAS / cuBLASLt call, as the interposer saw its arguments. Dimensions follow cuBLAS's
/// column-major convention: C (m x n) = op(A) (m x k) * op(B) (k x n).
typedef struct PerfadviseGemmRecord {
  const char* api;  // e.g. "cublasGemmEx"; a string literal of the interposer (never freed)
  int64_t m, n, k, batch;
  int64_t lda, ldb, ldc;
  int32_t trans_a, trans_b;        // cublasOperation_t: 0 N, 1 T, 2 C
  int32_t a_type, b_type, c_type;  // cudaDataType
  int32_t compute_type;            // cublasComputeType_t (-1 when implied)
  int64_t start_ns, end_ns;        // CUPTI clock, around the forwarded call
  uint32_t thread_id;              // gettid()
} PerfadviseGemmRecord;

typedef struct PerfadviseGemmHooks {
  uint32_t version;
  /// CUPTI's clock, the one the collector's API records use: the analyzer links a GEMM to the
  /// kernels whose launch call on the same thread lies inside [start_ns, end_ns].
  int64_t (*now_ns)(void);
  /// Copies the record into the collector's queue. Never blocks on I/O, never throws.
  void (*record)(const PerfadviseGemmRecord* record);
} PerfadviseGemmHooks;

/// Exported by the collector. NULL when the collector is off (PERFADVISE_DISABLE, blocked by
/// another CUPTI client, a forked child) or `version` is newer than it knows.
typedef const PerfadviseGemmHooks* (*PerfadviseGemmHooksFn)(uint32_t version);
// NOLINTEND(modernize-use-using)

#ifdef __cplusplus
}
#endif
