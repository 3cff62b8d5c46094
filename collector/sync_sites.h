// Call sites of the calls that can block the host on the GPU (copies to the host, stream /
// event / device synchronization, in both the runtime and the driver API). At API entry the
// calling thread's Python stack is read without the GIL (collector/python_stack.h); on threads
// without Python frames, raw return addresses are kept so the writer can name the native op.
// Kernel launches get callbacks only when PERFADVISE_KERNEL_LINES asks for sampled stacks.
#pragma once

#include <cupti.h>

namespace perfadvise::collector {

class WriterThread;

/// Where captures go; set before callbacks are enabled, never changed afterwards.
void set_capture_sink(WriterThread* writer) noexcept;

/// Enables ENTER/EXIT callbacks for the sync-capable runtime and driver cbids, and with
/// PERFADVISE_KERNEL_LINES=N for kernel launches, one in N of which gets its stack captured.
bool enable_sync_callbacks(CUpti_SubscriberHandle subscriber) noexcept;

/// Enables the sampled-launch callbacks when recording_state.h's kernel_lines_on() says so, else
/// disables them; called after every switch. Does nothing without PERFADVISE_KERNEL_LINES.
bool update_launch_callbacks() noexcept;

/// The subscriber's callback.
void CUPTIAPI on_api_callback(void* userdata, CUpti_CallbackDomain domain, CUpti_CallbackId cbid,
                              const void* data);

/// Number of sync call sites captured (and how many of them had Python frames).
struct CaptureCounts {
  unsigned long long captured = 0;
  unsigned long long with_python = 0;
};
CaptureCounts capture_counts() noexcept;

}  // namespace perfadvise::collector
