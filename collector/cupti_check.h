// The one wrapper for CUPTI calls: `PA_CUPTI(cuptiActivityEnable(kind))` returns true on success;
// on failure it logs the call's text with cuptiGetResultString once per call site and the
// program goes on.
#pragma once

#include <cupti.h>

namespace perfadvise::collector {

bool cupti_ok(CUptiResult result, const char* call_text) noexcept;

}  // namespace perfadvise::collector

#define PA_CUPTI(call) ::perfadvise::collector::cupti_ok((call), #call)
