#include "profile/writer.h"

#include <filesystem>
#include <type_traits>

#include "profile/schema.h"
#include "profile/sqlite.h"
#include "profile/version.h"

namespace perfadvise {
namespace {

template <typename T>
auto to_sql(T value) {
  if constexpr (std::is_enum_v<T> || std::is_integral_v<T>) {
    return static_cast<int64_t>(value);
  } else {
    return value;  // double or string_view
  }
}

template <typename... Values>
Result<void> insert(SqliteStatement& statement, Values... values) {
  int index = 1;
  (statement.bind(index++, to_sql(values)), ...);
  return statement.run();
}

/// Prepares `sql` and inserts every row with `bind_row(statement, row)`.
template <typename Row, typename BindRow>
Result<void> insert_all(SqliteDb& db, std::string_view sql, const std::vector<Row>& rows,
                        BindRow bind_row) {
  if (rows.empty()) return {};
  PA_ASSIGN_OR_RETURN(auto statement, db.prepare(sql));
  for (const Row& row : rows)
    PA_TRY(bind_row(statement, row));
  return {};
}

}  // namespace

Result<std::unique_ptr<ProfileWriter>> ProfileWriter::create(const std::string& path,
                                                             const Provenance& provenance) {
  std::error_code ignored;
  for (const char* suffix : {"", "-wal", "-shm", "-journal"}) {
    std::filesystem::remove(path + suffix, ignored);
  }
  PA_ASSIGN_OR_RETURN(auto db, SqliteDb::open(path, SqliteDb::Mode::kCreate));
  // WAL + NORMAL: a commit is an append without fsync, and a killed process loses only what it
  // had not committed yet.
  PA_TRY(db->exec("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"));
  PA_TRY(db->exec(schema::kCreateTables));
  auto writer = std::unique_ptr<ProfileWriter>(new ProfileWriter(std::move(db), path, provenance));
  PA_TRY(writer->commit());
  return writer;
}

ProfileWriter::ProfileWriter(std::unique_ptr<SqliteDb> db, std::string path, Provenance provenance)
    : db_(std::move(db)), path_(std::move(path)), provenance_(std::move(provenance)) {
  provenance_.schema_version = schema::kVersion;
  if (provenance_.tool_version.empty()) provenance_.tool_version = kToolVersion;
}

ProfileWriter::~ProfileWriter() = default;

StringId ProfileWriter::intern(std::string_view text) {
  if (text.empty()) return 0;
  auto [it, inserted] = string_ids_.try_emplace(std::string(text), next_string_id_);
  if (inserted) {
    ++next_string_id_;
    new_strings_.emplace_back(text);
  }
  return it->second;
}

uint32_t ProfileWriter::intern_frame(const Frame& frame) {
  FrameKey key{frame.file, frame.function, frame.line};
  auto [it, inserted] = frame_ids_.try_emplace(key, uint32_t(frame_ids_.size() + 1));
  if (inserted) new_frames_.push_back(frame);
  return it->second;
}

uint32_t ProfileWriter::intern_stack(const std::vector<uint32_t>& frames_innermost_first) {
  uint32_t node = 0;
  // Walk from the outermost frame inwards so that common callers share nodes.
  for (auto it = frames_innermost_first.rbegin(); it != frames_innermost_first.rend(); ++it) {
    uint64_t key = (uint64_t{node} << 32) | *it;
    auto [found, inserted] = stack_node_ids_.try_emplace(key, uint32_t(stack_node_ids_.size() + 1));
    if (inserted) new_stack_nodes_.push_back(StackNode{node, *it});
    node = found->second;
  }
  return node;
}

void ProfileWriter::set_meta(std::string key, std::string value) {
  meta_.emplace_back(std::move(key), std::move(value));
}

size_t ProfileWriter::pending_rows() const {
  return kernels_.size() + memcpys_.size() + memsets_.size() + syncs_.size() + api_calls_.size() +
         nvtx_.size() + overheads_.size() + call_sites_.size() + gemms_.size();
}

Result<void> ProfileWriter::commit() {
  if (closed_) return make_error("{}: profile already closed", path_);
  PA_TRY(db_->exec("BEGIN"));
  Result<void> written = write_pending();
  if (!written.ok()) {
    (void)db_->exec("ROLLBACK");
    return written;
  }
  return db_->exec("COMMIT");
}

Result<void> ProfileWriter::write_pending() {
  SqliteDb& db = *db_;
  const TimeNs origin = provenance_.time_origin_ns;
  auto duration = [](TimeNs start, TimeNs end) { return end > start ? end - start : 0; };

  {
    PA_ASSIGN_OR_RETURN(auto statement, db.prepare(schema::kInsertString));
    StringId id = next_string_id_ - static_cast<StringId>(new_strings_.size());
    for (const std::string& text : new_strings_) {
      PA_TRY(insert(statement, id++, std::string_view(text)));
    }
  }
  PA_TRY(insert_all(db, schema::kInsertDevice, devices_, [](auto& s, const Device& d) {
    return insert(s, d.id, std::string_view(d.name), d.sm_count, d.memory_bytes, d.compute_major,
                  d.compute_minor, d.peak_bandwidth_bytes_per_s, d.peak_bf16_flops,
                  d.peak_fp32_flops);
  }));
  PA_TRY(insert_all(db, schema::kInsertKernel, kernels_, [&](auto& s, const Kernel& k) {
    return insert(s, k.start - origin, duration(k.start, k.end), k.name, k.correlation_id, k.device,
                  k.stream, k.grid_x, k.grid_y, k.grid_z, k.block_x, k.block_y, k.block_z,
                  k.registers_per_thread, k.static_shared_bytes, k.dynamic_shared_bytes,
                  k.graph_id);
  }));
  PA_TRY(insert_all(db, schema::kInsertMemcpy, memcpys_, [&](auto& s, const Memcpy& m) {
    return insert(s, m.start - origin, duration(m.start, m.end), m.bytes, m.correlation_id,
                  m.device, m.stream, m.graph_id, m.kind, m.src_kind, m.dst_kind, m.async);
  }));
  PA_TRY(insert_all(db, schema::kInsertMemset, memsets_, [&](auto& s, const Memset& m) {
    return insert(s, m.start - origin, duration(m.start, m.end), m.bytes, m.correlation_id,
                  m.device, m.stream, m.value, m.memory_kind, m.async);
  }));
  PA_TRY(insert_all(db, schema::kInsertSync, syncs_, [&](auto& s, const Sync& y) {
    return insert(s, y.start - origin, duration(y.start, y.end), y.correlation_id, y.device,
                  y.stream, y.event_id, y.type);
  }));
  PA_TRY(insert_all(db, schema::kInsertApiCall, api_calls_, [&](auto& s, const ApiCall& a) {
    return insert(s, a.start - origin, duration(a.start, a.end), a.correlation_id, a.thread_id,
                  a.domain, a.cbid, a.name, a.return_value);
  }));
  PA_TRY(insert_all(db, schema::kInsertNvtx, nvtx_, [&](auto& s, const NvtxEvent& n) {
    return insert(s, n.start - origin, duration(n.start, n.end), n.name, n.domain, n.thread_id,
                  n.kind);
  }));
  PA_TRY(insert_all(db, schema::kInsertOverhead, overheads_, [&](auto& s, const Overhead& o) {
    return insert(s, o.start - origin, duration(o.start, o.end), o.kind, o.thread_id);
  }));
  {
    PA_ASSIGN_OR_RETURN(auto statement, db.prepare(schema::kInsertFrame));
    uint32_t id = uint32_t(frame_ids_.size() - new_frames_.size()) + 1;
    for (const Frame& f : new_frames_)
      PA_TRY(insert(statement, id++, f.file, f.function, f.line));
  }
  {
    PA_ASSIGN_OR_RETURN(auto statement, db.prepare(schema::kInsertStackNode));
    uint32_t id = uint32_t(stack_node_ids_.size() - new_stack_nodes_.size()) + 1;
    for (const StackNode& n : new_stack_nodes_)
      PA_TRY(insert(statement, id++, n.parent, n.frame));
  }
  PA_TRY(insert_all(db, schema::kInsertCallSite, call_sites_, [&](auto& s, const CallSite& c) {
    return insert(s, c.correlation_id, c.thread_id, c.time - origin, c.stack, c.user_frame, c.op);
  }));
  PA_TRY(insert_all(db, schema::kInsertGemm, gemms_, [&](auto& s, const GemmCall& g) {
    return insert(s, g.correlation_id, g.m, g.n, g.k, g.batch, g.lda, g.ldb, g.ldc, g.api,
                  g.trans_a, g.trans_b, g.a_type, g.b_type, g.c_type, g.compute_type, g.thread_id,
                  g.start != 0 ? g.start - origin : 0, duration(g.start, g.end));
  }));
  PA_TRY(write_meta());

  stats_.records_written += pending_rows();
  new_strings_.clear();
  new_frames_.clear();
  new_stack_nodes_.clear();
  devices_.clear();
  kernels_.clear();
  memcpys_.clear();
  memsets_.clear();
  syncs_.clear();
  api_calls_.clear();
  nvtx_.clear();
  overheads_.clear();
  call_sites_.clear();
  gemms_.clear();
  meta_.clear();
  return {};
}

Result<void> ProfileWriter::write_meta() {
  PA_ASSIGN_OR_RETURN(auto statement, db_->prepare(schema::kInsertMeta));
  auto put = [&](std::string_view key, const std::string& value) {
    return insert(statement, key, std::string_view(value));
  };
  const Provenance& p = provenance_;
  const uint64_t records = stats_.records_written + pending_rows();
  for (const auto& [key, value] : std::initializer_list<std::pair<std::string_view, std::string>>{
           {"format", std::string(schema::kFormat)},
           {"schema_version", std::to_string(p.schema_version)},
           {"tool_version", p.tool_version},
           {"cupti_version", p.cupti_version},
           {"driver_version", p.driver_version},
           {"hostname", p.hostname},
           {"command", p.command},
           {"pid", std::to_string(p.pid)},
           {"rank", std::to_string(p.rank)},
           {"time_origin_ns", std::to_string(p.time_origin_ns)},
           {"complete", closed_ ? "1" : "0"},
           {"stats.dropped_records", std::to_string(stats_.dropped_records)},
           {"stats.zero_timestamp_records", std::to_string(stats_.zero_timestamp_records)},
           {"stats.buffers_completed", std::to_string(stats_.buffers_completed)},
           {"stats.records_written", std::to_string(records)},
       }) {
    PA_TRY(put(key, value));
  }
  for (const auto& [key, value] : p.extra)
    PA_TRY(put(key, value));
  for (const auto& [key, value] : meta_)
    PA_TRY(put(key, value));
  return {};
}

Result<void> ProfileWriter::close() {
  if (closed_) return {};
  closed_ = true;  // write_meta() records complete=1 in this last transaction
  PA_TRY(db_->exec("BEGIN"));
  PA_TRY(write_pending());
  PA_TRY(db_->exec("COMMIT"));
  PA_TRY(db_->exec(schema::kCreateIndexes));
  // A finished profile is one self-contained file: fold the WAL back in.
  PA_TRY(db_->exec("PRAGMA wal_checkpoint(TRUNCATE); PRAGMA journal_mode=DELETE;"));
  return {};
}

}  // namespace perfadvise
