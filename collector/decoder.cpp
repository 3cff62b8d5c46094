#include "collector/decoder.h"

#include <cxxabi.h>

#include <cctype>
#include <cstdlib>
#include <string>
#include <string_view>

#include "collector/process_info.h"
#include "profile/launch_context.h"

namespace perfadvise::collector {
namespace {

template <typename Record>
const Record& as(const CUpti_Activity& record) {
  return reinterpret_cast<const Record&>(record);
}

std::string demangle(const char* mangled) {
  if (mangled == nullptr) return "";
  int status = 0;
  char* text = abi::__cxa_demangle(mangled, nullptr, nullptr, &status);
  if (status != 0 || text == nullptr) return mangled;  // C names (extern "C" kernels) stay as is
  std::string result(text);
  std::free(text);
  return result;
}

uint32_t thread_of(CUpti_ActivityObjectKind kind, const CUpti_ActivityObjectKindId& id) {
  return kind == CUPTI_ACTIVITY_OBJECT_THREAD ? id.pt.threadId : 0;
}

}  // namespace

void RecordDecoder::decode_buffer(uint8_t* buffer, size_t valid_bytes) {
  CUpti_Activity* record = nullptr;
  while (cuptiActivityGetNextRecord(buffer, valid_bytes, &record) == CUPTI_SUCCESS) {
    decode(*record);
  }
}

void RecordDecoder::decode(const CUpti_Activity& record) {
  ++records_seen_;
  switch (record.kind) {
    case CUPTI_ACTIVITY_KIND_KERNEL:
    case CUPTI_ACTIVITY_KIND_CONCURRENT_KERNEL:
      return decode_kernel(as<CUpti_ActivityKernel10>(record));
    case CUPTI_ACTIVITY_KIND_MEMCPY:
      return decode_memcpy(as<CUpti_ActivityMemcpy6>(record));
    case CUPTI_ACTIVITY_KIND_MEMCPY2:
      return decode_peer_memcpy(as<CUpti_ActivityMemcpyPtoP4>(record));
    case CUPTI_ACTIVITY_KIND_MEMSET:
      return decode_memset(as<CUpti_ActivityMemset4>(record));
    case CUPTI_ACTIVITY_KIND_SYNCHRONIZATION:
      return decode_sync(as<CUpti_ActivitySynchronization2>(record));
    case CUPTI_ACTIVITY_KIND_RUNTIME:
    case CUPTI_ACTIVITY_KIND_DRIVER:
      return decode_api(as<CUpti_ActivityAPI>(record));
    case CUPTI_ACTIVITY_KIND_MARKER:
      return decode_marker(as<CUpti_ActivityMarker2>(record));
    case CUPTI_ACTIVITY_KIND_OVERHEAD:
      return decode_overhead(as<CUpti_ActivityOverhead3>(record));
    case CUPTI_ACTIVITY_KIND_DEVICE:
      return decode_device(as<CUpti_ActivityDevice5>(record));
    case CUPTI_ACTIVITY_KIND_CONTEXT: {
      const auto& c = as<CUpti_ActivityContext3>(record);
      context_devices_[c.contextId] = c.deviceId;
      return;
    }
    case CUPTI_ACTIVITY_KIND_MARKER_DATA:  // colours and payloads: not used by any rule
    case CUPTI_ACTIVITY_KIND_STREAM:
    case CUPTI_ACTIVITY_KIND_NAME:
      return;
    default:
      ++unknown_records_;
      return;
  }
}

bool RecordDecoder::has_timestamps(uint64_t start, uint64_t end) {
  // CUPTI writes 0 when it could not collect a timestamp (device buffer exhausted, or the work
  // had not finished at a forced flush). Such rows would corrupt every duration: count them.
  if (start != 0 && end != 0 && end >= start) return true;
  ++zero_timestamp_records_;
  return false;
}

uint32_t RecordDecoder::resolve(uint32_t correlation_id) const {
  auto it = aliases_.find(correlation_id);
  return it == aliases_.end() ? correlation_id : it->second;
}

StringId RecordDecoder::kernel_name(const char* mangled) {
  auto [it, inserted] = kernel_names_.try_emplace(mangled, 0);
  if (inserted) it->second = writer_.intern(demangle(mangled));
  return it->second;
}

StringId RecordDecoder::api_name(CUpti_CallbackDomain domain, uint32_t cbid) {
  const uint64_t key = (uint64_t{static_cast<uint32_t>(domain)} << 32) | cbid;
  auto [it, inserted] = api_names_.try_emplace(key, 0);
  if (inserted) {
    const char* name = nullptr;
    if (cuptiGetCallbackName(domain, cbid, &name) == CUPTI_SUCCESS && name != nullptr) {
      it->second = writer_.intern(name);
    } else {
      it->second = writer_.intern("cbid " + std::to_string(cbid));
    }
  }
  return it->second;
}

void RecordDecoder::decode_kernel(const CUpti_ActivityKernel10& k) {
  if (!has_timestamps(k.start, k.end)) return;
  Kernel row;
  row.start = static_cast<TimeNs>(k.start);
  row.end = static_cast<TimeNs>(k.end);
  row.name = kernel_name(k.name);
  row.correlation_id = resolve(k.correlationId);
  row.device = k.deviceId;
  row.stream = k.streamId;
  row.grid_x = static_cast<uint32_t>(k.gridX);
  row.grid_y = static_cast<uint32_t>(k.gridY);
  row.grid_z = static_cast<uint32_t>(k.gridZ);
  row.block_x = static_cast<uint32_t>(k.blockX);
  row.block_y = static_cast<uint32_t>(k.blockY);
  row.block_z = static_cast<uint32_t>(k.blockZ);
  row.registers_per_thread = k.registersPerThread;
  row.static_shared_bytes = static_cast<uint32_t>(k.staticSharedMemory);
  row.dynamic_shared_bytes = static_cast<uint32_t>(k.dynamicSharedMemory);
  row.graph_id = k.graphId;
  writer_.add(row);
}

namespace {

// Memcpy6 and MemcpyPtoP4 share these fields; only the correlation id differs.
template <typename Record>
Memcpy memcpy_row(const Record& m, uint32_t correlation_id) {
  Memcpy row;
  row.start = static_cast<TimeNs>(m.start);
  row.end = static_cast<TimeNs>(m.end);
  row.bytes = m.bytes;
  row.correlation_id = correlation_id;
  row.device = m.deviceId;
  row.stream = m.streamId;
  row.graph_id = m.graphId;
  row.kind = static_cast<MemcpyKind>(m.copyKind);
  row.src_kind = static_cast<MemoryKind>(m.srcKind);
  row.dst_kind = static_cast<MemoryKind>(m.dstKind);
  row.async = (m.flags & CUPTI_ACTIVITY_FLAG_MEMCPY_ASYNC) != 0;
  return row;
}

}  // namespace

void RecordDecoder::decode_memcpy(const CUpti_ActivityMemcpy6& m) {
  if (!has_timestamps(m.start, m.end)) return;
  // correlationId names the driver call; the runtime call (what the user's code made) wins.
  writer_.add(memcpy_row(
      m, resolve(m.runtimeCorrelationId != 0 ? m.runtimeCorrelationId : m.correlationId)));
}

void RecordDecoder::decode_peer_memcpy(const CUpti_ActivityMemcpyPtoP4& m) {
  if (!has_timestamps(m.start, m.end)) return;
  writer_.add(memcpy_row(m, resolve(m.correlationId)));
}

void RecordDecoder::decode_memset(const CUpti_ActivityMemset4& m) {
  if (!has_timestamps(m.start, m.end)) return;
  Memset row;
  row.start = static_cast<TimeNs>(m.start);
  row.end = static_cast<TimeNs>(m.end);
  row.bytes = m.bytes;
  row.correlation_id = resolve(m.correlationId);
  row.device = m.deviceId;
  row.stream = m.streamId;
  row.value = m.value;
  row.memory_kind = static_cast<MemoryKind>(m.memoryKind);
  row.async = (m.flags & CUPTI_ACTIVITY_FLAG_MEMSET_ASYNC) != 0;
  writer_.add(row);
}

void RecordDecoder::decode_sync(const CUpti_ActivitySynchronization2& s) {
  if (!has_timestamps(s.start, s.end)) return;
  Sync row;
  row.start = static_cast<TimeNs>(s.start);
  row.end = static_cast<TimeNs>(s.end);
  row.correlation_id = resolve(s.correlationId);
  auto device = context_devices_.find(s.contextId);
  row.device = device == context_devices_.end() ? 0 : device->second;
  row.stream = s.streamId == CUPTI_SYNCHRONIZATION_INVALID_VALUE ? 0 : s.streamId;
  row.event_id = s.cudaEventId == CUPTI_SYNCHRONIZATION_INVALID_VALUE ? 0 : s.cudaEventId;
  row.type = static_cast<SyncType>(s.type);
  writer_.add(row);
}

void RecordDecoder::decode_api(const CUpti_ActivityAPI& a) {
  if (!has_timestamps(a.start, a.end)) return;
  const bool runtime = a.kind == CUPTI_ACTIVITY_KIND_RUNTIME;
  ApiCall row;
  row.start = static_cast<TimeNs>(a.start);
  row.end = static_cast<TimeNs>(a.end);
  row.correlation_id = a.correlationId;  // API rows keep their own id: they are the join target
  row.thread_id = a.threadId;
  row.cbid = a.cbid;
  row.name = api_name(runtime ? CUPTI_CB_DOMAIN_RUNTIME_API : CUPTI_CB_DOMAIN_DRIVER_API, a.cbid);
  row.return_value = static_cast<int32_t>(a.returnValue);
  row.domain = runtime ? ApiDomain::kRuntime : ApiDomain::kDriver;
  writer_.add(row);
}

std::string range_name(std::string_view message) {
  if (torch_op_name(message).empty()) return std::string(message);
  // PyTorch numbers every op call ("aten::mm, seq = 812, op_id = 9312"): interning that would
  // store one string per op call. The op and its sizes repeat, so they cost nothing.
  std::string name(message);
  for (std::string_view field : {std::string_view(", seq = "), std::string_view(", op_id = ")}) {
    const size_t at = name.find(field);
    if (at == std::string::npos) continue;
    size_t end = at + field.size();
    while (end < name.size() &&
           (std::isdigit(static_cast<unsigned char>(name[end])) || name[end] == '-')) {
      ++end;
    }
    name.erase(at, end - at);
  }
  if (const size_t inputs = name.find(", input_op_ids = "); inputs != std::string::npos) {
    name.erase(inputs);
  }
  return name;
}

void RecordDecoder::decode_marker(const CUpti_ActivityMarker2& m) {
  const uint32_t thread = thread_of(m.objectKind, m.objectId);
  const auto time = static_cast<TimeNs>(m.timestamp);
  if (m.flags & CUPTI_ACTIVITY_FLAG_MARKER_INSTANTANEOUS) {
    NvtxEvent row{time,
                  time,
                  writer_.intern(m.name ? m.name : ""),
                  writer_.intern(m.domain ? m.domain : ""),
                  thread,
                  NvtxKind::kMark};
    writer_.add(row);
  } else if (m.flags & CUPTI_ACTIVITY_FLAG_MARKER_START) {
    open_ranges_[m.id] = OpenRange{time, writer_.intern(range_name(m.name ? m.name : "")),
                                   writer_.intern(m.domain ? m.domain : ""), thread};
  } else if (m.flags & CUPTI_ACTIVITY_FLAG_MARKER_END) {
    auto it = open_ranges_.find(m.id);
    if (it == open_ranges_.end()) return;  // its start was lost with a dropped buffer
    const OpenRange& open = it->second;
    writer_.add(
        NvtxEvent{open.start, time, open.name, open.domain, open.thread_id, NvtxKind::kRange});
    open_ranges_.erase(it);
  }
}

void RecordDecoder::decode_overhead(const CUpti_ActivityOverhead3& o) {
  if (!has_timestamps(o.start, o.end)) return;
  writer_.add(Overhead{static_cast<TimeNs>(o.start), static_cast<TimeNs>(o.end),
                       static_cast<uint32_t>(o.overheadKind), thread_of(o.objectKind, o.objectId)});
}

void RecordDecoder::decode_device(const CUpti_ActivityDevice5& d) {
  Device device;
  device.id = d.id;
  device.name = d.name ? d.name : "";
  device.sm_count = d.numMultiprocessors;
  device.memory_bytes = d.globalMemorySize;
  device.compute_major = d.computeCapabilityMajor;
  device.compute_minor = d.computeCapabilityMinor;
  device.peak_bandwidth_bytes_per_s = static_cast<double>(d.globalMemoryBandwidth) * 1e3;  // kB/s
  fill_catalogue_peaks(device);
  writer_.add(device);
}

}  // namespace perfadvise::collector
