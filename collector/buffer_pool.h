// Activity buffers for CUPTI. CUPTI asks for a buffer inside application CUDA calls, so take()
// must be O(1): buffers are allocated up front, zeroed (CUPTI is told they arrive zeroed and
// skips its own memset on the application thread), and recycled by the writer thread after it
// decoded them. When every buffer is in use the pool grows up to a limit, then refuses: CUPTI
// drops records and counts them, which the profile reports.
#pragma once

#include <cstddef>
#include <cstdint>
#include <mutex>
#include <vector>

namespace perfadvise::collector {

class BufferPool {
 public:
  static constexpr size_t kAlignment = 64;  // CUPTI needs 8

  BufferPool(size_t buffer_bytes, size_t preallocated, size_t max_buffers);
  ~BufferPool();
  BufferPool(const BufferPool&) = delete;
  BufferPool& operator=(const BufferPool&) = delete;

  /// A zeroed buffer of buffer_bytes(), or nullptr when the limit is reached.
  uint8_t* take() noexcept;
  /// Returns a buffer whose first `used_bytes` were written; they are zeroed again here.
  void give_back(uint8_t* buffer, size_t used_bytes) noexcept;

  size_t buffer_bytes() const { return buffer_bytes_; }
  size_t allocated() const;
  uint64_t refusals() const;

 private:
  uint8_t* allocate_zeroed() noexcept;

  const size_t buffer_bytes_;
  const size_t max_buffers_;
  mutable std::mutex mutex_;
  std::vector<uint8_t*> free_;
  std::vector<uint8_t*> all_;
  uint64_t refusals_ = 0;
};

}  // namespace perfadvise::collector
