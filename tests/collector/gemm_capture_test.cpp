// The collector's half of GEMM capture: perfadvise_gemm_hooks hands records to the writer
// thread, which stores `gemm` rows with their host interval; the loaded profile links them to
// the kernels launched inside. Also the decoder's naming of PyTorch op ranges.
#include <catch2/catch.hpp>

#include "collector/buffer_pool.h"
#include "collector/decoder.h"
#include "collector/gemm_capture.h"
#include "collector/gemm_hook.h"
#include "collector/recording_state.h"
#include "collector/writer_thread.h"
#include "profile/reader.h"
#include "tests/support/temp_dir.h"

extern "C" const PerfadviseGemmHooks* perfadvise_gemm_hooks(uint32_t version);

using namespace perfadvise;
using namespace perfadvise::collector;

TEST_CASE("GEMM records from the interposer become gemm rows; a recording pause drops them") {
  testing::TempDir dir;
  BufferPool pool(1 << 16, 1, 2);
  WriterConfig config;
  config.path = dir.file("profile.pid1.sqlite");
  config.provenance.time_origin_ns = 1'000'000;
  WriterThread writer(config, pool);
  REQUIRE(writer.start());

  CHECK(perfadvise_gemm_hooks(PERFADVISE_GEMM_HOOKS_VERSION) == nullptr);  // no sink yet: inert
  set_gemm_sink(&writer);
  const PerfadviseGemmHooks* hooks = perfadvise_gemm_hooks(PERFADVISE_GEMM_HOOKS_VERSION);
  REQUIRE(hooks != nullptr);
  CHECK(perfadvise_gemm_hooks(PERFADVISE_GEMM_HOOKS_VERSION + 1) == nullptr);  // a newer client

  PerfadviseGemmRecord r{};
  r.api = "cublasLtMatmul";
  r.m = 49, r.n = 64, r.k = 1024, r.batch = 1, r.lda = 1024, r.ldb = 1024, r.ldc = 49;
  r.trans_a = 1, r.a_type = r.b_type = r.c_type = 14, r.compute_type = 68;
  r.start_ns = 1'002'000, r.end_ns = 1'009'000, r.thread_id = 4242;
  recording_flag().store(true);
  hooks->record(&r);
  r.api = "cublasSgemm", r.compute_type = -1, r.a_type = 0;
  hooks->record(&r);
  recording_flag().store(false);  // a --measure-overhead pause: no clock read, nothing stored
  CHECK(hooks->now_ns() == 0);
  hooks->record(&r);
  recording_flag().store(true);
  PerfadviseGemmRecord began_paused = r;  // the call began in the pause: its start read 0
  began_paused.start_ns = 0;
  hooks->record(&began_paused);
  set_gemm_sink(nullptr);
  CHECK(perfadvise_gemm_hooks(PERFADVISE_GEMM_HOOKS_VERSION) == nullptr);
  hooks->record(&r);  // after the sink went away (a forked child): dropped, no crash
  REQUIRE(writer.stop(std::chrono::seconds(10)));

  auto loaded = load_profile(config.path);
  REQUIRE(loaded.ok());
  REQUIRE(loaded->gemms.size() == 2);
  const GemmCall& g = loaded->gemms[0];
  CHECK(loaded->strings[g.api] == "cublasLtMatmul");
  CHECK((g.m == 49 && g.n == 64 && g.k == 1024 && g.batch == 1));
  CHECK((g.lda == 1024 && g.ldc == 49 && g.trans_a == 1 && g.a_type == 14));
  CHECK(g.compute_type == 68);
  CHECK((g.thread_id == 4242 && g.start == 2'000 && g.end == 9'000));  // relative to the origin
  CHECK(loaded->gemms[1].compute_type == GemmCall::kComputeImplied);
}

TEST_CASE("PyTorch op ranges lose their per-call numbers, keep their sizes") {
  CHECK(range_name("aten::mm, seq = 812, op_id = 9312") == "aten::mm");
  CHECK(range_name("aten::addmm, seq = 5, op_id = 9, sizes = [[1, 2], [3]], input_op_ids = [1]") ==
        "aten::addmm, sizes = [[1, 2], [3]]");
  CHECK(range_name("aten::t, op_id = 4") == "aten::t");
  CHECK(range_name("step#3, seq = 4") == "step#3, seq = 4");  // not an op: untouched
  CHECK(range_name("token") == "token");
}
