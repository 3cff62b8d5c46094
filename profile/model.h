// The event model: what one CUDA process did, as the collector records it and the analyzer reads
// it. Field meanings and units are documented in docs/schema.md; enum values follow CUPTI's so
// that numbers in the SQLite file mean what NVIDIA's documentation says they mean.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace perfadvise {

/// Index into the profile's string table. 0 is the empty string.
using StringId = uint32_t;
/// Nanoseconds. In a loaded Profile, relative to Provenance::time_origin_ns.
using TimeNs = int64_t;

/// CUpti_ActivityMemcpyKind.
enum class MemcpyKind : uint8_t {
  kUnknown = 0,
  kHtoD = 1,
  kDtoH = 2,
  kHtoA = 3,
  kAtoH = 4,
  kAtoA = 5,
  kAtoD = 6,
  kDtoA = 7,
  kDtoD = 8,
  kHtoH = 9,
  kPtoP = 10,
};

/// CUpti_ActivityMemoryKind.
enum class MemoryKind : uint8_t {
  kUnknown = 0,
  kPageable = 1,
  kPinned = 2,
  kDevice = 3,
  kArray = 4,
  kManaged = 5,
  kDeviceStatic = 6,
  kManagedStatic = 7,
};

/// CUpti_ActivitySynchronizationType.
enum class SyncType : uint8_t {
  kUnknown = 0,
  kEventSynchronize = 1,
  kStreamWaitEvent = 2,  // a GPU-side dependency: does not block the host
  kStreamSynchronize = 3,
  kContextSynchronize = 4,
};

enum class ApiDomain : uint8_t { kRuntime = 1, kDriver = 2 };

enum class NvtxKind : uint8_t { kRange = 1, kMark = 2 };

struct Kernel {
  TimeNs start = 0;
  TimeNs end = 0;
  StringId name = 0;  // demangled
  uint32_t correlation_id = 0;
  uint32_t device = 0;
  uint32_t stream = 0;
  uint32_t grid_x = 1, grid_y = 1, grid_z = 1;
  uint32_t block_x = 1, block_y = 1, block_z = 1;
  uint32_t registers_per_thread = 0;
  uint32_t static_shared_bytes = 0;
  uint32_t dynamic_shared_bytes = 0;
  uint32_t graph_id = 0;  // 0 unless launched as part of a CUDA graph

  uint64_t blocks() const { return uint64_t{grid_x} * grid_y * grid_z; }
  uint64_t threads_per_block() const { return uint64_t{block_x} * block_y * block_z; }
};

struct Memcpy {
  TimeNs start = 0;
  TimeNs end = 0;
  uint64_t bytes = 0;
  uint32_t correlation_id =
      0;  // joins ApiCall::correlation_id (the runtime call when there is one)
  uint32_t device = 0;
  uint32_t stream = 0;
  uint32_t graph_id = 0;
  MemcpyKind kind = MemcpyKind::kUnknown;
  MemoryKind src_kind = MemoryKind::kUnknown;
  MemoryKind dst_kind = MemoryKind::kUnknown;
  bool async = false;
};

struct Memset {
  TimeNs start = 0;
  TimeNs end = 0;
  uint64_t bytes = 0;
  uint32_t correlation_id = 0;
  uint32_t device = 0;
  uint32_t stream = 0;
  uint32_t value = 0;
  MemoryKind memory_kind = MemoryKind::kUnknown;
  bool async = false;
};

/// A host thread waiting for the GPU (or, for kStreamWaitEvent, a stream waiting for an event).
struct Sync {
  TimeNs start = 0;
  TimeNs end = 0;
  uint32_t correlation_id = 0;  // the API call that synchronized
  uint32_t device = 0;
  uint32_t stream = 0;  // 0 when not applicable (context and event syncs)
  uint32_t event_id = 0;
  SyncType type = SyncType::kUnknown;
};

/// A CUDA runtime or driver API call on a host thread.
struct ApiCall {
  TimeNs start = 0;
  TimeNs end = 0;
  uint32_t correlation_id = 0;
  uint32_t thread_id = 0;  // OS thread id (gettid)
  uint32_t cbid = 0;       // CUPTI callback id within the domain
  StringId name = 0;       // e.g. "cudaLaunchKernel"
  int32_t return_value = 0;
  ApiDomain domain = ApiDomain::kRuntime;
};

/// An NVTX range (push/pop or start/end) or mark (start == end).
struct NvtxEvent {
  TimeNs start = 0;
  TimeNs end = 0;
  StringId name = 0;
  StringId domain = 0;  // 0 = default domain
  uint32_t thread_id = 0;
  NvtxKind kind = NvtxKind::kRange;
};

/// `perfadvise run --measure-overhead` marks the windows in which the collector had switched
/// recording off with NVTX ranges of this name in this domain; the analyzer compares the steps
/// inside them with the recorded ones.
inline constexpr std::string_view kPerfadviseNvtxDomain = "perfadvise";
inline constexpr std::string_view kRecordingPausedRange = "recording paused";
/// The collector records per-launch detail (launch API records, GEMM shapes, kernel lines) in
/// sampled windows by default and marks the windows without it with ranges of this name; the
/// analyzer reads the steps outside them.
inline constexpr std::string_view kLaunchDetailOffRange = "launch detail off";
/// Meta `collector.launch_detail` is "all", or this prefix and the schedule.
inline constexpr std::string_view kLaunchDetailSampledPrefix = "sampled: ";

/// A source location in a Python (or native) stack.
struct Frame {
  StringId file = 0;
  StringId function = 0;
  uint32_t line = 0;
};

/// Stacks are stored as a prefix tree: a stack id is the node of its innermost frame, and
/// following `parent` walks outwards to the program's entry point. Ids are 1-based; 0 = none.
struct StackNode {
  uint32_t parent = 0;
  uint32_t frame = 0;  // 1-based index into Profile::frames
};

/// Where the host was when it made a call that can block on the GPU.
struct CallSite {
  uint32_t correlation_id = 0;  // joins ApiCall::correlation_id
  uint32_t thread_id = 0;
  TimeNs time = 0;
  uint32_t stack = 0;       // innermost StackNode id; 0 when the thread had no Python frames
  uint32_t user_frame = 0;  // 1-based index into Profile::frames: innermost frame of user code
  StringId op = 0;          // native operator name, when known (e.g. "aten::nonzero")
};

/// Arguments of one cuBLAS / cuBLASLt call, linked to the kernels it launched.
struct GemmCall {
  static constexpr uint16_t kComputeImplied = 0xFFFF;  // legacy typed calls (cublasSgemm, ...)

  uint32_t correlation_id = 0;  // of the first kernel launch inside the call (0: not linked)
  int64_t m = 0, n = 0, k = 0;
  int64_t batch = 1;
  int64_t lda = 0, ldb = 0, ldc = 0;
  StringId api = 0;  // e.g. "cublasGemmEx"
  uint8_t trans_a = 0, trans_b = 0;
  uint16_t a_type = 0, b_type = 0, c_type = 0;  // cudaDataType
  uint16_t compute_type = 0;                    // cublasComputeType_t
  // The call on its host thread (CUPTI clock), as the interposer timed it; 0 when not recorded.
  // Kernels whose launch call on that thread lies inside it are this GEMM's (Profile indexes).
  uint32_t thread_id = 0;
  TimeNs start = 0;
  TimeNs end = 0;
};

/// Time CUPTI or the collector spent on itself (buffer flushes, instrumentation).
struct Overhead {
  TimeNs start = 0;
  TimeNs end = 0;
  uint32_t kind = 0;  // CUpti_ActivityOverheadKind
  uint32_t thread_id = 0;
};

struct Device {
  uint32_t id = 0;
  std::string name;
  uint32_t sm_count = 0;
  uint64_t memory_bytes = 0;
  uint32_t compute_major = 0, compute_minor = 0;
  double peak_bandwidth_bytes_per_s = 0;  // from the device, or the catalogue
  double peak_bf16_flops = 0;             // dense tensor-core peak, from the catalogue
  double peak_fp32_flops = 0;             // without tensor cores
};

/// What produced the file. Every profile carries it; `perfadvise info` prints it.
struct Provenance {
  int schema_version = 0;
  std::string tool_version;
  std::string cupti_version;
  std::string driver_version;
  std::string hostname;
  std::string command;
  uint32_t pid = 0;
  int rank = -1;                             // RANK / LOCAL_RANK, -1 when not distributed
  int64_t time_origin_ns = 0;                // absolute CUPTI clock (ns since the epoch) of time 0
  bool complete = false;                     // false: the collector never closed the file (killed)
  std::map<std::string, std::string> extra;  // anything else recorded in the meta table
};

/// How well the collection went: anything lost is counted, never silently dropped.
struct CollectorStats {
  uint64_t dropped_records = 0;         // CUPTI ran out of buffer space
  uint64_t zero_timestamp_records = 0;  // activity records with start == 0, not stored
  uint64_t buffers_completed = 0;
  uint64_t records_written = 0;
};

}  // namespace perfadvise
