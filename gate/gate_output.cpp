#include "gate/gate_output.h"

#include <fstream>

#include "gate/gate_report.h"

namespace perfadvise::gate {
namespace {

Result<void> write_file(const std::string& path, const std::string& text, std::ios::openmode mode) {
  if (path.empty()) return {};
  std::ofstream out(path, std::ios::binary | mode);
  if (!out) return make_error("{}: cannot open for writing", path);
  out << text;
  if (!out.flush()) return make_error("{}: write failed", path);
  return {};
}

}  // namespace

Result<void> write_gate_outputs(const GateResult& result, const GateOutputs& outputs) {
  PA_TRY(write_file(outputs.junit, gate_junit(result), std::ios::trunc));
  PA_TRY(write_file(outputs.json, gate_json(result), std::ios::trunc));
  if (outputs.markdown.empty() && outputs.step_summary.empty()) return {};
  const std::string markdown = truncate_summary(gate_markdown(result));
  PA_TRY(write_file(outputs.markdown, markdown, std::ios::trunc));
  PA_TRY(write_file(outputs.step_summary, markdown + "\n", std::ios::app));
  return {};
}

}  // namespace perfadvise::gate
