// Reading CPython objects (type checks, str, bytes) from their memory layout, without the GIL and
// without calling into the interpreter: the C API equivalents (PyUnicode_AsUTF8AndSize, ...) may
// allocate or cache and are only safe with the GIL held. Functions that allocate may throw
// std::bad_alloc; capture_python_stack() catches it at the boundary.
#pragma once

#include <cstdint>
#include <string>

#include "collector/python_offsets.h"

namespace perfadvise::collector {

/// Addresses of the type objects the walk checks against (resolved with dlsym).
struct PyTypeAddresses {
  uintptr_t code = 0;     // &PyCode_Type
  uintptr_t unicode = 0;  // &PyUnicode_Type
  uintptr_t bytes = 0;    // &PyBytes_Type
};

/// True when `object` is a readable object whose ob_type is exactly `type`.
bool has_type(const PyOffsets& offsets, uintptr_t object, uintptr_t type) noexcept;

/// Where the payload of a str or bytes object lies: `size` bytes at `data`, `kind` bytes per
/// character (1 = latin-1/ASCII or bytes, 2 = UCS-2, 4 = UCS-4).
struct ObjectData {
  uintptr_t data = 0;
  size_t size = 0;
  uint32_t kind = 1;
};

/// Locates the characters of a compact str (at most `max_chars` of them).
bool unicode_data(const PyOffsets& offsets, const PyTypeAddresses& types, uintptr_t object,
                  ObjectData& out, size_t max_chars = 4096) noexcept;

/// Locates the payload of a bytes object; false when it is larger than `max_size`.
bool bytes_data(const PyOffsets& offsets, const PyTypeAddresses& types, uintptr_t object,
                ObjectData& out, size_t max_size) noexcept;

/// Copies the payload located by unicode_data() / bytes_data().
bool copy_data(const ObjectData& where, std::string& out);

/// UTF-8 of `kind`-byte characters. Surrogate-escaped bytes of undecodable file names come back
/// as the original bytes.
std::string to_utf8(const std::string& chars, uint32_t kind);

}  // namespace perfadvise::collector
