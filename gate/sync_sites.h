// Where the host blocked on the GPU inside the measured steps, read from the profile: every
// blocking API call the analyzer counts in StepMetrics::syncs_by_kind (stream, device, event
// syncs and synchronous copies), located at the user's Python line by the analyzer's
// LocationResolver. The gate names these lines when a sync appears.
#pragma once

#include <vector>

#include "analyzer/analysis.h"
#include "gate/gate_input.h"

namespace perfadvise::gate {

/// Sync sites of one process, with per_step = occurrences / measured steps.
std::vector<SyncSite> find_sync_sites(const Profile& profile, const std::vector<Step>& steps);

/// Adds `sites` into `total`, summing per_step of sites with the same key (processes add up).
void merge_sync_sites(const std::vector<SyncSite>& sites, std::vector<SyncSite>& total);

/// Most frequent first, then by location, so reports and baseline files are stable.
void sort_sync_sites(std::vector<SyncSite>& sites);

}  // namespace perfadvise::gate
