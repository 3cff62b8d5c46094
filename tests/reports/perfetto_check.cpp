#include "tests/reports/perfetto_check.h"

#include <cstdint>
#include <set>
#include <string_view>

#include <fmt/format.h>

namespace perfadvise::testing {
namespace {

struct Field {
  uint32_t number = 0;
  uint32_t wire = 0;
  uint64_t value = 0;
  std::string_view bytes;
};

// Splits one message into fields; returns false on malformed input.
bool parse(std::string_view in, std::vector<Field>& out) {
  size_t i = 0;
  auto varint = [&](uint64_t& v) {
    v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (i >= in.size()) return false;
      auto b = static_cast<uint8_t>(in[i++]);
      v |= uint64_t(b & 0x7F) << shift;
      if (!(b & 0x80)) return true;
    }
    return false;
  };
  while (i < in.size()) {
    uint64_t tag = 0;
    if (!varint(tag)) return false;
    Field f{static_cast<uint32_t>(tag >> 3), static_cast<uint32_t>(tag & 7)};
    if (f.wire == 0) {
      if (!varint(f.value)) return false;
    } else if (f.wire == 1) {
      if (i + 8 > in.size()) return false;
      for (int b = 0; b < 8; ++b)
        f.value |= uint64_t(static_cast<uint8_t>(in[i + b])) << (8 * b);
      i += 8;
    } else if (f.wire == 2) {
      uint64_t len = 0;
      if (!varint(len) || i + len > in.size()) return false;
      f.bytes = in.substr(i, len);
      i += len;
    } else {
      return false;
    }
    out.push_back(f);
  }
  return true;
}

class Checker {
 public:
  PerfettoSummary run(const std::string& bytes) {
    std::vector<Field> packets;
    if (!parse(bytes, packets)) problem("the trace is not a protobuf message");
    for (const Field& p : packets) {
      if (p.number != 1 || p.wire != 2) {
        problem("a top-level field is not TracePacket (1)");
        continue;
      }
      ++s_.packets;
      packet(p.bytes);
    }
    for (const auto& [id, ends] : flows_) {
      if (ends.first != 1 || ends.second != 1) {
        problem(fmt::format("flow {} has {} starts and {} ends", id, ends.first, ends.second));
      }
    }
    for (const auto& [track, depth] : open_) {
      if (depth != 0) problem(fmt::format("track {} has {} unclosed slices", track, depth));
    }
    s_.flows = flows_.size();
    return s_;
  }

 private:
  void problem(std::string text) {
    if (s_.problems.size() < 20) s_.problems.push_back(std::move(text));
  }

  void packet(std::string_view bytes) {
    std::vector<Field> fields;
    if (!parse(bytes, fields)) return problem("a packet does not parse");
    uint64_t ts = 0, seq = 0, flags = 0;
    bool has_ts = false;
    std::string_view event, descriptor, interned;
    for (const Field& f : fields) {
      if (f.number == 8) ts = f.value, has_ts = true;
      if (f.number == 10) seq = f.value;
      if (f.number == 13) flags = f.value;
      if (f.number == 11) event = f.bytes;
      if (f.number == 60) descriptor = f.bytes;
      if (f.number == 12) interned = f.bytes;
    }
    if (flags & 1) names_[seq].clear();
    if (!interned.empty()) intern(seq, interned);
    if (has_ts) {
      if (ts < last_ts_[seq]) problem(fmt::format("sequence {}: timestamp goes back", seq));
      last_ts_[seq] = ts;
    }
    if (!descriptor.empty()) track(descriptor);
    if (!event.empty()) track_event(seq, event);
  }

  void intern(uint64_t seq, std::string_view bytes) {
    std::vector<Field> fields, entry;
    parse(bytes, fields);
    for (const Field& f : fields) {
      if (f.number != 2) continue;
      entry.clear();
      parse(f.bytes, entry);
      uint64_t iid = 0;
      std::string name;
      for (const Field& e : entry) {
        if (e.number == 1) iid = e.value;
        if (e.number == 2) name = std::string(e.bytes);
      }
      names_[seq][iid] = name;
    }
  }

  void track(std::string_view bytes) {
    std::vector<Field> fields;
    parse(bytes, fields);
    uint64_t uuid = 0;
    std::string name;
    for (const Field& f : fields) {
      if (f.number == 1) uuid = f.value;
      if (f.number == 2) name = std::string(f.bytes);
      if (f.number == 4) {  // ThreadDescriptor: its thread_name (5) names the track
        std::vector<Field> thread;
        parse(f.bytes, thread);
        for (const Field& t : thread) {
          if (t.number == 5) name = std::string(t.bytes);
        }
      }
    }
    if (!tracks_.insert(uuid).second) problem(fmt::format("track uuid {} is not unique", uuid));
    ++s_.tracks;
    s_.track_names.push_back(name);
  }

  void track_event(uint64_t seq, std::string_view bytes) {
    std::vector<Field> fields;
    parse(bytes, fields);
    uint64_t type = 0, track = 0, iid = 0;
    for (const Field& f : fields) {
      if (f.number == 9) type = f.value;
      if (f.number == 11) track = f.value;
      if (f.number == 10) iid = f.value;
      if (f.number == 47) ++flows_[f.value].first;
      if (f.number == 48) ++flows_[f.value].second;
      if (f.number == 55) ++s_.callstacks;
    }
    if (!tracks_.count(track)) problem(fmt::format("event on undescribed track {}", track));
    if (type == 1) {
      ++open_[track];
      ++s_.slices;
      auto& names = names_[seq];
      auto it = names.find(iid);
      if (it == names.end()) return problem(fmt::format("name iid {} not interned", iid));
      ++s_.slices_by_name[it->second];
    } else if (type == 2) {
      if (--open_[track] < 0) problem(fmt::format("track {}: end without begin", track));
    }
  }

  PerfettoSummary s_;
  std::set<uint64_t> tracks_;
  std::map<uint64_t, std::pair<int, int>> flows_;
  std::map<uint64_t, int> open_;
  std::map<uint64_t, uint64_t> last_ts_;
  std::map<uint64_t, std::map<uint64_t, std::string>> names_;
};

}  // namespace

PerfettoSummary check_perfetto(const std::string& bytes) {
  return Checker().run(bytes);
}

}  // namespace perfadvise::testing
