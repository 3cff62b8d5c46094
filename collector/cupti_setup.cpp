#include "collector/cupti_setup.h"

#include <dlfcn.h>
#include <unistd.h>

#include <array>
#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <vector>

#include "collector/cupti_check.h"
#include "collector/launch_cbids.h"
#include "collector/process_info.h"
#include "collector/recording_state.h"
#include "collector/window_schedule.h"

namespace perfadvise::collector {
namespace {

// API records nobody reads, several per kernel launch on PyTorch (gpu-facts.md measured
// cudaGetDevice at 86% of all runtime records; on the H100 run of tests/gpu/decode_loop.py every
// cudaLaunchKernel also produced a cuKernelGetName record). Not producing them is the cheapest
// overhead. Numbers are CUDA 13 cbids from gpu-facts.md's list; names where added later.
constexpr std::array<CUpti_CallbackId, 32> kNoisyRuntimeCbids{
    3,
    4,
    10,
    11,
    12,
    16,
    17,
    200,
    317,
    318,
    324,
    325,
    409,
    410,
    440,
    461,
    462,
    502,
    503,
    504,
    CUPTI_RUNTIME_TRACE_CBID_cudaOccupancyMaxActiveBlocksPerMultiprocessorWithFlags_v7000,
    CUPTI_RUNTIME_TRACE_CBID_cudaOccupancyMaxActiveClusters_v11070,
    CUPTI_RUNTIME_TRACE_CBID_cudaFuncGetAttributes_v3020,
    CUPTI_RUNTIME_TRACE_CBID_cudaFuncSetAttribute_v9000,
    CUPTI_RUNTIME_TRACE_CBID_cudaRuntimeGetVersion_v3020,
    CUPTI_RUNTIME_TRACE_CBID_cudaDriverGetVersion_v3020,
    CUPTI_RUNTIME_TRACE_CBID_cudaPointerGetAttributes_v4000,
    CUPTI_RUNTIME_TRACE_CBID_cudaDeviceGetStreamPriorityRange_v5050,
    CUPTI_RUNTIME_TRACE_CBID_cudaFuncGetName_v12030,
    CUPTI_RUNTIME_TRACE_CBID_cudaGetFuncBySymbol_v11000,
    CUPTI_RUNTIME_TRACE_CBID_cudaGetDriverEntryPoint_v11030,
    CUPTI_RUNTIME_TRACE_CBID_cudaGetDriverEntryPointByVersion_v12050,
};
constexpr std::array<CUpti_CallbackId, 40> kNoisyDriverCbids{
    CUPTI_DRIVER_TRACE_CBID_cuCtxGetCurrent,
    CUPTI_DRIVER_TRACE_CBID_cuCtxSetCurrent,
    CUPTI_DRIVER_TRACE_CBID_cuCtxGetDevice,
    CUPTI_DRIVER_TRACE_CBID_cuCtxGetDevice_v2,
    CUPTI_DRIVER_TRACE_CBID_cuDeviceGetAttribute,
    CUPTI_DRIVER_TRACE_CBID_cuFuncGetAttribute,
    CUPTI_DRIVER_TRACE_CBID_cuKernelGetAttribute,
    CUPTI_DRIVER_TRACE_CBID_cuDevicePrimaryCtxGetState,
    CUPTI_DRIVER_TRACE_CBID_cuPointerGetAttribute,
    CUPTI_DRIVER_TRACE_CBID_cuPointerGetAttributes,
    CUPTI_DRIVER_TRACE_CBID_cuGetProcAddress,
    CUPTI_DRIVER_TRACE_CBID_cuGetProcAddress_v2,
    CUPTI_DRIVER_TRACE_CBID_cuGetErrorString,
    CUPTI_DRIVER_TRACE_CBID_cuStreamIsCapturing,
    CUPTI_DRIVER_TRACE_CBID_cuStreamIsCapturing_ptsz,
    CUPTI_DRIVER_TRACE_CBID_cuStreamGetCaptureInfo,
    CUPTI_DRIVER_TRACE_CBID_cuStreamGetCaptureInfo_ptsz,
    CUPTI_DRIVER_TRACE_CBID_cuStreamGetCaptureInfo_v2,
    CUPTI_DRIVER_TRACE_CBID_cuStreamGetCaptureInfo_v2_ptsz,
    CUPTI_DRIVER_TRACE_CBID_cuStreamGetCaptureInfo_v3,
    CUPTI_DRIVER_TRACE_CBID_cuKernelGetName,
    CUPTI_DRIVER_TRACE_CBID_cuKernelGetFunction,
    CUPTI_DRIVER_TRACE_CBID_cuKernelSetAttribute,
    CUPTI_DRIVER_TRACE_CBID_cuLibraryGetKernel,
    CUPTI_DRIVER_TRACE_CBID_cuLibraryGetModule,
    CUPTI_DRIVER_TRACE_CBID_cuModuleGetFunction,
    CUPTI_DRIVER_TRACE_CBID_cuFuncGetName,
    CUPTI_DRIVER_TRACE_CBID_cuFuncSetAttribute,
    CUPTI_DRIVER_TRACE_CBID_cuDriverGetVersion,
    CUPTI_DRIVER_TRACE_CBID_cuCtxGetLimit,
    CUPTI_DRIVER_TRACE_CBID_cuCtxGetFlags,
    CUPTI_DRIVER_TRACE_CBID_cuCtxGetId,
    CUPTI_DRIVER_TRACE_CBID_cuCtxGetStreamPriorityRange,
    CUPTI_DRIVER_TRACE_CBID_cuCtxPushCurrent_v2,
    CUPTI_DRIVER_TRACE_CBID_cuCtxPopCurrent_v2,
    CUPTI_DRIVER_TRACE_CBID_cuDeviceGet,
    CUPTI_DRIVER_TRACE_CBID_cuDeviceGetCount,
    CUPTI_DRIVER_TRACE_CBID_cuOccupancyMaxActiveClusters,
    CUPTI_DRIVER_TRACE_CBID_cuOccupancyMaxActiveBlocksPerMultiprocessorWithFlags,
    CUPTI_DRIVER_TRACE_CBID_cuStreamGetId,
};

std::string driver_version() {
  // "NVRM version: NVIDIA UNIX x86_64 Kernel Module  580.159.04  ..." -> "580.159.04"
  std::ifstream in("/proc/driver/nvidia/version");
  std::string line;
  if (!std::getline(in, line)) return "";
  std::istringstream words(line);
  std::string word;
  while (words >> word) {
    if (!word.empty() && std::isdigit(static_cast<unsigned char>(word[0])) &&
        word.find('.') != std::string::npos) {
      return word;
    }
  }
  return "";
}

std::string libcupti_path() {
  Dl_info info{};
  if (dladdr(reinterpret_cast<void*>(&cuptiGetVersion), &info) == 0 || !info.dli_fname) return "";
  return info.dli_fname;
}

}  // namespace

ApiRecords api_records_from_env() {
  const char* value = std::getenv("PERFADVISE_API_RECORDS");
  const std::string text = value != nullptr ? value : "";
  if (text == "none") return ApiRecords::kNone;
  if (text == "runtime") return ApiRecords::kRuntime;
  return ApiRecords::kRuntimeAndDriver;
}

bool subscribe(CUpti_CallbackFunc callback, CUpti_SubscriberHandle& subscriber,
               std::string& holder) noexcept {
  std::array<char, 128> old_name{};
  CUpti_SubscriberParams params{};
  params.structSize = CUpti_SubscriberParams_STRUCT_SIZE;
  params.subscriberName = "perfadvise";
  params.oldSubscriberName = old_name.data();
  params.oldSubscriberSize = old_name.size();
  const CUptiResult result = cuptiSubscribe_v2(&subscriber, callback, nullptr, &params);
  if (result == CUPTI_SUCCESS) return true;
  holder = old_name[0] != '\0' ? std::string(old_name.data()) : "unnamed";
  if (result != CUPTI_ERROR_MULTIPLE_SUBSCRIBERS_NOT_SUPPORTED) {
    PA_CUPTI(result);
    holder = "cuptiSubscribe failed";
  }
  return false;
}

void configure_activity(CUpti_BuffersCallbackRequestFunc requested,
                        CUpti_BuffersCallbackCompleteFunc completed) noexcept {
  // gettid() values in API records: they match threading.get_native_id() and our call sites.
  PA_CUPTI(cuptiSetThreadIdType(CUPTI_ACTIVITY_THREAD_ID_TYPE_SYSTEM));
  size_t device_buffer = 32u << 20;  // default 3.2 MB drops timestamps on launch-heavy steps
  size_t attribute_size = sizeof device_buffer;
  PA_CUPTI(cuptiActivitySetAttribute(CUPTI_ACTIVITY_ATTR_DEVICE_BUFFER_SIZE, &attribute_size,
                                     &device_buffer));
  uint8_t zeroed = 1;  // our pool hands out zeroed buffers: CUPTI skips its own memset
  attribute_size = sizeof zeroed;
  PA_CUPTI(cuptiActivitySetAttribute(CUPTI_ACTIVITY_ATTR_ZEROED_OUT_ACTIVITY_BUFFER,
                                     &attribute_size, &zeroed));
  PA_CUPTI(cuptiActivityRegisterCallbacks(requested, completed));
  for (CUpti_ActivityKind kind :
       {CUPTI_ACTIVITY_KIND_MARKER, CUPTI_ACTIVITY_KIND_OVERHEAD, CUPTI_ACTIVITY_KIND_STREAM}) {
    PA_CUPTI(cuptiActivityEnable(kind));
  }
  set_recording(true);
  // Device and context records for what already exists (CUDA is initializing right now).
  PA_CUPTI(cuptiActivityEnableAndDump(CUPTI_ACTIVITY_KIND_DEVICE));
  PA_CUPTI(cuptiActivityEnableAndDump(CUPTI_ACTIVITY_KIND_CONTEXT));
  // "Not ready" answers of cudaEventQuery/cudaStreamQuery: the caching allocator polls a lot.
  PA_CUPTI(cuptiActivityEnableAllSyncRecords(0));
}

namespace {

// Launch API records cost about 1 us per launch (docs/collector-gpu-results.md); with the kinds
// on and only these cbids off, a launch costs 0.3 us. Enabling a kind resets its cbids.
void apply_launch_records(ApiRecords api, bool on) noexcept {
  const uint8_t enable = on ? 1 : 0;
  if (api != ApiRecords::kNone) {
    for (CUpti_CallbackId cbid : kRuntimeLaunchCbids) {
      PA_CUPTI(cuptiActivityEnableRuntimeApi(cbid, enable));
    }
  }
  if (api == ApiRecords::kRuntimeAndDriver) {
    for (CUpti_CallbackId cbid : kDriverLaunchCbids) {
      PA_CUPTI(cuptiActivityEnableDriverApi(cbid, enable));
    }
  }
}

}  // namespace

void set_recording(bool on) noexcept {
  if (!on) recording_flag().store(false, std::memory_order_relaxed);
  const ApiRecords api = api_records_from_env();
  std::vector<CUpti_ActivityKind> kinds{
      CUPTI_ACTIVITY_KIND_CONCURRENT_KERNEL, CUPTI_ACTIVITY_KIND_MEMCPY,
      CUPTI_ACTIVITY_KIND_MEMCPY2, CUPTI_ACTIVITY_KIND_MEMSET, CUPTI_ACTIVITY_KIND_SYNCHRONIZATION};
  if (api != ApiRecords::kNone) kinds.push_back(CUPTI_ACTIVITY_KIND_RUNTIME);
  if (api == ApiRecords::kRuntimeAndDriver) kinds.push_back(CUPTI_ACTIVITY_KIND_DRIVER);
  for (CUpti_ActivityKind kind : kinds) {
    PA_CUPTI(on ? cuptiActivityEnable(kind) : cuptiActivityDisable(kind));
  }
  if (!on) return;
  // After enabling the kinds: enabling a kind resets its per-cbid settings.
  if (api != ApiRecords::kNone) {
    for (CUpti_CallbackId cbid : kNoisyRuntimeCbids) {
      PA_CUPTI(cuptiActivityEnableRuntimeApi(cbid, 0));
    }
  }
  if (api == ApiRecords::kRuntimeAndDriver) {
    for (CUpti_CallbackId cbid : kNoisyDriverCbids) {
      PA_CUPTI(cuptiActivityEnableDriverApi(cbid, 0));
    }
  }
  if (!launch_detail()) apply_launch_records(api, false);
  recording_flag().store(true, std::memory_order_relaxed);
}

void set_launch_records(bool on) noexcept {
  if (recording()) apply_launch_records(api_records_from_env(), on);
}

Provenance make_provenance(pid_t pid) {
  Provenance p;
  uint32_t api_version = 0;
  if (PA_CUPTI(cuptiGetVersion(&api_version))) p.cupti_version = std::to_string(api_version);
  p.driver_version = driver_version();
  p.hostname = host_name();
  p.command = own_command_line();
  p.pid = static_cast<uint32_t>(pid);
  p.rank = rank_from_env();
  uint64_t now = 0;
  if (PA_CUPTI(cuptiGetTimestamp(&now))) p.time_origin_ns = static_cast<int64_t>(now);
  return p;
}

std::map<std::string, std::string> collector_meta(size_t buffer_bytes) {
  std::map<std::string, std::string> meta;
  meta["collector.libcupti"] = libcupti_path();
  meta["collector.buffer_bytes"] = std::to_string(buffer_bytes);
  const ApiRecords api = api_records_from_env();
  meta["collector.api_records"] = api == ApiRecords::kNone      ? "none"
                                  : api == ApiRecords::kRuntime ? "runtime"
                                                                : "runtime+driver";
  const auto launch_detail = launch_detail_schedule(std::getenv("PERFADVISE_LAUNCH_DETAIL"),
                                                    std::getenv("PERFADVISE_LAUNCH_DETAIL_MS"));
  meta["collector.launch_detail"] =
      launch_detail ? std::string(kLaunchDetailSampledPrefix) + describe(*launch_detail) : "all";
  if (const char* local_rank = std::getenv("LOCAL_RANK")) meta["local_rank"] = local_rank;
  if (const char* world = std::getenv("WORLD_SIZE")) meta["world_size"] = world;
  if (const char* steps = std::getenv("PERFADVISE_STEPS")) meta["steps_regex"] = steps;
  if (const char* window = std::getenv("PERFADVISE_OVERHEAD_WINDOW_MS")) {
    meta["collector.overhead_window_ms"] = window;
    const char* of = std::getenv("PERFADVISE_OVERHEAD_OF");
    meta["collector.overhead_of"] = of != nullptr ? of : "recording";
  }
  // Reports print the program's source paths relative to it.
  std::array<char, 4096> cwd{};
  if (getcwd(cwd.data(), cwd.size()) != nullptr) meta["working_directory"] = cwd.data();
  return meta;
}

}  // namespace perfadvise::collector
