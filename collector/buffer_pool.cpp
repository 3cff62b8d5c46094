#include "collector/buffer_pool.h"

#include <cstdlib>
#include <cstring>

namespace perfadvise::collector {

BufferPool::BufferPool(size_t buffer_bytes, size_t preallocated, size_t max_buffers)
    : buffer_bytes_((buffer_bytes + kAlignment - 1) / kAlignment * kAlignment),
      max_buffers_(max_buffers) {
  free_.reserve(max_buffers);
  all_.reserve(max_buffers);
  for (size_t i = 0; i < preallocated && i < max_buffers; ++i) {
    uint8_t* buffer = allocate_zeroed();
    if (buffer == nullptr) break;
    all_.push_back(buffer);
    free_.push_back(buffer);
  }
}

BufferPool::~BufferPool() {
  for (uint8_t* buffer : all_)
    std::free(buffer);
}

uint8_t* BufferPool::allocate_zeroed() noexcept {
  void* memory = std::aligned_alloc(kAlignment, buffer_bytes_);
  if (memory != nullptr) std::memset(memory, 0, buffer_bytes_);
  return static_cast<uint8_t*>(memory);
}

uint8_t* BufferPool::take() noexcept {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (!free_.empty()) {
      uint8_t* buffer = free_.back();
      free_.pop_back();
      return buffer;
    }
    if (all_.size() >= max_buffers_) {
      ++refusals_;
      return nullptr;
    }
  }
  // Grow outside the lock: zeroing megabytes must not stall other threads' take().
  uint8_t* buffer = allocate_zeroed();
  std::lock_guard<std::mutex> lock(mutex_);
  if (buffer == nullptr) {
    ++refusals_;
    return nullptr;
  }
  all_.push_back(buffer);  // capacity reserved up front: no allocation under the lock
  return buffer;
}

void BufferPool::give_back(uint8_t* buffer, size_t used_bytes) noexcept {
  if (buffer == nullptr) return;
  std::memset(buffer, 0, used_bytes < buffer_bytes_ ? used_bytes : buffer_bytes_);
  std::lock_guard<std::mutex> lock(mutex_);
  free_.push_back(buffer);
}

size_t BufferPool::allocated() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return all_.size();
}

uint64_t BufferPool::refusals() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return refusals_;
}

}  // namespace perfadvise::collector
