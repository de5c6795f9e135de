// Checkpoints: safetensors layout, round trip of model + optimizer + RNG + progress, the
// errors for bad files, atomic writes under SIGKILL, and bit-identical resume in a new
// process.
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <thread>

#include "engine/serialize/safetensors.h"
#include "nn/linear.h"
#include "ops/ops.h"
#include "optim/adam.h"
#include "optim/checkpoint.h"

using namespace cadenza;
using Catch::Matchers::Contains;
namespace fs = std::filesystem;

extern char** environ;

namespace {

fs::path scratch_dir(const std::string& name) {
  fs::path d = fs::temp_directory_path() / fmt::format("cadenza_ckpt_{}_{}", name, ::getpid());
  fs::remove_all(d);
  fs::create_directories(d);
  return d;
}

std::string read_bytes(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}
void write_bytes(const fs::path& p, const std::string& s) { std::ofstream(p, std::ios::binary) << s; }

int run_helper(const std::string& args) { return std::system((std::string(CHECKPOINT_HELPER) + " " + args).c_str()); }

// A trained model + optimizer with non-trivial state.
struct Trained {
  nn::Linear model{3, 2};
  optim::Adam opt{model.parameters(), {.lr = 0.1}};
  Trained() {
    for (int i = 0; i < 2; ++i) {
      opt.zero_grad();
      backward(sum(square(model.forward(Tensor::ones({4, 3})))));
      opt.step();
    }
  }
};

}  // namespace

TEST_CASE("checkpoint files follow the safetensors layout", "[checkpoint]") {
  fs::path dir = scratch_dir("layout");
  Trained t;
  optim::save_checkpoint(dir / "c.safetensors", t.model, &t.opt, {2, 9});
  std::string bytes = read_bytes(dir / "c.safetensors");
  // Parsed here by hand, independently of cadenza's reader.
  uint64_t n = 0;
  std::memcpy(&n, bytes.data(), 8);
  REQUIRE(n % 8 == 0);
  auto header = nlohmann::json::parse(bytes.substr(8, n));
  const auto& w = header["model.weight"];
  CHECK(w["dtype"] == "F32");
  CHECK(w["shape"] == nlohmann::json::array({2, 3}));
  auto off = w["data_offsets"].get<std::vector<size_t>>();
  REQUIRE(off[1] - off[0] == 24);
  std::vector<float> data(6);
  std::memcpy(data.data(), bytes.data() + 8 + n + off[0], 24);
  CHECK(data == t.model.weight.to_vector<float>());
  CHECK(header["__metadata__"]["step"] == "2");
  CHECK(header["__metadata__"]["data_position"] == "9");
  CHECK(header["optim.step"]["dtype"] == "I64");
  CHECK(header.contains("optim.0.exp_avg_sq"));
  // Data ends exactly where the last tensor does.
  size_t end = 0;
  for (auto& [k, v] : header.items())
    if (k != "__metadata__") end = std::max(end, v["data_offsets"][1].get<size_t>());
  CHECK(bytes.size() == 8 + n + end);
  fs::remove_all(dir);
}

TEST_CASE("a checkpoint restores model, optimizer, RNG, progress and config", "[checkpoint]") {
  fs::path dir = scratch_dir("roundtrip");
  Trained t;
  Generator rng(5);
  rng.reserve(17);
  optim::save_checkpoint(dir / "c.safetensors", t.model, &t.opt, {2, 11}, rng, {{"hidden", 2}});
  nn::Linear model(3, 2);
  optim::Adam opt(model.parameters(), {.lr = 0.1});
  Generator rng2(0);
  auto progress = optim::load_checkpoint(dir / "c.safetensors", model, &opt, rng2);
  CHECK(progress.step == 2);
  CHECK(progress.data_position == 11);
  CHECK(rng2.state().seed == 5);
  CHECK(rng2.state().offset == 17);
  CHECK(opt.step_count() == 2);
  CHECK(model.weight.to_vector<float>() == t.model.weight.to_vector<float>());
  for (auto& [k, v] : t.opt.state_dict()) CHECK(opt.state_dict().at(k).to_vector<double>() == v.to_vector<double>());
  CHECK(optim::load_checkpoint_config(dir / "c.safetensors")["hidden"] == 2);
  fs::remove_all(dir);
}

TEST_CASE("loading a bad checkpoint gives one clear error", "[checkpoint]") {
  fs::path dir = scratch_dir("bad");
  Trained t;
  fs::path good = dir / "good.safetensors";
  optim::save_checkpoint(good, t.model, &t.opt, {2, 2});
  std::string bytes = read_bytes(good);
  nn::Linear model(3, 2);
  auto load = [&](const fs::path& p) { optim::load_checkpoint(p, model, nullptr); };

  SECTION("missing tensor") {
    nn::Linear no_bias(3, 2, false);
    optim::save_checkpoint(dir / "m.safetensors", no_bias, nullptr, {});
    CHECK_THROWS_WITH(load(dir / "m.safetensors"), Contains("m.safetensors") && Contains("missing keys: bias"));
  }
  SECTION("shape mismatch names both shapes") {
    nn::Linear other(4, 2);
    optim::save_checkpoint(dir / "s.safetensors", other, nullptr, {});
    CHECK_THROWS_WITH(load(dir / "s.safetensors"), Contains("'weight': checkpoint has shape [2, 4], model has [2, 3]"));
  }
  SECTION("wrong dtype") {
    serialize::save_safetensors(
        dir / "d.safetensors",
        {{"model.weight", Tensor::zeros({2, 3}, DType::f64)}, {"model.bias", Tensor::zeros({2})}},
        {{"format", "cadenza-checkpoint-1"},
         {"step", "0"},
         {"data_position", "0"},
         {"rng_seed", "0"},
         {"rng_offset", "0"}});
    CHECK_THROWS_WITH(load(dir / "d.safetensors"), Contains("'weight': checkpoint has dtype f64, model has f32"));
  }
  SECTION("dtype cadenza does not have") {
    std::string h = R"({"model.weight":{"dtype":"BF16","shape":[2],"data_offsets":[0,4]}})";
    std::string f(8, '\0');
    uint64_t n = h.size();
    std::memcpy(f.data(), &n, 8);
    write_bytes(dir / "b.safetensors", f + h + "abcd");
    CHECK_THROWS_WITH(load(dir / "b.safetensors"), Contains("'model.weight' has dtype BF16"));
  }
  SECTION("truncated file") {
    write_bytes(dir / "t.safetensors", bytes.substr(0, bytes.size() - 10));
    CHECK_THROWS_WITH(load(dir / "t.safetensors"), Contains("t.safetensors: truncated file"));
  }
  SECTION("not a safetensors file") {
    write_bytes(dir / "n.safetensors", "MThd\0\0\0\6 this is a MIDI file, not a checkpoint");
    CHECK_THROWS_WITH(load(dir / "n.safetensors"), Contains("not a safetensors file"));
    write_bytes(dir / "short.safetensors", "abc");
    CHECK_THROWS_WITH(load(dir / "short.safetensors"), Contains("not a safetensors file"));
  }
  SECTION("safetensors without cadenza metadata") {
    serialize::save_safetensors(dir / "plain.safetensors", {{"model.weight", Tensor::zeros({2, 3})}});
    CHECK_THROWS_WITH(load(dir / "plain.safetensors"), Contains("not a cadenza checkpoint"));
  }
  SECTION("missing file") {
    CHECK_THROWS_WITH(load(dir / "absent.safetensors"), Contains("absent.safetensors: cannot open"));
  }
  fs::remove_all(dir);
}

TEST_CASE("a writer killed mid-save leaves the previous checkpoint intact", "[checkpoint][slow-ish]") {
  fs::path dir = scratch_dir("kill");
  fs::path ckpt = dir / "big.safetensors";
  int caught_mid_write = 0;
  for (int attempt = 0; attempt < 8 && caught_mid_write < 2; ++attempt) {
    fs::remove_all(dir);
    fs::create_directories(dir);
    std::string helper = CHECKPOINT_HELPER, mode = "write-loop", path = ckpt.string();
    char* argv[] = {helper.data(), mode.data(), path.data(), nullptr};
    pid_t pid = 0;
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
    REQUIRE(posix_spawn(&pid, argv[0], &fa, nullptr, argv, environ) == 0);
    posix_spawn_file_actions_destroy(&fa);
    // Wait for the first complete checkpoint, then kill at some point of a later save.
    for (int i = 0; i < 3000 && !fs::exists(ckpt); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
    std::this_thread::sleep_for(std::chrono::milliseconds(20 + 37 * attempt % 100));
    // Stopped first, so that what it has open can be read at the very moment of death: a
    // save in progress holds its temporary file (unnamed, or named *.tmp-PID) in `dir`.
    ::kill(pid, SIGSTOP);
    bool mid_write = false;
    for (auto& fd : fs::directory_iterator("/proc/" + std::to_string(pid) + "/fd")) {
      std::error_code ec;
      const std::string target = fs::read_symlink(fd.path(), ec).string();
      mid_write |= !ec && target.rfind(dir.string(), 0) == 0;
    }
    ::kill(pid, SIGKILL);
    int status = 0;
    ::waitpid(pid, &status, 0);
    REQUIRE(WIFSIGNALED(status));
    REQUIRE(fs::exists(ckpt));
    caught_mid_write += mid_write;
    // Whatever the moment of death, the checkpoint is one complete round.
    struct Big : nn::Module {
      Big() { w = register_parameter("w", Tensor::zeros({1 << 23})); }
      Tensor w;
    } big;
    auto progress = optim::load_checkpoint(ckpt, big, nullptr);
    auto w = big.w.to_vector<float>();
    CHECK(progress.step >= 1);
    CHECK(w.front() == float(progress.step));
    CHECK(std::all_of(w.begin(), w.end(), [&](float v) { return v == w.front(); }));
  }
  CHECK(caught_mid_write >= 1);  // the kill did land inside a save
  fs::remove_all(dir);
}

TEST_CASE("resuming in a new process continues bit-identically", "[checkpoint][resume]") {
  fs::path dir = scratch_dir("resume");
  std::string d = dir.string();
  REQUIRE(run_helper("train 6 " + d + "/straight.safetensors") == 0);
  REQUIRE(run_helper("train 6 " + d + "/first.safetensors --save-at 3 " + d + "/half.safetensors") == 0);
  REQUIRE(run_helper("train 6 " + d + "/resumed.safetensors --resume " + d + "/half.safetensors") == 0);
  auto straight = serialize::load_safetensors(dir / "straight.safetensors").tensors;
  auto resumed = serialize::load_safetensors(dir / "resumed.safetensors").tensors;
  REQUIRE(straight.size() == 4);
  for (auto& [name, t] : straight) CHECK(host_bytes(resumed.at(name)) == host_bytes(t));
  // And the checkpoint was really mid-run: its weights differ from the final ones.
  nn::StateDict half = serialize::load_safetensors(dir / "half.safetensors").tensors;
  CHECK(host_bytes(half.at("model.fc1.weight")) != host_bytes(straight.at("fc1.weight")));
  CHECK(optim::load_checkpoint_config(dir / "half.safetensors")["model"] == "mlp");
  fs::remove_all(dir);
}
