// engine/serialize/atomic_file.h: the target holds the old bytes until commit(), the new
// ones after, and a writer abandoned before commit() leaves no file behind; the name a
// killed writer can leave is removed once its process is gone.
#include <sys/wait.h>
#include <unistd.h>
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>

#include "engine/error.h"
#include "engine/serialize/atomic_file.h"
#include "tests/support/test_data.h"

using namespace cadenza;
namespace fs = std::filesystem;

namespace {

size_t files_in(const fs::path& dir) {
  size_t n = 0;
  for ([[maybe_unused]] const auto& e : fs::directory_iterator(dir)) ++n;
  return n;
}

struct Scratch {
  fs::path dir = fs::temp_directory_path() / ("cadenza_atomic_" + std::to_string(::getpid()));
  Scratch() {
    fs::remove_all(dir);
    fs::create_directories(dir);
  }
  ~Scratch() { fs::remove_all(dir); }
};

}  // namespace

TEST_CASE("atomic file: old bytes until commit, new bytes after, nothing left behind", "[serialize][atomic]") {
  Scratch s;
  const fs::path target = s.dir / "x.bin";
  std::ofstream(target, std::ios::binary) << "old";
  {
    serialize::AtomicFile f(target);
    f.write("new bytes", 9);
    CHECK(cadenza::test::read_bytes(target) == "old");  // written, not committed
  }
  CHECK(cadenza::test::read_bytes(target) == "old");  // abandoned: untouched
  CHECK(files_in(s.dir) == 1);                        // and no temporary file left
  {
    serialize::AtomicFile f(target);
    f.write("new bytes", 9);
    f.commit();
  }
  CHECK(cadenza::test::read_bytes(target) == "new bytes");
  CHECK(files_in(s.dir) == 1);
  serialize::write_file_atomic(s.dir / "y.txt", "");
  CHECK(fs::exists(s.dir / "y.txt"));
  CHECK(fs::file_size(s.dir / "y.txt") == 0);
  CHECK_THROWS_AS(serialize::write_file_atomic(s.dir / "no" / "such" / "dir.txt", "x"), Error);
}

TEST_CASE("atomic file: a killed writer's temporary name is removed once its process is gone", "[serialize][atomic]") {
  Scratch s;
  const pid_t gone = ::fork();
  if (gone == 0) ::_exit(0);
  REQUIRE(gone > 0);
  ::waitpid(gone, nullptr, 0);
  const auto touch = [&](const std::string& name) { std::ofstream(s.dir / name) << "x"; };
  touch("shard.bin.tmp-" + std::to_string(gone));        // its writer is gone
  touch("shard.bin.tmp-" + std::to_string(::getpid()));  // its writer is alive (this test)
  touch("notes.tmp-draft");                              // not a temporary name of ours
  touch("shard.bin");
  serialize::remove_stale_temporaries(s.dir);
  CHECK_FALSE(fs::exists(s.dir / ("shard.bin.tmp-" + std::to_string(gone))));
  CHECK(fs::exists(s.dir / ("shard.bin.tmp-" + std::to_string(::getpid()))));
  CHECK(fs::exists(s.dir / "notes.tmp-draft"));
  CHECK(fs::exists(s.dir / "shard.bin"));
}
