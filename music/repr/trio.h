// Trios: a melody, a bass line and drums on one grid (MusicVAE's trio models; Magenta's
// TrioConverter in magenta/models/music_vae/data.py).
//
// Parts of a Score (one track each, chosen by General MIDI program like Magenta's
// MEL_PROGRAMS / BASS_PROGRAMS):
//   melody  a non-drum track with program 0..31 (piano, chromatic percussion, organ, guitar)
//   bass    a non-drum track with program 32..39
//   drums   every drum track (channel 10)
// When several tracks qualify for the melody (or the bass), the one with the most notes is
// taken (ties: the first). Magenta instead takes every (melody, bass, drums) combination;
// one trio per file keeps a file's weight in the corpus independent of its track count and
// gives the command line one answer for "the trio of this MIDI file".
//
// Encodings, one class per part per step (steps_per_quarter 4: 16th notes):
//   melody  the 38-class "melody" tokens (melody.h), pitches 48..83
//   bass    the same tokens over pitches 21..56 (A0..G#3). Magenta encodes both with one
//           90-class vocabulary (21..108); a separate 3-octave range keeps our 38 classes
//           and covers 98.9% of Freedoom's bass notes (28..63 would cover 87.6%: its MIDI
//           basses sit low). Both fold outside pitches by octaves, highest note wins.
//   drums   the 512-class drum encoding (drums.h)
// A step's token packs the three (tokenizer.h): (melody · 38 + bass) · 512 + drums, so
// token 0 is silence (NO_EVENT, NO_EVENT, no hit) and the vocabulary has 739,328 tokens.
// Decoding gives three tracks at 120 BPM: melody (channel 1, program 0), bass (channel 2,
// program 33, Magenta's ELECTRIC_BASS_PROGRAM) and drums (channel 10).
#pragma once

#include <optional>

#include "music/repr/drums.h"
#include "music/repr/melody.h"

namespace cadenza::music::repr {

inline constexpr int kTrioBassProgram = 33;

struct TrioConfig {
  MelodyConfig melody{48, 84, 4};
  MelodyConfig bass{21, 57, 4};
  int steps_per_quarter() const { return melody.steps_per_quarter; }
};

// The three parts of a trio, one class per step each, all of one length.
struct TrioParts {
  std::vector<int32_t> melody, bass, drums;
  size_t size() const { return melody.size(); }
};

// The tracks a score's trio is made of (indices into score.tracks; drums: all drum
// tracks, so only whether there are any). A part without a track is nullopt / false.
struct TrioTracks {
  std::optional<size_t> melody, bass;
  bool drums = false;
  bool complete() const { return melody && bass && drums; }
};
TrioTracks trio_tracks(const Score& score);

// The trio of `score` from step 0 to the end of its last note: a part without a track is
// all rests. Its parts have equal lengths.
TrioParts encode_trio(const Score& score, const TrioConfig& config = {});
Score decode_trio(const TrioParts& parts, const TrioConfig& config = {});

class TrioTokenizer final : public Tokenizer {
 public:
  explicit TrioTokenizer(TrioConfig config = {});
  std::string name() const override { return "trio"; }
  int32_t vocab_size() const override;
  std::vector<TokenPart> parts() const override;
  std::vector<int32_t> encode(const Score& score) const override;
  Score decode(std::span<const int32_t> tokens) const override;
  std::string token_name(int32_t token) const override;  // e.g. "NOTE_ON_60|NO_EVENT|kick+closed_hat"
  // The token that ends the melody's and the bass's notes and strikes no drum.
  int32_t notes_off_token() const;
  std::vector<int32_t> pack(const TrioParts& parts) const;
  TrioParts unpack(std::span<const int32_t> tokens) const;
  // The melody and the bass moved by `semitones` (each folded back into its range by
  // octaves, as encoding folds), the drums as they are: a transposed copy for training.
  std::vector<int32_t> transposed(std::span<const int32_t> tokens, int semitones) const;
  const TrioConfig& config() const { return config_; }

 private:
  TrioConfig config_;
  MelodyTokenizer melody_, bass_;
};

}  // namespace cadenza::music::repr
