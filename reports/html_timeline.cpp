#include "reports/html_timeline.h"

#include <algorithm>
#include <limits>
#include <map>
#include <set>
#include <tuple>
#include <unordered_map>

#include <fmt/format.h>

#include "reports/common.h"
#include "reports/trace_model.h"

namespace perfadvise {
namespace {

using nlohmann::json;

// Kinds as the page's script knows them (report.js KIND_*).
int kind_code(SliceKind kind) {
  switch (kind) {
    case SliceKind::kApi:
      return 0;
    case SliceKind::kSync:
      return 1;
    case SliceKind::kNvtx:
      return 2;
    case SliceKind::kKernel:
      return 3;
    case SliceKind::kMemcpy:
      return 4;
    case SliceKind::kMemset:
      return 5;
    case SliceKind::kFinding:
      return 6;
  }
  return 0;
}

std::optional<EventRef::Table> table_of(SliceKind kind) {
  switch (kind) {
    case SliceKind::kApi:
      return EventRef::Table::kApiCall;
    case SliceKind::kSync:
      return EventRef::Table::kSync;
    case SliceKind::kNvtx:
      return EventRef::Table::kNvtx;
    case SliceKind::kKernel:
      return EventRef::Table::kKernel;
    case SliceKind::kMemcpy:
      return EventRef::Table::kMemcpy;
    case SliceKind::kMemset:
      return EventRef::Table::kMemset;
    case SliceKind::kFinding:
      return std::nullopt;
  }
  return std::nullopt;
}

using EventKey = std::tuple<uint32_t, EventRef::Table, uint32_t>;  // process, table, row

struct FlatTrack {
  const TraceProcess* process = nullptr;
  uint32_t process_index = 0;
  std::string name;
  bool gpu = false;
  std::vector<TraceSlice> slices;
};

class TimelineBuilder {
 public:
  TimelineBuilder(const Analysis& analysis, size_t max_events)
      : analysis_(analysis), model_(build_trace_model(analysis)), max_events_(max_events) {}

  json build() {
    flatten();
    evidence_keys();
    choose_window();
    json tracks = json::array();
    for (size_t t = 0; t < flat_.size(); ++t)
      tracks.push_back(track_json(t));
    json out = {{"tracks", tracks},       {"strings", strings_},
                {"details", details_},    {"t0", 0},
                {"t1", t_end_ - t_zero_}, {"total_events", total_},
                {"shown_events", shown_}, {"evidence", evidence_json()}};
    out["note"] = shown_ < total_ ? note_ : "";
    out["steps"] = steps_json();
    return out;
  }

 private:
  TimeNs absolute(const TraceProcess& p, TimeNs t) const {
    return p.profile->provenance.time_origin_ns + t;
  }

  void flatten() {
    t_zero_ = std::numeric_limits<TimeNs>::max();
    t_end_ = std::numeric_limits<TimeNs>::min();
    for (uint32_t pi = 0; pi < model_.processes.size(); ++pi) {
      const TraceProcess& p = model_.processes[pi];
      std::string prefix = model_.processes.size() > 1 ? process_label(*p.profile) + " " : "";
      for (const TraceTrack& track : p.tracks) {
        FlatTrack flat{&p, pi, prefix + track.name, track.gpu, {}};
        for (const auto& lane : track.lanes) {
          flat.slices.insert(flat.slices.end(), lane.begin(), lane.end());
        }
        for (const TraceSlice& s : flat.slices) {
          t_zero_ = std::min(t_zero_, absolute(p, s.start));
          t_end_ = std::max(t_end_, absolute(p, s.end));
        }
        total_ += flat.slices.size();
        flat_.push_back(std::move(flat));
      }
    }
    if (flat_.empty() || total_ == 0) t_zero_ = t_end_ = 0;
  }

  void evidence_keys() {
    for (const Finding& f : analysis_.ranked_findings()) {
      for (const EventRef& e : f.evidence_events)
        wanted_.insert({f.process, e.table, e.index});
    }
  }

  // Keeps every event when they fit; otherwise those starting in a window that begins at the
  // first measured step and holds `max_events_` events.
  void choose_window() {
    window_start_ = std::numeric_limits<TimeNs>::min();
    window_end_ = std::numeric_limits<TimeNs>::max();
    if (total_ <= max_events_) return;
    std::vector<TimeNs> starts;
    starts.reserve(total_);
    for (const FlatTrack& t : flat_) {
      for (const TraceSlice& s : t.slices)
        starts.push_back(absolute(*t.process, s.start));
    }
    std::sort(starts.begin(), starts.end());
    TimeNs from = starts.front();
    const ProcessAnalysis& first = analysis_.processes.front();
    if (!first.steps.steps.empty() && first.profile) {
      from = first.profile->provenance.time_origin_ns + first.steps.steps.front().start;
    }
    size_t begin = std::lower_bound(starts.begin(), starts.end(), from) - starts.begin();
    begin = std::min(begin, starts.size() - max_events_);
    window_start_ = starts[begin];
    window_end_ = starts[begin + max_events_ - 1];
    note_ = fmt::format(
        "The timeline shows {} of {} events: those starting between {} and {} (from the first "
        "measured step), plus every finding's evidence. The Perfetto export "
        "(perfadvise export --perfetto) has them all.",
        max_events_, total_, format_ms((window_start_ - t_zero_) / 1e6),
        format_ms((window_end_ - t_zero_) / 1e6));
  }

  bool keep(const FlatTrack& t, const TraceSlice& s) const {
    TimeNs start = absolute(*t.process, s.start);
    if (start >= window_start_ && start <= window_end_) return true;
    auto table = table_of(s.kind);
    return table && wanted_.count({t.process_index, *table, s.index});
  }

  int string_id(std::string_view name) {
    auto [it, added] = string_ids_.emplace(name, static_cast<int>(strings_.size()));
    if (added) strings_.push_back(std::string(name));
    return it->second;
  }

  json track_json(size_t t) {
    FlatTrack& track = flat_[t];
    std::vector<TraceSlice> kept;
    for (const TraceSlice& s : track.slices) {
      if (keep(track, s)) kept.push_back(s);
    }
    std::sort(kept.begin(), kept.end(), [](const TraceSlice& a, const TraceSlice& b) {
      return a.start != b.start ? a.start < b.start : a.end > b.end;
    });
    std::vector<TimeNs> row_ends;  // rows hold disjoint events; nested ones go one row down
    json s = json::array(), d = json::array(), n = json::array(), k = json::array(),
         r = json::array();
    for (uint32_t i = 0; i < kept.size(); ++i) {
      const TraceSlice& e = kept[i];
      size_t row = 0;
      while (row < row_ends.size() && row_ends[row] > e.start)
        ++row;
      if (row == row_ends.size()) row_ends.push_back(e.end);
      row_ends[row] = e.end;
      s.push_back(absolute(*track.process, e.start) - t_zero_);
      d.push_back(e.end - e.start);
      n.push_back(string_id(e.name));
      k.push_back(kind_code(e.kind));
      r.push_back(row);
      record(t, i, track, e);
    }
    shown_ += kept.size();
    return {{"name", track.name},
            {"gpu", track.gpu},
            {"rows", std::max<size_t>(1, row_ends.size())},
            {"s", s},
            {"d", d},
            {"n", n},
            {"k", k},
            {"r", r}};
  }

  // Remembers where evidence events landed, and the details worth a click.
  void record(size_t t, uint32_t i, const FlatTrack& track, const TraceSlice& e) {
    if (auto table = table_of(e.kind)) placed_[{track.process_index, *table, e.index}] = {t, i};
    bool api_with_stack =
        e.kind == SliceKind::kApi &&
        track.process->profile->call_site_by_correlation.find(
            track.process->profile->api_calls[e.index].correlation_id) != CorrelationIndex::kNone;
    if (e.kind == SliceKind::kKernel || e.kind == SliceKind::kNvtx ||
        e.kind == SliceKind::kMemset || (e.kind == SliceKind::kApi && !api_with_stack)) {
      return;
    }
    json rows = json::array();
    for (const SliceDetail& detail : slice_details(*track.process, e)) {
      rows.push_back({detail.key, detail.value});
    }
    details_[fmt::format("{}:{}", t, i)] = rows;
  }

  // Measured steps of every process, in the timeline's time base: [start, end, name].
  json steps_json() const {
    json out = json::array();
    for (const ProcessAnalysis& p : analysis_.processes) {
      if (!p.profile) continue;
      for (const Step& step : p.steps.steps) {
        TimeNs origin = p.profile->provenance.time_origin_ns;
        out.push_back({origin + step.start - t_zero_, origin + step.end - t_zero_, step.name});
      }
    }
    return out;
  }

  json evidence_json() {
    json out = json::array();
    for (const Finding& f : analysis_.ranked_findings()) {
      json events = json::array();
      for (const EventRef& e : f.evidence_events) {
        auto it = placed_.find({f.process, e.table, e.index});
        if (it != placed_.end()) events.push_back({it->second.first, it->second.second});
      }
      out.push_back(events);
    }
    return out;
  }

  const Analysis& analysis_;
  TraceModel model_;
  size_t max_events_;
  std::vector<FlatTrack> flat_;
  std::set<EventKey> wanted_;
  std::map<EventKey, std::pair<size_t, uint32_t>> placed_;
  std::unordered_map<std::string_view, int> string_ids_;
  json strings_ = json::array();
  json details_ = json::object();
  std::string note_;
  TimeNs t_zero_ = 0, t_end_ = 0, window_start_ = 0, window_end_ = 0;
  size_t total_ = 0, shown_ = 0;
};

}  // namespace

json timeline_json(const Analysis& analysis, size_t max_events) {
  return TimelineBuilder(analysis, max_events).build();
}

}  // namespace perfadvise
