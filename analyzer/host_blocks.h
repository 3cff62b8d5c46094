// Where the host thread waited for the GPU: synchronizing calls, copies that block (a copy
// followed by a stream sync is PyTorch's memcpy_and_sync: .item(), nonzero, unique, boolean
// masks, blocking .to()), synchronous copies and pageable async copies, and cudaFree (which
// synchronizes the device). Built once per profile; the sync and copy rules and the idle-time
// split read it.
#pragma once

#include <cstdint>
#include <vector>

#include "analyzer/api_kinds.h"
#include "profile/profile.h"

namespace perfadvise {

enum class BlockCause : uint8_t {
  kDeviceToHost,  // a DtoH copy the host waits for (the host reads GPU data)
  kHostToDevice,  // a HtoD copy followed by a sync, or a blocking HtoD copy
  kOtherCopy,     // a blocking copy of another direction (DtoD, HtoH, PtoP)
  kExplicitSync,  // cudaStreamSynchronize / cudaDeviceSynchronize / cudaEventSynchronize alone
  kFree,          // cudaFree and friends synchronize the device
};

struct HostBlock {
  static constexpr uint32_t kNone = UINT32_MAX;
  TimeNs start = 0;
  TimeNs end = 0;
  uint32_t thread_id = 0;
  BlockCause cause = BlockCause::kExplicitSync;
  uint32_t api = kNone;          // api_calls index of the first call (the copy, or the sync)
  uint32_t sync_api = kNone;     // api_calls index of the sync that followed a copy
  uint32_t memcpy = kNone;       // memcpys index of the copy
  uint32_t sync_record = kNone;  // syncs index (only for profiles without API records)
  ApiKind api_kind = ApiKind::kOther;
  bool pageable = false;       // the host side of the copy is pageable memory
  bool sync_api_copy = false;  // the copy API itself is synchronous (cudaMemcpy)
  TimeNs gpu_idle_after = 0;   // GPU idle caused by this block (filled by the idle split)

  TimeNs duration() const { return end - start; }
};

/// Every host block of the profile, sorted by start.
std::vector<HostBlock> find_host_blocks(const Profile& profile, const std::vector<ApiKind>& kinds);

/// "DtoH", "HtoD", ... for metrics keys.
const char* direction_name(MemcpyKind kind);
/// "pageable", "pinned", "device", ...
const char* memory_kind_name(MemoryKind kind);
/// The host side of a copy (pageable/pinned/...), or kDevice when neither side is host memory.
MemoryKind host_memory_kind(const Memcpy& copy);

}  // namespace perfadvise
