// cadenza live --model NAME|RUN [--mode continue|answer|accompany] [controls]: a JACK MIDI
// client that plays along (docs/LIVE.md). Controls change while it runs: type
// "NAME VALUE" lines on standard input (e.g. "temperature 0.8", "mode answer", "key D").
// --simulate MINUTES plays a simulated player into it instead of the input port and ends
// with a report of xruns, the process callback's worst time and memory (RSS) over the run.
#include <fmt/format.h>
#include <poll.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>
#include <thread>
#include <vector>

#include "engine/serialize/atomic_file.h"
#include "live/live_engine.h"
#include "tools/commands.h"
#include "tools/jack_live.h"

namespace cadenza::tools {
namespace {

// Set by SIGINT/SIGTERM, read by the main loop: a lock-free flag is all a handler may touch.
volatile std::sig_atomic_t g_stop = 0;
void on_signal(int) { g_stop = 1; }

struct LiveArgs {
  std::string model, mode = "continue", key = "any", report;
  double temperature = 1.0, length = 8, density = 8, tempo = 120, pause_ms = 400;
  double duration = 0, simulate = 0;
  uint64_t seed = 0;
  JackLiveOptions jack;
};

double rss_mb() {
  std::ifstream statm("/proc/self/statm");
  long pages = 0, resident = 0;
  statm >> pages >> resident;
  return double(resident) * double(sysconf(_SC_PAGESIZE)) / (1024.0 * 1024.0);
}

// Lines typed on standard input, read without blocking the main loop for long. Reads
// the descriptor itself: a buffered stream would hold a second line poll() cannot see.
class CommandLines {
 public:
  // Waits up to `ms` for input; false once standard input has ended.
  bool poll_lines(int ms, std::vector<std::string>& lines) {
    pollfd p{STDIN_FILENO, POLLIN, 0};
    if (poll(&p, 1, ms) <= 0) return true;
    char buf[1024];
    const ssize_t n = read(STDIN_FILENO, buf, sizeof buf);
    if (n <= 0) return false;
    pending_.append(buf, size_t(n));
    for (size_t end; (end = pending_.find('\n')) != std::string::npos; pending_.erase(0, end + 1))
      lines.push_back(pending_.substr(0, end));
    return true;
  }

 private:
  std::string pending_;
};

void run(const LiveArgs& a) {
  live::ControlValues values;
  values.mode = live::parse_mode(a.mode);
  values.temperature = a.temperature;
  values.length_beats = a.length;
  values.density = a.density;
  values.key = live::parse_key(a.key);
  values.tempo_bpm = a.tempo;
  values.pause_ms = a.pause_ms;
  JackLiveOptions jack_options = a.jack;
  jack_options.simulate = a.simulate > 0;
  jack_options.seed = a.seed;

  std::shared_ptr<models::Model> model = live::load_live_model(a.model);
  JackLive jack(jack_options);
  live::LiveEngine engine(model, {.sample_rate = jack.sample_rate(), .seed = a.seed});
  live::store(engine.controls(), values);
  engine.start();
  jack.activate(engine);
  fmt::print("cadenza live: {} ({}) in {} mode; ports {} and {}; {} Hz, {} frames per period\n", a.model, model->name(),
             live::mode_name(values.mode), jack.port_name(true), jack.port_name(false), jack.sample_rate(),
             jack.period());
  std::fflush(stdout);

  std::signal(SIGINT, on_signal);
  std::signal(SIGTERM, on_signal);
  const double seconds = a.simulate > 0 ? a.simulate * 60 : a.duration;
  const auto begin = std::chrono::steady_clock::now();
  auto elapsed = [&] { return std::chrono::duration<double>(std::chrono::steady_clock::now() - begin).count(); };
  // Memory is "warm" once the first continuations have grown every pool and cache.
  const double warm_at = std::max(10.0, seconds / 6);
  double rss_warm = -1, rss_max = 0, next_sample = 0;
  bool stdin_open = true;
  CommandLines commands;
  while (!g_stop && !jack.shut_down() && (seconds <= 0 || elapsed() < seconds)) {
    std::vector<std::string> lines;
    if (stdin_open)
      stdin_open = commands.poll_lines(100, lines);
    else
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    for (const std::string& line : lines) {
      if (line.empty()) continue;
      try {
        live::apply_command(engine.controls(), line);
        fmt::print("cadenza live: {}\n", line);
      } catch (const std::exception& e) {
        fmt::print(stderr, "cadenza live: {}\n", e.what());
      }
      std::fflush(stdout);
    }
    if (elapsed() >= next_sample) {
      const double now_mb = rss_mb();
      if (rss_warm < 0 && elapsed() >= warm_at) rss_warm = now_mb;
      if (rss_warm >= 0) rss_max = std::max(rss_max, now_mb);
      next_sample = elapsed() + 1;
    }
  }
  jack.deactivate();
  engine.stop();
  const live::WorkerStats& s = engine.worker().stats();
  const live::Channels& ch = engine.channels();
  nlohmann::json report = {{"model", a.model},
                           {"mode", live::mode_name(live::snapshot(engine.controls()).mode)},
                           {"seconds", elapsed()},
                           {"sample_rate", jack.sample_rate()},
                           {"period_frames", jack.period()},
                           {"cycles", jack.cycles()},
                           {"xruns", jack.xruns()},
                           {"max_process_us", jack.max_process_micros()},
                           {"max_process_cpu_us", jack.max_process_cpu_micros()},
                           {"period_us", 1e6 * jack.period() / jack.sample_rate()},
                           {"simulated_phrases", jack.simulated_phrases()},
                           {"continuations", s.continuations.load()},
                           {"cancelled", s.cancelled.load()},
                           {"chords", s.chords.load()},
                           {"events_out", s.events.load()},
                           {"errors", s.errors.load()},
                           {"last_error", engine.worker().last_error()},
                           {"late_output", ch.late_output.load()},
                           {"stale_output", ch.stale_output.load()},
                           {"dropped_input", ch.dropped_input.load()},
                           {"rss_warm_mb", rss_warm},
                           {"rss_max_mb", rss_max},
                           {"rss_end_mb", rss_mb()}};
  // What lets a reader set the xruns beside the machine's own stalls: how long every
  // callback worked (counts under 1, 2, 4, ... microseconds of CPU time; the last, the
  // rest) and, in the file, when each xrun happened and when, where and how long each
  // callback that passed a quarter period ran.
  const auto bins = jack.cpu_histogram();
  std::vector<int> bounds;
  for (size_t i = 0; i + 1 < bins.size(); ++i) bounds.push_back(1 << i);
  report["process_cpu_us_under"] = bounds;
  report["process_cpu_counts"] = bins;
  fmt::print("cadenza live: report {}\n", report.dump());
  nlohmann::json long_callbacks = nlohmann::json::array();
  for (const LongCallback& c : jack.long_callbacks())
    long_callbacks.push_back({{"start_ns", c.start_ns},
                              {"wall_us", c.wall_ns * 1e-3},
                              {"cpu_us", c.cpu_ns * 1e-3},
                              {"cpu_begin", c.cpu_begin},
                              {"cpu_end", c.cpu_end},
                              {"minor_faults", c.minor_faults},
                              {"major_faults", c.major_faults},
                              {"waits", c.waits},
                              {"preemptions", c.preemptions}});
  report["xrun_times_ns"] = jack.xrun_times();
  report["long_callbacks"] = long_callbacks;
  if (!a.report.empty()) serialize::write_file_atomic(a.report, report.dump(2) + "\n");
}

}  // namespace

void add_live_command(CLI::App& app) {
  auto a = std::make_shared<LiveArgs>();
  CLI::App* cmd = app.add_subcommand("live", "Play along in real time: a JACK MIDI client (docs/LIVE.md)");
  cmd->add_option("--model", a->model, "Zoo name or run directory")->required();
  cmd->add_option("--mode", a->mode, "continue, answer or accompany")->capture_default_str();
  cmd->add_option("--temperature", a->temperature, "Sampling temperature")->capture_default_str();
  cmd->add_option("--length", a->length, "Continuation length in beats (answer: at most)")->capture_default_str();
  cmd->add_option("--density", a->density, "Generated note-ons per second, at most")->capture_default_str();
  cmd->add_option("--key", a->key, "Snap output to a major key: any, C, F#, Bb, ... or 0..11")->capture_default_str();
  cmd->add_option("--tempo", a->tempo, "Beats per minute")->capture_default_str();
  cmd->add_option("--pause-ms", a->pause_ms, "Silence that ends a phrase")->capture_default_str();
  cmd->add_option("--seed", a->seed, "Sampling seed")->capture_default_str();
  cmd->add_option("--name", a->jack.client_name, "JACK client name")->capture_default_str();
  cmd->add_option("--connect-in", a->jack.connect_in, "Port to connect to our input (e.g. a keyboard's)");
  cmd->add_option("--connect-out", a->jack.connect_out, "Port to connect our output to (e.g. a synth's)");
  cmd->add_option("--duration", a->duration, "Seconds to run (0: until Ctrl-C)")->capture_default_str();
  cmd->add_option("--simulate", a->simulate, "Minutes of a simulated player instead of the input port");
  cmd->add_option("--report", a->report, "Write the closing report (JSON) here");
  cmd->callback([a] { run(*a); });
}

}  // namespace cadenza::tools
