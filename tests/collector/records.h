// Hand-built CUPTI activity records, filled field by field from the CUDA 13 headers, and a
// buffer laid out the way CUPTI lays out its own (records back to back, 8-byte aligned).
#pragma once

#include <cupti.h>

#include <cstdint>
#include <cstring>
#include <vector>

namespace perfadvise::testing {

inline CUpti_ActivityKernel10 kernel_record(const char* name, uint64_t start, uint64_t end,
                                            uint32_t correlation) {
  CUpti_ActivityKernel10 k{};
  k.kind = CUPTI_ACTIVITY_KIND_CONCURRENT_KERNEL;
  k.start = start;
  k.end = end;
  k.deviceId = 0;
  k.streamId = 7;
  k.gridX = 132;
  k.gridY = 2;
  k.gridZ = 1;
  k.blockX = 256;
  k.blockY = 1;
  k.blockZ = 1;
  k.registersPerThread = 40;
  k.staticSharedMemory = 1024;
  k.dynamicSharedMemory = 2048;
  k.correlationId = correlation;
  k.name = name;
  return k;
}

inline CUpti_ActivityMemcpy6 memcpy_record(uint64_t start, uint64_t end, uint32_t driver_corr,
                                           uint32_t runtime_corr) {
  CUpti_ActivityMemcpy6 m{};
  m.kind = CUPTI_ACTIVITY_KIND_MEMCPY;
  m.copyKind = CUPTI_ACTIVITY_MEMCPY_KIND_DTOH;
  m.srcKind = CUPTI_ACTIVITY_MEMORY_KIND_DEVICE;
  m.dstKind = CUPTI_ACTIVITY_MEMORY_KIND_PAGEABLE;
  m.flags = CUPTI_ACTIVITY_FLAG_MEMCPY_ASYNC;
  m.bytes = 4096;
  m.start = start;
  m.end = end;
  m.streamId = 7;
  m.correlationId = driver_corr;
  m.runtimeCorrelationId = runtime_corr;
  return m;
}

inline CUpti_ActivityMemset4 memset_record(uint64_t start, uint64_t end, uint32_t corr) {
  CUpti_ActivityMemset4 m{};
  m.kind = CUPTI_ACTIVITY_KIND_MEMSET;
  m.value = 0;
  m.bytes = 1 << 20;
  m.start = start;
  m.end = end;
  m.streamId = 7;
  m.correlationId = corr;
  m.memoryKind = CUPTI_ACTIVITY_MEMORY_KIND_DEVICE;
  return m;
}

inline CUpti_ActivitySynchronization2 sync_record(uint64_t start, uint64_t end, uint32_t corr,
                                                  uint32_t context) {
  CUpti_ActivitySynchronization2 s{};
  s.kind = CUPTI_ACTIVITY_KIND_SYNCHRONIZATION;
  s.type = CUPTI_ACTIVITY_SYNCHRONIZATION_TYPE_STREAM_SYNCHRONIZE;
  s.start = start;
  s.end = end;
  s.correlationId = corr;
  s.contextId = context;
  s.streamId = 7;
  s.cudaEventId = CUPTI_SYNCHRONIZATION_INVALID_VALUE;
  return s;
}

inline CUpti_ActivityAPI api_record(CUpti_ActivityKind kind, uint32_t cbid, uint64_t start,
                                    uint64_t end, uint32_t corr, uint32_t thread) {
  CUpti_ActivityAPI a{};
  a.kind = kind;
  a.cbid = cbid;
  a.start = start;
  a.end = end;
  a.processId = 1;
  a.threadId = thread;
  a.correlationId = corr;
  return a;
}

inline CUpti_ActivityMarker2 marker_record(CUpti_ActivityFlag flags, uint64_t time, uint32_t id,
                                           const char* name, uint32_t thread) {
  CUpti_ActivityMarker2 m{};
  m.kind = CUPTI_ACTIVITY_KIND_MARKER;
  m.flags = flags;
  m.timestamp = time;
  m.id = id;
  m.objectKind = CUPTI_ACTIVITY_OBJECT_THREAD;
  m.objectId.pt.processId = 1;
  m.objectId.pt.threadId = thread;
  m.name = name;
  return m;
}

inline CUpti_ActivityDevice5 device_record(const char* name) {
  CUpti_ActivityDevice5 d{};
  d.kind = CUPTI_ACTIVITY_KIND_DEVICE;
  d.globalMemoryBandwidth = 3'352'320'000;  // kB/s, as an H100 SXM reports it
  d.globalMemorySize = 85'029'158'912;
  d.numMultiprocessors = 132;
  d.computeCapabilityMajor = 9;
  d.computeCapabilityMinor = 0;
  d.id = 0;
  d.name = name;
  return d;
}

inline CUpti_ActivityContext3 context_record(uint32_t context, uint32_t device) {
  CUpti_ActivityContext3 c{};
  c.kind = CUPTI_ACTIVITY_KIND_CONTEXT;
  c.contextId = context;
  c.deviceId = device;
  return c;
}

/// Records back to back, each padded to 8 bytes, as CUPTI fills its buffers.
class RecordBuffer {
 public:
  template <typename Record>
  RecordBuffer& add(const Record& record) {
    const size_t at = bytes_.size();
    bytes_.resize(at + (sizeof(Record) + 7) / 8 * 8, 0);
    std::memcpy(bytes_.data() + at, &record, sizeof(Record));
    return *this;
  }
  uint8_t* data() { return bytes_.data(); }
  size_t size() const { return bytes_.size(); }

 private:
  std::vector<uint8_t> bytes_;
};

}  // namespace perfadvise::testing
