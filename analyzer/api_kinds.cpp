#include "analyzer/api_kinds.h"

#include <array>

namespace perfadvise {
namespace {

struct ApiPattern {
  std::string_view name;  // exact normalized name, or a prefix when `prefix` is set
  bool prefix;
  ApiKind kind;
};

// First match wins, so specific names come before the prefixes that would also match them.
constexpr std::array kApiTable{
    ApiPattern{"cudaLaunchKernel", false, ApiKind::kKernelLaunch},
    ApiPattern{"__cudaLaunchKernel", false, ApiKind::kKernelLaunch},  // CUDA 13, cbid 505/506
    ApiPattern{"cudaLaunchKernelExC", false, ApiKind::kKernelLaunch},
    ApiPattern{"cudaLaunchKernelEx", false, ApiKind::kKernelLaunch},
    ApiPattern{"cudaLaunchCooperativeKernel", false, ApiKind::kKernelLaunch},
    ApiPattern{"cudaLaunchCooperativeKernelMultiDevice", false, ApiKind::kKernelLaunch},
    ApiPattern{"cudaLaunch", false, ApiKind::kKernelLaunch},
    ApiPattern{"cuLaunchKernel", false, ApiKind::kKernelLaunch},
    ApiPattern{"cuLaunchKernelEx", false, ApiKind::kKernelLaunch},
    ApiPattern{"cuLaunchCooperativeKernel", false, ApiKind::kKernelLaunch},
    ApiPattern{"cuLaunchGrid", false, ApiKind::kKernelLaunch},
    ApiPattern{"cuLaunchGridAsync", false, ApiKind::kKernelLaunch},
    ApiPattern{"cudaGraphLaunch", false, ApiKind::kGraphLaunch},
    ApiPattern{"cuGraphLaunch", false, ApiKind::kGraphLaunch},
    ApiPattern{"cudaStreamSynchronize", false, ApiKind::kStreamSync},
    ApiPattern{"cuStreamSynchronize", false, ApiKind::kStreamSync},
    ApiPattern{"cudaDeviceSynchronize", false, ApiKind::kDeviceSync},
    ApiPattern{"cudaThreadSynchronize", false, ApiKind::kDeviceSync},
    ApiPattern{"cuCtxSynchronize", false, ApiKind::kDeviceSync},
    ApiPattern{"cudaEventSynchronize", false, ApiKind::kEventSync},
    ApiPattern{"cuEventSynchronize", false, ApiKind::kEventSync},
    ApiPattern{"cudaMallocAsync", false, ApiKind::kOther},  // stream-ordered: no sync, pooled
    ApiPattern{"cudaFreeAsync", false, ApiKind::kOther},
    ApiPattern{"cuMemAllocAsync", false, ApiKind::kOther},
    ApiPattern{"cuMemFreeAsync", false, ApiKind::kOther},
    ApiPattern{"cudaMalloc", true, ApiKind::kAlloc},  // cudaMalloc, cudaMallocHost, ...Managed
    ApiPattern{"cudaHostAlloc", false, ApiKind::kAlloc},
    ApiPattern{"cuMemAlloc", true, ApiKind::kAlloc},
    ApiPattern{"cuMemHostAlloc", false, ApiKind::kAlloc},
    ApiPattern{"cudaFree", true, ApiKind::kFree},  // cudaFree, cudaFreeHost, cudaFreeArray
    ApiPattern{"cuMemFree", true, ApiKind::kFree},
    ApiPattern{"cudaMemset", true, ApiKind::kMemsetSync},  // refined to async below
    ApiPattern{"cuMemset", true, ApiKind::kMemsetSync},
    ApiPattern{"cudaMemcpy", true, ApiKind::kMemcpySync},  // refined to async below
    ApiPattern{"cuMemcpy", true, ApiKind::kMemcpySync},
};

bool ends_with(std::string_view text, std::string_view suffix) {
  return text.size() >= suffix.size() && text.substr(text.size() - suffix.size()) == suffix;
}

// "_v3020" at the end: an underscore, a 'v' and digits.
size_t version_suffix_length(std::string_view name) {
  size_t i = name.size();
  while (i > 0 && name[i - 1] >= '0' && name[i - 1] <= '9')
    --i;
  if (i == name.size() || i < 2 || name[i - 1] != 'v' || name[i - 2] != '_') return 0;
  return name.size() - (i - 2);
}

}  // namespace

std::string normalize_api_name(std::string_view name) {
  for (bool changed = true; changed;) {
    changed = false;
    if (size_t n = version_suffix_length(name)) {
      name.remove_suffix(n);
      changed = true;
    }
    for (std::string_view suffix : {"_ptsz", "_ptds"}) {
      if (ends_with(name, suffix)) {
        name.remove_suffix(suffix.size());
        changed = true;
      }
    }
  }
  return std::string(name);
}

ApiKind classify_api(std::string_view raw_name) {
  const std::string name = normalize_api_name(raw_name);
  for (const ApiPattern& p : kApiTable) {
    const bool match = p.prefix ? name.starts_with(p.name) : name == p.name;
    if (!match) continue;
    const bool async = name.find("Async") != std::string::npos;
    if (p.kind == ApiKind::kMemcpySync && async) return ApiKind::kMemcpyAsync;
    if (p.kind == ApiKind::kMemsetSync && async) return ApiKind::kMemsetAsync;
    return p.kind;
  }
  return ApiKind::kOther;
}

bool is_blocking_sync(ApiKind kind) {
  return kind == ApiKind::kStreamSync || kind == ApiKind::kDeviceSync ||
         kind == ApiKind::kEventSync;
}

const char* sync_kind_name(ApiKind kind) {
  switch (kind) {
    case ApiKind::kStreamSync:
      return "stream";
    case ApiKind::kDeviceSync:
      return "device";
    case ApiKind::kEventSync:
      return "event";
    case ApiKind::kMemcpySync:
      return "memcpy";
    default:
      return nullptr;
  }
}

const char* sync_kind_name(SyncType type) {
  switch (type) {
    case SyncType::kEventSynchronize:
      return "event";
    case SyncType::kStreamSynchronize:
      return "stream";
    case SyncType::kContextSynchronize:
      return "device";
    default:
      return nullptr;
  }
}

std::vector<ApiKind> classify_api_names(const Profile& profile) {
  std::vector<ApiKind> kinds(profile.strings.size(), ApiKind::kOther);
  std::vector<bool> seen(profile.strings.size(), false);
  for (const ApiCall& call : profile.api_calls) {
    if (call.name >= kinds.size() || seen[call.name]) continue;
    seen[call.name] = true;
    kinds[call.name] = classify_api(profile.strings[call.name]);
  }
  return kinds;
}

}  // namespace perfadvise
