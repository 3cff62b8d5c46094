// Turns CUPTI activity records into profile rows. Runs on the writer thread only: it owns the
// caches (kernel names by CUPTI's name pointer, API names by cbid, open NVTX ranges by id) and
// writes into the ProfileWriter it was given.
#pragma once

#include <cupti.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>

#include "profile/writer.h"

namespace perfadvise::collector {

/// An NVTX range's name as stored: PyTorch op ranges lose their per-call numbers
/// ("aten::mm, seq = 812, op_id = 9312, sizes = [...]" -> "aten::mm, sizes = [...]").
std::string range_name(std::string_view message);

class RecordDecoder {
 public:
  explicit RecordDecoder(ProfileWriter& writer) : writer_(writer) {}

  /// Decodes every record in a completed CUPTI buffer.
  void decode_buffer(uint8_t* buffer, size_t valid_bytes);
  /// Decodes one record. Unknown kinds are counted and skipped.
  void decode(const CUpti_Activity& record);

  /// A driver call made inside a runtime call: rows naming `from` are stored under `to`, so
  /// every row of one user call joins the runtime API row and its call site.
  void add_correlation_alias(uint32_t from, uint32_t to) { aliases_[from] = to; }

  uint64_t records_seen() const { return records_seen_; }
  uint64_t zero_timestamp_records() const { return zero_timestamp_records_; }
  uint64_t unknown_records() const { return unknown_records_; }
  /// NVTX ranges still open (started, not ended) at this point.
  size_t open_ranges() const { return open_ranges_.size(); }

 private:
  void decode_kernel(const CUpti_ActivityKernel10& k);
  void decode_memcpy(const CUpti_ActivityMemcpy6& m);
  void decode_peer_memcpy(const CUpti_ActivityMemcpyPtoP4& m);
  void decode_memset(const CUpti_ActivityMemset4& m);
  void decode_sync(const CUpti_ActivitySynchronization2& s);
  void decode_api(const CUpti_ActivityAPI& a);
  void decode_marker(const CUpti_ActivityMarker2& m);
  void decode_overhead(const CUpti_ActivityOverhead3& o);
  void decode_device(const CUpti_ActivityDevice5& d);
  bool has_timestamps(uint64_t start, uint64_t end);
  uint32_t resolve(uint32_t correlation_id) const;
  StringId kernel_name(const char* mangled);
  StringId api_name(CUpti_CallbackDomain domain, uint32_t cbid);

  struct OpenRange {
    TimeNs start = 0;
    StringId name = 0;
    StringId domain = 0;
    uint32_t thread_id = 0;
  };

  ProfileWriter& writer_;
  std::unordered_map<const char*, StringId> kernel_names_;
  std::unordered_map<uint64_t, StringId> api_names_;  // (domain << 32 | cbid)
  std::unordered_map<uint32_t, uint32_t> context_devices_;
  std::unordered_map<uint32_t, uint32_t> aliases_;
  std::unordered_map<uint32_t, OpenRange> open_ranges_;
  uint64_t records_seen_ = 0;
  uint64_t zero_timestamp_records_ = 0;
  uint64_t unknown_records_ = 0;
};

}  // namespace perfadvise::collector
