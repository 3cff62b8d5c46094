// The decoder turns real CUDA 13 activity structs into profile rows: fields, units, names,
// correlation ids, NVTX pairing, and the records it must not store.
#include <catch2/catch.hpp>

#include "collector/decoder.h"
#include "profile/reader.h"
#include "profile/writer.h"
#include "tests/collector/records.h"
#include "tests/support/temp_dir.h"

using namespace perfadvise;
using namespace perfadvise::collector;
using namespace perfadvise::testing;

namespace {

constexpr int64_t kOrigin = 1'700'000'000'000'000'000;

Profile decode_and_load(const TempDir& dir, RecordBuffer& buffer, uint64_t* zero = nullptr,
                        void (*before)(RecordDecoder&) = nullptr) {
  Provenance provenance;
  provenance.time_origin_ns = kOrigin;
  auto writer = ProfileWriter::create(dir.file("p.sqlite"), provenance);
  REQUIRE(writer.ok());
  RecordDecoder decoder(**writer);
  if (before) before(decoder);
  decoder.decode_buffer(buffer.data(), buffer.size());
  if (zero) *zero = decoder.zero_timestamp_records();
  REQUIRE((*writer)->close().ok());
  auto profile = load_profile(dir.file("p.sqlite"));
  REQUIRE(profile.ok());
  return std::move(profile).value();
}

}  // namespace

TEST_CASE("kernel records keep geometry, demangled names and relative times") {
  TempDir dir;
  RecordBuffer buffer;
  buffer.add(kernel_record("_Z5scalePfif", kOrigin + 1000, kOrigin + 3500, 42));
  buffer.add(kernel_record("plain_c_kernel", kOrigin + 4000, kOrigin + 4100, 43));
  Profile p = decode_and_load(dir, buffer);
  REQUIRE(p.kernels.size() == 2);
  const Kernel& k = p.kernels[0];
  CHECK(p.strings[k.name] == "scale(float*, int, float)");
  CHECK(p.strings[p.kernels[1].name] == "plain_c_kernel");
  CHECK(k.start == 1000);
  CHECK(k.end == 3500);
  CHECK(k.correlation_id == 42);
  CHECK(k.stream == 7);
  CHECK(k.blocks() == 264);
  CHECK(k.threads_per_block() == 256);
  CHECK(k.registers_per_thread == 40);
  CHECK(k.static_shared_bytes == 1024);
  CHECK(k.dynamic_shared_bytes == 2048);
}

TEST_CASE("records without timestamps are counted, not stored") {
  TempDir dir;
  RecordBuffer buffer;
  buffer.add(kernel_record("k", 0, 0, 1));
  buffer.add(kernel_record("k", kOrigin + 10, 0, 2));
  buffer.add(kernel_record("k", kOrigin + 10, kOrigin + 20, 3));
  buffer.add(memcpy_record(0, 0, 4, 0));
  uint64_t zero = 0;
  Profile p = decode_and_load(dir, buffer, &zero);
  CHECK(zero == 3);
  REQUIRE(p.kernels.size() == 1);
  CHECK(p.kernels[0].correlation_id == 3);
  CHECK(p.memcpys.empty());
}

TEST_CASE("copies join the runtime call; memsets and syncs keep their fields") {
  TempDir dir;
  RecordBuffer buffer;
  buffer.add(context_record(5, 3));
  buffer.add(memcpy_record(kOrigin + 100, kOrigin + 200, 901, 77));
  buffer.add(memcpy_record(kOrigin + 300, kOrigin + 400, 902, 0));
  buffer.add(memset_record(kOrigin + 500, kOrigin + 600, 78));
  buffer.add(sync_record(kOrigin + 700, kOrigin + 900, 79, 5));
  Profile p = decode_and_load(dir, buffer);
  REQUIRE(p.memcpys.size() == 2);
  CHECK(p.memcpys[0].correlation_id == 77);   // runtime correlation wins
  CHECK(p.memcpys[1].correlation_id == 902);  // a direct driver copy keeps its own
  CHECK(p.memcpys[0].kind == MemcpyKind::kDtoH);
  CHECK(p.memcpys[0].src_kind == MemoryKind::kDevice);
  CHECK(p.memcpys[0].dst_kind == MemoryKind::kPageable);
  CHECK(p.memcpys[0].async);
  CHECK(p.memcpys[0].bytes == 4096);
  REQUIRE(p.memsets.size() == 1);
  CHECK(p.memsets[0].bytes == (1u << 20));
  CHECK(p.memsets[0].memory_kind == MemoryKind::kDevice);
  CHECK_FALSE(p.memsets[0].async);
  REQUIRE(p.syncs.size() == 1);
  CHECK(p.syncs[0].type == SyncType::kStreamSynchronize);
  CHECK(p.syncs[0].device == 3);  // from the context record
  CHECK(p.syncs[0].stream == 7);
  CHECK(p.syncs[0].event_id == 0);
  CHECK(p.syncs[0].end - p.syncs[0].start == 200);
}

TEST_CASE("driver calls nested in a runtime call are stored under the runtime call") {
  TempDir dir;
  RecordBuffer buffer;
  buffer.add(sync_record(kOrigin + 700, kOrigin + 900, 500, 1));
  Profile p = decode_and_load(dir, buffer, nullptr,
                              [](RecordDecoder& d) { d.add_correlation_alias(500, 499); });
  REQUIRE(p.syncs.size() == 1);
  CHECK(p.syncs[0].correlation_id == 499);
}

TEST_CASE("API records carry CUPTI's names, domains and thread ids") {
  TempDir dir;
  RecordBuffer buffer;
  buffer.add(api_record(CUPTI_ACTIVITY_KIND_RUNTIME,
                        CUPTI_RUNTIME_TRACE_CBID_cudaStreamSynchronize_v3020, kOrigin + 10,
                        kOrigin + 50, 11, 4242));
  buffer.add(api_record(CUPTI_ACTIVITY_KIND_DRIVER, CUPTI_DRIVER_TRACE_CBID_cuLaunchKernel,
                        kOrigin + 60, kOrigin + 70, 12, 4243));
  Profile p = decode_and_load(dir, buffer);
  REQUIRE(p.api_calls.size() == 2);
  CHECK(p.strings[p.api_calls[0].name].find("cudaStreamSynchronize") == 0);
  CHECK(p.api_calls[0].domain == ApiDomain::kRuntime);
  CHECK(p.api_calls[0].thread_id == 4242);
  CHECK(p.api_calls[0].cbid == CUPTI_RUNTIME_TRACE_CBID_cudaStreamSynchronize_v3020);
  CHECK(p.strings[p.api_calls[1].name].find("cuLaunchKernel") == 0);
  CHECK(p.api_calls[1].domain == ApiDomain::kDriver);
}

TEST_CASE("NVTX start/end records pair into ranges; instantaneous ones are marks") {
  TempDir dir;
  RecordBuffer buffer;
  buffer.add(marker_record(CUPTI_ACTIVITY_FLAG_MARKER_START, kOrigin + 100, 1, "step", 9));
  buffer.add(marker_record(CUPTI_ACTIVITY_FLAG_MARKER_START, kOrigin + 150, 2, "forward", 9));
  buffer.add(marker_record(CUPTI_ACTIVITY_FLAG_MARKER_INSTANTANEOUS, kOrigin + 160, 3, "mark", 9));
  buffer.add(marker_record(CUPTI_ACTIVITY_FLAG_MARKER_END, kOrigin + 180, 2, nullptr, 9));
  buffer.add(marker_record(CUPTI_ACTIVITY_FLAG_MARKER_END, kOrigin + 400, 1, nullptr, 9));
  buffer.add(marker_record(CUPTI_ACTIVITY_FLAG_MARKER_END, kOrigin + 500, 99, nullptr, 9));
  Profile p = decode_and_load(dir, buffer);
  REQUIRE(p.nvtx.size() == 3);
  CHECK(p.strings[p.nvtx[0].name] == "step");
  CHECK(p.nvtx[0].start == 100);
  CHECK(p.nvtx[0].end == 400);
  CHECK(p.nvtx[0].kind == NvtxKind::kRange);
  CHECK(p.nvtx[0].thread_id == 9);
  CHECK(p.strings[p.nvtx[1].name] == "forward");
  CHECK(p.nvtx[1].end - p.nvtx[1].start == 30);
  CHECK(p.strings[p.nvtx[2].name] == "mark");
  CHECK(p.nvtx[2].kind == NvtxKind::kMark);
}

TEST_CASE("device records fill the device table with catalogue peaks") {
  TempDir dir;
  RecordBuffer buffer;
  buffer.add(device_record("NVIDIA H100 80GB HBM3"));
  Profile p = decode_and_load(dir, buffer);
  REQUIRE(p.devices.size() == 1);
  const Device& d = p.devices[0];
  CHECK(d.name == "NVIDIA H100 80GB HBM3");
  CHECK(d.sm_count == 132);
  CHECK(d.compute_major == 9);
  CHECK(d.memory_bytes == 85'029'158'912ull);
  CHECK(d.peak_bandwidth_bytes_per_s == Approx(3.35232e12));
  CHECK(d.peak_bf16_flops == Approx(989.4e12));
  CHECK(d.peak_fp32_flops == Approx(66.9e12));
}
