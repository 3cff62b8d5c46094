// Names the native operator that made a call from a thread without Python frames (autograd's
// backward threads, LibTorch and plain CUDA programs), from return addresses captured at the
// call. Runs on the writer thread: dladdr + demangling are too slow for the calling thread.
#pragma once

#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace perfadvise::collector {

class NativeOpNamer {
 public:
  /// "aten::nonzero" for the innermost at::_ops::nonzero frame; else the innermost at::native::
  /// function; else the innermost named function outside CUDA's and the collector's libraries;
  /// "" when nothing is named.
  std::string name(const std::vector<void*>& pcs_innermost_first);

 private:
  struct Symbol {
    std::string function;  // demangled, without the argument list
    bool in_cuda_library = false;
  };
  const Symbol& lookup(void* pc);

  std::unordered_map<void*, Symbol> cache_;
};

/// "at::_ops::nonzero::call" -> "aten::nonzero"; "" when `function` is not an at::_ops frame.
std::string aten_op_from_ops_frame(std::string_view function);

/// Cuts the argument list (and return type) off a demangled function signature.
std::string function_without_arguments(std::string_view demangled);

}  // namespace perfadvise::collector
