// Reads of another part of our own address space that must never fault: the stack walk only
// follows pointers it has validated, and in "checked" mode every read goes through
// process_vm_readv(getpid()), which returns EFAULT instead of crashing on an unmapped address.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <cstring>

namespace perfadvise::collector {

enum class ReadMode : uint8_t { kDirect, kChecked };

/// How memory is read (process-wide; set once during initialization).
inline std::atomic<ReadMode> g_read_mode{ReadMode::kDirect};
inline void set_read_mode(ReadMode mode) noexcept {
  g_read_mode.store(mode, std::memory_order_relaxed);
}
inline ReadMode read_mode() noexcept {
  return g_read_mode.load(std::memory_order_relaxed);
}

// x86-64 and aarch64 (48-bit VA) user space ends below this; the first page is never mapped.
inline constexpr uintptr_t kLowestAddress = 4096;
inline constexpr uintptr_t kUserSpaceEnd = uintptr_t{1} << 47;

/// True when `address` is non-null, `alignment`-aligned and inside the user half of the address
/// space: the cheap filter applied to every pointer before it is followed.
inline bool plausible_pointer(uintptr_t address, size_t alignment) noexcept {
  return address >= kLowestAddress && address < kUserSpaceEnd && address % alignment == 0;
}

/// The process_vm_readv path of read_memory().
bool read_checked(uintptr_t address, void* out, size_t size) noexcept;

/// Copies `size` bytes at `address` into `out`; false when the memory cannot be read.
inline bool read_memory(uintptr_t address, void* out, size_t size) noexcept {
  if (!plausible_pointer(address, 1) || size > kUserSpaceEnd - address) return false;
  if (read_mode() == ReadMode::kChecked) return read_checked(address, out, size);
  std::memcpy(out, reinterpret_cast<const void*>(address), size);
  return true;
}

/// Reads the pointer-sized word at `address`.
inline bool read_word(uintptr_t address, uintptr_t& out) noexcept {
  return read_memory(address, &out, sizeof(out));
}

/// True when the `size` bytes at `address` are readable and equal to `data`.
bool memory_equals(uintptr_t address, const void* data, size_t size) noexcept;

}  // namespace perfadvise::collector
