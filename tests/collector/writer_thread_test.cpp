// The writer-thread pipeline: buffers from the pool, decoded on the writer thread, call sites
// with Python frames or native op names, periodic commits readable before the close, and a
// complete profile after stop().
#include <catch2/catch.hpp>

#include <chrono>
#include <thread>

#include "collector/buffer_pool.h"
#include "collector/native_op.h"
#include "collector/writer_thread.h"
#include "profile/reader.h"
#include "tests/collector/records.h"
#include "tests/support/temp_dir.h"

using namespace perfadvise;
using namespace perfadvise::collector;
using namespace perfadvise::testing;

namespace {

constexpr int64_t kOrigin = 1'000'000'000;

WriterConfig config_for(const TempDir& dir) {
  WriterConfig config;
  config.path = dir.file("profile.pid1.sqlite");
  config.provenance.time_origin_ns = kOrigin;
  config.provenance.pid = 1;
  config.meta["steps_regex"] = "ProfilerStep#.*";
  config.commit_interval = std::chrono::milliseconds(50);
  return config;
}

/// Copies hand-built records into a pool buffer, as CUPTI would fill it.
CompletedBuffer fill(BufferPool& pool, RecordBuffer& records, uint64_t dropped = 0) {
  uint8_t* buffer = pool.take();
  REQUIRE(buffer != nullptr);
  std::memcpy(buffer, records.data(), records.size());
  return CompletedBuffer{buffer, records.size(), dropped};
}

}  // namespace

// Exported (the test links with ENABLE_EXPORTS) so dladdr can name it.
extern "C" __attribute__((noinline)) int perfadvise_test_sync_site() {
  return 7;
}

TEST_CASE("buffers are decoded, returned zeroed to the pool and the profile closes complete") {
  TempDir dir;
  BufferPool pool(1 << 16, 2, 4);
  WriterThread writer(config_for(dir), pool);
  REQUIRE(writer.start());
  RecordBuffer first;
  first.add(kernel_record("_Z4workv", kOrigin + 10, kOrigin + 20, 1));
  first.add(kernel_record("k", 0, 0, 2));  // lost timestamps
  RecordBuffer second;
  second.add(memcpy_record(kOrigin + 30, kOrigin + 40, 3, 0));
  writer.push(fill(pool, first));
  writer.push(fill(pool, second, 5));
  REQUIRE(writer.stop(std::chrono::seconds(10)));
  CHECK(writer.healthy());
  CHECK(writer.records_written() == 2);
  CHECK(pool.allocated() == 2);

  uint8_t* again = pool.take();
  REQUIRE(again != nullptr);
  bool zero = true;
  for (size_t i = 0; i < first.size(); ++i)
    zero &= again[i] == 0;
  CHECK(zero);

  auto profile = load_profile(dir.file("profile.pid1.sqlite"));
  REQUIRE(profile.ok());
  CHECK(profile->provenance.complete);
  CHECK(profile->kernels.size() == 1);
  CHECK(profile->memcpys.size() == 1);
  CHECK(profile->stats.dropped_records == 5);
  CHECK(profile->stats.zero_timestamp_records == 1);
  CHECK(profile->stats.buffers_completed == 2);
  CHECK(profile->provenance.extra.at("steps_regex") == "ProfilerStep#.*");
}

TEST_CASE("a profile is readable before the close (a killed process keeps what was committed)") {
  TempDir dir;
  BufferPool pool(1 << 16, 1, 2);
  WriterThread writer(config_for(dir), pool);
  REQUIRE(writer.start());
  RecordBuffer records;
  records.add(kernel_record("k", kOrigin + 10, kOrigin + 20, 1));
  writer.push(fill(pool, records));
  for (int i = 0; i < 100 && writer.records_written() == 0; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  auto profile = load_profile(dir.file("profile.pid1.sqlite"));
  REQUIRE(profile.ok());
  CHECK_FALSE(profile->provenance.complete);
  CHECK(profile->kernels.size() == 1);
  REQUIRE(writer.stop(std::chrono::seconds(10)));
}

TEST_CASE("sync call sites keep Python stacks, the user frame, or a native op name") {
  TempDir dir;
  BufferPool pool(1 << 16, 1, 1);
  WriterThread writer(config_for(dir), pool);
  REQUIRE(writer.start());
  SyncCapture python;
  python.correlation_id = 10;
  python.thread_id = 77;
  python.time_ns = kOrigin + 500;
  python.frames = {{"/usr/lib/python3/dist-packages/torch/functional.py", "unique", 1000},
                   {"/home/me/loss.py", "forward", 42},
                   {"/home/me/train.py", "<module>", 7}};
  python.user_frame = 1;
  writer.push(python);
  SyncCapture native;
  native.correlation_id = 11;
  native.thread_id = 78;
  native.time_ns = kOrigin + 600;
  // A return address just past the function's first byte, as backtrace() would report one.
  native.native_pcs = {reinterpret_cast<char*>(&perfadvise_test_sync_site) + 1};
  writer.push(native);
  REQUIRE(writer.stop(std::chrono::seconds(10)));

  auto profile = load_profile(dir.file("profile.pid1.sqlite"));
  REQUIRE(profile.ok());
  REQUIRE(profile->call_sites.size() == 2);
  const CallSite& site = profile->call_sites[0];
  CHECK(site.correlation_id == 10);
  CHECK(site.thread_id == 77);
  CHECK(site.time == 500);
  const auto frames = profile->stack_frames(site.stack);
  REQUIRE(frames.size() == 3);
  CHECK(profile->strings[frames[0].function] == "unique");
  CHECK(profile->strings[frames[2].file] == "/home/me/train.py");
  REQUIRE(site.user_frame != 0);
  const Frame& user = profile->frames[site.user_frame - 1];
  CHECK(profile->strings[user.file] == "/home/me/loss.py");
  CHECK(user.line == 42);
  const CallSite& op = profile->call_sites[1];
  CHECK(op.stack == 0);
  CHECK(profile->strings[op.op] == "perfadvise_test_sync_site");
}

TEST_CASE("native frames name the ATen op") {
  CHECK(aten_op_from_ops_frame("at::_ops::nonzero::call") == "aten::nonzero");
  CHECK(aten_op_from_ops_frame("at::_ops::_local_scalar_dense::redispatch") ==
        "aten::_local_scalar_dense");
  CHECK(aten_op_from_ops_frame("at::native::nonzero_cuda").empty());
  CHECK(function_without_arguments("at::native::nonzero_cuda(at::Tensor const&)") ==
        "at::native::nonzero_cuda");
  CHECK(function_without_arguments("void at::native::(anonymous namespace)::f<int>(int)") ==
        "at::native::(anonymous namespace)::f<int>");
  CHECK(function_without_arguments("main") == "main");
}

TEST_CASE("the pool refuses past its limit and reuses what comes back") {
  BufferPool pool(100, 1, 2);
  CHECK(pool.buffer_bytes() % BufferPool::kAlignment == 0);
  uint8_t* a = pool.take();
  uint8_t* b = pool.take();
  REQUIRE(a != nullptr);
  REQUIRE(b != nullptr);
  CHECK(reinterpret_cast<uintptr_t>(a) % 8 == 0);
  CHECK(pool.take() == nullptr);
  CHECK(pool.refusals() == 1);
  a[0] = 1;
  pool.give_back(a, 1);
  CHECK(pool.take() == a);
  CHECK(a[0] == 0);
}
