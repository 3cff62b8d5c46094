#include "collector/context_watch.h"

#include <atomic>

#include "collector/cupti_check.h"
#include "collector/recording_state.h"

namespace perfadvise::collector {
namespace {

std::atomic<int> g_created{0};
std::atomic<int> g_created_while_paused{0};

}  // namespace

bool enable_context_callbacks(CUpti_SubscriberHandle subscriber) noexcept {
  return PA_CUPTI(cuptiEnableCallback(1, subscriber, CUPTI_CB_DOMAIN_RESOURCE,
                                      CUPTI_CBID_RESOURCE_CONTEXT_CREATED));
}

void on_resource_callback(CUpti_CallbackId cbid) noexcept {
  if (cbid != CUPTI_CBID_RESOURCE_CONTEXT_CREATED) return;
  if (!recording()) g_created_while_paused.fetch_add(1);
  g_created.fetch_add(1);
}

int contexts_created() noexcept {
  return g_created.load();
}

int contexts_created_while_paused() noexcept {
  return g_created_while_paused.load();
}

}  // namespace perfadvise::collector
