#pragma once
// The JACK side of the live tests, without sound hardware: a private `jackd -d dummy`
// (its own server name through JACK_DEFAULT_SERVER, so tests running side by side never
// share one), `cadenza live` started against it, and a player and a listener client in
// the test process that play a phrase into it and record what comes out, with frame
// times on the server's clock.
#include <jack/jack.h>
#include <sys/types.h>

#include <array>
#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "live/midi_event.h"

namespace cadenza::live::test {

// A child process (argv[0] looked up on PATH), killed with SIGTERM at destruction.
class Child {
 public:
  // With `piped_stdin`, write_stdin() feeds its standard input; otherwise /dev/null.
  Child(const std::vector<std::string>& argv, const std::string& log_path, bool piped_stdin = false);
  void write_stdin(const std::string& text);
  ~Child();
  // Sends SIGTERM and waits; the exit status (-1 if killed by a signal).
  int stop(int timeout_seconds = 30);
  bool running();
  pid_t pid() const { return pid_; }

 private:
  pid_t pid_ = -1;
  int stdin_ = -1;  // our end of its standard input, when piped
  int status_ = -1;
  bool done_ = false;
};

// `jackd -d dummy` at 48 kHz, 256 frames per period, named uniquely; skips the test when
// jackd is not installed, fails when it does not come up.
class DummyServer {
 public:
  DummyServer();
  const std::string& name() const { return name_; }

 private:
  std::string name_;
  std::unique_ptr<Child> jackd_;
};

// A test client: plays scheduled events from its output port, records its input port.
class TestClient {
 public:
  explicit TestClient(const std::string& name);
  ~TestClient();
  void connect_to(const std::string& input_port);     // our out -> theirs
  void connect_from(const std::string& output_port);  // theirs -> our in
  // Schedules `events` (frames relative to the next period's start); returns that start.
  int64_t play(const std::vector<MidiEvent>& events);
  std::vector<MidiEvent> received() const;
  int64_t now() const { return frames_.load(); }
  double sample_rate() const;
  uint32_t period() const;

 private:
  static int process(jack_nframes_t n, void* self);
  jack_client_t* client_ = nullptr;
  jack_port_t *in_ = nullptr, *out_ = nullptr;
  std::array<MidiEvent, 256> script_{};
  std::atomic<size_t> script_size_{0};
  std::atomic<int64_t> script_base_{-1};  // -1: start at the next period
  size_t script_next_ = 0;
  std::array<MidiEvent, 4096> got_{};
  std::atomic<size_t> got_size_{0};
  std::atomic<int64_t> frames_{0};
  uint32_t last32_ = 0;
  bool started_ = false;
};

// Waits until a port of that name exists on the server (cadenza live loads its model first).
bool wait_for_port(const std::string& port, double seconds);

}  // namespace cadenza::live::test
