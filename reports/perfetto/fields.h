// Every Perfetto protobuf field number perfadvise writes, in one place. They are copied from the
// public Perfetto protos (protos/perfetto/trace/trace.proto, trace_packet.proto,
// track_event/track_event.proto, track_descriptor.proto, process_descriptor.proto,
// thread_descriptor.proto, debug_annotation.proto, interned_data.proto); field numbers are stable
// by contract. tests/reports/perfetto_trimmed.proto repeats them for `protoc --decode`.
#pragma once

#include <cstdint>

namespace perfadvise::perfetto {

namespace trace {
inline constexpr uint32_t kPacket = 1;  // repeated TracePacket
}

namespace packet {
inline constexpr uint32_t kTimestamp = 8;
inline constexpr uint32_t kTrustedPacketSequenceId = 10;
inline constexpr uint32_t kTrackEvent = 11;
inline constexpr uint32_t kInternedData = 12;
inline constexpr uint32_t kSequenceFlags = 13;
inline constexpr uint32_t kTrackDescriptor = 60;
inline constexpr uint32_t kFirstPacketOnSequence = 87;
}  // namespace packet

namespace sequence_flags {
inline constexpr uint64_t kIncrementalStateCleared = 1;
inline constexpr uint64_t kNeedsIncrementalState = 2;
}  // namespace sequence_flags

namespace track_descriptor {
inline constexpr uint32_t kUuid = 1;
inline constexpr uint32_t kName = 2;
inline constexpr uint32_t kProcess = 3;
inline constexpr uint32_t kThread = 4;
inline constexpr uint32_t kParentUuid = 5;
}  // namespace track_descriptor

namespace process_descriptor {
inline constexpr uint32_t kPid = 1;
inline constexpr uint32_t kProcessName = 6;
}  // namespace process_descriptor

namespace thread_descriptor {
inline constexpr uint32_t kPid = 1;
inline constexpr uint32_t kTid = 2;
inline constexpr uint32_t kThreadName = 5;
}  // namespace thread_descriptor

namespace track_event {
inline constexpr uint32_t kDebugAnnotations = 4;
inline constexpr uint32_t kType = 9;
inline constexpr uint32_t kNameIid = 10;
inline constexpr uint32_t kTrackUuid = 11;
inline constexpr uint32_t kCategories = 22;
inline constexpr uint32_t kName = 23;
inline constexpr uint32_t kFlowIds = 47;             // fixed64
inline constexpr uint32_t kTerminatingFlowIds = 48;  // fixed64
inline constexpr uint32_t kCallstack = 55;
// TrackEvent.Type
inline constexpr uint64_t kSliceBegin = 1;
inline constexpr uint64_t kSliceEnd = 2;
inline constexpr uint64_t kInstant = 3;
}  // namespace track_event

namespace debug_annotation {
inline constexpr uint32_t kUintValue = 3;
inline constexpr uint32_t kStringValue = 6;
inline constexpr uint32_t kName = 10;
}  // namespace debug_annotation

namespace interned_data {
inline constexpr uint32_t kEventNames = 2;
}

namespace event_name {
inline constexpr uint32_t kIid = 1;
inline constexpr uint32_t kName = 2;
}  // namespace event_name

namespace callstack {
inline constexpr uint32_t kFrames = 1;
}

namespace callstack_frame {
inline constexpr uint32_t kFunctionName = 1;
inline constexpr uint32_t kSourceFile = 2;
inline constexpr uint32_t kLineNumber = 3;
}  // namespace callstack_frame

}  // namespace perfadvise::perfetto
