// Details of one trace slice (grid, bytes, Python stack, finding text) for the viewers.
#include <fmt/format.h>

#include "reports/common.h"
#include "reports/trace_model.h"

namespace perfadvise {
namespace {

std::string stack_text(const Profile& p, uint32_t correlation_id) {
  std::string out;
  for (const Frame& f : python_frames(p, correlation_id)) {
    out += fmt::format("{}{}:{} {}", out.empty() ? "" : "\n", p.strings[f.file], f.line,
                       p.strings[f.function]);
  }
  return out;
}

void api_details(const Profile& p, const ApiCall& c, std::vector<SliceDetail>& out) {
  out.push_back({"correlation_id", std::to_string(c.correlation_id)});
  if (c.return_value != 0) out.push_back({"return_value", std::to_string(c.return_value)});
  uint32_t site = p.call_site_by_correlation.find(c.correlation_id);
  if (site != CorrelationIndex::kNone && p.call_sites[site].op != 0) {
    out.push_back({"op", p.strings[p.call_sites[site].op]});
  }
  std::string stack = stack_text(p, c.correlation_id);
  if (!stack.empty()) out.push_back({"python_stack", std::move(stack)});
}

void kernel_details(const Kernel& k, std::vector<SliceDetail>& out) {
  out.push_back({"grid", fmt::format("{}x{}x{}", k.grid_x, k.grid_y, k.grid_z)});
  out.push_back({"block", fmt::format("{}x{}x{}", k.block_x, k.block_y, k.block_z)});
  out.push_back({"registers_per_thread", std::to_string(k.registers_per_thread)});
  out.push_back({"shared_bytes", std::to_string(k.static_shared_bytes + k.dynamic_shared_bytes)});
  out.push_back({"correlation_id", std::to_string(k.correlation_id)});
}

void finding_details(const Finding& f, std::vector<SliceDetail>& out) {
  out.push_back({"rule", f.rule_id});
  out.push_back({"estimated_saving", format_ms(f.estimated_saving_ms_per_step) + "/step"});
  out.push_back({"fix", f.fix});
  for (const Location& l : f.locations)
    out.push_back({"location", location_label(l) + " " + l.op});
}

}  // namespace

std::vector<SliceDetail> slice_details(const TraceProcess& process, const TraceSlice& s) {
  const Profile& p = *process.profile;
  std::vector<SliceDetail> out;
  switch (s.kind) {
    case SliceKind::kApi:
      api_details(p, p.api_calls[s.index], out);
      break;
    case SliceKind::kSync: {
      const Sync& sync = p.syncs[s.index];
      out.push_back({"sync_type", std::string(sync_type_name(sync.type))});
      if (sync.stream) out.push_back({"stream", std::to_string(sync.stream)});
      std::string stack = stack_text(p, sync.correlation_id);
      if (!stack.empty()) out.push_back({"python_stack", std::move(stack)});
      break;
    }
    case SliceKind::kKernel:
      kernel_details(p.kernels[s.index], out);
      break;
    case SliceKind::kMemcpy: {
      const Memcpy& m = p.memcpys[s.index];
      out.push_back({"bytes", std::to_string(m.bytes)});
      out.push_back({"correlation_id", std::to_string(m.correlation_id)});
      break;
    }
    case SliceKind::kMemset:
      out.push_back({"bytes", std::to_string(p.memsets[s.index].bytes)});
      break;
    case SliceKind::kNvtx:
      break;
    case SliceKind::kFinding:
      if (process.analysis && s.index < process.analysis->findings.size()) {
        finding_details(process.analysis->findings[s.index], out);
      }
      break;
  }
  return out;
}

}  // namespace perfadvise
