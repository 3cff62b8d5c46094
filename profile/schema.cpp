#include "profile/schema.h"

namespace perfadvise::schema {

// Times are stored as start_ns relative to meta.time_origin_ns plus a duration, which keeps
// the integers short (SQLite stores integers in 0-8 bytes by magnitude): about 50 bytes per
// kernel row instead of 70.
const std::string_view kCreateTables = R"sql(
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE strings (id INTEGER PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE device (
  id INTEGER PRIMARY KEY, name TEXT NOT NULL, sm_count INTEGER, memory_bytes INTEGER,
  compute_major INTEGER, compute_minor INTEGER, peak_bandwidth_bytes_per_s REAL,
  peak_bf16_flops REAL, peak_fp32_flops REAL);
CREATE TABLE kernel (
  id INTEGER PRIMARY KEY, start_ns INTEGER NOT NULL, duration_ns INTEGER NOT NULL,
  name_id INTEGER NOT NULL, correlation_id INTEGER, device INTEGER, stream INTEGER,
  grid_x INTEGER, grid_y INTEGER, grid_z INTEGER, block_x INTEGER, block_y INTEGER,
  block_z INTEGER, registers_per_thread INTEGER, static_shared_bytes INTEGER,
  dynamic_shared_bytes INTEGER, graph_id INTEGER);
CREATE TABLE memcpy (
  id INTEGER PRIMARY KEY, start_ns INTEGER NOT NULL, duration_ns INTEGER NOT NULL,
  bytes INTEGER, correlation_id INTEGER, device INTEGER, stream INTEGER, graph_id INTEGER,
  copy_kind INTEGER, src_kind INTEGER, dst_kind INTEGER, async INTEGER);
CREATE TABLE memset (
  id INTEGER PRIMARY KEY, start_ns INTEGER NOT NULL, duration_ns INTEGER NOT NULL,
  bytes INTEGER, correlation_id INTEGER, device INTEGER, stream INTEGER, value INTEGER,
  memory_kind INTEGER, async INTEGER);
CREATE TABLE sync (
  id INTEGER PRIMARY KEY, start_ns INTEGER NOT NULL, duration_ns INTEGER NOT NULL,
  correlation_id INTEGER, device INTEGER, stream INTEGER, event_id INTEGER, sync_type INTEGER);
CREATE TABLE api_call (
  id INTEGER PRIMARY KEY, start_ns INTEGER NOT NULL, duration_ns INTEGER NOT NULL,
  correlation_id INTEGER, thread_id INTEGER, domain INTEGER, cbid INTEGER, name_id INTEGER,
  return_value INTEGER);
CREATE TABLE nvtx (
  id INTEGER PRIMARY KEY, start_ns INTEGER NOT NULL, duration_ns INTEGER NOT NULL,
  name_id INTEGER, domain_id INTEGER, thread_id INTEGER, kind INTEGER);
CREATE TABLE overhead (
  id INTEGER PRIMARY KEY, start_ns INTEGER NOT NULL, duration_ns INTEGER NOT NULL,
  kind INTEGER, thread_id INTEGER);
CREATE TABLE frame (id INTEGER PRIMARY KEY, file_id INTEGER, function_id INTEGER, line INTEGER);
CREATE TABLE stack_node (id INTEGER PRIMARY KEY, parent_id INTEGER, frame_id INTEGER);
CREATE TABLE call_site (
  id INTEGER PRIMARY KEY, correlation_id INTEGER, thread_id INTEGER, time_ns INTEGER,
  stack_id INTEGER, user_frame_id INTEGER, op_id INTEGER);
CREATE TABLE gemm (
  id INTEGER PRIMARY KEY, correlation_id INTEGER, m INTEGER, n INTEGER, k INTEGER,
  batch INTEGER, lda INTEGER, ldb INTEGER, ldc INTEGER, api_id INTEGER, trans_a INTEGER,
  trans_b INTEGER, a_type INTEGER, b_type INTEGER, c_type INTEGER, compute_type INTEGER,
  thread_id INTEGER, start_ns INTEGER, duration_ns INTEGER);
CREATE VIEW kernel_named AS
  SELECT kernel.*, strings.value AS name FROM kernel JOIN strings ON strings.id = kernel.name_id;
CREATE VIEW api_call_named AS
  SELECT api_call.*, strings.value AS name FROM api_call JOIN strings ON strings.id = api_call.name_id;
)sql";

const std::string_view kCreateIndexes = R"sql(
CREATE INDEX IF NOT EXISTS api_call_correlation ON api_call(correlation_id);
CREATE INDEX IF NOT EXISTS memcpy_correlation ON memcpy(correlation_id);
CREATE INDEX IF NOT EXISTS call_site_correlation ON call_site(correlation_id);
)sql";

const std::string_view kInsertString = "INSERT INTO strings VALUES (?1, ?2)";
const std::string_view kInsertMeta = "INSERT OR REPLACE INTO meta VALUES (?1, ?2)";
const std::string_view kInsertDevice =
    "INSERT OR REPLACE INTO device VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)";
const std::string_view kInsertKernel =
    "INSERT INTO kernel VALUES (NULL, ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, "
    "?14, ?15, ?16)";
const std::string_view kInsertMemcpy =
    "INSERT INTO memcpy VALUES (NULL, ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)";
const std::string_view kInsertMemset =
    "INSERT INTO memset VALUES (NULL, ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)";
const std::string_view kInsertSync = "INSERT INTO sync VALUES (NULL, ?1, ?2, ?3, ?4, ?5, ?6, ?7)";
const std::string_view kInsertApiCall =
    "INSERT INTO api_call VALUES (NULL, ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)";
const std::string_view kInsertNvtx = "INSERT INTO nvtx VALUES (NULL, ?1, ?2, ?3, ?4, ?5, ?6)";
const std::string_view kInsertOverhead = "INSERT INTO overhead VALUES (NULL, ?1, ?2, ?3, ?4)";
const std::string_view kInsertFrame = "INSERT INTO frame VALUES (?1, ?2, ?3, ?4)";
const std::string_view kInsertStackNode = "INSERT INTO stack_node VALUES (?1, ?2, ?3)";
const std::string_view kInsertCallSite =
    "INSERT INTO call_site VALUES (NULL, ?1, ?2, ?3, ?4, ?5, ?6)";
const std::string_view kInsertGemm =
    "INSERT INTO gemm VALUES (NULL, ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, "
    "?15, ?16, ?17, ?18)";

}  // namespace perfadvise::schema
