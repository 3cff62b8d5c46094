// --format json: the Analysis as documented in docs/json-output.md.
#include "reports/analysis_json.h"
#include "reports/reporters.h"

namespace perfadvise {
namespace {

class JsonReporter final : public Reporter {
 public:
  Result<void> write(const Analysis& analysis, const ReportOptions& options,
                     std::ostream& out) override {
    out << dump_json(analysis_to_json(analysis, options), 2) << '\n';
    if (!out) return make_error("{}: could not write the JSON report", options.input_path);
    return {};
  }
};

}  // namespace

std::unique_ptr<Reporter> make_json_reporter() {
  return std::make_unique<JsonReporter>();
}

}  // namespace perfadvise
