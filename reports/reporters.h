// One factory per output format; make_reporter() (reporter.cpp) picks among them.
#pragma once

#include <memory>

#include "reports/reporter.h"

namespace perfadvise {

std::unique_ptr<Reporter> make_text_reporter();
std::unique_ptr<Reporter> make_json_reporter();
std::unique_ptr<Reporter> make_markdown_reporter();
std::unique_ptr<Reporter> make_sarif_reporter();
std::unique_ptr<Reporter> make_html_reporter();
std::unique_ptr<Reporter> make_perfetto_reporter();
std::unique_ptr<Reporter> make_chrome_reporter();

}  // namespace perfadvise
