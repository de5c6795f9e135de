// The path of docs/CUSTOM_LAYERS.md end to end: examples/train_custom trains the
// "snake_glu" model (custom layer + custom op) for a few steps, samples MIDI and leaves a
// run directory; `cadenza --plugin <example plugin> sample` reads it. On Vulkan too, where
// training must follow the CPU's losses.
#include <sys/wait.h>

#include <cstdlib>
#include <fstream>
#include <nlohmann/json.hpp>
#include <regex>

#include "cli_checks.h"
#include "music/repr/json_roll.h"
#include "music/score/midi_convert.h"
#include "tests/support/skip.h"
#ifdef HAVE_VULKAN
#include "engine/vulkan/runtime.h"
#endif

using cadenza::music::test::run_cadenza;
using cadenza::music::test::run_command;
using cadenza::test::check_one_line_error;
using cadenza::test::TempDir;

namespace {

struct Run {
  int status = -1;
  std::string out;
};

// train_custom with `args`; stdout captured, stderr (the progress) dropped.
Run train_custom(const TempDir& tmp, const std::string& args) {
  const std::string out = tmp / "train_custom.out";
  const int raw =
      std::system((std::string("'") + TRAIN_CUSTOM_BINARY + "' " + args + " >" + out + " 2>/dev/null").c_str());
  Run r;
  r.status = WIFEXITED(raw) ? WEXITSTATUS(raw) : -1;
  std::ifstream in(tmp.path / "train_custom.out");
  r.out.assign(std::istreambuf_iterator<char>(in), {});
  return r;
}

// "valid NLL <x> nats/frame-pair" from train_custom's report: the unit of the family's own data.
double validation_nll(const std::string& out) {
  std::smatch m;
  REQUIRE(std::regex_search(out, m, std::regex("valid NLL ([0-9.]+) nats/frame-pair")));
  return std::stod(m[1]);
}

size_t notes_in(const std::filesystem::path& mid) {
  const cadenza::music::Score s = cadenza::music::load_midi(mid);
  size_t n = 0;
  for (const auto& t : s.tracks) n += t.notes.size();
  return n;
}

const std::string kPlugin = std::string("--plugin '") + EXAMPLE_PLUGIN + "' ";

}  // namespace

TEST_CASE("train_custom trains the custom model and cadenza samples its run through the plugin", "[examples]") {
  TempDir tmp("train_custom", "cpu");
  const Run r = train_custom(tmp, "--steps 20 --out " + (tmp / "run"));
  INFO(r.out);
  REQUIRE(r.status == 0);
  const double nll = validation_nll(r.out);
  CHECK(nll > 0);
  CHECK(nll < 61);  // 88 keys at p = 1/2 cost 61 nats per frame: it learned something
  CHECK(notes_in(tmp.path / "run" / "sample.mid") > 0);

  const auto s =
      run_cadenza(kPlugin + "sample --checkpoint " + (tmp / "run") + " --length 16 --out " + (tmp / "s.mid"));
  INFO(s.err);
  CHECK(s.status == 0);
  CHECK(notes_in(tmp.path / "s.mid") > 0);
  CHECK(std::filesystem::exists(tmp.path / "s.png"));

  // Without the plugin the family is unknown; a bad plugin is one line too.
  check_one_line_error(run_cadenza("sample --checkpoint " + (tmp / "run") + " --out " + (tmp / "t.mid")),
                       "unknown model 'snake_glu'");
  check_one_line_error(run_cadenza("--plugin " + (tmp / "none.so") + " devices"), "none.so");
  // A second copy of the plugin registers its op and family again: one line, no abort.
  // Two copies define the same globals on purpose, which AddressSanitizer's one-definition
  // check would stop at before the registries could report it.
  std::filesystem::copy_file(EXAMPLE_PLUGIN, tmp.path / "copy.so");
  check_one_line_error(run_command("ASAN_OPTIONS=\"${ASAN_OPTIONS:-}:detect_odr_violation=0\" '" CADENZA_BINARY "' " +
                                   kPlugin + "--plugin " + (tmp / "copy.so") + " devices"),
                       "copy.so: op 'snake' is registered twice; model 'snake_glu' is registered twice");
  // The run directory is not overwritten.
  CHECK(train_custom(tmp, "--steps 20 --out " + (tmp / "run")).status == 1);
}

TEST_CASE("a plugin family trains on its own data source and cadenza eval prints its own figure", "[examples]") {
  TempDir tmp("train_custom", "family");
  const std::string run = tmp / "run";
  const auto t = run_cadenza(kPlugin + "train --model snake_glu --steps 40 --batch 4 --out " + run);
  INFO(t.err);
  REQUIRE(t.status == 0);
  // The family's data counts frame pairs (its registry entry's step unit).
  CHECK(t.err.find("valid NLL") != std::string::npos);
  CHECK(t.err.find("nats/frame-pair") != std::string::npos);

  const auto e = run_cadenza(kPlugin + "eval --samples 0 --checkpoint " + run);
  INFO(e.out << e.err);
  REQUIRE(e.status == 0);
  CHECK(e.out.find("nats per frame-pair") != std::string::npos);
  std::smatch m;
  REQUIRE(std::regex_search(e.out, m, std::regex("key F1 +([0-9.]+)")));
  CHECK(std::stod(m[1]) > 0);
  CHECK(std::stod(m[1]) <= 1);

  const auto j = run_cadenza(kPlugin + "eval --samples 0 --json --checkpoint " + run);
  REQUIRE(j.status == 0);
  const nlohmann::json out = nlohmann::json::parse(j.out);
  CHECK(out["key_f1"].get<double>() == Approx(std::stod(m[1])).margin(1e-4));
  // The evaluation batches are the family's own: a piece of n frames gives n - 1 pairs,
  // where the shared roll stage, with its silent first frame, counts n.
  const cadenza::music::repr::RollCorpus corpus = cadenza::music::repr::load_roll_json(cadenza::test::kJsbPath);
  double pairs = 0;
  for (const auto& piece : corpus.splits.at("valid")) pairs += piece.size() > 0 ? double(piece.size() - 1) : 0;
  CHECK(out["steps"].get<double>() == pairs);
}

TEST_CASE("train_custom on vulkan follows the cpu, and cadenza samples on the device", "[examples][vulkan]") {
#ifdef HAVE_VULKAN
  if (!cadenza::vulkan::available())
    cadenza::test::skip_test(std::string("no Vulkan device: ") + cadenza::vulkan::reason());
  TempDir tmp("train_custom", "vulkan");
  const Run cpu = train_custom(tmp, "--steps 5 --out " + (tmp / "cpu"));
  const Run vk = train_custom(tmp, "--steps 5 --device vulkan --out " + (tmp / "vk"));
  INFO(cpu.out << vk.out);
  REQUIRE(cpu.status == 0);
  REQUIRE(vk.status == 0);
  // Same initial weights and batches; f32 kernels that differ by a few ulp per step.
  CHECK(validation_nll(vk.out) == Approx(validation_nll(cpu.out)).epsilon(1e-3));
  const auto s = run_cadenza(kPlugin + "sample --device vulkan --checkpoint " + (tmp / "vk") + " --length 16 --out " +
                             (tmp / "s.mid"));
  INFO(s.err);
  CHECK(s.status == 0);
  CHECK(notes_in(tmp.path / "s.mid") > 0);
#else
  cadenza::test::skip_test("this build has no Vulkan backend");
#endif
}
