#include <catch2/catch.hpp>

#include "analyzer/gpu_timeline.h"
#include "analyzer/host_blocks.h"
#include "tests/analyzer/scenarios.h"

using namespace perfadvise;
using namespace perfadvise::testing;

TEST_CASE("a DtoH copy followed by a stream sync is one device-to-host block") {
  ProfileBuilder b;
  WorkloadSim sim(b);
  sim.kernel("k", 1'000'000);
  sim.blocking_copy(MemcpyKind::kDtoH, 8, {}, "aten::nonzero");
  const Profile p = b.build();
  const std::vector<HostBlock> blocks = find_host_blocks(p, classify_api_names(p));
  REQUIRE(blocks.size() == 1);
  CHECK(blocks[0].cause == BlockCause::kDeviceToHost);
  CHECK(blocks[0].sync_api != HostBlock::kNone);
  CHECK(blocks[0].pageable);
  CHECK(blocks[0].duration() > 900'000);  // waited for the 1 ms kernel
}

TEST_CASE("explicit syncs, frees and pageable async copies block; pinned async copies do not") {
  ProfileBuilder b;
  WorkloadSim sim(b);
  sim.kernel("k", 100'000);
  sim.explicit_sync(SyncType::kContextSynchronize, "cudaDeviceSynchronize");
  sim.async_copy(MemcpyKind::kHtoD, 1 << 20, MemoryKind::kPinned);
  sim.async_copy(MemcpyKind::kHtoD, 1 << 20, MemoryKind::kPageable);
  sim.api("cudaFree", 20'000, true);
  const Profile p = b.build();
  const std::vector<HostBlock> blocks = find_host_blocks(p, classify_api_names(p));
  REQUIRE(blocks.size() == 3);
  CHECK(blocks[0].cause == BlockCause::kExplicitSync);
  CHECK(blocks[1].cause == BlockCause::kHostToDevice);
  CHECK(blocks[1].pageable);
  CHECK(blocks[1].sync_api == HostBlock::kNone);
  CHECK(blocks[2].cause == BlockCause::kFree);
}

TEST_CASE("the GPU idle after a sync is host wait, capped at the time the host was blocked") {
  ProfileBuilder b;
  WorkloadSim sim(b);
  sim.kernel("big", 2'000'000);  // the host waits ~2 ms for it
  sim.blocking_copy(MemcpyKind::kDtoH, 8, {}, "");
  for (int i = 0; i < 10; ++i) {
    sim.host_work(50'000);
    sim.kernel("small", 5'000);  // starved: launched after the GPU went idle
  }
  sim.kernel("big", 2'000'000);
  for (int i = 0; i < 5; ++i)
    sim.kernel("queued", 10'000);  // host ahead again
  const Profile p = b.build();
  std::vector<HostBlock> blocks = find_host_blocks(p, classify_api_names(p));
  const GpuTimeline t = build_gpu_timeline(p, blocks);
  TimeNs host_wait = 0, other = 0, launch = 0;
  for (const IdleSegment& s : t.idle) {
    (s.kind == IdleKind::kHostWait ? host_wait
     : s.kind == IdleKind::kOther  ? other
                                   : launch) += s.end - s.start;
  }
  REQUIRE(blocks.size() == 1);
  CHECK(blocks[0].gpu_idle_after == host_wait);
  CHECK(host_wait > 500'000);  // ten gaps of ~50 us
  CHECK(host_wait <= blocks[0].duration());
  CHECK(other == 0);
}

TEST_CASE("a short sync cannot be blamed for more idle than it blocked") {
  ProfileBuilder b;
  WorkloadSim sim(b);
  sim.kernel("tiny", 2'000);
  sim.host_work(100'000);
  sim.blocking_copy(MemcpyKind::kDtoH, 8, {}, "");  // GPU already idle: returns at once
  sim.host_work(3'000'000);                         // then the host works 3 ms
  sim.kernel("next", 2'000);
  const Profile p = b.build();
  std::vector<HostBlock> blocks = find_host_blocks(p, classify_api_names(p));
  build_gpu_timeline(p, blocks);
  REQUIRE(blocks.size() == 1);
  CHECK(blocks[0].gpu_idle_after <= blocks[0].duration());
  CHECK(blocks[0].gpu_idle_after < 100'000);
}
