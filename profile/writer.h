// Writes one profile file. Used by the collector (on its writer thread, never on an application
// thread) and by tests and generators. Rows are buffered and written in one transaction per
// commit() with prepared statements; indexes are built at close() so inserts stay fast.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "profile/model.h"
#include "profile/result.h"

namespace perfadvise {

class SqliteDb;

class ProfileWriter {
 public:
  /// Creates (truncating) `path`. Timestamps handed to add() are absolute; the writer stores
  /// them relative to `provenance.time_origin_ns`.
  static Result<std::unique_ptr<ProfileWriter>> create(const std::string& path,
                                                       const Provenance& provenance);
  ~ProfileWriter();
  ProfileWriter(const ProfileWriter&) = delete;
  ProfileWriter& operator=(const ProfileWriter&) = delete;

  /// Interns a string; the same text always gets the same id.
  StringId intern(std::string_view text);

  void add(const Kernel& row) { kernels_.push_back(row); }
  void add(const Memcpy& row) { memcpys_.push_back(row); }
  void add(const Memset& row) { memsets_.push_back(row); }
  void add(const Sync& row) { syncs_.push_back(row); }
  void add(const ApiCall& row) { api_calls_.push_back(row); }
  void add(const NvtxEvent& row) { nvtx_.push_back(row); }
  void add(const Overhead& row) { overheads_.push_back(row); }
  void add(const CallSite& row) { call_sites_.push_back(row); }
  void add(const GemmCall& row) { gemms_.push_back(row); }
  void add(const Device& device) { devices_.push_back(device); }

  /// Interns a frame and returns its 1-based id.
  uint32_t intern_frame(const Frame& frame);
  /// Interns a stack given innermost-first frame ids; returns the innermost node id (0 if empty).
  uint32_t intern_stack(const std::vector<uint32_t>& frames_innermost_first);

  /// Collector counters (records_written is kept by the writer itself).
  void set_stats(const CollectorStats& stats) {
    const uint64_t written = stats_.records_written;
    stats_ = stats;
    stats_.records_written = written;
  }
  void set_meta(std::string key, std::string value);

  /// Writes everything buffered so far in one transaction. After a crash, what was committed
  /// is readable.
  Result<void> commit();
  /// Commits, marks the profile complete, builds indexes and checkpoints the WAL.
  Result<void> close();

  /// Rows buffered since the last commit (the collector uses it to size transactions).
  size_t pending_rows() const;

 private:
  ProfileWriter(std::unique_ptr<SqliteDb> db, std::string path, Provenance provenance);
  Result<void> write_pending();
  Result<void> write_meta();

  std::unique_ptr<SqliteDb> db_;
  std::string path_;
  Provenance provenance_;
  CollectorStats stats_;
  bool closed_ = false;

  std::unordered_map<std::string, StringId> string_ids_;
  std::vector<std::string> new_strings_;  // interned since the last commit
  StringId next_string_id_ = 1;

  struct FrameKey {
    StringId file, function;
    uint32_t line;
    bool operator==(const FrameKey&) const = default;
  };
  struct FrameKeyHash {
    size_t operator()(const FrameKey& k) const {
      return (size_t{k.file} * 1000003u) ^ (size_t{k.function} * 7919u) ^ k.line;
    }
  };
  std::unordered_map<FrameKey, uint32_t, FrameKeyHash> frame_ids_;
  std::vector<Frame> new_frames_;
  std::unordered_map<uint64_t, uint32_t> stack_node_ids_;  // (parent << 32 | frame) -> node
  std::vector<StackNode> new_stack_nodes_;

  std::vector<Kernel> kernels_;
  std::vector<Memcpy> memcpys_;
  std::vector<Memset> memsets_;
  std::vector<Sync> syncs_;
  std::vector<ApiCall> api_calls_;
  std::vector<NvtxEvent> nvtx_;
  std::vector<Overhead> overheads_;
  std::vector<CallSite> call_sites_;
  std::vector<GemmCall> gemms_;
  std::vector<Device> devices_;
  std::vector<std::pair<std::string, std::string>> meta_;
};

}  // namespace perfadvise
