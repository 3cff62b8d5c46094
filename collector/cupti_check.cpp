#include "collector/cupti_check.h"

#include <mutex>
#include <set>
#include <string>

#include "collector/log.h"

namespace perfadvise::collector {

bool cupti_ok(CUptiResult result, const char* call_text) noexcept {
  if (result == CUPTI_SUCCESS) return true;
  try {
    static std::mutex* mutex = new std::mutex;        // leaked: usable until the process ends
    static auto* logged = new std::set<const char*>;  // call sites already reported
    std::lock_guard<std::mutex> lock(*mutex);
    if (!logged->insert(call_text).second) return false;
    const char* text = nullptr;
    if (cuptiGetResultString(result, &text) != CUPTI_SUCCESS || text == nullptr) text = "?";
    log_line(std::string(call_text) + " failed: " + text + " (" +
             std::to_string(static_cast<int>(result)) + ")");
  } catch (...) {
  }
  return false;
}

}  // namespace perfadvise::collector
