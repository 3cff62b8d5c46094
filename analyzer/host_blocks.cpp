#include "analyzer/host_blocks.h"

#include <algorithm>

namespace perfadvise {
namespace {

bool is_copy(ApiKind kind) {
  return kind == ApiKind::kMemcpyAsync || kind == ApiKind::kMemcpySync;
}

bool is_host_memory(MemoryKind kind) {
  return kind == MemoryKind::kPageable || kind == MemoryKind::kPinned ||
         kind == MemoryKind::kUnknown;
}

BlockCause cause_of(MemcpyKind kind) {
  switch (kind) {
    case MemcpyKind::kDtoH:
    case MemcpyKind::kAtoH:
      return BlockCause::kDeviceToHost;
    case MemcpyKind::kHtoD:
    case MemcpyKind::kHtoA:
      return BlockCause::kHostToDevice;
    default:
      return BlockCause::kOtherCopy;
  }
}

// The next call on the thread that matters for pairing: a sync pairs with the copy; a launch,
// copy or memset in between means the sync is not the copy's.
uint32_t following_sync(const Profile& p, const std::vector<ApiKind>& kinds,
                        const std::vector<uint32_t>& track, size_t position) {
  for (size_t j = position + 1; j < track.size(); ++j) {
    const ApiKind kind = kinds[p.api_calls[track[j]].name];
    if (is_blocking_sync(kind)) return track[j];
    if (kind != ApiKind::kOther && kind != ApiKind::kAlloc) return HostBlock::kNone;
  }
  return HostBlock::kNone;
}

HostBlock copy_block(const Profile& p, const std::vector<ApiKind>& kinds,
                     const std::vector<uint32_t>& track, size_t position) {
  const ApiCall& call = p.api_calls[track[position]];
  HostBlock b;
  b.start = call.start;
  b.end = call.end;
  b.thread_id = call.thread_id;
  b.api = track[position];
  b.api_kind = kinds[call.name];
  b.sync_api_copy = b.api_kind == ApiKind::kMemcpySync;
  b.memcpy = p.memcpy_by_correlation.find(call.correlation_id);
  MemcpyKind direction = MemcpyKind::kUnknown;
  if (b.memcpy != HostBlock::kNone) {
    const Memcpy& m = p.memcpys[b.memcpy];
    direction = m.kind;
    b.pageable = host_memory_kind(m) == MemoryKind::kPageable;
  }
  b.cause = cause_of(direction);
  b.sync_api = following_sync(p, kinds, track, position);
  if (b.sync_api != HostBlock::kNone) b.end = std::max(b.end, p.api_calls[b.sync_api].end);
  return b;
}

std::vector<HostBlock> blocks_from_sync_records(const Profile& p) {
  std::vector<HostBlock> out;
  for (uint32_t i = 0; i < p.syncs.size(); ++i) {
    const Sync& s = p.syncs[i];
    if (s.type == SyncType::kStreamWaitEvent) continue;
    HostBlock b;
    b.start = s.start;
    b.end = s.end;
    b.sync_record = i;
    b.api_kind = s.type == SyncType::kStreamSynchronize  ? ApiKind::kStreamSync
                 : s.type == SyncType::kEventSynchronize ? ApiKind::kEventSync
                                                         : ApiKind::kDeviceSync;
    out.push_back(b);
  }
  return out;
}

}  // namespace

MemoryKind host_memory_kind(const Memcpy& copy) {
  switch (copy.kind) {
    case MemcpyKind::kHtoD:
    case MemcpyKind::kHtoA:
      return copy.src_kind;
    case MemcpyKind::kDtoH:
    case MemcpyKind::kAtoH:
      return copy.dst_kind;
    case MemcpyKind::kHtoH:
      return copy.src_kind;
    default:
      if (is_host_memory(copy.src_kind) && copy.src_kind != MemoryKind::kUnknown)
        return copy.src_kind;
      return MemoryKind::kDevice;
  }
}

std::vector<HostBlock> find_host_blocks(const Profile& p, const std::vector<ApiKind>& kinds) {
  if (p.api_calls.empty()) return blocks_from_sync_records(p);
  std::vector<HostBlock> out;
  std::vector<bool> paired(p.api_calls.size(), false);
  for (const CpuTrack& track : p.cpu_tracks) {
    const std::vector<uint32_t>& calls = track.api_calls;
    for (size_t pos = 0; pos < calls.size(); ++pos) {
      const uint32_t index = calls[pos];
      const ApiCall& call = p.api_calls[index];
      const ApiKind kind = call.name < kinds.size() ? kinds[call.name] : ApiKind::kOther;
      if (is_copy(kind)) {
        HostBlock b = copy_block(p, kinds, calls, pos);
        if (b.cause == BlockCause::kOtherCopy && !b.sync_api_copy && b.sync_api == HostBlock::kNone)
          continue;  // an async device-to-device copy does not block the host
        if (b.sync_api == HostBlock::kNone && !b.sync_api_copy && !b.pageable) continue;
        if (b.sync_api != HostBlock::kNone) paired[b.sync_api] = true;
        out.push_back(b);
      } else if ((is_blocking_sync(kind) && !paired[index]) || kind == ApiKind::kFree) {
        HostBlock b;
        b.start = call.start;
        b.end = call.end;
        b.thread_id = call.thread_id;
        b.api = index;
        b.api_kind = kind;
        b.cause = kind == ApiKind::kFree ? BlockCause::kFree : BlockCause::kExplicitSync;
        out.push_back(b);
      }
    }
  }
  std::sort(out.begin(), out.end(),
            [](const HostBlock& a, const HostBlock& b) { return a.start < b.start; });
  return out;
}

const char* direction_name(MemcpyKind kind) {
  switch (kind) {
    case MemcpyKind::kHtoD:
      return "HtoD";
    case MemcpyKind::kDtoH:
      return "DtoH";
    case MemcpyKind::kDtoD:
      return "DtoD";
    case MemcpyKind::kHtoH:
      return "HtoH";
    case MemcpyKind::kPtoP:
      return "PtoP";
    case MemcpyKind::kHtoA:
      return "HtoA";
    case MemcpyKind::kAtoH:
      return "AtoH";
    case MemcpyKind::kAtoA:
      return "AtoA";
    case MemcpyKind::kAtoD:
      return "AtoD";
    case MemcpyKind::kDtoA:
      return "DtoA";
    case MemcpyKind::kUnknown:
      break;
  }
  return "unknown";
}

const char* memory_kind_name(MemoryKind kind) {
  switch (kind) {
    case MemoryKind::kPageable:
      return "pageable";
    case MemoryKind::kPinned:
      return "pinned";
    case MemoryKind::kDevice:
      return "device";
    case MemoryKind::kArray:
      return "array";
    case MemoryKind::kManaged:
      return "managed";
    case MemoryKind::kDeviceStatic:
      return "device static";
    case MemoryKind::kManagedStatic:
      return "managed static";
    case MemoryKind::kUnknown:
      break;
  }
  return "unknown";
}

}  // namespace perfadvise
