// The JSON form of an Analysis (docs/json-output.md). The JSON reporter prints it; the HTML
// report embeds it as its data block, so both always agree.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "analyzer/analysis.h"
#include "reports/reporter.h"

namespace perfadvise {

nlohmann::json analysis_to_json(const Analysis& analysis, const ReportOptions& options);
nlohmann::json finding_to_json(const Finding& finding);
nlohmann::json spread_to_json(const Spread& spread);
/// Serializes without throwing on invalid UTF-8 from the profile (replaced by U+FFFD).
std::string dump_json(const nlohmann::json& value, int indent = -1);

}  // namespace perfadvise
