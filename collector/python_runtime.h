// Finding the running CPython from inside the process: symbols through dlsym(RTLD_DEFAULT) (no
// link against libpython), the version, and the offset table that matches it. Done once, lazily
// and without blocking: a thread that arrives while another initializes just gets "unavailable".
#pragma once

#include "collector/python_objects.h"
#include "collector/python_offsets.h"

namespace perfadvise::collector {

struct PythonRuntime {
  PyOffsets offsets;
  PyTypeAddresses types;
  void* (*this_thread_state)() = nullptr;  // PyGILState_GetThisThreadState: a TSS read
  int (*is_initialized)() = nullptr;       // Py_IsInitialized
  int (*is_finalizing)() = nullptr;        // Py_IsFinalizing (3.13) / _Py_IsFinalizing
  unsigned long version_hex = 0;           // PY_VERSION_HEX of the running interpreter
  bool debug_offsets = false;              // offsets came from _PyRuntime.debug_offsets
};

/// The resolved runtime, or nullptr when Python is not loaded, not supported, or still being
/// resolved by another thread.
const PythonRuntime* python_runtime() noexcept;

/// True while the interpreter is initialized and not finalizing.
bool python_running(const PythonRuntime& runtime) noexcept;

/// One line saying what initialization found ("CPython 3.12.1, offsets: table, reads: direct" or
/// why capture is off); empty before the first initialization finished.
const char* python_runtime_description() noexcept;

}  // namespace perfadvise::collector
