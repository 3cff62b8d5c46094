// Cache of resolved frames keyed by (code object, instruction offset). A code object can be freed
// and its address reused by another one, and so can its strings, so a hit also requires the
// same content: the file name and qualified name characters, the location table bytes,
// co_firstlineno and the offset, which together determine the answer. A stale entry therefore
// can never be returned; what the cache saves is the UTF-8 encoding, the line-table walk and
// the string allocations of a miss.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "collector/python_objects.h"
#include "collector/python_stack.h"

namespace perfadvise::collector {

/// Where everything a frame's (file, function, line) is computed from lies in memory.
struct FrameSource {
  uintptr_t code = 0;
  ObjectData filename;
  ObjectData qualname;
  ObjectData linetable;
  int32_t first_line = 0;
  int64_t byte_offset = 0;
};

/// Direct-mapped; a slot that another thread is using counts as a miss, so no call ever waits.
class FrameCache {
 public:
  static constexpr size_t kSlots = 4096;

  FrameCache();
  /// Copies the cached frame into `out` when an entry matches `source` in content.
  bool lookup(const FrameSource& source, PyFrameInfo& out);
  /// Remembers `frame` for `source`, whose payloads were copied into the three strings.
  void store(const FrameSource& source, const std::string& filename, const std::string& qualname,
             const std::string& linetable, const PyFrameInfo& frame);

 private:
  struct Slot {
    std::atomic<bool> busy{false};
    bool filled = false;
    uintptr_t code = 0;
    int32_t first_line = 0;
    int64_t byte_offset = 0;
    uint32_t filename_kind = 0;
    uint32_t qualname_kind = 0;
    std::string filename;  // raw characters, as in the str object
    std::string qualname;
    std::string linetable;
    PyFrameInfo frame;
  };
  Slot& slot_for(const FrameSource& source);
  static bool matches(const Slot& slot, const FrameSource& source);

  std::unique_ptr<Slot[]> slots_;
};

}  // namespace perfadvise::collector
