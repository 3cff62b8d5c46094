// Test helper loaded by python_stack_test.py through ctypes. ctypes releases the GIL around each
// foreign call, exactly as PyTorch does before a CUDA call, so these functions see the same
// interpreter state as the collector's CUPTI callback.
#include <chrono>
#include <cstdio>
#include <cstring>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "collector/python_linetable.h"
#include "collector/python_stack.h"

namespace {

using perfadvise::collector::PyFrameInfo;

// "file\tfunction\tline\n" per frame into buf; false when it does not fit.
bool format_frames(const std::vector<PyFrameInfo>& frames, char* buf, int size) {
  std::string text;
  for (const PyFrameInfo& f : frames) {
    text += f.file + "\t" + f.function + "\t" + std::to_string(f.line) + "\n";
  }
  if (size <= 0 || text.size() + 1 > static_cast<size_t>(size)) return false;
  std::memcpy(buf, text.c_str(), text.size() + 1);
  return true;
}

}  // namespace

#define PA_EXPORT extern "C" __attribute__((visibility("default")))

/// Frames of the calling thread; returns their count, -1 when capture failed, -2 when buf is small.
PA_EXPORT int pa_capture(char* buf, int size, int max_depth) {
  std::vector<PyFrameInfo> frames;
  if (!perfadvise::collector::capture_python_stack(frames, static_cast<size_t>(max_depth))) {
    return -1;
  }
  return format_frames(frames, buf, size) ? static_cast<int>(frames.size()) : -2;
}

/// Like pa_capture, but returns find_user_frame() of the captured frames (-2 on failure).
PA_EXPORT int pa_capture_user_frame(char* buf, int size) {
  std::vector<PyFrameInfo> frames;
  if (!perfadvise::collector::capture_python_stack(frames) || !format_frames(frames, buf, size)) {
    return -2;
  }
  return perfadvise::collector::find_user_frame(frames);
}

/// find_user_frame() over frames whose files are the lines of `files`.
PA_EXPORT int pa_find_user_frame(const char* files) {
  std::vector<PyFrameInfo> frames;
  std::istringstream in(files);
  for (std::string line; std::getline(in, line);)
    frames.push_back({line, "f", 1});
  return perfadvise::collector::find_user_frame(frames);
}

/// 1 when a thread with no Python state captured something (it must not), 0 otherwise.
PA_EXPORT int pa_capture_in_native_thread() {
  int captured = -1;
  std::thread t([&captured] {
    std::vector<PyFrameInfo> frames;
    captured = perfadvise::collector::capture_python_stack(frames) || !frames.empty() ? 1 : 0;
  });
  t.join();
  return captured;
}

/// Mean nanoseconds per capture over `iterations` captures; -1 when one failed.
PA_EXPORT double pa_bench_ns(int iterations, int max_depth) {
  std::vector<PyFrameInfo> frames;
  auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < iterations; ++i) {
    if (!perfadvise::collector::capture_python_stack(frames, static_cast<size_t>(max_depth))) {
      return -1;
    }
  }
  auto elapsed = std::chrono::steady_clock::now() - start;
  return std::chrono::duration<double, std::nano>(elapsed).count() / iterations;
}

/// The line-table decoder on its own, to compare with code.co_lines().
PA_EXPORT int pa_line_for_offset(const unsigned char* table, long long size, int first_line,
                                 long long byte_offset) {
  return perfadvise::collector::line_for_offset(table, static_cast<size_t>(size), first_line,
                                                byte_offset);
}

PA_EXPORT const char* pa_description() {
  perfadvise::collector::init_python_stack();
  return perfadvise::collector::python_stack_description();
}
