#include "collector/python_linetable.h"

namespace perfadvise::collector {
namespace {

constexpr int kCodeUnitBytes = 2;
// Location entry codes (bits 3-6 of an entry's first byte).
constexpr int kCodeNoLocation = 15;
constexpr int kCodeLong = 14;
constexpr int kCodeNoColumns = 13;
constexpr int kCodeOneLine0 = 10;
constexpr int kCodeOneLine2 = 12;

// Reads a varint: 6 payload bits per byte, bit 6 = more bytes follow.
uint32_t scan_varint(const uint8_t* p, const uint8_t* end) noexcept {
  if (p >= end) return 0;
  uint32_t read = *p;
  uint32_t value = read & 63;
  uint32_t shift = 0;
  while ((read & 64) != 0 && ++p < end && shift < 26) {
    read = *p;
    shift += 6;
    value |= (read & 63) << shift;
  }
  return value;
}

int scan_signed_varint(const uint8_t* p, const uint8_t* end) noexcept {
  uint32_t value = scan_varint(p, end);
  int magnitude = static_cast<int>(value >> 1);
  return (value & 1) != 0 ? -magnitude : magnitude;
}

// How many lines an entry moves the running line number (get_line_delta in codeobject.c).
int line_delta(const uint8_t* entry, const uint8_t* end) noexcept {
  int code = (*entry >> 3) & 15;
  if (code == kCodeLong || code == kCodeNoColumns) return scan_signed_varint(entry + 1, end);
  if (code >= kCodeOneLine0 && code <= kCodeOneLine2) return code - kCodeOneLine0;
  return 0;
}

}  // namespace

int line_for_offset(const uint8_t* table, size_t table_size, int first_line,
                    int64_t byte_offset) noexcept {
  if (byte_offset < 0) return first_line;
  const uint8_t* p = table;
  const uint8_t* end = table + table_size;
  int line = first_line;
  int64_t range_end = 0;
  while (p < end) {
    // Every entry starts with a byte whose top bit is set; skip anything torn.
    if ((*p & 128) == 0) {
      ++p;
      continue;
    }
    line += line_delta(p, end);
    bool no_line = ((*p >> 3) & 15) == kCodeNoLocation;
    range_end += ((*p & 7) + 1) * kCodeUnitBytes;
    if (byte_offset < range_end) return no_line ? -1 : line;
    ++p;
  }
  return -1;
}

}  // namespace perfadvise::collector
