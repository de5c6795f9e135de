// The raw content of a Standard MIDI File (SMF 1.0): header fields and, per MTrk chunk,
// its events with absolute ticks. This is the byte-level view; music/score turns it into
// notes, tempo map and signatures.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace cadenza::music::midi {

// Status values of the three event families (channel events keep their own status byte).
inline constexpr uint8_t kMetaStatus = 0xFF;
inline constexpr uint8_t kSysExStatus = 0xF0;
inline constexpr uint8_t kSysExEscapeStatus = 0xF7;

// Meta event types this project interprets (the others are kept as opaque payloads).
enum MetaType : uint8_t {
  kMetaText = 0x01,
  kMetaTrackName = 0x03,
  kMetaLyric = 0x05,
  kMetaEndOfTrack = 0x2F,
  kMetaTempo = 0x51,
  kMetaSmpteOffset = 0x54,
  kMetaTimeSignature = 0x58,
  kMetaKeySignature = 0x59,
};

// Data bytes of a channel message: program change and channel pressure have one.
inline int channel_data_length(uint8_t status) {
  const int type = status & 0xF0;
  return (type == 0xC0 || type == 0xD0) ? 1 : 2;
}

struct Event {
  uint64_t tick = 0;             // absolute, from the start of its track
  uint8_t status = 0;            // 0x80..0xEF channel event, 0xF0/0xF7 SysEx, 0xFF meta
  uint8_t meta_type = 0;         // meta events only
  uint8_t data1 = 0;             // channel events: first data byte
  uint8_t data2 = 0;             // channel events: second data byte (0 for 1-byte messages)
  bool running_status = false;   // encoded without its status byte
  std::vector<uint8_t> payload;  // meta and SysEx data (without length)

  bool is_channel() const { return status >= 0x80 && status < 0xF0; }
  bool is_meta() const { return status == kMetaStatus; }
  bool is_sysex() const { return status == kSysExStatus || status == kSysExEscapeStatus; }
  uint8_t type() const { return status & 0xF0; }                   // 0x80 note-off, 0x90 note-on, ...
  uint8_t channel() const { return status & 0x0F; }                // 0-based; 9 is GM drums
  int data_length() const { return channel_data_length(status); }  // channel events
  bool is_note_on() const { return type() == 0x90 && data2 > 0; }
  // A note-on with velocity 0 is a note-off (SMF 1.0).
  bool is_note_off() const { return type() == 0x80 || (type() == 0x90 && data2 == 0); }
};

struct Track {
  std::vector<Event> events;  // in file order (ticks non-decreasing)
  uint64_t end_tick = 0;      // tick of End-of-Track, or of the last event if it is missing
  bool has_end_of_track = false;
};

// Header division: ticks per quarter note, or SMPTE frames per second x ticks per frame.
struct Division {
  uint16_t ticks_per_quarter = 480;  // valid when smpte_fps == 0
  uint8_t smpte_fps = 0;             // 24, 25, 29 (drop-frame 29.97) or 30
  uint8_t ticks_per_frame = 0;
  bool is_smpte() const { return smpte_fps != 0; }
  std::string to_string() const;  // "480" or "SMPTE:25/40"
};

struct MidiFile {
  uint16_t format = 1;
  uint16_t declared_tracks = 0;  // ntrks field of the header
  Division division;
  std::vector<Track> tracks;          // MTrk chunks in file order (other chunks are skipped)
  std::vector<std::string> warnings;  // what lenient reading recovered from
};

// Counts of what a file holds, in the terms of midi_parser_corpus/MANIFEST.tsv.
struct EventCounts {
  int64_t note_ons = 0;       // note-on with velocity > 0
  int64_t drum_note_ons = 0;  // of which on channel 10 (index 9)
  int64_t tempo = 0;
  int64_t time_signatures = 0;
  int64_t key_signatures = 0;
  int64_t running_status = 0;  // channel events written without a status byte
  int64_t sysex = 0;           // F0 and F7 events
};

EventCounts count_events(const MidiFile& file);

}  // namespace cadenza::music::midi
