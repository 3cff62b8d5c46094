// What application threads and CUPTI hand to the writer thread. Producers only fill these and
// enqueue; all decoding, symbol lookup and SQLite work happens on the writer thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <variant>
#include <vector>

namespace perfadvise::collector {

/// A buffer CUPTI has finished with; goes back to the pool after decoding.
struct CompletedBuffer {
  uint8_t* data = nullptr;
  size_t valid_bytes = 0;
  uint64_t dropped_records = 0;  // CUPTI's count for this buffer's context/stream
};

struct CapturedFrame {
  std::string file;
  std::string function;
  uint32_t line = 0;
};

/// Where a thread was when it entered a call that can block on the GPU.
struct SyncCapture {
  uint32_t correlation_id = 0;
  uint32_t thread_id = 0;
  int64_t time_ns = 0;                // CUPTI clock
  std::vector<CapturedFrame> frames;  // Python frames, innermost first; empty without Python
  int user_frame = -1;                // index into frames, -1 when none
  std::vector<void*> native_pcs;      // return addresses, innermost first (no Python frames)
};

/// A driver call nested in a runtime call: its rows belong to the runtime call.
struct CorrelationAlias {
  uint32_t from = 0;
  uint32_t to = 0;
};

/// One cuBLAS / cuBLASLt call recorded by libperfadvise_gemm.so (collector/gemm_hook.h).
/// Fixed size, no allocation: it is made on the application thread inside every GEMM call.
struct GemmCapture {
  char api[40] = {};
  int64_t m = 0, n = 0, k = 0, batch = 1;
  int64_t lda = 0, ldb = 0, ldc = 0;
  int32_t trans_a = 0, trans_b = 0;
  int32_t a_type = 0, b_type = 0, c_type = 0, compute_type = -1;
  int64_t start_ns = 0, end_ns = 0;  // CUPTI clock
  uint32_t thread_id = 0;
};

/// A window in which a capture was off (CUPTI clock): all recording under `--measure-overhead`,
/// or the sampled launch detail (collector/capture_windows.h).
struct OffWindow {
  enum Kind { kRecording, kLaunchDetail };
  int64_t start_ns = 0;
  int64_t end_ns = 0;
  Kind kind = kRecording;
};

using WorkItem =
    std::variant<CompletedBuffer, SyncCapture, CorrelationAlias, GemmCapture, OffWindow>;

}  // namespace perfadvise::collector
