#include "profile/reader.h"

#include <algorithm>
#include <filesystem>
#include <fstream>

#include "profile/schema.h"
#include "profile/sqlite.h"

namespace perfadvise {
namespace {

namespace fs = std::filesystem;

constexpr std::string_view kSqliteMagic{"SQLite format 3\0", 16};

/// Reads every row of `sql`, handing the statement to `read_row`.
template <typename ReadRow>
Result<void> for_each_row(SqliteDb& db, std::string_view sql, ReadRow read_row) {
  PA_ASSIGN_OR_RETURN(auto statement, db.prepare(sql));
  while (true) {
    PA_ASSIGN_OR_RETURN(bool has_row, statement.step());
    if (!has_row) return {};
    read_row(statement);
  }
}

/// Row count of a table, to reserve memory once instead of growing vectors while loading.
/// count(*) rather than max(id): a damaged file can hold any id.
size_t row_count(SqliteDb& db, std::string_view table) {
  auto statement = db.prepare(fmt::format("SELECT count(*) FROM {}", table));
  if (!statement.ok() || !statement->step().ok()) return 0;
  return static_cast<size_t>(statement->int64(0));
}

bool has_column(SqliteDb& db, std::string_view table, std::string_view column) {
  auto statement = db.prepare(
      fmt::format("SELECT count(*) FROM pragma_table_info('{}') WHERE name = '{}'", table, column));
  return statement.ok() && statement->step().ok() && statement->int64(0) > 0;
}

template <typename Enum>
Enum as(int64_t value) {
  return static_cast<Enum>(value);
}

uint32_t u32(const SqliteStatement& s, int column) {
  return static_cast<uint32_t>(s.int64(column));
}

Result<void> check_is_sqlite(const std::string& path) {
  std::error_code ec;
  if (!fs::exists(path, ec)) return make_error("{}: no such file or directory", path);
  if (fs::is_directory(path, ec)) return make_error("{}: is a directory, not a profile", path);
  std::ifstream in(path, std::ios::binary);
  std::string header(kSqliteMagic.size(), '\0');
  if (!in.read(header.data(), static_cast<std::streamsize>(header.size())) ||
      header != kSqliteMagic) {
    return make_error("{}: not a perfadvise profile (not an SQLite file)", path);
  }
  return {};
}

Result<std::map<std::string, std::string>> read_meta(SqliteDb& db) {
  if (!db.has_table("meta")) {
    return make_error("{}: not a perfadvise profile (an SQLite file without a meta table)",
                      db.path());
  }
  std::map<std::string, std::string> meta;
  PA_TRY(for_each_row(db, "SELECT key, value FROM meta",
                      [&](auto& s) { meta[s.text(0)] = s.text(1); }));
  if (meta["format"] != schema::kFormat) {
    return make_error("{}: not a perfadvise profile (meta.format is '{}')", db.path(),
                      meta["format"]);
  }
  int version = std::atoi(meta["schema_version"].c_str());
  if (version > schema::kVersion) {
    return make_error("{}: schema version {} is newer than this perfadvise reads ({}); upgrade",
                      db.path(), version, schema::kVersion);
  }
  if (version < 1) return make_error("{}: invalid schema version '{}'", db.path(), version);
  return meta;
}

int64_t take_int(std::map<std::string, std::string>& meta, const std::string& key) {
  auto node = meta.extract(key);
  return node.empty() ? 0 : std::atoll(node.mapped().c_str());
}

std::string take_text(std::map<std::string, std::string>& meta, const std::string& key) {
  auto node = meta.extract(key);
  return node.empty() ? std::string() : std::move(node.mapped());
}

void fill_provenance(std::map<std::string, std::string> meta, Profile& profile) {
  Provenance& p = profile.provenance;
  meta.erase("format");
  p.schema_version = static_cast<int>(take_int(meta, "schema_version"));
  p.tool_version = take_text(meta, "tool_version");
  p.cupti_version = take_text(meta, "cupti_version");
  p.driver_version = take_text(meta, "driver_version");
  p.hostname = take_text(meta, "hostname");
  p.command = take_text(meta, "command");
  p.pid = static_cast<uint32_t>(take_int(meta, "pid"));
  p.rank = static_cast<int>(take_int(meta, "rank"));
  p.time_origin_ns = take_int(meta, "time_origin_ns");
  p.complete = take_int(meta, "complete") == 1;
  CollectorStats& s = profile.stats;
  s.dropped_records = take_int(meta, "stats.dropped_records");
  s.zero_timestamp_records = take_int(meta, "stats.zero_timestamp_records");
  s.buffers_completed = take_int(meta, "stats.buffers_completed");
  s.records_written = take_int(meta, "stats.records_written");
  p.extra = std::move(meta);
}

Result<void> read_events(SqliteDb& db, Profile& p) {
  auto end_of = [](const SqliteStatement& s) { return s.int64(0) + s.int64(1); };
  PA_TRY(for_each_row(db, "SELECT id, value FROM strings",
                      [&](auto& s) { p.strings.set(u32(s, 0), s.text(1)); }));
  PA_TRY(for_each_row(db, "SELECT * FROM device ORDER BY id", [&](auto& s) {
    p.devices.push_back(Device{u32(s, 0), s.text(1), u32(s, 2), uint64_t(s.int64(3)), u32(s, 4),
                               u32(s, 5), s.real(6), s.real(7), s.real(8)});
  }));
  p.kernels.reserve(row_count(db, "kernel"));
  p.api_calls.reserve(row_count(db, "api_call"));
  PA_TRY(for_each_row(
      db,
      "SELECT start_ns, duration_ns, name_id, correlation_id, device, stream, grid_x, grid_y, "
      "grid_z, block_x, block_y, block_z, registers_per_thread, static_shared_bytes, "
      "dynamic_shared_bytes, graph_id FROM kernel",
      [&](auto& s) {
        p.kernels.push_back(Kernel{s.int64(0), end_of(s), u32(s, 2), u32(s, 3), u32(s, 4),
                                   u32(s, 5), u32(s, 6), u32(s, 7), u32(s, 8), u32(s, 9),
                                   u32(s, 10), u32(s, 11), u32(s, 12), u32(s, 13), u32(s, 14),
                                   u32(s, 15)});
      }));
  PA_TRY(for_each_row(
      db,
      "SELECT start_ns, duration_ns, bytes, correlation_id, device, stream, graph_id, copy_kind, "
      "src_kind, dst_kind, async FROM memcpy",
      [&](auto& s) {
        p.memcpys.push_back(Memcpy{s.int64(0), end_of(s), uint64_t(s.int64(2)), u32(s, 3),
                                   u32(s, 4), u32(s, 5), u32(s, 6), as<MemcpyKind>(s.int64(7)),
                                   as<MemoryKind>(s.int64(8)), as<MemoryKind>(s.int64(9)),
                                   s.int64(10) != 0});
      }));
  PA_TRY(for_each_row(
      db,
      "SELECT start_ns, duration_ns, bytes, correlation_id, device, stream, value, memory_kind, "
      "async FROM memset",
      [&](auto& s) {
        p.memsets.push_back(Memset{s.int64(0), end_of(s), uint64_t(s.int64(2)), u32(s, 3),
                                   u32(s, 4), u32(s, 5), u32(s, 6), as<MemoryKind>(s.int64(7)),
                                   s.int64(8) != 0});
      }));
  PA_TRY(for_each_row(
      db,
      "SELECT start_ns, duration_ns, correlation_id, device, stream, event_id, sync_type FROM sync",
      [&](auto& s) {
        p.syncs.push_back(Sync{s.int64(0), end_of(s), u32(s, 2), u32(s, 3), u32(s, 4), u32(s, 5),
                               as<SyncType>(s.int64(6))});
      }));
  PA_TRY(for_each_row(
      db,
      "SELECT start_ns, duration_ns, correlation_id, thread_id, cbid, name_id, return_value, "
      "domain FROM api_call",
      [&](auto& s) {
        p.api_calls.push_back(ApiCall{s.int64(0), end_of(s), u32(s, 2), u32(s, 3), u32(s, 4),
                                      u32(s, 5), static_cast<int32_t>(s.int64(6)),
                                      as<ApiDomain>(s.int64(7))});
      }));
  PA_TRY(for_each_row(db,
                      "SELECT start_ns, duration_ns, name_id, domain_id, thread_id, kind FROM nvtx",
                      [&](auto& s) {
                        p.nvtx.push_back(NvtxEvent{s.int64(0), end_of(s), u32(s, 2), u32(s, 3),
                                                   u32(s, 4), as<NvtxKind>(s.int64(5))});
                      }));
  PA_TRY(
      for_each_row(db, "SELECT start_ns, duration_ns, kind, thread_id FROM overhead", [&](auto& s) {
        p.overheads.push_back(Overhead{s.int64(0), end_of(s), u32(s, 2), u32(s, 3)});
      }));
  PA_TRY(for_each_row(db, "SELECT file_id, function_id, line FROM frame ORDER BY id", [&](auto& s) {
    p.frames.push_back(Frame{u32(s, 0), u32(s, 1), u32(s, 2)});
  }));
  PA_TRY(for_each_row(db, "SELECT parent_id, frame_id FROM stack_node ORDER BY id", [&](auto& s) {
    p.stack_nodes.push_back(StackNode{u32(s, 0), u32(s, 1)});
  }));
  PA_TRY(for_each_row(
      db,
      "SELECT correlation_id, thread_id, time_ns, stack_id, user_frame_id, op_id FROM call_site",
      [&](auto& s) {
        p.call_sites.push_back(
            CallSite{u32(s, 0), u32(s, 1), s.int64(2), u32(s, 3), u32(s, 4), u32(s, 5)});
      }));
  // Files written before GEMM capture existed lack the host-interval columns: read them as 0.
  const bool has_interval = has_column(db, "gemm", "thread_id");
  const std::string interval = has_interval ? ", thread_id, start_ns, duration_ns" : ", 0, 0, -1";
  return for_each_row(
      db,
      "SELECT correlation_id, m, n, k, batch, lda, ldb, ldc, api_id, trans_a, trans_b, a_type, "
      "b_type, c_type, compute_type" +
          interval + " FROM gemm",
      [&](auto& s) {
        GemmCall g;
        g.correlation_id = u32(s, 0);
        g.m = s.int64(1), g.n = s.int64(2), g.k = s.int64(3), g.batch = s.int64(4);
        g.lda = s.int64(5), g.ldb = s.int64(6), g.ldc = s.int64(7);
        g.api = u32(s, 8);
        g.trans_a = uint8_t(s.int64(9)), g.trans_b = uint8_t(s.int64(10));
        g.a_type = uint16_t(s.int64(11)), g.b_type = uint16_t(s.int64(12));
        g.c_type = uint16_t(s.int64(13)), g.compute_type = uint16_t(s.int64(14));
        g.thread_id = u32(s, 15);
        if (const int64_t duration = s.int64(17); duration >= 0 && g.thread_id != 0) {
          g.start = s.int64(16), g.end = g.start + duration;
        }
        p.gemms.push_back(g);
      });
}

}  // namespace

Result<Profile> load_profile(const std::string& path) {
  PA_TRY(check_is_sqlite(path));
  // Read-write so that SQLite can replay the WAL of a profile whose collector was killed.
  auto opened = SqliteDb::open(path, SqliteDb::Mode::kReadWrite);
  if (!opened.ok()) opened = SqliteDb::open(path, SqliteDb::Mode::kReadOnly);
  if (!opened.ok()) return opened.error();
  SqliteDb& db = **opened;
  auto meta = read_meta(db);
  if (!meta.ok()) {
    // A damaged file usually fails on its first query; say so rather than "no meta table".
    if (db.exec("PRAGMA quick_check").ok()) return meta.error();
    return make_error("{}: corrupt or truncated profile", path);
  }
  Profile profile;
  profile.path = path;
  fill_provenance(std::move(*meta), profile);
  Result<void> events;
  try {
    events = read_events(db, profile);
  } catch (const std::exception&) {  // bad_alloc / length_error from absurd row counts
    events = make_error("{}: out of memory", path);
  }
  if (!events.ok()) return make_error("{}: corrupt or truncated profile", path);
  profile.build_indexes();
  return profile;
}

Result<std::vector<std::string>> find_profiles(const std::string& path) {
  std::error_code ec;
  if (!fs::exists(path, ec)) return make_error("{}: no such file or directory", path);
  if (!fs::is_directory(path, ec)) return std::vector<std::string>{path};
  std::vector<std::string> files;
  for (const auto& entry : fs::directory_iterator(path, ec)) {
    if (entry.is_regular_file() && entry.path().extension() == ".sqlite") {
      files.push_back(entry.path().string());
    }
  }
  if (ec) return make_error("{}: cannot list directory ({})", path, ec.message());
  if (files.empty()) return make_error("{}: directory holds no profiles (*.sqlite)", path);
  std::sort(files.begin(), files.end());
  return files;
}

Result<std::vector<Profile>> load_profiles(const std::string& path) {
  PA_ASSIGN_OR_RETURN(auto files, find_profiles(path));
  std::vector<Profile> profiles;
  for (const std::string& file : files) {
    PA_ASSIGN_OR_RETURN(Profile profile, load_profile(file));
    profiles.push_back(std::move(profile));
  }
  return profiles;
}

}  // namespace perfadvise
