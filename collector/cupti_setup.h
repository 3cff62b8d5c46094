// CUPTI configuration for the collector: who we are (subscriber), what we record (activity
// kinds, noisy API records switched off at the source) and the provenance of the profile.
#pragma once

#include <cupti.h>

#include <cstddef>
#include <map>
#include <string>

#include "profile/model.h"

namespace perfadvise::collector {

/// Which API calls become records (PERFADVISE_API_RECORDS=runtime|none; default both domains).
/// API records are most of the collector's cost on launch-bound programs.
enum class ApiRecords { kRuntimeAndDriver, kRuntime, kNone };
ApiRecords api_records_from_env();

/// Subscribes `callback`. False when another client holds CUPTI; `holder` then names it.
bool subscribe(CUpti_CallbackFunc callback, CUpti_SubscriberHandle& subscriber,
               std::string& holder) noexcept;

/// Sets buffer attributes, registers the buffer callbacks and enables every activity kind the
/// collector records. Must run inside InitializeInjection, before any context exists.
void configure_activity(CUpti_BuffersCallbackRequestFunc requested,
                        CUpti_BuffersCallbackCompleteFunc completed) noexcept;

/// Switches the costly kinds (kernels, copies, memsets, syncs, API records) on or off, the
/// noisy-cbid filter included. MARKER (NVTX), OVERHEAD and STREAM stay on: `--measure-overhead`
/// times steps by their NVTX ranges while recording is off. Also sets recording_state.h's flag.
/// Launch API records follow recording_state.h's launch_detail().
void set_recording(bool on) noexcept;

/// Switches the launch API records alone (kernel-launch cbids of both domains); the other API
/// records stay on. Does nothing while recording is off: set_recording(true) applies it.
void set_launch_records(bool on) noexcept;

/// Provenance of this process's profile (time origin = CUPTI's clock now).
Provenance make_provenance(pid_t pid);

/// Extra meta rows: libcupti path, buffer size, launch detail, the --steps regex from the launcher.
std::map<std::string, std::string> collector_meta(size_t buffer_bytes);

}  // namespace perfadvise::collector
