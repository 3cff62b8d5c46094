#include <catch2/catch.hpp>

#include "analyzer/api_kinds.h"

using namespace perfadvise;

TEST_CASE("API names are normalized in one place") {
  CHECK(normalize_api_name("cudaMemcpyAsync_v3020") == "cudaMemcpyAsync");
  CHECK(normalize_api_name("cudaLaunchKernel_ptsz") == "cudaLaunchKernel");
  CHECK(normalize_api_name("cudaMemcpyAsync_ptsz_v7000") == "cudaMemcpyAsync");
  CHECK(normalize_api_name("cuMemcpyDtoH_v2") == "cuMemcpyDtoH");
  CHECK(normalize_api_name("cudaStreamSynchronize") == "cudaStreamSynchronize");
  CHECK(normalize_api_name("my_v") == "my_v");
}

TEST_CASE("launches are recognized by name in both domains") {
  for (const char* name : {"cudaLaunchKernel", "__cudaLaunchKernel", "cudaLaunchKernelExC_v11060",
                           "cuLaunchKernel", "cuLaunchKernelEx", "cudaLaunchKernel_ptsz"}) {
    INFO(name);
    CHECK(classify_api(name) == ApiKind::kKernelLaunch);
  }
  CHECK(classify_api("cudaGraphLaunch_v10000") == ApiKind::kGraphLaunch);
  CHECK(classify_api("cuGraphLaunch") == ApiKind::kGraphLaunch);
}

TEST_CASE("copies, syncs and allocations are told apart") {
  CHECK(classify_api("cudaMemcpyAsync_v3020") == ApiKind::kMemcpyAsync);
  CHECK(classify_api("cudaMemcpy") == ApiKind::kMemcpySync);
  CHECK(classify_api("cuMemcpyDtoH_v2") == ApiKind::kMemcpySync);
  CHECK(classify_api("cuMemcpyHtoDAsync_v2") == ApiKind::kMemcpyAsync);
  CHECK(classify_api("cudaMemsetAsync") == ApiKind::kMemsetAsync);
  CHECK(classify_api("cudaStreamSynchronize_v3020") == ApiKind::kStreamSync);
  CHECK(classify_api("cudaDeviceSynchronize") == ApiKind::kDeviceSync);
  CHECK(classify_api("cuCtxSynchronize") == ApiKind::kDeviceSync);
  CHECK(classify_api("cudaEventSynchronize") == ApiKind::kEventSync);
  CHECK(classify_api("cudaMalloc_v3020") == ApiKind::kAlloc);
  CHECK(classify_api("cudaMallocHost") == ApiKind::kAlloc);
  CHECK(classify_api("cuMemAlloc_v2") == ApiKind::kAlloc);
  CHECK(classify_api("cudaFree") == ApiKind::kFree);
  CHECK(classify_api("cudaMallocAsync") == ApiKind::kOther);
  CHECK(classify_api("cudaGetDevice") == ApiKind::kOther);
  CHECK(classify_api("cudaStreamIsCapturing") == ApiKind::kOther);
  CHECK(is_blocking_sync(ApiKind::kStreamSync));
  CHECK_FALSE(is_blocking_sync(ApiKind::kMemcpyAsync));
}
