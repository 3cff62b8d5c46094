#include "collector/python_runtime.h"

#include <dlfcn.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "collector/python_memory.h"

namespace perfadvise::collector {
namespace {

enum State : int { kUninitialized, kInitializing, kReady, kUnavailable };

std::atomic<int> g_state{kUninitialized};
PythonRuntime g_runtime;       // written once before g_state becomes kReady
char g_description[160] = "";  // written once before g_state leaves kInitializing

template <typename T>
T symbol(const char* name) {
  return reinterpret_cast<T>(dlsym(RTLD_DEFAULT, name));
}

void describe(const char* text) {
  std::snprintf(g_description, sizeof(g_description), "%s", text);
}

// PY_VERSION_HEX of the running interpreter: the Py_Version constant (3.11+), else parsed from
// Py_GetVersion() ("3.12.3 (main, ...) [GCC ...]").
unsigned long running_version() {
  if (auto* version = symbol<const unsigned long*>("Py_Version")) return *version;
  auto get_version = symbol<const char* (*)()>("Py_GetVersion");
  int major = 0, minor = 0, micro = 0;
  if (get_version == nullptr ||
      std::sscanf(get_version(), "%d.%d.%d", &major, &minor, &micro) < 2) {
    return 0;
  }
  return (static_cast<unsigned long>(major) << 24) | (static_cast<unsigned long>(minor) << 16) |
         (static_cast<unsigned long>(micro) << 8);
}

bool resolve_functions(PythonRuntime& rt) {
  rt.this_thread_state = symbol<void* (*)()>("PyGILState_GetThisThreadState");
  rt.is_initialized = symbol<int (*)()>("Py_IsInitialized");
  rt.is_finalizing = symbol<int (*)()>("Py_IsFinalizing");
  if (rt.is_finalizing == nullptr) rt.is_finalizing = symbol<int (*)()>("_Py_IsFinalizing");
  rt.types.code = reinterpret_cast<uintptr_t>(dlsym(RTLD_DEFAULT, "PyCode_Type"));
  rt.types.unicode = reinterpret_cast<uintptr_t>(dlsym(RTLD_DEFAULT, "PyUnicode_Type"));
  rt.types.bytes = reinterpret_cast<uintptr_t>(dlsym(RTLD_DEFAULT, "PyBytes_Type"));
  return rt.this_thread_state != nullptr && rt.is_initialized != nullptr &&
         rt.is_finalizing != nullptr && rt.types.code != 0 && rt.types.unicode != 0 &&
         rt.types.bytes != 0;
}

// Checked reads need process_vm_readv on our own pid; seccomp profiles may forbid it.
bool checked_reads_work() {
  uintptr_t probe = 0x5eed, copy = 0;
  set_read_mode(ReadMode::kChecked);
  return read_word(reinterpret_cast<uintptr_t>(&probe), copy) && copy == probe;
}

bool initialize(PythonRuntime& rt) {
  if (!resolve_functions(rt)) {
    describe("Python stacks off: CPython symbols not found (not a Python process)");
    return false;
  }
  // Py_TRACE_REFS builds put two extra pointers in front of every object header.
  if (dlsym(RTLD_DEFAULT, "_Py_PrintReferenceAddresses") != nullptr) {
    describe("Python stacks off: Py_TRACE_REFS debug build");
    return false;
  }
  rt.version_hex = running_version();
  int major = static_cast<int>((rt.version_hex >> 24) & 0xff);
  int minor = static_cast<int>((rt.version_hex >> 16) & 0xff);
  int micro = static_cast<int>((rt.version_hex >> 8) & 0xff);
  const PyOffsets* table = builtin_offsets(major, minor);
  char text[sizeof(g_description)];
  if (table == nullptr) {
    std::snprintf(text, sizeof(text), "Python stacks off: CPython %d.%d.%d has no offset table",
                  major, minor, micro);
    describe(text);
    return false;
  }
  rt.offsets = *table;
  DebugOffsetsUse use = apply_debug_offsets(dlsym(RTLD_DEFAULT, "_PyRuntime"), rt.offsets);
  if (use == DebugOffsetsUse::kFreeThreaded) {
    describe("Python stacks off: free-threaded CPython build");
    return false;
  }
  rt.debug_offsets = use == DebugOffsetsUse::kApplied;
  const char* safe = std::getenv("PERFADVISE_PYSTACK_SAFE_READS");
  bool checked = safe != nullptr && std::strcmp(safe, "1") == 0;
  if (checked && !checked_reads_work()) {
    describe("Python stacks off: PERFADVISE_PYSTACK_SAFE_READS=1 but process_vm_readv fails");
    return false;
  }
  std::snprintf(text, sizeof(text), "CPython %d.%d.%d, offsets: %s, reads: %s", major, minor, micro,
                rt.debug_offsets ? "_Py_DebugOffsets" : "built-in table",
                checked ? "process_vm_readv" : "direct");
  describe(text);
  return true;
}

}  // namespace

const PythonRuntime* python_runtime() noexcept {
  int state = g_state.load(std::memory_order_acquire);
  if (state == kReady) return &g_runtime;
  if (state != kUninitialized) return nullptr;
  if (!g_state.compare_exchange_strong(state, kInitializing, std::memory_order_acq_rel)) {
    return state == kReady ? &g_runtime : nullptr;
  }
  bool ok = initialize(g_runtime);
  g_state.store(ok ? kReady : kUnavailable, std::memory_order_release);
  return ok ? &g_runtime : nullptr;
}

bool python_running(const PythonRuntime& runtime) noexcept {
  return runtime.is_initialized() != 0 && runtime.is_finalizing() == 0;
}

const char* python_runtime_description() noexcept {
  int state = g_state.load(std::memory_order_acquire);
  return state == kReady || state == kUnavailable ? g_description : "";
}

}  // namespace perfadvise::collector
