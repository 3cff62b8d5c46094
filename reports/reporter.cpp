#include "reports/reporter.h"

#include "reports/reporters.h"

namespace perfadvise {

Result<std::unique_ptr<Reporter>> make_reporter(std::string_view format) {
  if (format == "text") return make_text_reporter();
  if (format == "json") return make_json_reporter();
  if (format == "markdown") return make_markdown_reporter();
  if (format == "sarif") return make_sarif_reporter();
  if (format == "html") return make_html_reporter();
  if (format == "perfetto") return make_perfetto_reporter();
  if (format == "chrome") return make_chrome_reporter();
  return make_error(
      "unknown report format '{}' (known: text, json, markdown, sarif, html, perfetto, chrome)",
      format);
}

}  // namespace perfadvise
