// What made the host wait, in the user's terms (torch.nonzero, boolean masking, .item(), a
// tensor built on the CPU, ...), and the fix for exactly that. A table of patterns matched on
// the native op name first, then on the source line and the library frames of the stack.
#pragma once

#include <string>

#include "analyzer/analysis.h"
#include "analyzer/host_blocks.h"

namespace perfadvise {

struct SyncTrigger {
  std::string name;  // "torch.nonzero", "boolean mask", ...
  std::string fix;
  bool data_dependent_shape = false;  // nonzero, unique, boolean masks: see sync_triggers.cpp
  bool fix_keeps_sort = false;        // the fix sorts as well (torch.unique)
};

/// The trigger of a blocking event at `location`; a generic one for `cause` when nothing matches.
SyncTrigger identify_trigger(BlockCause cause, const Location& location);

}  // namespace perfadvise
