// Decoder for the CPython 3.11+ location table (co_linetable), the same walk PyCode_Addr2Line
// does (Objects/codeobject.c, Objects/locations.md), bounded by the table's length so that a torn
// or foreign table can never make it read past the end.
#pragma once

#include <cstddef>
#include <cstdint>

namespace perfadvise::collector {

/// Source line of the instruction at `byte_offset` (offset into the code, in bytes) given the
/// location table and the code object's co_firstlineno. Returns co_firstlineno for a negative
/// offset (a frame that has not started), -1 when the instruction has no line or the offset lies
/// beyond the table.
int line_for_offset(const uint8_t* table, size_t table_size, int first_line,
                    int64_t byte_offset) noexcept;

}  // namespace perfadvise::collector
