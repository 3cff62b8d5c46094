// libFuzzer target for the profile reader: any byte string, loaded as a profile file, must give
// either a Profile or an Error, never a crash, hang or sanitizer report.
//   cmake -B build-fuzz -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_C_COMPILER=clang -DPERFADVISE_FUZZ=ON
//   build-fuzz/tests/fuzz/reader_fuzz -max_total_time=60 tests/fuzz/corpus
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <string>

#include "profile/reader.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const std::string path = "/tmp/perfadvise-fuzz-" + std::to_string(getpid()) + ".sqlite";
  FILE* file = std::fopen(path.c_str(), "wb");
  if (file == nullptr) return 0;
  std::fwrite(data, 1, size, file);
  std::fclose(file);
  auto profile = perfadvise::load_profile(path);
  if (profile.ok()) (void)profile->time_span();
  std::remove(path.c_str());
  return 0;
}
