// A program that does nothing but launch: steps of N empty kernels, each step an NVTX range
// `step#i` ended by a stream sync. Python's interpreter drifts too much to resolve a cost of
// 1 us per launch; this loop does not. Under
//   perfadvise run --measure-overhead --steps '^step#' -- launch_loop --seconds 12
// the recorded and paused windows give the collector's cost per launch (docs/benchmarks.md).
// Alone it prints the plain cost of a launch. --api-calls-per-launch N adds N cudaGetDevice
// calls before each launch, as PyTorch makes, to see what CUPTI costs on calls it records not.
#include <cuda_runtime.h>
#include <nvtx3/nvToolsExt.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

namespace {

__global__ void empty_kernel(int* sink) {
  if (sink != nullptr && threadIdx.x == 1024) *sink = 1;  // never true: keeps the kernel alive
}

struct Options {
  int launches_per_step = 500;
  double seconds = 10;
  // PyTorch asks the runtime for the current device several times per op; with this, each
  // launch is preceded by N cudaGetDevice calls, whose records the collector filters out but
  // which CUPTI still intercepts.
  int api_calls_per_launch = 0;
};

bool parse(int argc, char** argv, Options& o) {
  for (int i = 1; i + 1 < argc; i += 2) {
    if (std::strcmp(argv[i], "--launches-per-step") == 0) {
      o.launches_per_step = std::atoi(argv[i + 1]);
    } else if (std::strcmp(argv[i], "--seconds") == 0) {
      o.seconds = std::atof(argv[i + 1]);
    } else if (std::strcmp(argv[i], "--api-calls-per-launch") == 0) {
      o.api_calls_per_launch = std::atoi(argv[i + 1]);
    } else {
      return false;
    }
  }
  return argc % 2 == 1 && o.launches_per_step > 0 && o.seconds > 0 && o.api_calls_per_launch >= 0;
}

bool ok(cudaError_t e, const char* what) {
  if (e == cudaSuccess) return true;
  std::fprintf(stderr, "launch_loop: %s: %s\n", what, cudaGetErrorString(e));
  return false;
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  if (!parse(argc, argv, o)) {
    std::fprintf(stderr,
                 "usage: launch_loop [--launches-per-step N] [--seconds S] "
                 "[--api-calls-per-launch N]\n");
    return 2;
  }
  cudaStream_t stream = nullptr;
  if (!ok(cudaStreamCreateWithFlags(&stream, cudaStreamNonBlocking), "stream")) return 1;
  using Clock = std::chrono::steady_clock;
  std::vector<double> us_per_launch;
  const auto end = Clock::now() + std::chrono::duration<double>(o.seconds);
  for (int step = 0; Clock::now() < end; ++step) {
    const std::string name = "step#" + std::to_string(step);
    const auto start = Clock::now();
    nvtxRangePushA(name.c_str());
    int device = 0;
    for (int i = 0; i < o.launches_per_step; ++i) {
      for (int call = 0; call < o.api_calls_per_launch; ++call)
        (void)cudaGetDevice(&device);
      empty_kernel<<<1, 32, 0, stream>>>(nullptr);
    }
    const bool synced = ok(cudaStreamSynchronize(stream), "sync");
    nvtxRangePop();
    if (!synced || !ok(cudaGetLastError(), "launch")) return 1;
    const double us = std::chrono::duration<double, std::micro>(Clock::now() - start).count();
    us_per_launch.push_back(us / o.launches_per_step);
  }
  std::sort(us_per_launch.begin(), us_per_launch.end());
  const double median = us_per_launch[us_per_launch.size() / 2];
  std::printf(
      "RESULT {\"median_us_per_launch\": %.4f, \"steps\": %zu, \"launches_per_step\": %d, "
      "\"api_calls_per_launch\": %d}\n",
      median, us_per_launch.size(), o.launches_per_step, o.api_calls_per_launch);
  return 0;
}
