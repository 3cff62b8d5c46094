// The writer and reader agree: what goes in comes out, sorted, with indexes that resolve.
#include <catch2/catch.hpp>

#include "profile/reader.h"
#include "profile/writer.h"
#include "tests/support/profile_builder.h"
#include "tests/support/temp_dir.h"

using namespace perfadvise;
using namespace perfadvise::testing;

namespace {

ProfileBuilder small_training_step() {
  ProfileBuilder b;
  b.nvtx_range("ProfilerStep#1", 0, 100'000);
  b.launch("void at::native::vectorized_elementwise_kernel<4>(...)", 1'000, 5'000, 3'000);
  b.launch("sm90_xmma_gemm_bf16bf16_bf16f32", 4'000, 8'000, 20'000, {264, 1, 1, 384, 1, 1, 168});
  uint32_t copy = b.copy(MemcpyKind::kDtoH, 8, 30'000, 31'000, 29'000, 29'500);
  uint32_t sync = b.sync(SyncType::kStreamSynchronize, 31'000, 40'000);
  b.call_site(sync,
              {{"torch/functional.py", "unique", 1000},
               {"loss.py", "masked_loss", 30},
               {"train.py", "<module>", 12}},
              1, "aten::unique");
  b.call_site(copy, {{"loss.py", "masked_loss", 28}, {"train.py", "<module>", 12}}, 0);
  b.memset(1024, 50'000, 51'000);
  return b;
}

}  // namespace

TEST_CASE("a written profile loads back with every table intact") {
  TempDir dir;
  ProfileBuilder builder = small_training_step();
  REQUIRE(builder.write(dir.file("p.sqlite")).ok());

  auto loaded = load_profile(dir.file("p.sqlite"));
  REQUIRE(loaded.ok());
  const Profile& p = *loaded;
  CHECK(p.provenance.schema_version == 1);
  CHECK(p.provenance.complete);
  CHECK(p.provenance.pid == 4242);
  REQUIRE(p.devices.size() == 1);
  CHECK(p.devices[0].sm_count == 132);
  CHECK(p.kernels.size() == 2);
  CHECK(p.memcpys.size() == 1);
  CHECK(p.memsets.size() == 1);
  CHECK(p.syncs.size() == 1);
  CHECK(p.api_calls.size() == 5);
  CHECK(p.nvtx.size() == 1);
  CHECK(p.call_sites.size() == 2);

  const Kernel& gemm = p.kernels[1];
  CHECK(p.strings[gemm.name] == "sm90_xmma_gemm_bf16bf16_bf16f32");
  CHECK(gemm.start == 8'000);
  CHECK(gemm.end == 28'000);
  CHECK(gemm.grid_x == 264);
  CHECK(gemm.block_x == 384);
  CHECK(gemm.registers_per_thread == 168);
  CHECK(p.memcpys[0].kind == MemcpyKind::kDtoH);
  CHECK(p.memcpys[0].dst_kind == MemoryKind::kPageable);
  CHECK(p.syncs[0].type == SyncType::kStreamSynchronize);
}

TEST_CASE("correlation ids join kernels, copies and call sites to their API calls") {
  TempDir dir;
  REQUIRE(small_training_step().write(dir.file("p.sqlite")).ok());
  Profile p = *load_profile(dir.file("p.sqlite"));

  for (const Kernel& k : p.kernels) {
    uint32_t api = p.api_by_correlation.find(k.correlation_id);
    REQUIRE(api != CorrelationIndex::kNone);
    CHECK(p.strings[p.api_calls[api].name] == "cudaLaunchKernel");
  }
  uint32_t site = p.call_site_by_correlation.find(p.syncs[0].correlation_id);
  REQUIRE(site != CorrelationIndex::kNone);
  const CallSite& cs = p.call_sites[site];
  CHECK(p.strings[cs.op] == "aten::unique");
  auto frames = p.stack_frames(cs.stack);
  REQUIRE(frames.size() == 3);
  CHECK(p.strings[frames[0].file] == "torch/functional.py");
  CHECK(p.strings[frames[2].function] == "<module>");
  REQUIRE(cs.user_frame != 0);
  CHECK(p.strings[p.frames[cs.user_frame - 1].file] == "loss.py");
  CHECK(p.frames[cs.user_frame - 1].line == 30);
}

TEST_CASE("stacks that share callers share stack nodes") {
  TempDir dir;
  REQUIRE(small_training_step().write(dir.file("p.sqlite")).ok());
  Profile p = *load_profile(dir.file("p.sqlite"));
  // Two stacks of 3 and 2 frames that share "<module>" at train.py:12: 4 nodes, not 5.
  CHECK(p.stack_nodes.size() == 4);
}

TEST_CASE("tracks group GPU work by stream and API calls by thread, in time order") {
  ProfileBuilder b;
  b.launch("k2", 10'000, 20'000, 1'000, {}, 9);
  b.launch("k1", 0, 5'000, 1'000, {}, 7);
  b.launch("k3", 1'000, 7'000, 1'000, {}, 7);
  Profile p = b.build();
  REQUIRE(p.gpu_tracks.size() == 2);
  CHECK(p.gpu_tracks[0].stream == 7);
  CHECK(p.gpu_tracks[0].kernels.size() == 2);
  CHECK(p.strings[p.kernels[p.gpu_tracks[0].kernels[0]].name] == "k1");
  CHECK(p.gpu_tracks[1].stream == 9);
  REQUIRE(p.cpu_tracks.size() == 1);
  CHECK(p.cpu_tracks[0].api_calls.size() == 3);
}

TEST_CASE("a profile whose writer was never closed is readable and marked incomplete") {
  TempDir dir;
  std::string path = dir.file("killed.sqlite");
  Provenance provenance;
  provenance.time_origin_ns = 1'000'000;
  {
    auto writer = ProfileWriter::create(path, provenance);
    REQUIRE(writer.ok());
    Kernel k;
    k.start = 1'500'000;
    k.end = 1'600'000;
    k.name = (*writer)->intern("kernel_a");
    (*writer)->add(k);
    REQUIRE((*writer)->commit().ok());
    (*writer)->add(k);  // never committed: lost, as in a SIGKILL
    // Simulate a crash: leak the writer so no destructor or close() runs.
    (void)writer->release();
  }
  auto loaded = load_profile(path);
  REQUIRE(loaded.ok());
  CHECK_FALSE(loaded->provenance.complete);
  REQUIRE(loaded->kernels.size() == 1);
  CHECK(loaded->kernels[0].start == 500'000);  // relative to the time origin
}
