// --format chrome: the Chrome trace-event JSON format, for viewers that predate Perfetto's
// protobuf format (chrome://tracing, speedscope). Complete ("X") events on one pseudo thread
// per track lane, flow ("s"/"f") events from each launch to its GPU work.
#include <algorithm>
#include <limits>

#include <fmt/format.h>

#include "reports/reporters.h"
#include "reports/trace_model.h"

namespace perfadvise {
namespace {

void append_json_string(std::string& out, std::string_view text) {
  out += '"';
  for (char c : text) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\r':
        out += "\\r";
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          out += fmt::format("\\u{:04x}", static_cast<unsigned>(c));
        } else {
          out += c;
        }
    }
  }
  out += '"';
}

class ChromeWriter {
 public:
  ChromeWriter(std::ostream& out, TimeNs time_zero) : out_(out), zero_(time_zero) {}

  void process(const TraceProcess& process) {
    origin_ = process.profile->provenance.time_origin_ns;
    metadata(process.pid, 0, "process_name", process.name);
    for (const TraceTrack& track : process.tracks) {
      for (size_t lane = 0; lane < track.lanes.size(); ++lane) {
        uint32_t tid = lane == 0 && track.thread_id ? track.thread_id : next_pseudo_tid_++;
        std::string name = lane ? fmt::format("{} (overlap {})", track.name, lane) : track.name;
        metadata(process.pid, tid, "thread_name", name);
        for (const TraceSlice& s : track.lanes[lane])
          slice(process, tid, s);
      }
    }
  }

  void finish() {
    buffer_ += "\n],\"displayTimeUnit\":\"ns\"}\n";
    flush();
  }

 private:
  std::string micros(TimeNs t) const { return fmt::format("{:.3f}", (origin_ + t - zero_) / 1e3); }

  void begin_event() {
    buffer_ += first_ ? "{\"traceEvents\":[\n{" : ",\n{";
    first_ = false;
  }

  void metadata(uint32_t pid, uint32_t tid, std::string_view kind, std::string_view name) {
    begin_event();
    buffer_ += fmt::format(
        "\"ph\":\"M\",\"pid\":{},\"tid\":{},\"name\":\"{}\",\"args\":{{\"name\":", pid, tid, kind);
    append_json_string(buffer_, name);
    buffer_ += "}}";
  }

  void slice(const TraceProcess& process, uint32_t tid, const TraceSlice& s) {
    begin_event();
    buffer_ += fmt::format("\"ph\":\"X\",\"pid\":{},\"tid\":{},\"ts\":{},\"dur\":{:.3f},\"name\":",
                           process.pid, tid, micros(s.start), (s.end - s.start) / 1e3);
    append_json_string(buffer_, s.name);
    buffer_ += ",\"args\":{";
    bool first = true;
    for (const SliceDetail& d : slice_details(process, s)) {
      buffer_ += first ? "" : ",";
      first = false;
      append_json_string(buffer_, d.key);
      buffer_ += ':';
      append_json_string(buffer_, d.value);
    }
    buffer_ += '}';
    buffer_ += '}';
    if (s.flow_out) flow('s', process.pid, tid, s.start, s.flow_out);
    if (s.flow_in) flow('f', process.pid, tid, s.start, s.flow_in);
    if (buffer_.size() > (1 << 20)) flush();
  }

  void flow(char phase, uint32_t pid, uint32_t tid, TimeNs t, uint64_t id) {
    begin_event();
    buffer_ += fmt::format(
        "\"ph\":\"{}\",\"pid\":{},\"tid\":{},\"ts\":{},\"id\":{},\"cat\":\"launch\","
        "\"name\":\"launch\"{}}}",
        phase, pid, tid, micros(t), id, phase == 'f' ? ",\"bp\":\"e\"" : "");
  }

  void flush() {
    out_.write(buffer_.data(), static_cast<std::streamsize>(buffer_.size()));
    buffer_.clear();
  }

  std::ostream& out_;
  TimeNs zero_;
  TimeNs origin_ = 0;
  bool first_ = true;
  uint32_t next_pseudo_tid_ = 1u << 30;  // above any OS thread id
  std::string buffer_;
};

class ChromeReporter final : public Reporter {
 public:
  Result<void> write(const Analysis& analysis, const ReportOptions& options,
                     std::ostream& out) override {
    TraceModel model = build_trace_model(analysis);
    TimeNs zero = std::numeric_limits<TimeNs>::max();
    for (const TraceProcess& p : model.processes) {
      zero = std::min(zero, p.profile->provenance.time_origin_ns + p.profile->time_span().first);
    }
    ChromeWriter writer(out, model.processes.empty() ? 0 : zero);
    for (const TraceProcess& process : model.processes)
      writer.process(process);
    if (model.processes.empty()) out << "{\"traceEvents\":[\n";
    writer.finish();
    if (!out) return make_error("{}: could not write the Chrome trace", options.input_path);
    return {};
  }
};

}  // namespace

std::unique_ptr<Reporter> make_chrome_reporter() {
  return std::make_unique<ChromeReporter>();
}

}  // namespace perfadvise
