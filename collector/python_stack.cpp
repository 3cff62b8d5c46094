// The walk: PyGILState_GetThisThreadState() -> innermost _PyInterpreterFrame -> previous ...
// While this thread sits inside the CUDA call its frame chain cannot change (it runs no
// bytecode), each frame keeps its code object alive, and code objects, their strings and line
// tables are immutable; so plain reads are consistent without the GIL. Every pointer is still
// validated, and a code object must have ob_type == &PyCode_Type before anything in it is used.
#include "collector/python_stack.h"

#include <algorithm>
#include <atomic>
#include <cstring>
#include <new>

#include "collector/python_frame_cache.h"
#include "collector/python_linetable.h"
#include "collector/python_memory.h"
#include "collector/python_runtime.h"

namespace perfadvise::collector {
namespace {

constexpr size_t kPointerAlignment = 8;
constexpr size_t kMaxFrameHops = 1024;           // bounds the walk, shim frames included
constexpr size_t kMaxLineTableBytes = 1u << 20;  // a 1 MiB location table is already absurd
constexpr size_t kMaxHeaderBytes = 256;          // frame / code headers read in one go
constexpr int64_t kMaxCodeUnits = int64_t{1} << 24;

// The fields of one _PyInterpreterFrame the walk needs.
struct RawFrame {
  uintptr_t code = 0;
  uintptr_t previous = 0;
  uintptr_t instr = 0;
  int owner = 0;
};

// The fields of one PyCodeObject the walk needs.
struct RawCode {
  uintptr_t type = 0;
  int64_t code_units = 0;
  int32_t first_line = 0;
  uintptr_t filename = 0;
  uintptr_t qualname = 0;
  uintptr_t linetable = 0;
};

template <typename T>
T field(const unsigned char* block, size_t offset) {
  T value;
  std::memcpy(&value, block + offset, sizeof(T));
  return value;
}

bool read_frame(const PyOffsets& o, uintptr_t address, RawFrame& out) noexcept {
  size_t size = std::max({o.frame_code, o.frame_previous, o.frame_instr}) + sizeof(uintptr_t);
  size = std::max(size, o.frame_owner + 1);
  unsigned char block[kMaxHeaderBytes];
  if (size > sizeof(block) || !read_memory(address, block, size)) return false;
  out.code = field<uintptr_t>(block, o.frame_code);
  out.previous = field<uintptr_t>(block, o.frame_previous);
  out.instr = field<uintptr_t>(block, o.frame_instr);
  out.owner = static_cast<int>(block[o.frame_owner]);
  return true;
}

bool read_code(const PyOffsets& o, uintptr_t address, RawCode& out) noexcept {
  size_t size = o.code_adaptive;
  unsigned char block[kMaxHeaderBytes];
  if (size > sizeof(block) || !read_memory(address, block, size)) return false;
  out.type = field<uintptr_t>(block, o.ob_type);
  out.code_units = field<int64_t>(block, o.ob_size);
  out.first_line = field<int32_t>(block, o.code_firstlineno);
  out.filename = field<uintptr_t>(block, o.code_filename);
  out.qualname = field<uintptr_t>(block, o.code_qualname);
  out.linetable = field<uintptr_t>(block, o.code_linetable);
  return true;
}

FrameCache& frame_cache() {
  // Allocated once and never freed: a CUDA call during process exit may still capture.
  static std::atomic<FrameCache*> cache{nullptr};
  FrameCache* current = cache.load(std::memory_order_acquire);
  if (current != nullptr) return *current;
  auto* fresh = new FrameCache();
  if (!cache.compare_exchange_strong(current, fresh, std::memory_order_acq_rel)) {
    delete fresh;
    return *current;
  }
  return *fresh;
}

// File, qualified name and line of one code object at one instruction.
bool resolve_frame(const PythonRuntime& rt, uintptr_t code_address, const RawCode& code,
                   int64_t byte_offset, PyFrameInfo& out) {
  FrameSource source;
  source.code = code_address;
  source.first_line = code.first_line;
  source.byte_offset = byte_offset;
  if (!unicode_data(rt.offsets, rt.types, code.filename, source.filename) ||
      !unicode_data(rt.offsets, rt.types, code.qualname, source.qualname) ||
      !bytes_data(rt.offsets, rt.types, code.linetable, source.linetable, kMaxLineTableBytes)) {
    return false;
  }
  FrameCache& cache = frame_cache();
  if (cache.lookup(source, out)) return true;
  std::string filename, qualname, linetable;
  if (!copy_data(source.filename, filename) || !copy_data(source.qualname, qualname) ||
      !copy_data(source.linetable, linetable)) {
    return false;
  }
  out.file = to_utf8(filename, source.filename.kind);
  out.function = to_utf8(qualname, source.qualname.kind);
  int line = line_for_offset(reinterpret_cast<const uint8_t*>(linetable.data()), linetable.size(),
                             code.first_line, byte_offset);
  out.line = line > 0 ? static_cast<uint32_t>(line) : 0;
  cache.store(source, filename, qualname, linetable, out);
  return true;
}

// The innermost frame of the thread whose PyThreadState is at `tstate`.
bool innermost_frame(const PyOffsets& o, uintptr_t tstate, uintptr_t& frame) noexcept {
  if (!plausible_pointer(tstate, kPointerAlignment)) return false;
  if (!o.has_cframe) return read_word(tstate + o.tstate_current_frame, frame);
  uintptr_t cframe = 0;
  return read_word(tstate + o.tstate_cframe, cframe) &&
         plausible_pointer(cframe, kPointerAlignment) &&
         read_word(cframe + o.cframe_current_frame, frame);
}

// Appends the frame at `address` unless it is a shim; false when anything looks wrong.
bool visit_frame(const PythonRuntime& rt, const RawFrame& frame, std::vector<PyFrameInfo>& out) {
  const PyOffsets& o = rt.offsets;
  if (o.owner_cstack >= 0 && frame.owner == o.owner_cstack) return true;  // C-stack shim
  RawCode code;
  if (!plausible_pointer(frame.code, kPointerAlignment) || !read_code(o, frame.code, code) ||
      code.type != rt.types.code || code.code_units <= 0 || code.code_units > kMaxCodeUnits) {
    return false;
  }
  // prev_instr / instr_ptr point into co_code_adaptive; one unit before it = not started yet.
  int64_t byte_offset = static_cast<int64_t>(frame.instr - (frame.code + o.code_adaptive));
  if (byte_offset >= code.code_units * 2) return false;
  if (byte_offset < 0) byte_offset = -1;
  PyFrameInfo info;
  if (!resolve_frame(rt, frame.code, code, byte_offset, info)) return false;
  out.push_back(std::move(info));
  return true;
}

bool walk(const PythonRuntime& rt, std::vector<PyFrameInfo>& out, size_t max_depth) {
  uintptr_t tstate = reinterpret_cast<uintptr_t>(rt.this_thread_state());
  uintptr_t address = 0;
  if (tstate == 0 || !innermost_frame(rt.offsets, tstate, address)) return false;
  for (size_t hops = 0; address != 0 && out.size() < max_depth; ++hops) {
    RawFrame frame;
    if (hops == kMaxFrameHops || !plausible_pointer(address, kPointerAlignment) ||
        !read_frame(rt.offsets, address, frame) || !visit_frame(rt, frame, out)) {
      return false;
    }
    address = frame.previous;
  }
  return !out.empty();
}

bool starts_with(const std::string& s, const char* prefix) {
  return s.compare(0, std::strlen(prefix), prefix) == 0;
}

// ".../lib/python3.12/..." or ".../lib64/python3.12/...": the standard library of any install.
bool in_stdlib(const std::string& file) {
  for (size_t at = file.find("/python3."); at != std::string::npos;
       at = file.find("/python3.", at + 1)) {
    bool under_lib = (at >= 4 && file.compare(at - 4, 4, "/lib") == 0) ||
                     (at >= 6 && file.compare(at - 6, 6, "/lib64") == 0);
    size_t digits = at + std::strlen("/python3.");
    size_t end = digits;
    while (end < file.size() && file[end] >= '0' && file[end] <= '9')
      ++end;
    if (under_lib && end > digits && end < file.size() && file[end] == '/') return true;
  }
  return false;
}

bool is_library_frame(const std::string& file) {
  return starts_with(file, "<frozen ") || starts_with(file, "<eval_with_key>") ||
         file.find("/site-packages/") != std::string::npos ||
         file.find("/dist-packages/") != std::string::npos ||
         file.find("/torch/") != std::string::npos || in_stdlib(file);
}

}  // namespace

bool init_python_stack() noexcept {
  return python_runtime() != nullptr;
}

const char* python_stack_description() noexcept {
  return python_runtime_description();
}

bool capture_python_stack(std::vector<PyFrameInfo>& out, size_t max_depth) noexcept {
  out.clear();
  const PythonRuntime* rt = python_runtime();
  if (rt == nullptr || max_depth == 0 || !python_running(*rt)) return false;
  try {
    if (walk(*rt, out, max_depth)) return true;
  } catch (...) {  // std::bad_alloc: report "no stack" rather than unwind into CUDA
  }
  out.clear();
  return false;
}

int find_user_frame(const std::vector<PyFrameInfo>& frames) noexcept {
  for (size_t i = 0; i < frames.size(); ++i) {
    if (!is_library_frame(frames[i].file)) return static_cast<int>(i);
  }
  return -1;
}

}  // namespace perfadvise::collector
