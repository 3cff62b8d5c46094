// The HTML report's assets, embedded at build time from reports/html/ by
// reports/embed_assets.cmake.
#pragma once

#include <string_view>

namespace perfadvise::html_assets {

extern const std::string_view kTemplate;  // report.html, with {{...}} slots
extern const std::string_view kCss;       // report.css
extern const std::string_view kJs;        // report.js

}  // namespace perfadvise::html_assets
