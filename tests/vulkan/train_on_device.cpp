// Training and sampling on Vulkan against the CPU (label vulkan): a melody_rnn and a small
// music_transformer take 50 Adam steps from the same seed on both devices and their losses
// must agree step by step; greedy KV-cache sampling must pick the same tokens; and
// `cadenza train --device vulkan` runs through the command line (and fails in one line when
// the device runs out of memory). Without a device every case is a CTest skip.
#include <unistd.h>
#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>

#include "models/data.h"
#include "models/registry.h"
#include "models/transformer/music_transformer.h"
#include "optim/adam.h"
#include "optim/clip.h"
#include "run_cli.h"
#include "vulkan_test_util.h"

namespace cadenza {
namespace {

using models::Batch;
using nlohmann::json;

// f32 on both devices, but reductions sum in another order: 1e-3 relative per step leaves
// room for 50 steps of drift while still catching any wrong kernel (which is off by far more).
constexpr double kLossRtol = 1e-3;
constexpr int kSteps = 50;

// A fixed token batch [4, 24] with in-range ids, built on the host.
Batch token_batch(int64_t vocab) {
  const int64_t B = 4, T = 24;
  std::vector<int64_t> in(size_t(B * T)), tgt(size_t(B * T));
  for (size_t i = 0; i < in.size(); ++i) {
    in[i] = int64_t((i * 7 + 3) % size_t(vocab));
    tgt[i] = int64_t((i * 7 + 10) % size_t(vocab));
  }
  return {Tensor::from_vector<int64_t>(in, {B, T}), Tensor::from_vector<int64_t>(tgt, {B, T}), Tensor::ones({B, T}),
          Tensor()};
}

int64_t vocab_of(models::Model& m) {
  NoGradGuard no_grad;
  return m.forward(token_batch(2)).size(-1);
}

// Per-step losses of `kSteps` Adam steps (clipped, as the trainer does) on `device`.
std::vector<double> train_losses(const std::string& name, const json& config, Device device) {
  manual_seed(7);
  std::shared_ptr<models::Model> model = models::make_model(name, "small", config);
  const Batch batch = models::to_device(token_batch(vocab_of(*model)), device);
  model->train();
  model->to(device);
  optim::Adam opt(model->parameters(), {.lr = 3e-3});
  std::vector<double> losses;
  for (int i = 0; i < kSteps; ++i) {
    opt.zero_grad();
    const models::LossResult r = model->loss(batch);
    losses.push_back(r.loss.item<double>());
    backward(r.loss);
    optim::clip_grad_norm(model->parameters(), 1.0);
    opt.step();
  }
  return losses;
}

double largest_divergence(const std::vector<double>& got, const std::vector<double>& want) {
  REQUIRE(got.size() == want.size());
  double worst = 0;
  for (size_t i = 0; i < got.size(); ++i) worst = std::max(worst, std::abs(got[i] - want[i]) / std::abs(want[i]));
  return worst;
}

void check_tracks_cpu(const std::string& name, const json& config) {
  const std::vector<double> cpu = train_losses(name, config, Device::cpu());
  const std::vector<double> gpu = train_losses(name, config, Device::vulkan());
  const double worst = largest_divergence(gpu, cpu);
  std::printf("%s: %d steps, loss %.4f -> %.4f, largest relative loss divergence %.2e\n", name.c_str(), kSteps,
              cpu.front(), cpu.back(), worst);
  CHECK(cpu.back() < cpu.front());  // it trains
  CHECK(worst <= kLossRtol);
}

// Dropout off: the two devices would draw the same masks, but this keeps the check about
// the arithmetic alone.
const json kTransformer = {
    {"layers", 2},      {"d_model", 32}, {"heads", 2}, {"d_ff", 64}, {"max_relative_position", 32},
    {"max_length", 48}, {"dropout", 0.0}};

TEST_CASE("melody_rnn trains 50 steps on Vulkan tracking the CPU", "[vulkan][train]") {
  CADENZA_REQUIRE_VULKAN();
  check_tracks_cpu("melody_rnn", {{"hidden", 32}});
  CADENZA_CHECK_NO_VALIDATION_MESSAGES();
}

TEST_CASE("music_transformer trains 50 steps on Vulkan tracking the CPU", "[vulkan][train]") {
  CADENZA_REQUIRE_VULKAN();
  check_tracks_cpu("music_transformer", kTransformer);
  CADENZA_CHECK_NO_VALIDATION_MESSAGES();
}

TEST_CASE("music_transformer KV-cache sampling on Vulkan picks the CPU's tokens", "[vulkan][sample]") {
  CADENZA_REQUIRE_VULKAN();
  manual_seed(11);
  auto cpu = std::dynamic_pointer_cast<models::MusicTransformer>(
      models::make_model("music_transformer", "small", kTransformer));
  manual_seed(11);
  auto gpu = std::dynamic_pointer_cast<models::MusicTransformer>(
      models::make_model("music_transformer", "small", kTransformer));
  REQUIRE(cpu);
  gpu->to(Device::vulkan());
  CHECK(gpu->device() == Device::vulkan());
  models::SampleOptions o;
  o.length = 60;  // past max_length: the cache slides
  o.top_k = 1;    // greedy, so float rounding cannot change a draw
  Generator g1(5), g2(5);
  const std::vector<int32_t> prompt = {cpu->start_token()};
  const auto want = cpu->generate(prompt, o, g1);
  const auto got = gpu->generate(prompt, o, g2);
  CHECK(got == want);
  CADENZA_CHECK_NO_VALIDATION_MESSAGES();
}

TEST_CASE("Module::to moves parameters in place and keeps handles", "[vulkan][train]") {
  CADENZA_REQUIRE_VULKAN();
  auto m = models::make_model("melody_rnn", "small", {{"hidden", 8}});
  const Tensor first = m->parameters().front();
  const std::vector<float> before = first.to_vector<float>();
  m->to(Device::vulkan());
  CHECK(first.device() == Device::vulkan());  // the same handle, now on the device
  CHECK(first.to_vector<float>() == before);
  m->to(Device::cpu());
  CHECK(first.device() == Device::cpu());
  CHECK(first.to_vector<float>() == before);
}

// A fresh temporary folder for one CLI test and the 3-step melody_rnn training command on
// the device that writes into dir/run.
struct CliRun {
  std::filesystem::path dir;
  std::string train_args;
  explicit CliRun(const std::string& tag)
      : dir(std::filesystem::temp_directory_path() / ("cadenza_vk_" + tag + "_" + std::to_string(::getpid()))) {
    std::filesystem::remove_all(dir);
    const auto data = std::filesystem::path(CADENZA_SOURCE_DIR) / "data" / "jsb-chorales-quarter.json";
    train_args = "train --model melody_rnn --out '" + (dir / "run").string() + "' --data '" + data.string() +
                 "' --steps 3 --batch 2 --device vulkan";
  }
  ~CliRun() { std::filesystem::remove_all(dir); }
};

TEST_CASE("cadenza train --device vulkan runs through the command line", "[vulkan][cli]") {
  CADENZA_REQUIRE_VULKAN();
  const CliRun run("train");
  const auto& dir = run.dir;
  const auto t = music::test::run_cadenza(run.train_args);
  INFO("stderr: " << t.err);
  CHECK(t.status == 0);
  CHECK(json::parse(std::ifstream(dir / "run" / "config.json"))["train"]["device"] == "vulkan");
  const auto bad = music::test::run_cadenza("train --model melody_rnn --out '" + (dir / "bad").string() +
                                            "' --steps 3 --device tpu");
  CHECK(bad.status == 1);
  CHECK(bad.err.find("cadenza: error: ") == 0);
  CHECK(bad.err_lines() == 1);
}

TEST_CASE("cadenza train --device vulkan out of device memory: one line, exit 1", "[vulkan][cli]") {
  CADENZA_REQUIRE_VULKAN();
  const CliRun run("oom");
  const std::string& args = run.train_args;
  // The child reads the budget at start-up (this process's runtime has already started).
  ::setenv("CADENZA_VULKAN_MEMORY_LIMIT", "1M", 1);
  const auto oom = music::test::run_cadenza(args);
  ::setenv("CADENZA_VULKAN_MEMORY_LIMIT", "lots", 1);
  const auto bad = music::test::run_cadenza(args);
  ::unsetenv("CADENZA_VULKAN_MEMORY_LIMIT");
  INFO("stderr: " << oom.err);
  CHECK(oom.status == 1);
  CHECK(oom.err.find("cadenza: error: vulkan: out of device memory allocating ") == 0);
  CHECK(oom.err.find("limit 1 MiB from CADENZA_VULKAN_MEMORY_LIMIT") != std::string::npos);
  CHECK(oom.err_lines() == 1);
  INFO("stderr: " << bad.err);
  CHECK(bad.status == 1);
  CHECK(bad.err.find("cadenza: error: --device vulkan: no Vulkan device: CADENZA_VULKAN_MEMORY_LIMIT=lots: ") == 0);
  CHECK(bad.err_lines() == 1);
}

TEST_CASE("cadenza train --device vulkan on a device below the kernels' limits: one line, exit 1", "[vulkan][cli]") {
  CADENZA_REQUIRE_VULKAN();
  const CliRun run("limits");
  // The child reads CADENZA_VULKAN_LIMITS at start-up: a workgroup of 16 invocations is
  // less than the kernels can be cut down to, and an unknown limit is a start-up reason.
  ::setenv("CADENZA_VULKAN_LIMITS", "maxComputeWorkGroupInvocations=16", 1);
  const auto small = music::test::run_cadenza(run.train_args);
  ::setenv("CADENZA_VULKAN_LIMITS", "maxWidgets=3", 1);
  const auto unknown = music::test::run_cadenza(run.train_args);
  // Small but enough: the kernels choose smaller workgroups and tiles, and training runs.
  ::setenv("CADENZA_VULKAN_LIMITS", "maxComputeWorkGroupInvocations=64,maxComputeSharedMemorySize=7168", 1);
  const auto enough = music::test::run_cadenza(run.train_args);
  ::unsetenv("CADENZA_VULKAN_LIMITS");
  INFO("stderr: " << small.err);
  CHECK(small.status == 1);
  CHECK(small.err.find("cadenza: error: --device vulkan: no Vulkan device: vulkan: ") == 0);
  CHECK(small.err.find(" is too small for cadenza's kernels: they need workgroups of at least 32 invocations") !=
        std::string::npos);
  CHECK(small.err_lines() == 1);
  INFO("stderr: " << unknown.err);
  CHECK(unknown.status == 1);
  CHECK(unknown.err.find("cadenza: error: --device vulkan: no Vulkan device: CADENZA_VULKAN_LIMITS: unknown limit "
                         "'maxWidgets'") == 0);
  CHECK(unknown.err_lines() == 1);
  INFO("stderr: " << enough.err);
  CHECK(enough.status == 0);
  CHECK(enough.err.find("vulkan validation") == std::string::npos);  // the child validates too
}

TEST_CASE("cadenza sample --half: f16 on Vulkan, bf16 on the CPU, one line without 16-bit storage", "[vulkan][cli]") {
  CADENZA_REQUIRE_VULKAN();
  const CliRun run("half");
  const auto t = music::test::run_cadenza(run.train_args);
  INFO("stderr: " << t.err);
  REQUIRE(t.status == 0);
  const std::string sample = "sample --checkpoint '" + (run.dir / "run").string() + "' --length 16 --half --out '" +
                             (run.dir / "s.mid").string() + "' --device ";
  for (const char* device : {"vulkan", "cpu"}) {
    const auto s = music::test::run_cadenza(sample + device);
    INFO(device << " stderr: " << s.err);
    CHECK(s.status == 0);
    CHECK(s.out.find("wrote ") == 0);
    CHECK(s.err.empty());  // the child runs with the validation layer too: no messages
  }
  // A device without 16-bit storage (simulated: the child leaves the feature off).
  ::setenv("CADENZA_VULKAN_F16", "0", 1);
  const auto none = music::test::run_cadenza(sample + "vulkan");
  ::unsetenv("CADENZA_VULKAN_F16");
  INFO("stderr: " << none.err);
  CHECK(none.status == 1);
  CHECK(none.err.find("cadenza: error: vulkan: f16 weights need 16-bit storage buffers") == 0);
  CHECK(none.err_lines() == 1);
  CHECK(!std::filesystem::exists(run.dir / "s.mid.tmp"));
  // On the CPU --half is bf16, which only LSTMs have: a transformer is refused in one line.
  std::string tf_train = run.train_args;
  tf_train.replace(tf_train.find("melody_rnn"), 10, "music_transformer");
  tf_train.replace(tf_train.find("/run'"), 5, "/tf'");
  tf_train.replace(tf_train.find("--device vulkan"), 15, "--device cpu");
  REQUIRE(music::test::run_cadenza(tf_train).status == 0);
  const auto tf = music::test::run_cadenza("sample --checkpoint '" + (run.dir / "tf").string() + "' --half --out '" +
                                           (run.dir / "t.mid").string() + "' --device cpu");
  INFO("stderr: " << tf.err);
  CHECK(tf.status == 1);
  CHECK(tf.err.find("cadenza: error: --half: music_transformer has no layer with a bf16 path on cpu") == 0);
  CHECK(tf.err_lines() == 1);
  CHECK(!std::filesystem::exists(run.dir / "t.mid"));
}

}  // namespace
}  // namespace cadenza
