// The data block of the HTML report: the analysis JSON plus what the page's tables and timeline
// draw (step breakdown, kernel table, sync sites by Python line, timeline tracks). The timeline
// keeps at most `max_timeline_events` events and says so in the page when it had to cut.
#pragma once

#include <nlohmann/json.hpp>

#include "analyzer/analysis.h"
#include "reports/reporter.h"

namespace perfadvise {

struct HtmlDataLimits {
  size_t max_timeline_events = 250000;
  size_t max_kernel_rows = 500;
  size_t max_sync_rows = 200;
};

nlohmann::json html_data(const Analysis& analysis, const ReportOptions& options,
                         const HtmlDataLimits& limits = {});

/// Escapes JSON for an HTML <script> block: <, >, &, U+2028 and U+2029 become \u escapes.
std::string escape_json_for_script(std::string_view json);

}  // namespace perfadvise
