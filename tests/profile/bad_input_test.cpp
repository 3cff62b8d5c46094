// Every bad input gets one line naming the file and the problem, never a crash.
#include <catch2/catch.hpp>

#include <fstream>

#include "profile/reader.h"
#include "profile/sqlite.h"
#include "tests/support/profile_builder.h"
#include "tests/support/temp_dir.h"

using namespace perfadvise;
using namespace perfadvise::testing;

namespace {

void write_file(const std::string& path, const std::string& bytes) {
  std::ofstream(path, std::ios::binary) << bytes;
}

std::string error_of(const std::string& path) {
  auto loaded = load_profile(path);
  REQUIRE_FALSE(loaded.ok());
  const std::string& message = loaded.error().message;
  CHECK(message.find('\n') == std::string::npos);
  CHECK(message.rfind(path, 0) == 0);  // starts with the file name
  return message;
}

}  // namespace

TEST_CASE("a missing path is reported") {
  TempDir dir;
  CHECK_THAT(error_of(dir.file("nope.sqlite")), Catch::Contains("no such file"));
  auto found = find_profiles(dir.file("nope"));
  REQUIRE_FALSE(found.ok());
  CHECK_THAT(found.error().message, Catch::Contains("no such file"));
}

TEST_CASE("a directory without profiles is reported") {
  TempDir dir;
  write_file(dir.file("notes.txt"), "hello");
  auto found = find_profiles(dir.path().string());
  REQUIRE_FALSE(found.ok());
  CHECK_THAT(found.error().message, Catch::Contains("holds no profiles"));
}

TEST_CASE("a file that is not SQLite is reported") {
  TempDir dir;
  write_file(dir.file("x.sqlite"), "this is a text file, not a database\n");
  CHECK_THAT(error_of(dir.file("x.sqlite")), Catch::Contains("not an SQLite file"));
  write_file(dir.file("empty.sqlite"), "");
  CHECK_THAT(error_of(dir.file("empty.sqlite")), Catch::Contains("not an SQLite file"));
}

TEST_CASE("an SQLite file of another program is reported") {
  TempDir dir;
  {
    auto db = SqliteDb::open(dir.file("other.sqlite"), SqliteDb::Mode::kCreate);
    REQUIRE(db.ok());
    REQUIRE((*db)
                ->exec("CREATE TABLE users(id INTEGER, name TEXT); INSERT INTO users VALUES(1,'a')")
                .ok());
  }
  CHECK_THAT(error_of(dir.file("other.sqlite")), Catch::Contains("without a meta table"));
  {
    auto db = SqliteDb::open(dir.file("meta.sqlite"), SqliteDb::Mode::kCreate);
    REQUIRE((*db)
                ->exec("CREATE TABLE meta(key TEXT, value TEXT); "
                       "INSERT INTO meta VALUES('format','something-else')")
                .ok());
  }
  CHECK_THAT(error_of(dir.file("meta.sqlite")), Catch::Contains("meta.format"));
}

TEST_CASE("a profile with a newer schema version is reported") {
  TempDir dir;
  std::string path = dir.file("future.sqlite");
  REQUIRE(ProfileBuilder().write(path).ok());
  {
    auto db = SqliteDb::open(path, SqliteDb::Mode::kReadWrite);
    REQUIRE((*db)->exec("UPDATE meta SET value = '99' WHERE key = 'schema_version'").ok());
  }
  CHECK_THAT(error_of(path), Catch::Contains("schema version 99 is newer"));
}

TEST_CASE("a truncated profile is reported") {
  TempDir dir;
  std::string path = dir.file("full.sqlite");
  ProfileBuilder b;
  for (int i = 0; i < 20000; ++i)
    b.launch("kernel", i * 1000, i * 1000 + 100, 500);
  REQUIRE(b.write(path).ok());
  std::string bytes;
  {
    std::ifstream in(path, std::ios::binary);
    bytes.assign(std::istreambuf_iterator<char>(in), {});
  }
  REQUIRE(bytes.size() > 100'000);
  for (size_t keep : {size_t{100}, size_t{4096 * 2 + 17}, bytes.size() / 2}) {
    std::string cut = dir.file("cut" + std::to_string(keep) + ".sqlite");
    write_file(cut, bytes.substr(0, keep));
    std::string message = error_of(cut);
    INFO(message);
    CHECK((message.find("corrupt or truncated") != std::string::npos ||
           message.find("not an SQLite file") != std::string::npos ||
           message.find("without a meta table") != std::string::npos));
  }
}

TEST_CASE("files the fuzzer found stay errors, not crashes") {
  // huge-row-id: a kernel row id of ~2^62 once made the loader reserve that many rows.
  for (const char* name : {"huge-row-id.sqlite"}) {
    std::string path = std::string(PERFADVISE_FIXTURES_DIR) + "/fuzz/" + name;
    auto loaded = load_profile(path);
    INFO(name);
    if (!loaded.ok()) CHECK(loaded.error().message.find('\n') == std::string::npos);
  }
}
