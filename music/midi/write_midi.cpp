#include "music/midi/write_midi.h"

#include <fmt/format.h>

#include <algorithm>

#include "engine/serialize/atomic_file.h"
#include "music/midi/vlq.h"

namespace cadenza::music::midi {
namespace {

void append_track(std::vector<uint8_t>& out, const Track& track) {
  std::vector<uint8_t> body;
  body.reserve(track.events.size() * 4 + 4);
  uint64_t tick = 0;
  uint8_t running = 0;
  auto append_delta = [&](uint64_t at) {
    // Ticks never go backwards; a gap beyond one VLQ is bridged with empty text events.
    uint64_t delta = at > tick ? at - tick : 0;
    while (delta > kMaxVlq) {
      append_vlq(body, kMaxVlq);
      body.insert(body.end(), {kMetaStatus, kMetaText, 0});
      delta -= kMaxVlq;
      running = 0;
    }
    append_vlq(body, static_cast<uint32_t>(delta));
    tick = std::max(tick, at);
  };
  for (const Event& e : track.events) {
    if (e.is_meta() && e.meta_type == kMetaEndOfTrack) continue;
    append_delta(e.tick);
    if (e.is_channel()) {
      if (e.status != running) body.push_back(e.status);
      running = e.status;
      body.push_back(e.data1 & 0x7F);
      if (e.data_length() == 2) body.push_back(e.data2 & 0x7F);
      continue;
    }
    running = 0;
    body.push_back(e.status);
    if (e.is_meta()) body.push_back(e.meta_type);
    append_vlq(body, static_cast<uint32_t>(std::min<size_t>(e.payload.size(), kMaxVlq)));
    body.insert(body.end(), e.payload.begin(), e.payload.begin() + std::min<size_t>(e.payload.size(), kMaxVlq));
  }
  append_delta(std::max(track.end_tick, tick));
  body.insert(body.end(), {kMetaStatus, kMetaEndOfTrack, 0});
  out.insert(out.end(), {'M', 'T', 'r', 'k'});
  append_be(out, static_cast<uint32_t>(body.size()), 4);
  out.insert(out.end(), body.begin(), body.end());
}

}  // namespace

std::vector<uint8_t> write_midi(const MidiFile& file) {
  std::vector<uint8_t> out{'M', 'T', 'h', 'd', 0, 0, 0, 6};
  append_be(out, file.format, 2);
  append_be(out, static_cast<uint32_t>(file.tracks.size()), 2);
  if (file.division.is_smpte()) {
    out.push_back(static_cast<uint8_t>(-static_cast<int8_t>(file.division.smpte_fps)));
    out.push_back(file.division.ticks_per_frame);
  } else {
    append_be(out, file.division.ticks_per_quarter, 2);
  }
  for (const Track& track : file.tracks) append_track(out, track);
  return out;
}

void write_midi_file(const MidiFile& file, const std::filesystem::path& path) {
  const std::vector<uint8_t> bytes = write_midi(file);
  serialize::write_file_atomic(path, {reinterpret_cast<const char*>(bytes.data()), bytes.size()});
}

}  // namespace cadenza::music::midi
