// A stand-in for libperfadvise_collector.so in the interposer test: it exports
// perfadvise_gemm_hooks and keeps the records in memory for the test to read.
#include <vector>

#include "collector/gemm_hook.h"

namespace {

std::vector<PerfadviseGemmRecord> g_records;
int64_t g_clock = 1000;

int64_t now_ns() {
  return g_clock += 10;
}
void record(const PerfadviseGemmRecord* r) {
  g_records.push_back(*r);
}

constexpr PerfadviseGemmHooks kHooks{PERFADVISE_GEMM_HOOKS_VERSION, now_ns, record};

}  // namespace

extern "C" {

__attribute__((visibility("default"))) const PerfadviseGemmHooks* perfadvise_gemm_hooks(
    uint32_t version) {
  return version <= PERFADVISE_GEMM_HOOKS_VERSION ? &kHooks : nullptr;
}

__attribute__((visibility("default"))) const PerfadviseGemmRecord* fake_collector_records(
    int* count) {
  *count = static_cast<int>(g_records.size());
  return g_records.data();
}

}  // extern "C"
