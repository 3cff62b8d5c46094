// CUDA context creation, seen through CUPTI's resource callbacks. `--measure-overhead` switches
// the activity kinds off and on; a context created while they are off gets one correlation id
// for every launch and API call it ever makes (seen on the H100 with CUPTI 13.0: 250 ms windows
// put the first pause over PyTorch's context creation, and all 132,601 kernels and 116,137 API
// records of the run carried id 133). So the windows wait for the first context, and a context
// created in a later pause is counted and reported.
#pragma once

#include <cupti.h>

namespace perfadvise::collector {

/// Asks for a callback whenever CUDA has created a context.
bool enable_context_callbacks(CUpti_SubscriberHandle subscriber) noexcept;

/// The subscriber's callback for CUPTI_CB_DOMAIN_RESOURCE.
void on_resource_callback(CUpti_CallbackId cbid) noexcept;

/// Contexts created so far, and how many of them while recording was paused.
int contexts_created() noexcept;
int contexts_created_while_paused() noexcept;

}  // namespace perfadvise::collector
