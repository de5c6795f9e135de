#include "music/midi/read_midi.h"

#include <fmt/format.h>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "music/midi/midi_parser.h"

namespace cadenza::music::midi {
namespace {

// Gathers the parser's events into MidiFile tracks.
class MidiFileSink {
 public:
  explicit MidiFileSink(MidiFile& file) : file_(file) {}
  void header(const MidiHeader&) {}
  void begin_track(size_t body_bytes) { file_.tracks.emplace_back().events.reserve(body_bytes / 4); }
  void channel(uint64_t tick, uint8_t status, uint8_t data1, uint8_t data2, bool running) {
    Event& e = file_.tracks.back().events.emplace_back();
    e.tick = tick;
    e.status = status;
    e.data1 = data1;
    e.data2 = data2;
    e.running_status = running;
  }
  void message(uint64_t tick, uint8_t status, uint8_t meta_type, std::span<const uint8_t> payload) {
    Event& e = file_.tracks.back().events.emplace_back();
    e.tick = tick;
    e.status = status;
    e.meta_type = meta_type;
    e.payload.assign(payload.begin(), payload.end());
  }
  void end_track(uint64_t end_tick, bool has_end_of_track) {
    file_.tracks.back().end_tick = end_tick;
    file_.tracks.back().has_end_of_track = has_end_of_track;
  }

 private:
  MidiFile& file_;
};

}  // namespace

std::string Division::to_string() const {
  if (is_smpte()) return fmt::format("SMPTE:{}/{}", smpte_fps, ticks_per_frame);
  return std::to_string(ticks_per_quarter);
}

EventCounts count_events(const MidiFile& file) {
  EventCounts c;
  for (const Track& track : file.tracks) {
    for (const Event& e : track.events) {
      if (e.is_channel()) {
        if (e.is_note_on()) {
          ++c.note_ons;
          if (e.channel() == 9) ++c.drum_note_ons;
        }
        if (e.running_status) ++c.running_status;
      } else if (e.is_sysex()) {
        ++c.sysex;
      } else if (e.meta_type == kMetaTempo) {
        ++c.tempo;
      } else if (e.meta_type == kMetaTimeSignature) {
        ++c.time_signatures;
      } else if (e.meta_type == kMetaKeySignature) {
        ++c.key_signatures;
      }
    }
  }
  return c;
}

MidiFile read_midi(std::span<const uint8_t> bytes, const ReadOptions& options) {
  MidiFile file;
  MidiFileSink sink(file);
  MidiHeader header = parse_midi(bytes, options, sink);
  file.format = header.format;
  file.declared_tracks = header.declared_tracks;
  file.division = header.division;
  file.warnings = std::move(header.warnings);
  return file;
}

// One fstat and one read() into a buffer of the file's size: a stream iterator costs a
// call per byte, which was a large part of reading a whole corpus.
std::vector<uint8_t> read_file_bytes(const std::filesystem::path& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) throw std::runtime_error(fmt::format("cannot open {}: {}", path.string(), std::strerror(errno)));
  struct stat st {};
  std::vector<uint8_t> bytes;
  // One spare byte, so that the read that finds the end needs no second buffer.
  if (::fstat(fd, &st) == 0 && st.st_size > 0) bytes.resize(static_cast<size_t>(st.st_size) + 1);
  size_t got = 0;
  for (;;) {
    if (got == bytes.size()) bytes.resize(std::max<size_t>(4096, bytes.size() * 2));  // grew, or no size known
    const ssize_t n = ::read(fd, bytes.data() + got, bytes.size() - got);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      const int error = n < 0 ? errno : 0;
      ::close(fd);
      if (n < 0) throw std::runtime_error(fmt::format("cannot read {}: {}", path.string(), std::strerror(error)));
      break;
    }
    got += static_cast<size_t>(n);
  }
  bytes.resize(got);
  return bytes;
}

MidiFile read_midi_file(const std::filesystem::path& path, const ReadOptions& options) {
  return read_midi(read_file_bytes(path), options);
}

}  // namespace cadenza::music::midi
