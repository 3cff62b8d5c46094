// A plain CUDA C++ program with a known number of kernels, copies (pinned and pageable),
// memsets and synchronizations. gpu_collector_test runs it under `perfadvise run` and asserts
// that the profile holds exactly these. Each blocking call sits in its own named function, so
// the test can also check the native op name recorded at the call site (no Python here).
#include <cuda_runtime.h>

#include <cstdio>
#include <cstdlib>
#include <vector>

namespace {

constexpr int kElements = 1 << 20;
constexpr int kScaleLaunches = 10;  // gpu_collector_test: kernels
constexpr int kAddLaunches = 3;

#define CHECK_CUDA(call)                                                    \
  do {                                                                      \
    cudaError_t status_ = (call);                                           \
    if (status_ != cudaSuccess) {                                           \
      std::fprintf(stderr, "%s: %s\n", #call, cudaGetErrorString(status_)); \
      std::exit(1);                                                         \
    }                                                                       \
  } while (0)

__global__ void scale(float* data, int n, float factor) {
  const int i = blockIdx.x * blockDim.x + threadIdx.x;
  if (i < n) data[i] *= factor;
}

__global__ void add_one(float* data, int n) {
  const int i = blockIdx.x * blockDim.x + threadIdx.x;
  if (i < n) data[i] += 1.0f;
}

}  // namespace

// Exported (linked with -rdynamic) so the collector can name them from return addresses.
extern "C" __attribute__((noinline)) void pageable_copy_back(float* host, const float* device) {
  CHECK_CUDA(cudaMemcpy(host, device, kElements * sizeof(float), cudaMemcpyDeviceToHost));
}

extern "C" __attribute__((noinline)) void pinned_copy_back(float* host, const float* device,
                                                           cudaStream_t stream) {
  CHECK_CUDA(
      cudaMemcpyAsync(host, device, kElements * sizeof(float), cudaMemcpyDeviceToHost, stream));
}

extern "C" __attribute__((noinline)) void wait_for_stream(cudaStream_t stream) {
  CHECK_CUDA(cudaStreamSynchronize(stream));
}

extern "C" __attribute__((noinline)) void wait_for_device() {
  CHECK_CUDA(cudaDeviceSynchronize());
}

extern "C" __attribute__((noinline)) void wait_for_event(cudaEvent_t event) {
  CHECK_CUDA(cudaEventSynchronize(event));
}

int main() {
  const dim3 block(256);
  const dim3 grid((kElements + block.x - 1) / block.x);
  std::vector<float> pageable(kElements, 1.0f);
  float* pinned = nullptr;
  float* device = nullptr;
  cudaStream_t stream;
  cudaEvent_t event;
  CHECK_CUDA(cudaMallocHost(&pinned, kElements * sizeof(float)));
  CHECK_CUDA(cudaMalloc(&device, kElements * sizeof(float)));
  CHECK_CUDA(cudaStreamCreateWithFlags(&stream, cudaStreamNonBlocking));
  CHECK_CUDA(cudaEventCreate(&event));

  // Copies: 1 pageable HtoD, 2 pinned HtoD, 1 pageable DtoH, 2 pinned DtoH = 6.
  CHECK_CUDA(
      cudaMemcpy(device, pageable.data(), kElements * sizeof(float), cudaMemcpyHostToDevice));
  for (int i = 0; i < 2; ++i) {
    CHECK_CUDA(
        cudaMemcpyAsync(device, pinned, kElements * sizeof(float), cudaMemcpyHostToDevice, stream));
  }
  // Memsets: 2.
  CHECK_CUDA(cudaMemset(device, 0, kElements * sizeof(float)));
  CHECK_CUDA(cudaMemsetAsync(device, 0, kElements * sizeof(float), stream));
  // Kernels: 10 scale + 3 add_one = 13.
  for (int i = 0; i < kScaleLaunches; ++i)
    scale<<<grid, block, 0, stream>>>(device, kElements, 2);
  for (int i = 0; i < kAddLaunches; ++i)
    add_one<<<grid, block, 0, stream>>>(device, kElements);
  CHECK_CUDA(cudaGetLastError());
  // Syncs: 3 stream, 1 device (context), 1 event.
  wait_for_stream(stream);
  pinned_copy_back(pinned, device, stream);
  wait_for_stream(stream);
  pinned_copy_back(pinned, device, stream);
  wait_for_stream(stream);
  CHECK_CUDA(cudaEventRecord(event, stream));
  wait_for_event(event);
  wait_for_device();
  pageable_copy_back(pageable.data(), device);

  std::printf("plain_cuda: done, first element %.1f\n", pageable[0]);
  CHECK_CUDA(cudaEventDestroy(event));
  CHECK_CUDA(cudaStreamDestroy(stream));
  CHECK_CUDA(cudaFree(device));
  CHECK_CUDA(cudaFreeHost(pinned));
  return 0;
}
