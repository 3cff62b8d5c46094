// A minimal protobuf encoder: varints, fixed64 and length-delimited fields appended to a byte
// buffer. Sub-messages are encoded into their own ProtoWriter and appended with their length.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace perfadvise::perfetto {

class ProtoWriter {
 public:
  void varint(uint32_t field, uint64_t value) {
    tag(field, kVarint);
    raw_varint(value);
  }
  void fixed64(uint32_t field, uint64_t value) {
    tag(field, kFixed64);
    for (int i = 0; i < 8; ++i)
      bytes_.push_back(static_cast<char>((value >> (8 * i)) & 0xFF));
  }
  void bytes(uint32_t field, std::string_view value) {
    tag(field, kLengthDelimited);
    raw_varint(value.size());
    bytes_.append(value);
  }
  void message(uint32_t field, const ProtoWriter& child) { bytes(field, child.bytes_); }

  const std::string& data() const { return bytes_; }
  size_t size() const { return bytes_.size(); }
  void clear() { bytes_.clear(); }

 private:
  static constexpr uint32_t kVarint = 0, kFixed64 = 1, kLengthDelimited = 2;
  void tag(uint32_t field, uint32_t wire_type) { raw_varint((uint64_t{field} << 3) | wire_type); }
  void raw_varint(uint64_t value) {
    while (value >= 0x80) {
      bytes_.push_back(static_cast<char>((value & 0x7F) | 0x80));
      value >>= 7;
    }
    bytes_.push_back(static_cast<char>(value));
  }
  std::string bytes_;
};

}  // namespace perfadvise::perfetto
