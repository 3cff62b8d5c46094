// --format perfetto: a native protobuf TrackEvent trace (.pftrace) for ui.perfetto.dev.
// Layout: all track descriptors first (sequence 1), then one packet sequence per track lane, so
// timestamps are in order within each sequence and event names are interned per sequence.
#include <algorithm>
#include <unordered_map>

#include "reports/perfetto/fields.h"
#include "reports/perfetto/proto_writer.h"
#include "reports/reporters.h"
#include "reports/trace_model.h"

namespace perfadvise {
namespace {

namespace pf = perfetto;
using pf::ProtoWriter;

constexpr uint32_t kDescriptorSequence = 1;
constexpr size_t kFlushBytes = 1 << 20;

class TraceEncoder {
 public:
  TraceEncoder(std::ostream& out, Progress* progress, uint64_t total)
      : out_(out), progress_(progress), total_(total) {}

  void process(const TraceProcess& process) {
    uint64_t process_uuid = next_uuid_++;
    ProtoWriter desc;
    ProtoWriter proc;
    proc.varint(pf::process_descriptor::kPid, process.pid);
    proc.bytes(pf::process_descriptor::kProcessName, process.name);
    desc.varint(pf::track_descriptor::kUuid, process_uuid);
    desc.message(pf::track_descriptor::kProcess, proc);
    descriptor_packet(desc);
    origin_ = process.profile->provenance.time_origin_ns;
    for (const TraceTrack& track : process.tracks)
      this->track(process, track, process_uuid);
  }

  void flush() {
    out_.write(buffer_.data().data(), static_cast<std::streamsize>(buffer_.size()));
    buffer_.clear();
  }

 private:
  struct Sequence {
    uint32_t id = 0;
    bool started = false;
    std::unordered_map<std::string_view, uint64_t> name_iids;
  };

  void descriptor_packet(const ProtoWriter& descriptor) {
    packet_.clear();
    packet_.varint(pf::packet::kTrustedPacketSequenceId, kDescriptorSequence);
    packet_.message(pf::packet::kTrackDescriptor, descriptor);
    emit_packet();
  }

  void emit_packet() {
    buffer_.message(pf::trace::kPacket, packet_);
    if (buffer_.size() >= kFlushBytes) flush();
  }

  uint64_t track_descriptor(const TraceProcess& process, const TraceTrack& track, size_t lane,
                            uint64_t parent_uuid) {
    uint64_t uuid = next_uuid_++;
    ProtoWriter desc;
    desc.varint(pf::track_descriptor::kUuid, uuid);
    std::string name =
        lane == 0 ? track.name : track.name + " (overlap " + std::to_string(lane) + ")";
    if (lane == 0 && track.thread_id != 0) {
      ProtoWriter thread;
      thread.varint(pf::thread_descriptor::kPid, process.pid);
      thread.varint(pf::thread_descriptor::kTid, track.thread_id);
      thread.bytes(pf::thread_descriptor::kThreadName, name);
      desc.message(pf::track_descriptor::kThread, thread);
    } else {
      desc.bytes(pf::track_descriptor::kName, name);
      desc.varint(pf::track_descriptor::kParentUuid, parent_uuid);
    }
    descriptor_packet(desc);
    return uuid;
  }

  void track(const TraceProcess& process, const TraceTrack& track, uint64_t process_uuid) {
    uint64_t track_uuid = 0;
    for (size_t lane = 0; lane < track.lanes.size(); ++lane) {
      uint64_t parent = lane == 0 ? process_uuid : track_uuid;
      uint64_t uuid = track_descriptor(process, track, lane, parent);
      if (lane == 0) track_uuid = uuid;
      Sequence sequence{next_sequence_++};
      emit_lane(process, track.lanes[lane], uuid, sequence);
    }
  }

  // Slices of one lane nest strictly: close every open slice that ended before the next begins.
  void emit_lane(const TraceProcess& process, const std::vector<TraceSlice>& lane, uint64_t uuid,
                 Sequence& sequence) {
    std::vector<const TraceSlice*> open;
    for (const TraceSlice& s : lane) {
      while (!open.empty() && open.back()->end <= s.start) {
        end_slice(*open.back(), uuid, sequence);
        open.pop_back();
      }
      begin_slice(process, s, uuid, sequence);
      open.push_back(&s);
      if (++done_ % 65536 == 0 && progress_) progress_->update(double(done_), double(total_));
    }
    while (!open.empty()) {
      end_slice(*open.back(), uuid, sequence);
      open.pop_back();
    }
  }

  void start_packet(TimeNs time, Sequence& sequence) {
    packet_.clear();
    packet_.varint(pf::packet::kTimestamp,
                   static_cast<uint64_t>(std::max<TimeNs>(0, origin_ + time)));
    packet_.varint(pf::packet::kTrustedPacketSequenceId, sequence.id);
    if (!sequence.started) {
      packet_.varint(pf::packet::kSequenceFlags, pf::sequence_flags::kIncrementalStateCleared |
                                                     pf::sequence_flags::kNeedsIncrementalState);
      packet_.varint(pf::packet::kFirstPacketOnSequence, 1);
      sequence.started = true;
    } else {
      packet_.varint(pf::packet::kSequenceFlags, pf::sequence_flags::kNeedsIncrementalState);
    }
  }

  uint64_t intern_name(std::string_view name, Sequence& sequence) {
    auto [it, added] = sequence.name_iids.emplace(name, sequence.name_iids.size() + 1);
    if (added) {
      ProtoWriter entry, interned;
      entry.varint(pf::event_name::kIid, it->second);
      entry.bytes(pf::event_name::kName, name);
      interned.message(pf::interned_data::kEventNames, entry);
      packet_.message(pf::packet::kInternedData, interned);
    }
    return it->second;
  }

  void begin_slice(const TraceProcess& process, const TraceSlice& s, uint64_t uuid,
                   Sequence& sequence) {
    start_packet(s.start, sequence);
    event_.clear();
    event_.varint(pf::track_event::kType, pf::track_event::kSliceBegin);
    event_.varint(pf::track_event::kTrackUuid, uuid);
    event_.varint(pf::track_event::kNameIid, intern_name(s.name, sequence));
    if (s.flow_out) event_.fixed64(pf::track_event::kFlowIds, s.flow_out);
    if (s.flow_in) event_.fixed64(pf::track_event::kTerminatingFlowIds, s.flow_in);
    for (const SliceDetail& d : slice_details(process, s)) {
      scratch_.clear();
      scratch_.bytes(pf::debug_annotation::kName, d.key);
      scratch_.bytes(pf::debug_annotation::kStringValue, d.value);
      event_.message(pf::track_event::kDebugAnnotations, scratch_);
    }
    if (s.kind == SliceKind::kSync) callstack(*process.profile, s);
    packet_.message(pf::packet::kTrackEvent, event_);
    emit_packet();
  }

  // The Python stack of a sync wait, outermost frame first as Perfetto expects.
  void callstack(const Profile& p, const TraceSlice& s) {
    std::vector<Frame> frames = python_frames(p, p.syncs[s.index].correlation_id);
    if (frames.empty()) return;
    ProtoWriter stack, frame;
    for (auto it = frames.rbegin(); it != frames.rend(); ++it) {
      frame.clear();
      frame.bytes(pf::callstack_frame::kFunctionName, p.strings[it->function]);
      frame.bytes(pf::callstack_frame::kSourceFile, p.strings[it->file]);
      frame.varint(pf::callstack_frame::kLineNumber, it->line);
      stack.message(pf::callstack::kFrames, frame);
    }
    event_.message(pf::track_event::kCallstack, stack);
  }

  void end_slice(const TraceSlice& s, uint64_t uuid, Sequence& sequence) {
    start_packet(s.end, sequence);
    event_.clear();
    event_.varint(pf::track_event::kType, pf::track_event::kSliceEnd);
    event_.varint(pf::track_event::kTrackUuid, uuid);
    packet_.message(pf::packet::kTrackEvent, event_);
    emit_packet();
  }

  std::ostream& out_;
  Progress* progress_;
  uint64_t total_;
  uint64_t done_ = 0;
  uint64_t next_uuid_ = 1;
  uint32_t next_sequence_ = kDescriptorSequence + 1;
  TimeNs origin_ = 0;
  ProtoWriter buffer_, packet_, event_, scratch_;
};

class PerfettoReporter final : public Reporter {
 public:
  Result<void> write(const Analysis& analysis, const ReportOptions& options,
                     std::ostream& out) override {
    TraceModel model = build_trace_model(analysis);
    TraceEncoder encoder(out, options.progress, model.slice_count);
    for (const TraceProcess& process : model.processes)
      encoder.process(process);
    encoder.flush();
    if (!out) return make_error("{}: could not write the Perfetto trace", options.input_path);
    return {};
  }
};

}  // namespace

std::unique_ptr<Reporter> make_perfetto_reporter() {
  return std::make_unique<PerfettoReporter>();
}

}  // namespace perfadvise
