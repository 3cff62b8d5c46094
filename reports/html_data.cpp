#include "reports/html_data.h"

#include "profile/version.h"
#include "reports/analysis_json.h"
#include "reports/common.h"
#include "reports/html_context_tables.h"
#include "reports/html_tables.h"
#include "reports/html_timeline.h"

namespace perfadvise {

using nlohmann::json;

json html_data(const Analysis& analysis, const ReportOptions& options,
               const HtmlDataLimits& limits) {
  json processes = json::array();
  for (const ProcessAnalysis& p : analysis.processes) {
    if (!p.profile) continue;
    Verdict v = verdict_of(p);
    processes.push_back({{"label", process_label(*p.profile)},
                         {"steps", v.steps},
                         {"step_ms", v.step_ms},
                         {"busy_share", v.busy_share},
                         {"breakdown", breakdown_json(p)},
                         {"kernels", kernel_table_json(p, limits.max_kernel_rows)},
                         {"context", kernel_context_json(p, limits.max_kernel_rows)},
                         {"syncs", sync_table_json(p, limits.max_sync_rows)}});
  }
  return {{"analysis", analysis_to_json(analysis, options)},
          {"processes", processes},
          {"timeline", timeline_json(analysis, limits.max_timeline_events)}};
}

std::string escape_json_for_script(std::string_view text) {
  std::string out;
  out.reserve(text.size() + text.size() / 16);
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '<') {
      out += "\\u003c";
    } else if (c == '>') {
      out += "\\u003e";
    } else if (c == '&') {
      out += "\\u0026";
    } else if (c == '\xE2' && i + 2 < text.size() && text[i + 1] == '\x80' &&
               (text[i + 2] == '\xA8' || text[i + 2] == '\xA9')) {
      out += text[i + 2] == '\xA8' ? "\\u2028" : "\\u2029";
      i += 2;
    } else {
      out += c;
    }
  }
  return out;
}

}  // namespace perfadvise
