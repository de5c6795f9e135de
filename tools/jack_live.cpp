#include "tools/jack_live.h"

#include <jack/midiport.h>

#include <sched.h>
#include <sys/resource.h>

#include <atomic>
#include <ctime>

#include "engine/error.h"

namespace cadenza::tools {
namespace {

int64_t clock_ns(clockid_t clock) {
  timespec t{};
  clock_gettime(clock, &t);  // never blocks: safe on the real-time thread
  return int64_t(t.tv_sec) * 1000000000 + t.tv_nsec;
}

// The calling thread's counters (a system call that takes no lock a callback could wait on).
rusage thread_usage() {
  rusage u{};
  getrusage(RUSAGE_THREAD, &u);
  return u;
}

void keep_max(std::atomic<uint64_t>& max, uint64_t value) {
  if (value > max.load(std::memory_order_relaxed)) max.store(value, std::memory_order_relaxed);
}

}  // namespace

JackLive::JackLive(JackLiveOptions options) : options_(std::move(options)) {
  jack_status_t status{};
  client_ = jack_client_open(options_.client_name.c_str(), JackNoStartServer, &status);
  CADENZA_CHECK(client_ != nullptr,
                "live: cannot reach a JACK server (status 0x{:x}); start one first, e.g. `jackd -d alsa` or "
                "`jackd -d dummy`",
                unsigned(status));
  in_ = jack_port_register(client_, "in", JACK_DEFAULT_MIDI_TYPE, JackPortIsInput, 0);
  out_ = jack_port_register(client_, "out", JACK_DEFAULT_MIDI_TYPE, JackPortIsOutput, 0);
  CADENZA_CHECK(in_ && out_, "live: cannot register the JACK MIDI ports");
  if (options_.simulate) player_ = std::make_unique<live::SimulatedPlayer>(sample_rate(), options_.seed);
}

JackLive::~JackLive() {
  deactivate();
  if (client_) jack_client_close(client_);
}

double JackLive::sample_rate() const { return double(jack_get_sample_rate(client_)); }
uint32_t JackLive::period() const { return jack_get_buffer_size(client_); }
std::string JackLive::port_name(bool input) const { return jack_port_name(input ? in_ : out_); }

void JackLive::activate(live::LiveEngine& engine) {
  engine_ = &engine;
  long_ns_ = int64_t(250e6 * period() / sample_rate());
  jack_set_process_callback(client_, &JackLive::process, this);
  jack_set_xrun_callback(client_, &JackLive::on_xrun, this);
  jack_on_shutdown(client_, &JackLive::on_shutdown, this);
  CADENZA_CHECK(jack_activate(client_) == 0, "live: cannot activate the JACK client");
  active_ = true;
  if (!options_.connect_in.empty())
    CADENZA_CHECK(jack_connect(client_, options_.connect_in.c_str(), jack_port_name(in_)) == 0,
                  "live: cannot connect {} to {}", options_.connect_in, jack_port_name(in_));
  if (!options_.connect_out.empty())
    CADENZA_CHECK(jack_connect(client_, jack_port_name(out_), options_.connect_out.c_str()) == 0,
                  "live: cannot connect {} to {}", jack_port_name(out_), options_.connect_out);
}

void JackLive::deactivate() {
  if (!active_) return;
  jack_deactivate(client_);
  active_ = false;
}

int64_t JackLive::unwrap(jack_nframes_t frame) {
  // JACK's frame counter is 32 bits (a day at 48 kHz); the live clock must not wrap.
  if (!clock_started_) {
    frames_ = frame;
    clock_started_ = true;
  } else {
    frames_ += int64_t(uint32_t(frame - last_frame32_));
  }
  last_frame32_ = frame;
  return frames_;
}

int JackLive::process(jack_nframes_t nframes, void* arg) {
  auto* self = static_cast<JackLive*>(arg);
  // The kernel's counters are read outside the timed span, so its times are the callback's.
  const int cpu_begin = sched_getcpu();
  const rusage u0 = thread_usage();
  const int64_t t0 = clock_ns(CLOCK_MONOTONIC), cpu0 = clock_ns(CLOCK_THREAD_CPUTIME_ID);
  live::RtScheduler& rt = self->engine_->rt();
  rt.begin_period(self->unwrap(jack_last_frame_time(self->client_)), nframes);
  void* in = jack_port_get_buffer(self->in_, nframes);
  const uint32_t count = jack_midi_get_event_count(in);
  for (uint32_t i = 0; i < count; ++i) {
    jack_midi_event_t ev;
    if (jack_midi_event_get(&ev, in, i) == 0) rt.input(ev.buffer, uint32_t(ev.size), ev.time);
  }
  if (self->player_) {
    self->player_->play(self->frames_, nframes,
                        [&](uint32_t offset, const uint8_t* bytes, uint32_t size) { rt.input(bytes, size, offset); });
    self->simulated_phrases_.store(self->player_->phrases(), std::memory_order_relaxed);
  }
  void* out = jack_port_get_buffer(self->out_, nframes);
  jack_midi_clear_buffer(out);
  rt.emit_due(
      [&](uint32_t offset, const uint8_t* bytes, uint32_t size) { jack_midi_event_write(out, offset, bytes, size); });
  rt.end_period();
  // Wall time includes any time the host took the virtual CPU away, and CPU time often does
  // too (unless the host reports it as steal): a callback past a quarter period in either is
  // kept, with its moment and CPUs, so a run can take out what the machine's stalls explain.
  const int64_t wall = clock_ns(CLOCK_MONOTONIC) - t0, cpu = clock_ns(CLOCK_THREAD_CPUTIME_ID) - cpu0;
  keep_max(self->max_process_ns_, uint64_t(wall));
  keep_max(self->max_process_cpu_ns_, uint64_t(cpu));
  size_t bin = 0;
  while (bin + 1 < kHistogramBins && cpu >= int64_t(1000) << bin) ++bin;
  self->cpu_bins_[bin].fetch_add(1, std::memory_order_relaxed);
  if (wall > self->long_ns_ || cpu > self->long_ns_) {
    const size_t i = self->long_count_.load(std::memory_order_relaxed);
    if (i < kKept) {
      const rusage u1 = thread_usage();
      self->long_[i] = {t0,
                        wall,
                        cpu,
                        cpu_begin,
                        sched_getcpu(),
                        u1.ru_minflt - u0.ru_minflt,
                        u1.ru_majflt - u0.ru_majflt,
                        u1.ru_nvcsw - u0.ru_nvcsw,
                        u1.ru_nivcsw - u0.ru_nivcsw};
      self->long_count_.store(i + 1, std::memory_order_release);
    }
  }
  self->cycles_.fetch_add(1, std::memory_order_relaxed);
  return 0;
}

int JackLive::on_xrun(void* arg) {
  auto* self = static_cast<JackLive*>(arg);
  const size_t i = self->xruns_.fetch_add(1);
  if (i < kKept) {
    self->xrun_at_[i].store(clock_ns(CLOCK_MONOTONIC), std::memory_order_relaxed);
    self->xrun_count_.fetch_add(1, std::memory_order_release);
  }
  return 0;
}

std::array<uint64_t, JackLive::kHistogramBins> JackLive::cpu_histogram() const {
  std::array<uint64_t, kHistogramBins> out{};
  for (size_t i = 0; i < kHistogramBins; ++i) out[i] = cpu_bins_[i].load(std::memory_order_relaxed);
  return out;
}

std::vector<int64_t> JackLive::xrun_times() const {
  std::vector<int64_t> out(xrun_count_.load(std::memory_order_acquire));
  for (size_t i = 0; i < out.size(); ++i) out[i] = xrun_at_[i].load(std::memory_order_relaxed);
  return out;
}

std::vector<LongCallback> JackLive::long_callbacks() const {
  const size_t n = long_count_.load(std::memory_order_acquire);
  return {long_.begin(), long_.begin() + ptrdiff_t(n)};
}

void JackLive::on_shutdown(void* arg) { static_cast<JackLive*>(arg)->shutdown_.store(true); }

}  // namespace cadenza::tools
