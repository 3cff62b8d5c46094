#include "collector/python_memory.h"

#include <sys/uio.h>
#include <unistd.h>

namespace perfadvise::collector {

bool read_checked(uintptr_t address, void* out, size_t size) noexcept {
  iovec local{out, size};
  iovec remote{reinterpret_cast<void*>(address), size};
  ssize_t n = process_vm_readv(getpid(), &local, 1, &remote, 1, 0);
  return n == static_cast<ssize_t>(size);
}

bool memory_equals(uintptr_t address, const void* data, size_t size) noexcept {
  if (!plausible_pointer(address, 1) || size > kUserSpaceEnd - address) return false;
  if (read_mode() == ReadMode::kDirect) {
    return std::memcmp(reinterpret_cast<const void*>(address), data, size) == 0;
  }
  unsigned char chunk[512];
  const auto* expected = static_cast<const unsigned char*>(data);
  for (size_t done = 0; done < size; done += sizeof(chunk)) {
    size_t n = size - done < sizeof(chunk) ? size - done : sizeof(chunk);
    if (!read_checked(address + done, chunk, n) || std::memcmp(chunk, expected + done, n) != 0) {
      return false;
    }
  }
  return true;
}

}  // namespace perfadvise::collector
