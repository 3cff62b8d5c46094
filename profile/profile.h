// A loaded profile: every event table of one process, sorted by start time, plus the indexes
// the analyzer and reporters need (correlation lookups, per-stream and per-thread tracks).
#pragma once

#include <algorithm>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "profile/model.h"

namespace perfadvise {

/// Id -> string. Index 0 is always the empty string.
class StringTable {
 public:
  StringTable() : strings_(1) {}
  const std::string& operator[](StringId id) const {
    return id < strings_.size() ? strings_[id] : strings_[0];
  }
  size_t size() const { return strings_.size(); }
  /// Places `value` at `id`, growing the table; used by the loader.
  void set(StringId id, std::string value);
  /// Appends a string (no deduplication); used by synthetic builders and tests.
  StringId add(std::string value);
  /// Linear search; for tests and one-off lookups, not hot paths.
  StringId find(std::string_view value) const;

 private:
  std::vector<std::string> strings_;
};

/// correlation id -> row index, built once after loading (sorted pairs, binary search).
class CorrelationIndex {
 public:
  static constexpr uint32_t kNone = UINT32_MAX;
  /// Indexes every row with a correlation id, except those in `excluded` (sorted).
  template <typename Row>
  void build(const std::vector<Row>& rows, const std::vector<uint32_t>& excluded = {}) {
    pairs_.clear();
    pairs_.reserve(rows.size());
    for (uint32_t i = 0; i < rows.size(); ++i) {
      const uint32_t id = rows[i].correlation_id;
      if (id != 0 && !std::binary_search(excluded.begin(), excluded.end(), id)) {
        pairs_.emplace_back(id, i);
      }
    }
    std::sort(pairs_.begin(), pairs_.end());
  }
  /// First row with this correlation id, or kNone.
  uint32_t find(uint32_t correlation_id) const;
  /// All rows with this correlation id (a graph launch or a cuBLAS call can launch several).
  std::pair<const std::pair<uint32_t, uint32_t>*, const std::pair<uint32_t, uint32_t>*> equal_range(
      uint32_t correlation_id) const;
  /// The ids that more than one row carries, sorted.
  std::vector<uint32_t> repeated_ids() const;

 private:
  std::vector<std::pair<uint32_t, uint32_t>> pairs_;
};

/// One GPU stream's work, in time order. Indexes point into the Profile's tables.
struct GpuTrack {
  uint32_t device = 0;
  uint32_t stream = 0;
  std::vector<uint32_t> kernels;
  std::vector<uint32_t> memcpys;
  std::vector<uint32_t> memsets;
};

/// One host thread's API calls and NVTX events, in time order.
struct CpuTrack {
  uint32_t thread_id = 0;
  std::vector<uint32_t> api_calls;
  std::vector<uint32_t> nvtx;
};

struct Profile {
  std::string path;  // the file it was loaded from ("" for synthetic profiles)
  Provenance provenance;
  CollectorStats stats;
  std::vector<Device> devices;
  StringTable strings;

  // Event tables, each sorted by start time.
  std::vector<Kernel> kernels;
  std::vector<Memcpy> memcpys;
  std::vector<Memset> memsets;
  std::vector<Sync> syncs;
  std::vector<ApiCall> api_calls;
  std::vector<NvtxEvent> nvtx;
  std::vector<Overhead> overheads;
  std::vector<CallSite> call_sites;
  std::vector<GemmCall> gemms;
  std::vector<Frame> frames;           // 1-based ids: frames[id - 1]
  std::vector<StackNode> stack_nodes;  // 1-based ids: stack_nodes[id - 1]

  // Derived by build_indexes().
  // Correlation ids that several API calls carry. CUPTI numbers each call once; a repeated id
  // (switching its activity kinds mid-run can cause one: docs/collector.md) links nothing, so
  // the indexes leave it out.
  std::vector<uint32_t> repeated_api_correlations;
  size_t api_calls_with_repeated_correlation = 0;
  CorrelationIndex api_by_correlation;
  CorrelationIndex kernel_by_correlation;
  CorrelationIndex memcpy_by_correlation;
  CorrelationIndex call_site_by_correlation;
  std::vector<GpuTrack> gpu_tracks;  // ordered by (device, stream)
  std::vector<CpuTrack> cpu_tracks;  // ordered by thread id
  // What launched each kernel (profile/launch_context.h); empty when the profile has no GEMM
  // rows / no framework-op NVTX ranges. Use gemm_of() / op_of().
  std::vector<uint32_t> kernel_gemm;  // kernel index -> index into gemms, or kNone
  std::vector<uint32_t> kernel_op;    // kernel index -> innermost op range in nvtx, or kNone

  /// Sorts every table by time and (re)builds the derived indexes. Call after filling tables.
  void build_indexes();

  /// The cuBLAS call (index into gemms) that launched kernel `k`, or CorrelationIndex::kNone.
  uint32_t gemm_of(uint32_t k) const {
    return k < kernel_gemm.size() ? kernel_gemm[k] : CorrelationIndex::kNone;
  }
  /// The innermost framework-op range (index into nvtx) around kernel `k`'s launch, or kNone.
  uint32_t op_of(uint32_t k) const {
    return k < kernel_op.size() ? kernel_op[k] : CorrelationIndex::kNone;
  }

  /// The frames of a stack, innermost first.
  std::vector<Frame> stack_frames(uint32_t stack_id) const;
  /// First and last timestamp of any event (0, 0 when empty).
  std::pair<TimeNs, TimeNs> time_span() const;
  /// The device table entry for an id, or a default-constructed one.
  const Device& device(uint32_t id) const;
};

}  // namespace perfadvise
