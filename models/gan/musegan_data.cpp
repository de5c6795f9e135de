#include "models/gan/musegan_data.h"

#include <algorithm>

#include "engine/error.h"
#include "music/repr/piano_roll.h"
#include "music/score/midi_convert.h"

namespace cadenza::models {

Tensor build_musegan_dataset(const std::filesystem::path& folder, const MuseGanDataOptions& o) {
  namespace fs = std::filesystem;
  CADENZA_CHECK(fs::is_directory(folder), "musegan data: '{}' is not a folder", folder.string());
  std::vector<fs::path> files;
  for (const auto& e : fs::directory_iterator(folder)) {
    std::string ext = e.path().extension().string();
    std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return char(std::tolower(c)); });
    if (e.is_regular_file() && (ext == ".mid" || ext == ".midi")) files.push_back(e.path());
  }
  std::sort(files.begin(), files.end());
  CADENZA_CHECK(!files.empty(), "musegan data: no .mid file in '{}'", folder.string());
  CADENZA_CHECK(o.steps_per_bar % 4 == 0, "musegan data: steps_per_bar {} must be a multiple of 4", o.steps_per_bar);
  const int64_t M = 5, S = o.bars * o.steps_per_bar, P = o.pitches;
  music::repr::PianoRollConfig rc{.steps_per_quarter = int(o.steps_per_bar / 4), .lowest_pitch = int(o.lowest_pitch),
                                  .num_pitches = int(P)};
  std::vector<float> data;
  int64_t n = 0;
  for (const fs::path& f : files) {
    music::Score score;
    try {
      score = music::load_midi(f);
    } catch (const std::exception& e) {
      fail("musegan data: cannot read '{}': {}", f.string(), e.what());
    }
    music::repr::PianoRoll roll = music::repr::encode_piano_roll(music::repr::musegan_tracks(score), rc);
    for (int64_t start = 0; start + S <= roll.num_steps; start += S) {
      std::vector<float> phrase(size_t(M * S * P), 0.f);
      bool any = false;
      for (int64_t m = 0; m < M; ++m)
        for (int64_t t = 0; t < S; ++t)
          for (int64_t p = 0; p < P; ++p)
            if (roll.velocity[roll.index(size_t(m), start + t, int(o.lowest_pitch + p))] > 0) {
              phrase[size_t((m * S + t) * P + p)] = 1.f;  // [track][bar][step][pitch] in order
              any = true;
            }
      if (!any) continue;
      data.insert(data.end(), phrase.begin(), phrase.end());
      if (++n == o.max_phrases) break;
    }
    if (n == o.max_phrases) break;
  }
  CADENZA_CHECK(n > 0, "musegan data: no phrase with notes in '{}'", folder.string());
  return Tensor::from_vector<float>(data, {n, M, o.bars, o.steps_per_bar, P});
}

}  // namespace cadenza::models
