// The one place that talks to the SQLite C API: a connection and a prepared statement, with
// every failure turned into an Error that names the file.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "profile/result.h"

struct sqlite3;
struct sqlite3_stmt;

namespace perfadvise {

class SqliteStatement;

class SqliteDb {
 public:
  enum class Mode { kCreate, kReadWrite, kReadOnly };
  static Result<std::unique_ptr<SqliteDb>> open(const std::string& path, Mode mode);
  ~SqliteDb();
  SqliteDb(const SqliteDb&) = delete;
  SqliteDb& operator=(const SqliteDb&) = delete;

  Result<void> exec(std::string_view sql);
  Result<SqliteStatement> prepare(std::string_view sql);
  bool has_table(std::string_view name);
  const std::string& path() const { return path_; }
  /// "<path>: <what> (<sqlite message>)".
  Error error(std::string_view what) const;

 private:
  SqliteDb(sqlite3* db, std::string path) : db_(db), path_(std::move(path)) {}
  sqlite3* db_;
  std::string path_;
};

class SqliteStatement {
 public:
  SqliteStatement(sqlite3_stmt* stmt, SqliteDb* db) : stmt_(stmt), db_(db) {}
  SqliteStatement(SqliteStatement&& other) noexcept;
  SqliteStatement& operator=(SqliteStatement&&) = delete;
  ~SqliteStatement();

  // Bind parameters are 1-based, as in SQLite.
  void bind(int index, int64_t value);
  void bind(int index, double value);
  void bind(int index, std::string_view value);
  /// Executes a statement that returns no rows, then resets it for the next bind.
  Result<void> run();
  /// Advances to the next row: true with a row, false when done, Error on failure.
  Result<bool> step();

  int64_t int64(int column) const;
  double real(int column) const;
  std::string text(int column) const;
  bool is_null(int column) const;

 private:
  sqlite3_stmt* stmt_;
  SqliteDb* db_;
};

}  // namespace perfadvise
