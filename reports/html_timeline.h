// The HTML report's timeline: tracks of events in columnar arrays (start, duration, name, kind,
// row), bounded to a number of events, plus where each finding's evidence sits in them.
#pragma once

#include <nlohmann/json.hpp>

#include "analyzer/analysis.h"

namespace perfadvise {

/// `max_events` bounds the events embedded; beyond it the timeline keeps a window from the
/// first measured step (plus every evidence event) and records what it dropped in "note".
nlohmann::json timeline_json(const Analysis& analysis, size_t max_events);

}  // namespace perfadvise
