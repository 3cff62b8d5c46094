// Offset tables measured with offsetof() against each version's internal headers
// (Include/internal/pycore_frame.h, pycore_code.h, cpython/pystate.h, cpython/unicodeobject.h,
// built with Py_BUILD_CORE): pyenv CPython 3.11.7, 3.12.1 and 3.13.0. CPython keeps these
// layouts fixed within a minor version, so 3.12.1 stands for 3.12.x (the GPU machine runs 3.12.3).
#include "collector/python_offsets.h"

#include <cstring>
#include <initializer_list>

namespace perfadvise::collector {
namespace {

constexpr PyOffsets make_3_11() {
  PyOffsets o;
  o.minor = 11;
  o.has_cframe = true;
  o.tstate_cframe = 56;
  o.cframe_current_frame = 8;  // after `int use_tracing`
  o.frame_code = 32;
  o.frame_previous = 48;
  o.frame_instr = 56;
  o.frame_owner = 69;
  o.owner_cstack = -1;  // 3.11 has no shim frames
  o.code_firstlineno = 72;
  o.code_filename = 112;
  o.code_name = 120;
  o.code_qualname = 128;
  o.code_linetable = 136;
  o.code_adaptive = 184;
  o.unicode_ascii_size = 48;  // PyASCIIObject still has `wchar_t* wstr`
  o.unicode_compact_size = 72;
  return o;
}

constexpr PyOffsets make_3_12() {
  PyOffsets o;
  o.minor = 12;
  o.has_cframe = true;
  o.tstate_cframe = 56;
  o.cframe_current_frame = 0;
  o.frame_code = 0;
  o.frame_previous = 8;
  o.frame_instr = 56;
  o.frame_owner = 70;
  o.owner_cstack = 3;
  o.code_firstlineno = 68;
  o.code_filename = 112;
  o.code_name = 120;
  o.code_qualname = 128;
  o.code_linetable = 136;
  o.code_adaptive = 192;
  o.unicode_ascii_size = 40;
  o.unicode_compact_size = 56;
  return o;
}

constexpr PyOffsets make_3_13() {
  PyOffsets o;
  o.minor = 13;
  o.has_cframe = false;
  o.tstate_current_frame = 72;
  o.frame_code = 0;  // f_executable: a code object, or None in shim frames
  o.frame_previous = 8;
  o.frame_instr = 56;
  o.frame_owner = 70;
  o.owner_cstack = 3;
  o.code_firstlineno = 68;
  o.code_filename = 112;
  o.code_name = 120;
  o.code_qualname = 128;
  o.code_linetable = 136;
  o.code_adaptive = 200;
  o.unicode_ascii_size = 40;
  o.unicode_compact_size = 56;
  return o;
}

constexpr PyOffsets kPy311 = make_3_11();
constexpr PyOffsets kPy312 = make_3_12();
constexpr PyOffsets kPy313 = make_3_13();

// Mirror of the prefix of CPython 3.13's _Py_DebugOffsets (Include/internal/pycore_runtime.h)
// up to and including `unicode_object`. Stable within 3.13.x by CPython's own contract.
struct DebugOffsets313 {
  char cookie[8];
  uint64_t version;
  uint64_t free_threaded;
  uint64_t runtime_state[3];
  uint64_t interpreter_state[13];
  struct {
    uint64_t size, prev, next, interp, current_frame, thread_id, native_thread_id, datastack_chunk,
        status;
  } thread_state;
  struct {
    uint64_t size, previous, executable, instr_ptr, localsplus, owner;
  } interpreter_frame;
  struct {
    uint64_t size, filename, name, qualname, linetable, firstlineno, argcount, localsplusnames,
        localspluskinds, co_code_adaptive;
  } code_object;
  struct {
    uint64_t size, ob_type;
  } pyobject;
  uint64_t type_object[4];
  uint64_t tuple_object[3];
  uint64_t list_object[3];
  uint64_t dict_object[3];
  uint64_t float_object[2];
  uint64_t long_object[3];
  struct {
    uint64_t size, ob_size, ob_sval;
  } bytes_object;
  struct {
    uint64_t size, state, length, asciiobject_size;
  } unicode_object;
};

constexpr uint64_t kMaxPlausibleOffset = 4096;

bool plausible(std::initializer_list<uint64_t> values) {
  for (uint64_t v : values) {
    if (v >= kMaxPlausibleOffset) return false;
  }
  return true;
}

}  // namespace

const PyOffsets* builtin_offsets(int major, int minor) noexcept {
  if (major != 3) return nullptr;
  switch (minor) {
    case 11:
      return &kPy311;
    case 12:
      return &kPy312;
    case 13:
      return &kPy313;
    default:
      return nullptr;
  }
}

DebugOffsetsUse apply_debug_offsets(const void* runtime, PyOffsets& offsets) noexcept {
  if (runtime == nullptr || offsets.minor != 13) return DebugOffsetsUse::kAbsent;
  DebugOffsets313 d;
  std::memcpy(&d, runtime, sizeof(d));  // _PyRuntime is static data: always readable
  if (std::memcmp(d.cookie, "xdebugpy", 8) != 0) return DebugOffsetsUse::kAbsent;
  if (((d.version >> 24) & 0xff) != 3 || ((d.version >> 16) & 0xff) != 13) {
    return DebugOffsetsUse::kAbsent;
  }
  if (d.free_threaded != 0) return DebugOffsetsUse::kFreeThreaded;
  const auto& f = d.interpreter_frame;
  const auto& c = d.code_object;
  const auto& u = d.unicode_object;
  if (!plausible({d.thread_state.current_frame, f.previous, f.executable, f.instr_ptr, f.owner,
                  c.filename, c.name, c.qualname, c.linetable, c.firstlineno, c.co_code_adaptive,
                  d.pyobject.ob_type, d.bytes_object.ob_size, d.bytes_object.ob_sval, u.state,
                  u.length, u.asciiobject_size})) {
    return DebugOffsetsUse::kAbsent;
  }
  offsets.tstate_current_frame = d.thread_state.current_frame;
  offsets.frame_previous = f.previous;
  offsets.frame_code = f.executable;
  offsets.frame_instr = f.instr_ptr;
  offsets.frame_owner = f.owner;
  offsets.code_filename = c.filename;
  offsets.code_name = c.name;
  offsets.code_qualname = c.qualname;
  offsets.code_linetable = c.linetable;
  offsets.code_firstlineno = c.firstlineno;
  offsets.code_adaptive = c.co_code_adaptive;
  offsets.ob_type = d.pyobject.ob_type;
  offsets.ob_size = d.bytes_object.ob_size;
  offsets.bytes_sval = d.bytes_object.ob_sval;
  offsets.unicode_state = u.state;
  offsets.unicode_length = u.length;
  offsets.unicode_ascii_size = u.asciiobject_size;
  return DebugOffsetsUse::kApplied;
}

}  // namespace perfadvise::collector
