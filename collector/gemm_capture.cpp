#include "collector/gemm_capture.h"

#include <cupti.h>

#include <atomic>
#include <cstring>

#include "collector/gemm_hook.h"
#include "collector/recording_state.h"
#include "collector/work_item.h"
#include "collector/writer_thread.h"

namespace perfadvise::collector {
namespace {

std::atomic<WriterThread*> g_sink{nullptr};
std::atomic<unsigned long long> g_records{0};

// In a `--measure-overhead` pause the hooks cost one load: the paused windows then measure the
// program without GEMM capture too. A zero start time tells record() the call began paused.
int64_t now_ns() {
  if (!gemm_capture_on()) return 0;
  uint64_t now = 0;
  return cuptiGetTimestamp(&now) == CUPTI_SUCCESS ? static_cast<int64_t>(now) : 0;
}

void record(const PerfadviseGemmRecord* r) {
  WriterThread* sink = g_sink.load(std::memory_order_acquire);
  if (sink == nullptr || r == nullptr || r->start_ns == 0 || !gemm_capture_on()) return;
  GemmCapture c;
  std::strncpy(c.api, r->api != nullptr ? r->api : "", sizeof c.api - 1);
  c.m = r->m, c.n = r->n, c.k = r->k, c.batch = r->batch;
  c.lda = r->lda, c.ldb = r->ldb, c.ldc = r->ldc;
  c.trans_a = r->trans_a, c.trans_b = r->trans_b;
  c.a_type = r->a_type, c.b_type = r->b_type, c.c_type = r->c_type;
  c.compute_type = r->compute_type;
  c.start_ns = r->start_ns, c.end_ns = r->end_ns;
  c.thread_id = r->thread_id;
  // Quietly: the writer picks GEMMs up on its next wake (every buffer, at least once a
  // second); waking it per GEMM would cost a futex call and a context switch each.
  sink->push_quiet(c);
  g_records.fetch_add(1, std::memory_order_relaxed);
}

constexpr PerfadviseGemmHooks kHooks{PERFADVISE_GEMM_HOOKS_VERSION, now_ns, record};

}  // namespace

void set_gemm_sink(WriterThread* writer) noexcept {
  g_sink.store(writer, std::memory_order_release);
}

unsigned long long gemm_records() noexcept {
  return g_records.load();
}

}  // namespace perfadvise::collector

/// Found by libperfadvise_gemm.so with dlsym on this library's handle.
extern "C" __attribute__((visibility("default"))) const PerfadviseGemmHooks* perfadvise_gemm_hooks(
    uint32_t version) {
  using namespace perfadvise::collector;
  if (version > PERFADVISE_GEMM_HOOKS_VERSION || g_sink.load() == nullptr) return nullptr;
  return &kHooks;
}
