// GIL-free capture of the calling thread's Python stack, for CUPTI callbacks that fire inside CUDA
// calls PyTorch makes with the GIL released. Design, offset tables and limits:
// docs/python-attribution.md.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace perfadvise::collector {

struct PyFrameInfo {
  std::string file;
  std::string function;
  uint32_t line = 0;
};

/// Reads the calling thread's Python frames (innermost first) without taking the GIL.
/// Returns false (out empty) when the thread has no Python state, Python is not loaded or
/// finalizing, or the interpreter version is unsupported. Never throws, never blocks.
bool capture_python_stack(std::vector<PyFrameInfo>& out, size_t max_depth = 64) noexcept;

/// Index (into innermost-first frames) of the innermost frame of user code: not in torch,
/// the standard library, site-packages/dist-packages or <frozen ...>; -1 when none.
int find_user_frame(const std::vector<PyFrameInfo>& frames) noexcept;

/// One-time initialization (symbol lookup, version check, offset table). capture_python_stack()
/// calls it lazily; calling it early (e.g. from InitializeInjection) keeps that cost out of the
/// first captured CUDA call. Returns whether captures can work in this process. Never blocks:
/// while another thread initializes it returns false.
bool init_python_stack() noexcept;

/// One line for the collector's log: the interpreter and offsets in use, or why capture is off.
/// Empty until initialization has finished.
const char* python_stack_description() noexcept;

}  // namespace perfadvise::collector
