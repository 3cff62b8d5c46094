#include "collector/python_objects.h"

#include <algorithm>
#include <cstring>

#include "collector/python_memory.h"

namespace perfadvise::collector {
namespace {

constexpr size_t kObjectAlignment = 8;

void append_utf8(uint32_t cp, std::string& out) {
  if (cp >= 0xDC80 && cp <= 0xDCFF) {  // surrogateescape: an undecodable byte of a path
    out.push_back(static_cast<char>(cp - 0xDC00));
  } else if (cp < 0x80) {
    out.push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    if (cp >= 0xD800 && cp <= 0xDFFF) {  // any other lone surrogate has no UTF-8 form
      out.push_back('?');
      return;
    }
    out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x110000) {
    out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out.push_back('?');
  }
}

// `data` holds `length` code units of `kind` bytes each.
void encode_utf8(const unsigned char* data, size_t length, uint32_t kind, std::string& out) {
  out.reserve(length);
  for (size_t i = 0; i < length; ++i) {
    uint32_t cp = 0;
    if (kind == 1) {
      cp = data[i];
    } else if (kind == 2) {
      uint16_t unit;
      std::memcpy(&unit, data + 2 * i, 2);
      cp = unit;
    } else {
      std::memcpy(&cp, data + 4 * i, 4);
    }
    append_utf8(cp, out);
  }
}

}  // namespace

bool has_type(const PyOffsets& offsets, uintptr_t object, uintptr_t type) noexcept {
  uintptr_t actual = 0;
  return type != 0 && plausible_pointer(object, kObjectAlignment) &&
         read_word(object + offsets.ob_type, actual) && actual == type;
}

bool unicode_data(const PyOffsets& offsets, const PyTypeAddresses& types, uintptr_t object,
                  ObjectData& out, size_t max_chars) noexcept {
  if (!has_type(offsets, object, types.unicode)) return false;
  int64_t length = 0;
  uint32_t state = 0;
  if (!read_memory(object + offsets.unicode_length, &length, sizeof(length)) ||
      !read_memory(object + offsets.unicode_state, &state, sizeof(state))) {
    return false;
  }
  // Code objects only hold compact strings; legacy (non-compact) ones are not supported.
  if (length < 0 || (state & kUnicodeCompactBit) == 0) return false;
  uint32_t kind = (state >> kUnicodeKindShift) & kUnicodeKindMask;
  if (kind != 1 && kind != 2 && kind != 4) return false;
  bool ascii = (state & kUnicodeAsciiBit) != 0;
  out.data = object + (ascii ? offsets.unicode_ascii_size : offsets.unicode_compact_size);
  out.size = std::min(static_cast<size_t>(length), max_chars) * kind;
  out.kind = kind;
  return true;
}

bool bytes_data(const PyOffsets& offsets, const PyTypeAddresses& types, uintptr_t object,
                ObjectData& out, size_t max_size) noexcept {
  int64_t size = 0;
  if (!has_type(offsets, object, types.bytes) ||
      !read_memory(object + offsets.ob_size, &size, sizeof(size))) {
    return false;
  }
  if (size < 0 || static_cast<size_t>(size) > max_size) return false;
  out.data = object + offsets.bytes_sval;
  out.size = static_cast<size_t>(size);
  out.kind = 1;
  return true;
}

bool copy_data(const ObjectData& where, std::string& out) {
  out.resize(where.size);
  return read_memory(where.data, out.data(), out.size());
}

std::string to_utf8(const std::string& chars, uint32_t kind) {
  std::string out;
  if (kind == 1) {
    bool ascii = std::all_of(chars.begin(), chars.end(),
                             [](char c) { return static_cast<unsigned char>(c) < 0x80; });
    if (ascii) return chars;
  }
  encode_utf8(reinterpret_cast<const unsigned char*>(chars.data()), chars.size() / kind, kind, out);
  return out;
}

}  // namespace perfadvise::collector
