// Struct offsets of the CPython internals that the GIL-free stack walk reads, one table per
// supported minor version (x86-64 / aarch64 LP64, default non-debug, GIL-enabled builds).
// See docs/python-attribution.md for how each number was verified.
#pragma once

#include <cstddef>
#include <cstdint>

namespace perfadvise::collector {

struct PyOffsets {
  int minor = 0;  // CPython 3.<minor>
  // PyThreadState -> innermost _PyInterpreterFrame. 3.11/3.12 go through tstate->cframe.
  bool has_cframe = false;
  size_t tstate_cframe = 0;
  size_t cframe_current_frame = 0;
  size_t tstate_current_frame = 0;
  // _PyInterpreterFrame.
  size_t frame_code = 0;      // f_code (3.11, 3.12) / f_executable (3.13)
  size_t frame_previous = 0;  // previous
  size_t frame_instr = 0;     // prev_instr (3.11, 3.12) / instr_ptr (3.13)
  size_t frame_owner = 0;     // owner (char)
  int owner_cstack = -1;      // FRAME_OWNED_BY_CSTACK (shim frames, skipped); -1 = none
  // PyCodeObject (a PyVarObject whose ob_size counts 2-byte code units).
  size_t code_firstlineno = 0;  // int
  size_t code_filename = 0;
  size_t code_name = 0;
  size_t code_qualname = 0;
  size_t code_linetable = 0;  // bytes object: the 3.11+ location table
  size_t code_adaptive = 0;   // co_code_adaptive: first code unit
  // Generic object layout.
  size_t ob_type = 8;
  size_t ob_size = 16;     // PyVarObject.ob_size
  size_t bytes_sval = 32;  // PyBytesObject.ob_sval
  // PyUnicodeObject: compact strings store their characters right after the header.
  size_t unicode_length = 16;
  size_t unicode_state = 32;
  size_t unicode_ascii_size = 0;    // sizeof(PyASCIIObject): ASCII data starts here
  size_t unicode_compact_size = 0;  // sizeof(PyCompactUnicodeObject): other kinds start here
};

/// Bit layout of PyASCIIObject.state (identical in 3.11-3.13).
inline constexpr uint32_t kUnicodeKindShift = 2;
inline constexpr uint32_t kUnicodeKindMask = 0x7;
inline constexpr uint32_t kUnicodeCompactBit = 1u << 5;
inline constexpr uint32_t kUnicodeAsciiBit = 1u << 6;

/// The built-in table for CPython 3.<minor>, or nullptr when that version is unsupported.
const PyOffsets* builtin_offsets(int major, int minor) noexcept;

enum class DebugOffsetsUse : uint8_t {
  kApplied,       // the runtime's own offsets replaced the table's
  kAbsent,        // no valid debug offsets for this version: the table stands
  kFreeThreaded,  // a free-threaded (no-GIL) build: other object layout, unsupported
};

/// 3.13+ publish their own offsets in `_PyRuntime.debug_offsets`. Overwrites the fields of
/// `offsets` it covers when `runtime` starts with a valid cookie for the same minor version and
/// plausible values.
DebugOffsetsUse apply_debug_offsets(const void* runtime, PyOffsets& offsets) noexcept;

}  // namespace perfadvise::collector
