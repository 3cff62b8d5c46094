#include "collector/native_op.h"

#include <cxxabi.h>
#include <dlfcn.h>

#include <cstdlib>

namespace perfadvise::collector {
namespace {

bool is_cuda_or_collector_library(std::string_view path) {
  for (std::string_view part : {"libcuda.so", "libcudart", "libcupti", "libperfadvise_collector",
                                "libc.so", "libgcc_s", "libstdc++"}) {
    if (path.find(part) != std::string_view::npos) return true;
  }
  return false;
}

std::string demangle(const char* mangled) {
  int status = 0;
  char* text = abi::__cxa_demangle(mangled, nullptr, nullptr, &status);
  if (status != 0 || text == nullptr) return mangled;
  std::string result(text);
  std::free(text);
  return result;
}

}  // namespace

std::string function_without_arguments(std::string_view demangled) {
  // "(anonymous namespace)" is part of a name, not an argument list: hide it while scanning.
  constexpr std::string_view kAnonymous = "(anonymous namespace)";
  std::string text(demangled);
  for (size_t at = text.find(kAnonymous); at != std::string::npos; at = text.find(kAnonymous)) {
    text.replace(at, kAnonymous.size(), "\x01");
  }
  // The argument list starts at the first '(' outside template brackets; a return type (only
  // on template instances) ends at the last space before it at the same depth.
  int depth = 0;
  size_t start = 0;
  size_t end = text.size();
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '<') ++depth;
    if (c == '>') --depth;
    if (depth != 0) continue;
    if (c == ' ') start = i + 1;
    if (c == '(') {
      end = i;
      break;
    }
  }
  std::string name = text.substr(start, end - start);
  for (size_t at = name.find('\x01'); at != std::string::npos; at = name.find('\x01')) {
    name.replace(at, 1, kAnonymous);
  }
  return name;
}

std::string aten_op_from_ops_frame(std::string_view function) {
  constexpr std::string_view kPrefix = "at::_ops::";
  if (function.rfind(kPrefix, 0) != 0) return "";
  std::string_view rest = function.substr(kPrefix.size());
  const size_t end = rest.find("::");
  if (end == std::string_view::npos || end == 0) return "";
  return "aten::" + std::string(rest.substr(0, end));
}

const NativeOpNamer::Symbol& NativeOpNamer::lookup(void* pc) {
  auto [it, inserted] = cache_.try_emplace(pc);
  if (!inserted) return it->second;
  Dl_info info{};
  // Return addresses point after the call instruction; -1 keeps them inside the caller.
  void* inside_call = static_cast<char*>(pc) - 1;
  if (dladdr(inside_call, &info) != 0) {
    if (info.dli_sname != nullptr) {
      it->second.function = function_without_arguments(demangle(info.dli_sname));
    }
    it->second.in_cuda_library =
        info.dli_fname != nullptr && is_cuda_or_collector_library(info.dli_fname);
  }
  return it->second;
}

std::string NativeOpNamer::name(const std::vector<void*>& pcs_innermost_first) {
  std::string native_function;
  std::string any_function;
  for (void* pc : pcs_innermost_first) {
    const Symbol& symbol = lookup(pc);
    if (symbol.function.empty() || symbol.in_cuda_library) continue;
    std::string aten = aten_op_from_ops_frame(symbol.function);
    if (!aten.empty()) return aten;
    if (native_function.empty() && symbol.function.rfind("at::native::", 0) == 0) {
      native_function = symbol.function;
    }
    if (any_function.empty()) any_function = symbol.function;
  }
  return native_function.empty() ? any_function : native_function;
}

}  // namespace perfadvise::collector
