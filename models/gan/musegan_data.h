#pragma once
// MuseGAN's training data from multitrack MIDI: every file is grouped into the five LPD-5
// tracks (music::repr::musegan_tracks: Drums, Piano, Guitar, Bass, Strings by General
// MIDI program), rolled at 12 steps per quarter over the 84 pitches 24..107 (C1..B7;
// others dropped), and cut into non-overlapping phrases of `bars` 4/4 bars of 48 steps
// from the start (time signatures are ignored, as MuseGAN's LPD preprocessing assumes
// 4/4). Phrases with no note are skipped. Cells are 1 where a note sounds, else 0.
//
// A phrase is kept sparse — the sorted flat indices of its sounding cells in
// [track][bar][step][pitch] order — since a dense one is 80,640 floats and a corpus holds
// thousands; musegan_bars() makes the dense tensor of a batch.
#include <cstdint>
#include <filesystem>
#include <vector>

#include "engine/tensor.h"

namespace cadenza::models {

struct MuseGanDataOptions {
  int64_t bars = 4, steps_per_bar = 48, lowest_pitch = 24, pitches = 84;
  int64_t max_phrases = 0;  // 0: all
};
constexpr int64_t kMuseGanTracks = 5;

using MuseGanPhrase = std::vector<uint32_t>;

// The phrases of one MIDI file (at most max_phrases). Throws if it cannot be read.
std::vector<MuseGanPhrase> musegan_phrases(const std::filesystem::path& file, const MuseGanDataOptions& o);
// phrases -> f32 [N, 5, bars, steps_per_bar, pitches].
Tensor musegan_bars(const std::vector<const MuseGanPhrase*>& phrases, const MuseGanDataOptions& o);

// Every *.mid / *.midi file under a folder (sorted by path) -> f32 [N, 5, bars,
// steps_per_bar, pitches]. Throws if the folder holds no MIDI file or no phrase has a
// note; an unreadable file throws naming it.
Tensor build_musegan_dataset(const std::filesystem::path& folder, const MuseGanDataOptions& o = {});

}  // namespace cadenza::models
