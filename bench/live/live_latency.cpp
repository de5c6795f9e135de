// First-event latency and generation speed of `cadenza live`'s worker at batch 1: from
// the moment the real-time side queues the last event of a phrase (its final release)
// to the moment the first generated event is in the output queue, over N phrases
// (default 200), continue mode, an 8-beat (4 s) continuation at 120 BPM. Generation
// speed: the 4 s of music over the wall time from that last event to the continuation's
// end. The real-time side is driven directly on a simulated clock (no JACK), and the
// benchmark thread takes the output queue's place as its consumer.
//
// Usage: bench_live_latency [--phrases N] [--json] [--script FILE] [MODEL ...]
//   MODEL: a family at its small preset with random weights (performance_rnn,
//   music_transformer, poly_rnn), or zoo:NAME / a run directory. Default: zoo:bach_chorales
//   performance_rnn music_transformer. --script writes the phrases for live_torch.py.
#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstring>
#include <thread>

#include "engine/serialize/atomic_file.h"
#include "live/live_engine.h"
#include "models/registry.h"
#include "phrase_script.h"

using namespace cadenza;
using namespace cadenza::live;
using Clock = std::chrono::steady_clock;

namespace {

constexpr double kRate = 48000;
constexpr double kBeats = 8, kTempo = 120;
// Phrases lie this far apart on the simulated clock: beyond the 10 s `continue` primes
// from, so each primer is its own phrase alone — the workload the PyTorch peer runs.
constexpr double kPhraseSpacing = 12;

struct Result {
  std::string model, family;
  int64_t parameters = 0;
  std::vector<double> latency_ms, speed;  // per phrase
  uint64_t errors = 0;
};

double percentile(std::vector<double> v, double q) {
  std::sort(v.begin(), v.end());
  const double at = q * double(v.size() - 1);
  const size_t lo = size_t(std::floor(at)), hi = std::min(v.size() - 1, lo + 1);
  return v[lo] + (v[hi] - v[lo]) * (at - double(lo));
}

std::shared_ptr<models::Model> load(const std::string& spec) {
  if (spec.rfind("zoo:", 0) == 0) return load_live_model(spec.substr(4));
  if (models::find_model_entry(spec)) {
    auto m = models::make_model(spec, "small");
    m->eval();
    return m;
  }
  return load_live_model(spec);
}

Result run(const std::string& spec, const std::vector<bench::ScriptPhrase>& phrases) {
  Result r;
  r.model = spec;
  auto model = load(spec);
  r.family = model->name();
  r.parameters = model->num_parameters();
  LiveEngine engine(model, {.sample_rate = kRate, .seed = 1});
  ControlValues v;
  v.mode = Mode::continue_phrase;
  v.length_beats = kBeats;
  v.tempo_bpm = kTempo;
  v.pause_ms = 300;
  v.density = 64;  // the model's notes as sampled: the shaper keeps them all
  store(engine.controls(), v);
  engine.start();
  RtScheduler& rt = engine.rt();
  Channels& ch = engine.channels();
  const WorkerStats& stats = engine.worker().stats();
  auto send = [&](int64_t frame, const MidiEvent& e) {
    const uint8_t bytes[3] = {e.status, e.data1, e.data2};
    rt.begin_period(frame, 1);
    rt.input(bytes, 3, 0);
    rt.end_period();
  };
  int64_t origin = int64_t(kRate);
  for (size_t i = 0; i < phrases.size(); ++i) {
    std::vector<std::pair<int64_t, MidiEvent>> events;
    for (const bench::ScriptNote& n : phrases[i]) {
      const int64_t on = origin + int64_t(n.on * kRate), off = origin + int64_t(n.off * kRate);
      events.push_back({on, note_on(on, n.pitch, n.velocity)});
      events.push_back({off, note_off(off, n.pitch)});
    }
    std::stable_sort(events.begin(), events.end(), [](auto& a, auto& b) { return a.first < b.first; });
    for (size_t k = 0; k + 1 < events.size(); ++k) send(events[k].first, events[k].second);
    const uint64_t done_before = stats.completed.load() + stats.errors.load();
    const Clock::time_point t0 = Clock::now();
    send(events.back().first, events.back().second);  // the last release: the worker starts
    // Polled every 20 us, not spun on: on two cores a spinning consumer would take a core
    // from the worker it is timing (the real-time side looks once per period).
    const auto nap = std::chrono::microseconds(20);
    MidiEvent e;
    while (!ch.output.pop(e) && stats.errors.load() == r.errors) std::this_thread::sleep_for(nap);
    const Clock::time_point t1 = Clock::now();
    while (stats.completed.load() + stats.errors.load() == done_before) {
      while (ch.output.pop(e)) {
      }
      std::this_thread::sleep_for(nap);
    }
    const Clock::time_point t2 = Clock::now();
    while (ch.output.pop(e)) {
    }
    if (stats.errors.load() > r.errors) {
      r.errors = stats.errors.load();
      fmt::print(stderr, "{}: phrase {}: {}\n", spec, i, engine.worker().last_error());
      continue;
    }
    r.latency_ms.push_back(std::chrono::duration<double, std::milli>(t1 - t0).count());
    r.speed.push_back(kBeats * 60 / kTempo / std::chrono::duration<double>(t2 - t0).count());
    // Let the phrase close (the worker looks at the clock every 2 ms) before the next one.
    origin = events.back().first + int64_t(kPhraseSpacing * kRate);
    rt.begin_period(events.back().first + int64_t(1.0 * kRate), 1);
    rt.end_period();
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  engine.stop();
  return r;
}

}  // namespace

int main(int argc, char** argv) {
  int count = 200;
  bool json = false;
  std::string script;
  std::vector<std::string> specs;
  for (int i = 1; i < argc; ++i) {
    if (!std::strcmp(argv[i], "--phrases") && i + 1 < argc)
      count = std::atoi(argv[++i]);
    else if (!std::strcmp(argv[i], "--json"))
      json = true;
    else if (!std::strcmp(argv[i], "--script") && i + 1 < argc)
      script = argv[++i];
    else
      specs.push_back(argv[i]);
  }
  if (specs.empty()) specs = {"zoo:bach_chorales", "performance_rnn", "music_transformer"};
  const std::vector<bench::ScriptPhrase> phrases = bench::make_phrases(count, 7);
  if (!script.empty()) serialize::write_file_atomic(script, bench::to_json(phrases).dump() + "\n");
  if (!json)
    fmt::print("{:<22} {:<18} {:>10} {:>8} {:>12} {:>10} {:>16}\n", "model", "family", "params", "phrases", "median ms",
               "p99 ms", "x real time (med)");
  for (const std::string& spec : specs) {
    Result r = run(spec, phrases);
    if (r.latency_ms.empty()) {
      fmt::print(stderr, "{}: no phrase answered\n", spec);
      return 1;
    }
    const double med = percentile(r.latency_ms, 0.5), p99 = percentile(r.latency_ms, 0.99);
    const double speed = percentile(r.speed, 0.5), speed_min = percentile(r.speed, 0.0);
    if (json)
      fmt::print("{}\n", nlohmann::json{{"model", r.model},
                                        {"family", r.family},
                                        {"parameters", r.parameters},
                                        {"phrases", r.latency_ms.size()},
                                        {"errors", r.errors},
                                        {"latency_median_ms", med},
                                        {"latency_p99_ms", p99},
                                        {"latency_max_ms", percentile(r.latency_ms, 1.0)},
                                        {"realtime_median", speed},
                                        {"realtime_min", speed_min}}
                             .dump());
    else
      fmt::print("{:<22} {:<18} {:>10} {:>8} {:>12.2f} {:>10.2f} {:>11.1f} (min {:.1f})\n", r.model, r.family,
                 r.parameters, r.latency_ms.size(), med, p99, speed, speed_min);
  }
  return 0;
}
