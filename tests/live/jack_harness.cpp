#include "jack_harness.h"

#include <fcntl.h>
#include <jack/midiport.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <thread>

#include "tests/support/skip.h"

namespace cadenza::live::test {
namespace {

void sleep_ms(int ms) { std::this_thread::sleep_for(std::chrono::milliseconds(ms)); }

bool on_path(const std::string& program) {
  const char* path = std::getenv("PATH");
  std::string p = path ? path : "";
  size_t at = 0;
  while (at <= p.size()) {
    size_t end = p.find(':', at);
    if (end == std::string::npos) end = p.size();
    if (std::filesystem::exists(std::filesystem::path(p.substr(at, end - at)) / program)) return true;
    at = end + 1;
  }
  return false;
}

}  // namespace

Child::Child(const std::vector<std::string>& argv, const std::string& log_path, bool piped_stdin) {
  int pipe_fds[2] = {-1, -1};
  if (piped_stdin) REQUIRE(pipe(pipe_fds) == 0);
  pid_ = fork();
  REQUIRE(pid_ >= 0);
  if (pid_ == 0) {
    const int fd = open(log_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    const int in = piped_stdin ? pipe_fds[0] : open("/dev/null", O_RDONLY);
    if (fd >= 0) dup2(fd, 1), dup2(fd, 2);
    if (in >= 0) dup2(in, 0);
    if (piped_stdin) close(pipe_fds[1]);
    std::vector<char*> args;
    for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    execvp(args[0], args.data());
    _exit(127);
  }
  if (piped_stdin) {
    close(pipe_fds[0]);
    stdin_ = pipe_fds[1];
  }
}

Child::~Child() {
  stop(5);
  if (stdin_ >= 0) close(stdin_);
}

void Child::write_stdin(const std::string& text) {
  REQUIRE(stdin_ >= 0);
  REQUIRE(write(stdin_, text.data(), text.size()) == ssize_t(text.size()));
}

bool Child::running() {
  if (done_) return false;
  int st = 0;
  if (waitpid(pid_, &st, WNOHANG) == pid_) {
    done_ = true;
    status_ = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
  }
  return !done_;
}

int Child::stop(int timeout_seconds) {
  if (!running()) return status_;
  kill(pid_, SIGTERM);
  for (int i = 0; i < timeout_seconds * 20 && running(); ++i) sleep_ms(50);
  if (running()) {
    kill(pid_, SIGKILL);
    int st = 0;
    waitpid(pid_, &st, 0);
    done_ = true;
    status_ = -1;
  }
  return status_;
}

DummyServer::DummyServer() {
  if (!on_path("jackd")) cadenza::test::skip_test("jackd is not installed (Debian: jackd2)");
  static int count = 0;
  name_ = "cadenza_test_" + std::to_string(getpid()) + "_" + std::to_string(count++);
  setenv("JACK_DEFAULT_SERVER", name_.c_str(), 1);
  setenv("JACK_NO_AUDIO_RESERVATION", "1", 1);  // no D-Bus device reservation in a test
  const std::string log = (std::filesystem::temp_directory_path() / (name_ + ".log")).string();
  jackd_ = std::make_unique<Child>(
      std::vector<std::string>{"jackd", "-n", name_, "-d", "dummy", "-r", "48000", "-p", "256"}, log);
  for (int i = 0; i < 200; ++i) {
    jack_status_t status{};
    if (jack_client_t* c = jack_client_open("probe", JackNoStartServer, &status)) {
      jack_client_close(c);
      return;
    }
    REQUIRE(jackd_->running());
    sleep_ms(50);
  }
  FAIL("jackd -d dummy did not come up in 10 s (log: " << log << ")");
}

TestClient::TestClient(const std::string& name) {
  jack_status_t status{};
  client_ = jack_client_open(name.c_str(), JackNoStartServer, &status);
  REQUIRE(client_ != nullptr);
  in_ = jack_port_register(client_, "in", JACK_DEFAULT_MIDI_TYPE, JackPortIsInput, 0);
  out_ = jack_port_register(client_, "out", JACK_DEFAULT_MIDI_TYPE, JackPortIsOutput, 0);
  REQUIRE((in_ && out_));
  jack_set_process_callback(client_, &TestClient::process, this);
  REQUIRE(jack_activate(client_) == 0);
}

TestClient::~TestClient() {
  jack_deactivate(client_);
  jack_client_close(client_);
}

void TestClient::connect_to(const std::string& port) {
  REQUIRE(jack_connect(client_, jack_port_name(out_), port.c_str()) == 0);
}
void TestClient::connect_from(const std::string& port) {
  REQUIRE(jack_connect(client_, port.c_str(), jack_port_name(in_)) == 0);
}
double TestClient::sample_rate() const { return double(jack_get_sample_rate(client_)); }
uint32_t TestClient::period() const { return jack_get_buffer_size(client_); }

int64_t TestClient::play(const std::vector<MidiEvent>& events) {
  REQUIRE(events.size() <= script_.size());
  script_size_.store(0);
  for (size_t i = 0; i < events.size(); ++i) script_[i] = events[i];
  script_base_.store(-1);
  script_size_.store(events.size());  // publishes the script to the process callback
  while (script_base_.load() < 0) sleep_ms(1);
  return script_base_.load();
}

std::vector<MidiEvent> TestClient::received() const {
  const size_t n = got_size_.load();
  return {got_.begin(), got_.begin() + long(n)};
}

int TestClient::process(jack_nframes_t n, void* arg) {
  auto* self = static_cast<TestClient*>(arg);
  const uint32_t now32 = jack_last_frame_time(self->client_);
  int64_t start = self->started_ ? self->frames_.load() + int64_t(uint32_t(now32 - self->last32_)) : int64_t(now32);
  self->started_ = true;
  self->last32_ = now32;
  self->frames_.store(start);
  void* out = jack_port_get_buffer(self->out_, n);
  jack_midi_clear_buffer(out);
  const size_t size = self->script_size_.load();
  if (size > 0 && self->script_base_.load() < 0) {
    self->script_next_ = 0;
    self->script_base_.store(start);
  }
  const int64_t base = self->script_base_.load();
  for (; self->script_next_ < size; ++self->script_next_) {
    const MidiEvent& e = self->script_[self->script_next_];
    if (base + e.frame >= start + n) break;
    const uint8_t bytes[3] = {e.status, e.data1, e.data2};
    jack_midi_event_write(out, uint32_t(std::max<int64_t>(0, base + e.frame - start)), bytes, 3);
  }
  void* in = jack_port_get_buffer(self->in_, n);
  const uint32_t count = jack_midi_get_event_count(in);
  for (uint32_t i = 0; i < count; ++i) {
    jack_midi_event_t ev;
    const size_t at = self->got_size_.load();
    if (jack_midi_event_get(&ev, in, i) != 0 || at == self->got_.size()) continue;
    self->got_[at] = from_bytes(start + ev.time, ev.buffer, uint32_t(ev.size));
    if (ev.size == 0 || ev.size > 3) self->got_[at].size = 0;  // kept, so the test sees it was not MIDI we expect
    self->got_size_.store(at + 1);
  }
  return 0;
}

bool wait_for_port(const std::string& port, double seconds) {
  jack_status_t status{};
  jack_client_t* c = jack_client_open("port_probe", JackNoStartServer, &status);
  if (!c) return false;
  bool found = false;
  for (int i = 0; i < int(seconds * 20) && !found; ++i) {
    found = jack_port_by_name(c, port.c_str()) != nullptr;
    if (!found) sleep_ms(50);
  }
  jack_client_close(c);
  return found;
}

}  // namespace cadenza::live::test
