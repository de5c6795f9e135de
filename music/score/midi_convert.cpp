#include "music/score/midi_convert.h"

#include <algorithm>
#include <array>
#include <span>
#include <stdexcept>

#include "music/midi/midi_parser.h"
#include "music/midi/write_midi.h"

namespace cadenza::music {
namespace {

constexpr uint32_t kSmpteUsPerQuarter = 1000000;  // SMPTE ticks become 1 s "quarters"

// Collects the notes of a file one MTrk at a time: one Track per channel of the MTrk,
// FIFO note pairing per key. Sounding notes wait in one singly linked FIFO per (channel,
// pitch) threaded through `links_`, so a track costs O(events) whatever its shape. Freed
// links are reused, so `links_` grows with the notes sounding at once, not with the notes
// of the file; and one builder serves every MTrk of a file (the key tables are all empty
// again after finish()), so they are set up once per file.
class TrackBuilder {
 public:
  explicit TrackBuilder(std::vector<Track>& out) : out_(out) {
    head_.fill(-1);
    tail_.fill(-1);
    begin();
  }

  void begin() { index_.fill(-1); }  // a new MTrk: its channels make new tracks

  // A channel event (status 0x80..0xEF).
  void add(uint64_t at, uint8_t status, uint8_t data1, uint8_t data2) {
    const int64_t tick = static_cast<int64_t>(at);
    const int channel = status & 0x0F;
    const uint8_t type = status & 0xF0;
    const size_t key = channel * 128u + data1;
    if (type == 0x80 || (type == 0x90 && data2 == 0)) {  // a note-off (SMF 1.0)
      // Before any track exists for the channel, it has no note to end.
      if (head_[key] >= 0) out_[index_[channel]].notes[pop(key)].end = tick;
      return;
    }
    if (type != 0x90 && type != 0xB0 && type != 0xC0 && type != 0xE0) return;  // aftertouch
    Track& t = track_for(channel);
    switch (type) {
      case 0x90:
        push(key, t.notes.size());
        t.notes.push_back({tick, tick, data1, data2});
        break;
      case 0xB0: t.controls.push_back({tick, data1, data2}); break;
      case 0xC0: t.program_changes.push_back({tick, data1}); break;
      case 0xE0: t.pitch_bends.push_back({tick, static_cast<int16_t>(((data2 << 7) | data1) - 8192)}); break;
    }
  }

  // Ends the notes still sounding, names the tracks and sets their first program.
  void finish(int64_t end_tick, const std::string& name) {
    for (size_t key = 0; sounding_ > 0 && key < head_.size(); ++key) {
      while (head_[key] >= 0) {
        Note& n = out_[index_[key / 128]].notes[pop(key)];
        n.end = std::max(end_tick, n.start);
      }
    }
    for (int index : index_) {
      if (index < 0) continue;
      Track& t = out_[index];
      t.name = name;
      if (!t.program_changes.empty()) t.program = t.program_changes.front().program;
    }
  }

 private:
  struct Link {
    uint32_t note;  // index in its track's notes (a track of 2^32 notes would be a 12 GB file)
    int32_t next;   // next link of the same key (or of the free list), -1 at the end
  };

  void push(size_t key, size_t note) {
    int32_t at = free_;
    if (at >= 0) {
      free_ = links_[at].next;
      links_[at] = {static_cast<uint32_t>(note), -1};
    } else {
      at = static_cast<int32_t>(links_.size());
      links_.push_back({static_cast<uint32_t>(note), -1});
    }
    if (tail_[key] >= 0)
      links_[tail_[key]].next = at;
    else
      head_[key] = at;
    tail_[key] = at;
    ++sounding_;
  }

  size_t pop(size_t key) {
    const int32_t at = head_[key];
    Link& l = links_[at];
    head_[key] = l.next;
    if (head_[key] < 0) tail_[key] = -1;
    l.next = free_;
    free_ = at;
    --sounding_;
    return l.note;
  }

  Track& track_for(int channel) {
    if (index_[channel] < 0) {
      index_[channel] = static_cast<int>(out_.size());
      Track& t = out_.emplace_back();
      t.channel = static_cast<uint8_t>(channel);
      t.is_drum = channel == kDrumChannel;
    }
    return out_[index_[channel]];
  }

  std::vector<Track>& out_;
  std::array<int, 16> index_;
  std::array<int32_t, 16 * 128> head_, tail_;
  std::vector<Link> links_;
  int32_t free_ = -1;  // first reusable link
  size_t sounding_ = 0;
};

template <class T>
void sort_by_tick(std::vector<T>& v) {
  std::stable_sort(v.begin(), v.end(), [](const T& a, const T& b) { return a.tick < b.tick; });
}

void add_meta(Score& score, uint64_t at, uint8_t meta_type, std::span<const uint8_t> p, bool smpte) {
  const int64_t tick = static_cast<int64_t>(at);
  if (meta_type == midi::kMetaTempo && p.size() >= 3 && !smpte) {
    const uint32_t us = (uint32_t{p[0]} << 16) | (uint32_t{p[1]} << 8) | p[2];
    if (us > 0) score.tempos.push_back({tick, us});
  } else if (meta_type == midi::kMetaTimeSignature && p.size() >= 2 && p[0] > 0 && p[1] <= 6) {
    score.time_signatures.push_back({tick, p[0], 1 << p[1]});
  } else if (meta_type == midi::kMetaKeySignature && p.size() >= 2) {
    const int sharps = static_cast<int8_t>(p[0]);
    if (sharps >= -7 && sharps <= 7) score.key_signatures.push_back({tick, sharps, p[1] == 1});
  }
}

// Builds a Score from the parser's events (midi_parser.h), one MTrk at a time: the path
// from bytes to notes, and the one score_from_midi replays a MidiFile through.
class ScoreSink {
 public:
  void header(const midi::MidiHeader& h) { header(h.division); }
  void header(const midi::Division& d) {
    smpte_ = d.is_smpte();
    if (smpte_) {
      // Ticks are absolute time: fps x ticks/frame per second (29 means 29.97, kept as 30).
      const int fps = d.smpte_fps == 29 ? 30 : d.smpte_fps;
      score_.ticks_per_quarter = std::max(1, fps * d.ticks_per_frame);
      score_.tempos.push_back({0, kSmpteUsPerQuarter});
    } else {
      score_.ticks_per_quarter = d.ticks_per_quarter > 0 ? d.ticks_per_quarter : 96;
    }
  }
  void begin_track(size_t = 0) {
    builder_.begin();
    name_.clear();
  }
  void channel(uint64_t tick, uint8_t status, uint8_t data1, uint8_t data2, bool = false) {
    builder_.add(tick, status, data1, data2);
  }
  void message(uint64_t tick, uint8_t status, uint8_t meta_type, std::span<const uint8_t> payload) {
    if (status != midi::kMetaStatus) return;
    if (meta_type == midi::kMetaTrackName && name_.empty()) name_.assign(payload.begin(), payload.end());
    add_meta(score_, tick, meta_type, payload, smpte_);
  }
  void end_track(uint64_t end_tick, bool = true) { builder_.finish(static_cast<int64_t>(end_tick), name_); }

  Score finish() {
    sort_by_tick(score_.tempos);
    sort_by_tick(score_.time_signatures);
    sort_by_tick(score_.key_signatures);
    return std::move(score_);
  }

 private:
  Score score_;
  bool smpte_ = false;
  TrackBuilder builder_{score_.tracks};
  std::string name_;
};

// Order of simultaneous events in a written track, chosen so that reading them back
// pairs notes exactly as they were (see write order in midi_from_score).
enum Rank { kRankMeta, kRankProgram, kRankControl, kRankBend, kRankOff, kRankOn, kRankZeroOff };

struct Pending {
  int64_t tick;
  int rank;
  midi::Event event;
};

midi::Event channel_event(int64_t tick, uint8_t status, uint8_t d1, uint8_t d2) {
  midi::Event e;
  e.tick = static_cast<uint64_t>(std::max<int64_t>(0, tick));
  e.status = status;
  e.data1 = d1 & 0x7F;
  e.data2 = d2 & 0x7F;
  return e;
}

midi::Event meta_event(int64_t tick, uint8_t type, std::vector<uint8_t> payload) {
  midi::Event e;
  e.tick = static_cast<uint64_t>(std::max<int64_t>(0, tick));
  e.status = midi::kMetaStatus;
  e.meta_type = type;
  e.payload = std::move(payload);
  return e;
}

int log2_exact(int v) {
  int k = 0;
  while ((1 << k) < v && k < 30) ++k;
  return k;
}

midi::Track sorted_track(std::vector<Pending>& events, int64_t end_tick) {
  std::stable_sort(events.begin(), events.end(), [](const Pending& a, const Pending& b) {
    return a.tick != b.tick ? a.tick < b.tick : a.rank < b.rank;
  });
  midi::Track track;
  track.events.reserve(events.size());
  for (Pending& p : events) track.events.push_back(std::move(p.event));
  track.end_tick = static_cast<uint64_t>(std::max<int64_t>(0, end_tick));
  track.has_end_of_track = true;
  return track;
}

midi::Track conductor_track(const Score& score, int64_t end_tick) {
  std::vector<Pending> events;
  for (const Tempo& t : score.tempos) {
    const uint32_t us = std::clamp<uint32_t>(t.us_per_quarter, 1, 0xFFFFFF);
    events.push_back(
        {t.tick, kRankMeta,
         meta_event(t.tick, midi::kMetaTempo,
                    {static_cast<uint8_t>(us >> 16), static_cast<uint8_t>(us >> 8), static_cast<uint8_t>(us)})});
  }
  for (const TimeSignature& ts : score.time_signatures)
    events.push_back(
        {ts.tick, kRankMeta,
         meta_event(ts.tick, midi::kMetaTimeSignature,
                    {static_cast<uint8_t>(ts.numerator), static_cast<uint8_t>(log2_exact(ts.denominator)), 24, 8})});
  for (const KeySignature& ks : score.key_signatures)
    events.push_back(
        {ks.tick, kRankMeta,
         meta_event(ks.tick, midi::kMetaKeySignature,
                    {static_cast<uint8_t>(static_cast<int8_t>(ks.sharps)), static_cast<uint8_t>(ks.minor)})});
  return sorted_track(events, end_tick);
}

midi::Track part_track(const Track& t, int64_t end_tick) {
  const uint8_t ch = t.is_drum ? kDrumChannel : (t.channel & 0x0F);
  std::vector<Pending> events;
  events.reserve(t.notes.size() * 2 + t.controls.size() + t.program_changes.size() + 2);
  if (!t.name.empty())
    events.push_back({0, kRankMeta, meta_event(0, midi::kMetaTrackName, {t.name.begin(), t.name.end()})});
  if (t.program_changes.empty() && t.program != 0)
    events.push_back({0, kRankProgram, channel_event(0, 0xC0 | ch, static_cast<uint8_t>(t.program), 0)});
  for (const ProgramChange& pc : t.program_changes)
    events.push_back({pc.tick, kRankProgram, channel_event(pc.tick, 0xC0 | ch, pc.program, 0)});
  for (const ControlChange& cc : t.controls)
    events.push_back({cc.tick, kRankControl, channel_event(cc.tick, 0xB0 | ch, cc.number, cc.value)});
  for (const PitchBend& pb : t.pitch_bends) {
    const int v = std::clamp(pb.value + 8192, 0, 16383);
    events.push_back({pb.tick, kRankBend, channel_event(pb.tick, 0xE0 | ch, v & 0x7F, v >> 7)});
  }
  for (const Note& n : t.notes) {
    const uint8_t velocity = std::clamp<uint8_t>(n.velocity, 1, 127);  // 0 would be an off
    events.push_back({n.start, kRankOn, channel_event(n.start, 0x90 | ch, n.pitch, velocity)});
    // An off that ends an earlier note goes before the ons at its tick (a repeated key);
    // the off of a zero-length note goes after its own on.
    const int64_t end = std::max(n.end, n.start);
    events.push_back({end, end > n.start ? kRankOff : kRankZeroOff, channel_event(end, 0x80 | ch, n.pitch, 64)});
  }
  return sorted_track(events, end_tick);
}

}  // namespace

Score score_from_midi(const midi::MidiFile& file) {
  ScoreSink sink;
  sink.header(file.division);
  for (const midi::Track& mtrk : file.tracks) {
    sink.begin_track();
    for (const midi::Event& e : mtrk.events) {
      if (e.is_channel())
        sink.channel(e.tick, e.status, e.data1, e.data2);
      else
        sink.message(e.tick, e.status, e.meta_type, e.payload);
    }
    sink.end_track(mtrk.end_tick);
  }
  return sink.finish();
}

midi::MidiFile midi_from_score(const Score& score) {
  if (score.ticks_per_quarter < 1 || score.ticks_per_quarter > 0x7FFF)
    throw std::invalid_argument("ticks per quarter must be in 1..32767 to write MIDI");
  if (score.tracks.size() >= 0xFFFF) throw std::invalid_argument("too many tracks for one MIDI file");
  midi::MidiFile file;
  file.format = 1;
  file.division.ticks_per_quarter = static_cast<uint16_t>(score.ticks_per_quarter);
  const int64_t end = score.end_tick();
  file.tracks.push_back(conductor_track(score, 0));
  for (const Track& t : score.tracks) file.tracks.push_back(part_track(t, end));
  file.declared_tracks = static_cast<uint16_t>(file.tracks.size());
  return file;
}

Score score_from_midi_bytes(std::span<const uint8_t> bytes, const midi::ReadOptions& options,
                            std::vector<std::string>* warnings) {
  ScoreSink sink;
  midi::MidiHeader header = midi::parse_midi(bytes, options, sink);
  if (warnings) warnings->insert(warnings->end(), header.warnings.begin(), header.warnings.end());
  return sink.finish();
}

Score load_midi(const std::filesystem::path& path, const midi::ReadOptions& options,
                std::vector<std::string>* warnings) {
  return score_from_midi_bytes(midi::read_file_bytes(path), options, warnings);
}

void save_midi(const Score& score, const std::filesystem::path& path) {
  midi::write_midi_file(midi_from_score(score), path);
}

}  // namespace cadenza::music
