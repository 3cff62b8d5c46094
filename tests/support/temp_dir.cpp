#include "tests/support/temp_dir.h"

#include <random>

namespace perfadvise::testing {

TempDir::TempDir() {
  std::random_device seed;
  auto base = std::filesystem::temp_directory_path();
  do {
    path_ = base / ("perfadvise-test-" + std::to_string(seed()));
  } while (!std::filesystem::create_directory(path_));
}

TempDir::~TempDir() {
  std::error_code ignored;
  std::filesystem::remove_all(path_, ignored);
}

}  // namespace perfadvise::testing
