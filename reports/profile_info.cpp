#include "reports/profile_info.h"

#include <fmt/format.h>

namespace perfadvise {
namespace {

nlohmann::json event_counts(const Profile& p) {
  return {{"kernels", p.kernels.size()},        {"memcpys", p.memcpys.size()},
          {"memsets", p.memsets.size()},        {"syncs", p.syncs.size()},
          {"api_calls", p.api_calls.size()},    {"nvtx", p.nvtx.size()},
          {"call_sites", p.call_sites.size()},  {"gemms", p.gemms.size()},
          {"overheads", p.overheads.size()},    {"gpu_streams", p.gpu_tracks.size()},
          {"host_threads", p.cpu_tracks.size()}};
}

nlohmann::json devices(const Profile& p) {
  nlohmann::json list = nlohmann::json::array();
  for (const Device& d : p.devices) {
    list.push_back({{"id", d.id},
                    {"name", d.name},
                    {"sm_count", d.sm_count},
                    {"memory_bytes", d.memory_bytes},
                    {"compute_capability", fmt::format("{}.{}", d.compute_major, d.compute_minor)},
                    {"peak_bandwidth_bytes_per_s", d.peak_bandwidth_bytes_per_s},
                    {"peak_bf16_flops", d.peak_bf16_flops},
                    {"peak_fp32_flops", d.peak_fp32_flops}});
  }
  return list;
}

}  // namespace

nlohmann::json provenance_json(const Provenance& v) {
  return {{"schema_version", v.schema_version},
          {"tool_version", v.tool_version},
          {"cupti_version", v.cupti_version},
          {"driver_version", v.driver_version},
          {"hostname", v.hostname},
          {"command", v.command},
          {"pid", v.pid},
          {"rank", v.rank},
          {"complete", v.complete}};
}

nlohmann::json profile_info_json(const Profile& p) {
  auto [first, last] = p.time_span();
  nlohmann::json provenance = provenance_json(p.provenance);
  provenance["extra"] = p.provenance.extra;
  return {{"file", p.path},
          {"provenance", provenance},
          {"devices", devices(p)},
          {"events", event_counts(p)},
          {"collector",
           {{"dropped_records", p.stats.dropped_records},
            {"zero_timestamp_records", p.stats.zero_timestamp_records},
            {"records_written", p.stats.records_written}}},
          {"time_span_ns", {{"first", first}, {"last", last}, {"duration", last - first}}}};
}

std::string profile_info_text(const Profile& p) {
  const Provenance& v = p.provenance;
  auto [first, last] = p.time_span();
  std::string out = fmt::format("{}\n", p.path);
  out += fmt::format("  command    {}\n", v.command.empty() ? "(unknown)" : v.command);
  out += fmt::format("  process    pid {}{} on {}\n", v.pid,
                     v.rank >= 0 ? fmt::format(", rank {}", v.rank) : "", v.hostname);
  out += fmt::format("  recorded   perfadvise {}, schema v{}, CUPTI {}, driver {}\n",
                     v.tool_version, v.schema_version, v.cupti_version, v.driver_version);
  if (!v.complete) out += "  warning    the collector did not close this file (killed?)\n";
  for (const Device& d : p.devices) {
    out += fmt::format("  GPU {}      {}, {} SMs, {:.1f} GiB, {:.0f} GB/s, {:.0f} TFLOP/s bf16\n",
                       d.id, d.name, d.sm_count, d.memory_bytes / double(1ull << 30),
                       d.peak_bandwidth_bytes_per_s / 1e9, d.peak_bf16_flops / 1e12);
  }
  out += fmt::format("  time span  {:.3f} s\n", (last - first) / 1e9);
  out += fmt::format(
      "  events     {} kernels, {} memcpy, {} memset, {} syncs, {} API calls, {} NVTX, "
      "{} call sites, {} GEMM calls\n",
      p.kernels.size(), p.memcpys.size(), p.memsets.size(), p.syncs.size(), p.api_calls.size(),
      p.nvtx.size(), p.call_sites.size(), p.gemms.size());
  out += fmt::format("  tracks     {} GPU streams, {} host threads\n", p.gpu_tracks.size(),
                     p.cpu_tracks.size());
  out += fmt::format("  collector  {} dropped records, {} records without timestamps\n",
                     p.stats.dropped_records, p.stats.zero_timestamp_records);
  return out;
}

}  // namespace perfadvise
