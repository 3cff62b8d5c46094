#include "collector/python_frame_cache.h"

#include "collector/python_memory.h"

namespace perfadvise::collector {
namespace {

// RAII try-lock on a slot: owns it only when nobody else did.
class SlotGuard {
 public:
  explicit SlotGuard(std::atomic<bool>& busy)
      : busy_(busy), owned_(!busy.exchange(true, std::memory_order_acquire)) {}
  ~SlotGuard() {
    if (owned_) busy_.store(false, std::memory_order_release);
  }
  SlotGuard(const SlotGuard&) = delete;
  SlotGuard& operator=(const SlotGuard&) = delete;
  bool owned() const { return owned_; }

 private:
  std::atomic<bool>& busy_;
  bool owned_;
};

}  // namespace

FrameCache::FrameCache() : slots_(new Slot[kSlots]) {}

FrameCache::Slot& FrameCache::slot_for(const FrameSource& source) {
  uint64_t h = (static_cast<uint64_t>(source.code) >> 4) * 0x9E3779B97F4A7C15ull;
  h ^= static_cast<uint64_t>(source.byte_offset) * 0xC2B2AE3D27D4EB4Full;
  return slots_[(h >> 32) % kSlots];
}

bool FrameCache::matches(const Slot& slot, const FrameSource& source) {
  auto same = [](const ObjectData& where, uint32_t kind, const std::string& bytes) {
    return where.kind == kind && where.size == bytes.size() &&
           memory_equals(where.data, bytes.data(), bytes.size());
  };
  return slot.filled && slot.code == source.code && slot.first_line == source.first_line &&
         slot.byte_offset == source.byte_offset &&
         same(source.filename, slot.filename_kind, slot.filename) &&
         same(source.qualname, slot.qualname_kind, slot.qualname) &&
         same(source.linetable, 1, slot.linetable);
}

bool FrameCache::lookup(const FrameSource& source, PyFrameInfo& out) {
  Slot& slot = slot_for(source);
  SlotGuard guard(slot.busy);
  if (!guard.owned() || !matches(slot, source)) return false;
  out = slot.frame;
  return true;
}

void FrameCache::store(const FrameSource& source, const std::string& filename,
                       const std::string& qualname, const std::string& linetable,
                       const PyFrameInfo& frame) {
  Slot& slot = slot_for(source);
  SlotGuard guard(slot.busy);
  if (!guard.owned()) return;
  slot.filled = false;  // stays a miss if a copy below throws
  slot.code = source.code;
  slot.first_line = source.first_line;
  slot.byte_offset = source.byte_offset;
  slot.filename_kind = source.filename.kind;
  slot.qualname_kind = source.qualname.kind;
  slot.filename = filename;
  slot.qualname = qualname;
  slot.linetable = linetable;
  slot.frame = frame;
  slot.filled = true;
}

}  // namespace perfadvise::collector
