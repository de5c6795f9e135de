// How much of a data-parallel training step goes to gradient communication.
//
//   mpirun -np N bench_data_parallel [--model M] [--preset P] [--batch B] [--steps S]
//   bench_data_parallel --volumes      (parameters and allreduce volume of every preset)
//
// Trains model M on the bundled corpus exactly as `cadenza train` does (shard, loss,
// DataParallel::backward, clip, Adam), with the communicator wrapped so that the time
// spent inside communication calls is summed. Overlapped communication that finished
// during backward costs nothing here; what is counted is the time the step waited. Also
// times a plain blocking allreduce of all the gradients (one buffer), the cost without
// overlap. Rank 0 prints one table row.
#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <chrono>

#include "dist/communicator.h"
#include "models/data_parallel.h"
#include "models/registry.h"
#include "models/run_dir.h"
#include "optim/adam.h"
#include "optim/clip.h"

using namespace cadenza;
using Clock = std::chrono::steady_clock;

namespace {

double since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

// Forwards every call to `inner` and adds the time spent inside it to `seconds`.
class TimedCommunicator final : public dist::Communicator {
 public:
  explicit TimedCommunicator(dist::Communicator& inner) : inner_(inner) {}
  double seconds = 0;

  int rank() const override { return inner_.rank(); }
  int size() const override { return inner_.size(); }
  std::string backend() const override { return inner_.backend(); }
  void allreduce_sum(std::span<double> d) override {
    timed([&] { inner_.allreduce_sum(d); });
  }
  void allreduce_sum(std::span<float> d) override {
    timed([&] { inner_.allreduce_sum(d); });
  }
  void start_allreduce_sum(std::span<float> d) override {
    timed([&] { inner_.start_allreduce_sum(d); });
  }
  void progress() override {
    timed([&] { inner_.progress(); });
  }
  void wait_all() override {
    timed([&] { inner_.wait_all(); });
  }
  void broadcast(std::span<float> d, int root) override {
    timed([&] { inner_.broadcast(d, root); });
  }
  void barrier() override {
    timed([&] { inner_.barrier(); });
  }

 protected:
  void end_job(int code) override { inner_.abort(code); }

 private:
  template <class F>
  void timed(F&& f) {
    const Clock::time_point t = Clock::now();
    f();
    seconds += since(t);
  }
  dist::Communicator& inner_;
};

int64_t parameter_count(const models::Model& m) {
  int64_t n = 0;
  for (const Tensor& p : m.parameters()) n += p.numel();
  return n;
}

void print_volumes() {
  fmt::print("| model | preset | parameters | f32 gradients | ring allreduce sent per rank, N=2 | N=8 | N→∞ |\n");
  fmt::print("| --- | --- | ---: | ---: | ---: | ---: | ---: |\n");
  for (const std::string& name : models::model_names())
    for (const char* preset : {"small", "paper"}) {
      // The preset's own model config, without its training options (which some families
      // state in their paper's terms).
      nlohmann::json config = models::find_model(name).preset(preset);
      config.erase("train");
      const int64_t n = parameter_count(*models::find_model(name).make(config));
      const double mb = 4.0 * static_cast<double>(n) / 1e6;
      fmt::print("| {} | {} | {} | {:.1f} MB | {:.1f} MB | {:.1f} MB | {:.1f} MB |\n", name, preset, n, mb,
                 mb * 2 * 1 / 2, mb * 2 * 7 / 8, mb * 2);
    }
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"share of a data-parallel training step spent in allreduce"};
  std::string model = "music_transformer", preset = "small";
  int64_t batch = 16, steps = 20, warmup_steps = 3;
  bool volumes = false;
  app.add_option("--model", model);
  app.add_option("--preset", preset);
  app.add_option("--batch", batch, "global batch");
  app.add_option("--steps", steps, "timed steps");
  app.add_option("--warmup", warmup_steps, "untimed steps first");
  app.add_flag("--volumes", volumes, "print each preset's allreduce volume and exit");
  CLI11_PARSE(app, argc, argv);
  if (volumes) {
    print_volumes();
    return 0;
  }

  TimedCommunicator comm(dist::world());
  models::RunSpec spec = models::make_run_spec(model, preset, nlohmann::json::object());
  spec.data.batch_size = batch;
  manual_seed(spec.train.seed);
  std::shared_ptr<models::Model> m = models::find_model(model).make(spec.config);
  m->train();
  spec.data.path = models::default_corpus_path(*m);
  if (spec.data.steps_per_quarter == 0) spec.data.steps_per_quarter = models::default_steps_per_quarter(spec.data.path);
  models::Dataset data(*m, spec.data);
  models::DataParallel ranks(comm.size() > 1 ? &comm : nullptr, *m, batch);
  optim::Adam opt(m->parameters(), {});
  const std::vector<Tensor> params = m->parameters();

  double step_seconds = 0;
  comm.seconds = 0;
  for (int64_t s = 0; s < warmup_steps + steps; ++s) {
    if (s == warmup_steps) step_seconds = 0, comm.seconds = 0;
    const Clock::time_point t = Clock::now();
    const models::LossResult r = m->loss(ranks.shard(data.next_train_batch()));
    ranks.backward(r, false);
    optim::clip_grad_norm(params, 1.0);
    opt.step();
    opt.zero_grad();
    step_seconds += since(t);
  }

  // One blocking allreduce of every gradient at once: communication without overlap.
  std::vector<float> all(static_cast<size_t>(parameter_count(*m)), 1.0f);
  double flat_seconds = 0;
  for (int rep = 0; rep < 5; ++rep) {
    comm.barrier();
    const Clock::time_point t = Clock::now();
    comm.allreduce_sum(std::span<float>(all));
    flat_seconds += since(t) / 5;
  }
  if (comm.rank() == 0)
    fmt::print("| {} {} | {} | {} | {} | {:.1f} ms | {:.2f} ms ({:.1f}%) | {:.2f} ms |\n", model, preset, comm.size(),
               batch, static_cast<int64_t>(all.size()), 1e3 * step_seconds / steps, 1e3 * comm.seconds / steps,
               100 * comm.seconds / step_seconds, 1e3 * flat_seconds);
  return 0;
}
