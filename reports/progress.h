// A progress bar for work that takes longer than a second: drawn on a terminal only, silent
// otherwise, and never shown for quick work (it appears once a second has passed).
#pragma once

#include <chrono>
#include <cstdio>
#include <string>

namespace perfadvise {

class Progress {
 public:
  /// Draws on `stream` when `enabled` (the CLI passes isatty(stderr)).
  Progress(std::string label, FILE* stream, bool enabled);
  ~Progress();
  Progress(const Progress&) = delete;
  Progress& operator=(const Progress&) = delete;

  /// Reports `done` of `total` units; redraws at most every 100 ms.
  void update(double done, double total);
  /// Clears the bar (called by the destructor too).
  void finish();
  /// Whether the bar has been drawn at least once (the work took longer than a second).
  bool shown() const { return shown_; }

  /// The bar for a fraction in [0, 1], `width` columns wide: "label [#####.....]  42%".
  static std::string render(const std::string& label, double fraction, int width);

 private:
  std::string label_;
  FILE* stream_;
  bool enabled_;
  bool shown_ = false;
  std::chrono::steady_clock::time_point start_;
  std::chrono::steady_clock::time_point last_draw_;
};

}  // namespace perfadvise
