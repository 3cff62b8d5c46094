// What a CUDA runtime or driver API call does, for the analyzer: launch, copy, sync, allocate.
// Classified by name with one table (api_kinds.cpp), never by cbid alone: cbids differ between
// the runtime and driver domains and between CUDA versions, names do not (after normalization).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "profile/profile.h"

namespace perfadvise {

enum class ApiKind : uint8_t {
  kOther = 0,
  kKernelLaunch,  // cudaLaunchKernel, __cudaLaunchKernel, cuLaunchKernel, ...
  kGraphLaunch,   // cudaGraphLaunch, cuGraphLaunch
  kMemcpyAsync,   // cudaMemcpyAsync, cuMemcpyHtoDAsync, ...
  kMemcpySync,    // cudaMemcpy, cuMemcpyDtoH, ... (blocks the host by contract)
  kMemsetAsync,
  kMemsetSync,
  kStreamSync,  // cudaStreamSynchronize, cuStreamSynchronize
  kDeviceSync,  // cudaDeviceSynchronize, cuCtxSynchronize
  kEventSync,   // cudaEventSynchronize, cuEventSynchronize
  kAlloc,       // cudaMalloc, cuMemAlloc, cudaMallocHost, cudaHostAlloc, ...
  kFree,        // cudaFree, cuMemFree, cudaFreeHost, ... (cudaFree synchronizes the device)
};

/// Strips CUDA's versioned and per-thread-stream suffixes: "cudaMemcpyAsync_v3020" ->
/// "cudaMemcpyAsync", "cudaLaunchKernel_ptsz" -> "cudaLaunchKernel".
std::string normalize_api_name(std::string_view name);

/// The kind of an API call from its (raw or normalized) name.
ApiKind classify_api(std::string_view name);

/// True for kinds that block the calling host thread until GPU work finishes.
bool is_blocking_sync(ApiKind kind);

/// The words StepMetrics::syncs_by_kind and the gate's sync sites count syncs by: "stream",
/// "device", "event", "memcpy"; nullptr for anything that is not a sync.
const char* sync_kind_name(ApiKind kind);
/// The same for a SYNCHRONIZATION record (profiles without API records).
const char* sync_kind_name(SyncType type);

/// Classifies every string of a profile's string table once, so that per-call lookups are a
/// vector index: kinds[call.name].
std::vector<ApiKind> classify_api_names(const Profile& profile);

}  // namespace perfadvise
