// One interface for every output format of an analysis: terminal text, JSON, SARIF, Markdown,
// HTML and the Perfetto / Chrome traces. A new format is a new Reporter, not a flag elsewhere.
#pragma once

#include <memory>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "analyzer/analysis.h"
#include "profile/result.h"
#include "reports/progress.h"

namespace perfadvise {

struct ReportOptions {
  bool color = false;            // ANSI colors (the CLI sets it only when stdout is a TTY)
  int width = 100;               // terminal columns
  std::string input_path;        // what the user passed (for titles and SARIF)
  size_t max_findings = 0;       // 0: all; the terminal summary of `run` shows the top few
  std::string source_root;       // SARIF: file paths under it become repository-relative URIs
  Progress* progress = nullptr;  // long exports report progress here (may be null)
};

class Reporter {
 public:
  virtual ~Reporter() = default;
  /// Writes the whole report for `analysis` to `out`. The analysis' ProcessAnalysis::profile
  /// pointers give access to the events (timelines, traces).
  virtual Result<void> write(const Analysis& analysis, const ReportOptions& options,
                             std::ostream& out) = 0;
};

/// Formats: "text", "json", "markdown", "sarif", "html", "perfetto", "chrome".
Result<std::unique_ptr<Reporter>> make_reporter(std::string_view format);

}  // namespace perfadvise
