#include "profile/launch_context.h"

#include <algorithm>
#include <cctype>
#include <unordered_map>

#include "profile/profile.h"

namespace perfadvise {
namespace {

constexpr uint32_t kNone = CorrelationIndex::kNone;

/// Intervals of one thread sorted by start, each with its enclosing interval, so that the
/// innermost one containing a time is found by a binary search and a walk up the parents.
struct NestedIntervals {
  std::vector<uint32_t> rows;    // indexes into the profile table, by start
  std::vector<uint32_t> parent;  // position in `rows` of the enclosing interval, or kNone

  template <typename Table>
  void finish(const Table& table) {
    std::stable_sort(rows.begin(), rows.end(), [&](uint32_t a, uint32_t b) {
      return table[a].start != table[b].start ? table[a].start < table[b].start
                                              : table[a].end > table[b].end;
    });
    parent.assign(rows.size(), kNone);
    std::vector<uint32_t> open;
    for (uint32_t i = 0; i < rows.size(); ++i) {
      while (!open.empty() && table[rows[open.back()]].end <= table[rows[i]].start)
        open.pop_back();
      if (!open.empty()) parent[i] = open.back();
      open.push_back(i);
    }
  }

  /// The innermost interval containing [start, end], or kNone.
  template <typename Table>
  uint32_t innermost(const Table& table, TimeNs start, TimeNs end) const {
    auto after = std::upper_bound(rows.begin(), rows.end(), start,
                                  [&](TimeNs t, uint32_t row) { return t < table[row].start; });
    if (after == rows.begin()) return kNone;
    // Any interval that contains `start` and began before the last one that began by then
    // encloses that one: it is among its ancestors.
    for (uint32_t i = uint32_t(after - rows.begin() - 1); i != kNone; i = parent[i]) {
      if (table[rows[i]].end >= end) return rows[i];
    }
    return kNone;
  }
};

/// The API call that launched kernel `k`, or nullptr.
const ApiCall* launch_call(const Profile& p, const Kernel& k) {
  const uint32_t api = p.api_by_correlation.find(k.correlation_id);
  return api == kNone ? nullptr : &p.api_calls[api];
}

void link_gemms(Profile& p) {
  p.kernel_gemm.clear();
  if (p.gemms.empty()) return;
  p.kernel_gemm.assign(p.kernels.size(), kNone);
  std::unordered_map<uint32_t, NestedIntervals> by_thread;
  for (uint32_t g = 0; g < p.gemms.size(); ++g) {
    const GemmCall& call = p.gemms[g];
    if (call.thread_id != 0 && call.end > call.start) {
      by_thread[call.thread_id].rows.push_back(g);
    } else if (call.correlation_id != 0) {  // recorded with its launch's correlation id
      auto [first, last] = p.kernel_by_correlation.equal_range(call.correlation_id);
      for (auto it = first; it != last; ++it)
        p.kernel_gemm[it->second] = g;
    }
  }
  for (auto& [thread, intervals] : by_thread)
    intervals.finish(p.gemms);
  for (uint32_t k = 0; k < p.kernels.size(); ++k) {
    const ApiCall* api = launch_call(p, p.kernels[k]);
    if (api == nullptr) continue;
    auto thread = by_thread.find(api->thread_id);
    if (thread == by_thread.end()) continue;
    const uint32_t g = thread->second.innermost(p.gemms, api->start, api->end);
    if (g == kNone) continue;
    p.kernel_gemm[k] = g;
    // Kernels are in time order: the first one seen is the call's first kernel.
    if (p.gemms[g].correlation_id == 0) p.gemms[g].correlation_id = p.kernels[k].correlation_id;
  }
}

void link_ops(Profile& p) {
  p.kernel_op.clear();
  std::unordered_map<uint32_t, NestedIntervals> by_thread;
  std::unordered_map<StringId, bool> is_op;  // NVTX names repeat: classify each name once
  for (uint32_t i = 0; i < p.nvtx.size(); ++i) {
    const NvtxEvent& n = p.nvtx[i];
    if (n.kind != NvtxKind::kRange) continue;
    auto [it, inserted] = is_op.try_emplace(n.name, false);
    if (inserted) it->second = !torch_op_name(p.strings[n.name]).empty();
    if (it->second) by_thread[n.thread_id].rows.push_back(i);
  }
  if (by_thread.empty()) return;
  for (auto& [thread, intervals] : by_thread)
    intervals.finish(p.nvtx);
  p.kernel_op.assign(p.kernels.size(), kNone);
  for (uint32_t k = 0; k < p.kernels.size(); ++k) {
    const ApiCall* api = launch_call(p, p.kernels[k]);
    if (api == nullptr) continue;
    auto thread = by_thread.find(api->thread_id);
    if (thread != by_thread.end()) {
      p.kernel_op[k] = thread->second.innermost(p.nvtx, api->start, api->start);
    }
  }
}

}  // namespace

std::string_view torch_op_name(std::string_view message) {
  const std::string_view name = message.substr(0, message.find(", "));
  const size_t scope = name.find("::");
  if (scope == std::string_view::npos || scope == 0) return {};
  // A qualified name starts with an identifier: "aten::mm", not "step 3 :: warmup".
  for (size_t i = 0; i < scope; ++i) {
    const char c = name[i];
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.')) return {};
  }
  return name;
}

std::string_view torch_op_sizes(std::string_view message) {
  const size_t at = message.find(", sizes = ");
  if (at == std::string_view::npos) return {};
  std::string_view sizes = message.substr(at + 10);
  return sizes.substr(0, sizes.find(", input_op_ids = "));
}

void link_launch_context(Profile& p) {
  link_gemms(p);
  link_ops(p);
}

}  // namespace perfadvise
