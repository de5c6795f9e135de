// The one SMF parser, generic over what it builds: read_midi() gathers its events into a
// MidiFile, load_midi() feeds them straight into a Score, so reading a file for its notes
// allocates nothing per event. Both see the same bytes the same way: the strict/lenient
// rules and the warnings live here only.
//
// A Sink has: header(const MidiHeader&) once the header is read; begin_track(body_bytes);
// channel(tick, status, data1, data2, running_status); message(tick, status, meta_type,
// payload) for meta and SysEx events; end_track(end_tick, has_end_of_track).
#pragma once

#include <fmt/format.h>

#include <cstring>
#include <span>
#include <string>
#include <vector>

#include "music/midi/midi_error.h"
#include "music/midi/midi_file.h"
#include "music/midi/read_midi.h"

namespace cadenza::music::midi {

// What the parser knows besides the events.
struct MidiHeader {
  uint16_t format = 1;
  uint16_t declared_tracks = 0;
  Division division;
  size_t tracks = 0;  // MTrk chunks met
  std::vector<std::string> warnings;
};

namespace parser_detail {

inline uint32_t be32(const uint8_t* p) {
  return (uint32_t{p[0]} << 24) | (uint32_t{p[1]} << 16) | (uint32_t{p[2]} << 8) | p[3];
}
inline uint16_t be16(const uint8_t* p) { return static_cast<uint16_t>((p[0] << 8) | p[1]); }

inline bool is_chunk_id(const uint8_t* p, const char* id) { return std::memcmp(p, id, 4) == 0; }

// Data bytes that follow a system common status (F1..F6); real-time (F8..FE) has none.
inline int system_common_length(uint8_t status) {
  switch (status) {
    case 0xF1:
    case 0xF3: return 1;
    case 0xF2: return 2;
    default: return 0;
  }
}

template <class Sink>
class Parser {
 public:
  Parser(std::span<const uint8_t> bytes, const ReadOptions& options, Sink& sink)
      : data_(bytes.data()), size_(bytes.size()), strict_(options.strict), sink_(sink) {}

  MidiHeader parse() {
    read_header();
    sink_.header(file_);
    read_chunks();
    if (file_.tracks != file_.declared_tracks)
      problem(fmt::format("header says {} tracks, found {}", file_.declared_tracks, file_.tracks), size_);
    return std::move(file_);
  }

 private:
  // Strict mode stops at the first problem; lenient mode notes it and carries on.
  void problem(const std::string& reason, size_t offset) {
    if (strict_) throw MidiError(reason, offset);
    file_.warnings.push_back(fmt::format("{} at byte {}", reason, offset));
  }

  void read_header() {
    if (size_ < 4 || !is_chunk_id(data_, "MThd")) throw MidiError("no MThd", 0);
    if (size_ < 14) throw MidiError("truncated header", size_);
    uint32_t length = be32(data_ + 4);
    if (length < 6) throw MidiError(fmt::format("MThd length {} < 6", length), 4);
    if (length != 6) {
      problem(fmt::format("MThd length {} != 6", length), 4);
      // A wrong length is more likely than a longer header: trust an MTrk right after 6.
      if (size_ >= 18 && is_chunk_id(data_ + 14, "MTrk")) length = 6;
    }
    file_.format = be16(data_ + 8);
    file_.declared_tracks = be16(data_ + 10);
    const uint16_t division = be16(data_ + 12);
    if (file_.format > 2) problem(fmt::format("format {} > 2", file_.format), 8);
    if (file_.format == 0 && file_.declared_tracks != 1)
      problem(fmt::format("format 0 with {} tracks", file_.declared_tracks), 10);
    if (division & 0x8000) {
      const int fps = -static_cast<int8_t>(division >> 8);
      file_.division.smpte_fps = static_cast<uint8_t>(fps);
      file_.division.ticks_per_frame = static_cast<uint8_t>(division & 0xFF);
      if (fps != 24 && fps != 25 && fps != 29 && fps != 30) problem(fmt::format("SMPTE fps {} invalid", fps), 12);
      if (file_.division.ticks_per_frame == 0) problem("SMPTE ticks per frame 0", 13);
    } else {
      file_.division.ticks_per_quarter = division;
      if (division == 0) problem("division 0", 12);
    }
    pos_ = 8 + std::min<size_t>(length, size_ - 8);
  }

  void read_chunks() {
    while (pos_ < size_) {
      if (size_ - pos_ < 8) {
        problem(fmt::format("trailing {} bytes", size_ - pos_), pos_);
        return;
      }
      const uint8_t* id = data_ + pos_;
      uint64_t length = be32(data_ + pos_ + 4);
      const size_t body = pos_ + 8;
      const bool is_track = is_chunk_id(id, "MTrk");
      if (length > size_ - body) {
        problem(is_track ? fmt::format("track {} length overruns file", file_.tracks + 1)
                         : std::string("chunk length overruns file"),
                pos_ + 4);
        length = size_ - body;
      }
      const size_t end = body + length;
      if (!is_track) {  // unknown chunks are legal and skipped (SMF 1.0)
        pos_ = end;
        continue;
      }
      const size_t stop = read_track(body, end);
      pos_ = end;
      if (!strict_) resync(stop);
    }
  }

  // Lenient recovery from a wrong MTrk length: if the declared end does not land on a
  // chunk, continue at the next "MTrk" (right after End-of-Track, or found by scanning).
  void resync(size_t stop) {
    if (pos_ >= size_ || size_ - pos_ < 8 || looks_like_chunk(pos_)) {
      if (stop < pos_ && size_ - stop >= 8 && is_chunk_id(data_ + stop, "MTrk")) {
        problem("track length too long", stop);
        pos_ = stop;
      }
      return;
    }
    const size_t from = std::min(stop, pos_);
    for (size_t p = from; p + 8 <= size_; ++p) {
      if (is_chunk_id(data_ + p, "MTrk")) {
        problem("track length wrong, resynchronised on next MTrk", p);
        pos_ = p;
        return;
      }
    }
    problem("bytes after track are not a chunk", pos_);
    pos_ = size_;
  }

  bool looks_like_chunk(size_t p) const {
    for (size_t i = 0; i < 4; ++i)
      if (data_[p + i] < 0x20 || data_[p + i] > 0x7E) return false;
    return true;
  }

  // Reads a VLQ inside [pos, end); false if it runs out or exceeds 4 bytes.
  bool read_vlq(size_t& pos, size_t end, uint32_t& value) {
    value = 0;
    for (int i = 0; i < 4; ++i) {
      if (pos >= end) return false;
      const uint8_t b = data_[pos++];
      value = (value << 7) | (b & 0x7F);
      if (!(b & 0x80)) return true;
    }
    return false;
  }

  // Parses one MTrk body; returns the offset where parsing stopped (after End-of-Track).
  size_t read_track(size_t pos, size_t end) {
    const size_t number = ++file_.tracks;
    sink_.begin_track(end - pos);
    uint64_t tick = 0;
    uint8_t running = 0;       // running status as SMF 1.0 defines it
    uint8_t last_channel = 0;  // lenient: the last channel status, even across meta/SysEx
    auto fail = [&](const std::string& what, size_t at) { problem(fmt::format("track {}: {}", number, what), at); };
    while (pos < end) {
      uint32_t delta = 0;
      const size_t delta_at = pos;
      if (!read_vlq(pos, end, delta)) {
        fail(pos >= end ? "EOF in VLQ" : "VLQ longer than 4 bytes", delta_at);
        break;
      }
      tick += delta;
      if (pos >= end) {
        fail("EOF after delta time", pos);
        break;
      }
      const size_t event_at = pos;
      uint8_t status = data_[pos];
      bool used_running = false;
      if (status < 0x80) {
        if (running == 0) {
          fail(fmt::format("data byte without running status at {}", pos), pos);
          if (last_channel == 0) {  // nothing to continue with: skip the stray byte
            ++pos;
            continue;
          }
          running = last_channel;
        }
        status = running;
        used_running = true;
      } else {
        ++pos;
      }

      if (status < 0xF0) {
        const int n = channel_data_length(status);
        if (end - pos < static_cast<size_t>(n)) {
          fail("EOF in channel message", event_at);
          break;
        }
        if (data_[pos] >= 0x80 || (n == 2 && data_[pos + 1] >= 0x80)) {
          // A status byte where data is due: drop the broken message, resume there.
          fail("status byte inside channel message", pos);
          pos += (data_[pos] >= 0x80) ? 0 : 1;
          continue;
        }
        sink_.channel(tick, status, data_[pos], n == 2 ? data_[pos + 1] : 0, used_running);
        pos += n;
        running = last_channel = status;
      } else if (status == kMetaStatus || status == kSysExStatus || status == kSysExEscapeStatus) {
        uint8_t meta_type = 0;
        if (status == kMetaStatus) {
          if (pos >= end) {
            fail("EOF in meta event", event_at);
            break;
          }
          meta_type = data_[pos++];
        }
        uint32_t length = 0;
        if (!read_vlq(pos, end, length)) {
          fail(pos >= end ? "EOF in VLQ" : "VLQ longer than 4 bytes", pos);
          break;
        }
        if (length > end - pos) {
          fail("event length overruns track", event_at);
          break;
        }
        running = 0;  // meta and SysEx cancel running status (SMF 1.0)
        if (status == kMetaStatus && meta_type == kMetaEndOfTrack) {
          pos += length;
          if (pos < end) fail("data after End-of-Track", pos);
          sink_.end_track(tick, true);
          return pos;
        }
        sink_.message(tick, status, meta_type, std::span<const uint8_t>(data_ + pos, length));
        pos += length;
      } else {
        fail(fmt::format("illegal status {:02X}", status), event_at);
        // Skip the message's own data bytes; system common cancels running status.
        for (int i = 0; i < system_common_length(status) && pos < end && data_[pos] < 0x80; ++i) ++pos;
        if (status < 0xF8) running = 0;
      }
    }
    // No End-of-Track: the track ends at its last event (ticks never decrease).
    fail("missing End-of-Track", pos);
    sink_.end_track(tick, false);
    return pos;
  }

  const uint8_t* data_;
  size_t size_;
  bool strict_;
  Sink& sink_;
  size_t pos_ = 0;
  MidiHeader file_;
};

}  // namespace parser_detail

// Parses an SMF from memory into `sink`; the contract of read_midi (read_midi.h).
template <class Sink>
MidiHeader parse_midi(std::span<const uint8_t> bytes, const ReadOptions& options, Sink& sink) {
  return parser_detail::Parser<Sink>(bytes, options, sink).parse();
}

}  // namespace cadenza::music::midi
