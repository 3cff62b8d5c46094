#include "reports/progress.h"

#include <algorithm>

#include <fmt/format.h>

namespace perfadvise {

Progress::Progress(std::string label, FILE* stream, bool enabled)
    : label_(std::move(label)),
      stream_(stream),
      enabled_(enabled && stream != nullptr),
      start_(std::chrono::steady_clock::now()),
      last_draw_(start_) {}

Progress::~Progress() {
  finish();
}

std::string Progress::render(const std::string& label, double fraction, int width) {
  fraction = std::clamp(fraction, 0.0, 1.0);
  int bar = std::max(10, width - static_cast<int>(label.size()) - 10);
  int filled = static_cast<int>(fraction * bar);
  return fmt::format("{} [{}{}] {:3.0f}%", label, std::string(filled, '#'),
                     std::string(bar - filled, '.'), fraction * 100);
}

void Progress::update(double done, double total) {
  if (!enabled_) return;
  auto now = std::chrono::steady_clock::now();
  if (now - start_ < std::chrono::seconds(1)) return;
  if (shown_ && now - last_draw_ < std::chrono::milliseconds(100)) return;
  last_draw_ = now;
  shown_ = true;
  fmt::print(stream_, "\r{}", render(label_, total > 0 ? done / total : 0, 60));
  std::fflush(stream_);
}

void Progress::finish() {
  if (!shown_) return;
  fmt::print(stream_, "\r{}\r", std::string(72, ' '));
  std::fflush(stream_);
  shown_ = false;
}

}  // namespace perfadvise
