#pragma once
// The harmony of `accompany`: from the time each pitch class sounded in the last beat,
// the triad that fits it best, and a voicing of it below the player.
#include <array>
#include <optional>
#include <vector>

namespace cadenza::live {

struct Chord {
  int root = 0;  // pitch class
  bool minor = false;
  bool operator==(const Chord&) const = default;
};

// The major or minor triad whose tones cover the most sounding time, less the time of
// the tones outside it; with `key` 0..11 only the triads of that major key (I ii iii IV V
// vi). Ties go to the chord whose root sounded longest. nullopt when nothing sounded.
std::optional<Chord> choose_chord(const std::array<double, 12>& seconds, int key);

// Up to `notes` (1..4) MIDI pitches: the root in the octave from C3 (48), then the fifth,
// the third an octave up (an open voicing), then the root above that.
std::vector<int> voice_chord(const Chord& chord, int notes);

}  // namespace cadenza::live
