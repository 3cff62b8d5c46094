// Schema v1 of the profile file. docs/schema.md documents every table and column; the SQL here
// is the single definition the writer and the reader both use.
#pragma once

#include <string_view>

namespace perfadvise::schema {

inline constexpr int kVersion = 1;
/// meta['format'] of every perfadvise profile; anything else is a foreign SQLite file.
inline constexpr std::string_view kFormat = "perfadvise-profile";

/// Tables and views, created when a profile is created.
extern const std::string_view kCreateTables;
/// Indexes, created at close() so that inserts during the run stay cheap.
extern const std::string_view kCreateIndexes;

// Insert statements; parameter order matches the column order in kCreateTables.
extern const std::string_view kInsertString;
extern const std::string_view kInsertMeta;
extern const std::string_view kInsertDevice;
extern const std::string_view kInsertKernel;
extern const std::string_view kInsertMemcpy;
extern const std::string_view kInsertMemset;
extern const std::string_view kInsertSync;
extern const std::string_view kInsertApiCall;
extern const std::string_view kInsertNvtx;
extern const std::string_view kInsertOverhead;
extern const std::string_view kInsertFrame;
extern const std::string_view kInsertStackNode;
extern const std::string_view kInsertCallSite;
extern const std::string_view kInsertGemm;

}  // namespace perfadvise::schema
