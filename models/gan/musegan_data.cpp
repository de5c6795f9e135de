#include "models/gan/musegan_data.h"

#include "engine/error.h"
#include "music/dataset/split.h"
#include "music/repr/piano_roll.h"
#include "music/score/midi_convert.h"

namespace cadenza::models {
namespace fs = std::filesystem;

std::vector<MuseGanPhrase> musegan_phrases(const fs::path& file, const MuseGanDataOptions& o) {
  CADENZA_CHECK(o.steps_per_bar % 4 == 0, "musegan data: steps_per_bar {} must be a multiple of 4", o.steps_per_bar);
  music::Score score;
  try {
    score = music::load_midi(file);
  } catch (const std::exception& e) {
    fail("musegan data: cannot read '{}': {}", file.string(), e.what());
  }
  const int64_t S = o.bars * o.steps_per_bar, P = o.pitches;
  music::repr::PianoRollConfig rc{
      .steps_per_quarter = int(o.steps_per_bar / 4), .lowest_pitch = int(o.lowest_pitch), .num_pitches = int(P)};
  const music::repr::PianoRoll roll = music::repr::encode_piano_roll(music::repr::musegan_tracks(score), rc);
  std::vector<MuseGanPhrase> out;
  for (int64_t start = 0; start + S <= roll.num_steps; start += S) {
    MuseGanPhrase phrase;
    for (int64_t m = 0; m < kMuseGanTracks; ++m)
      for (int64_t t = 0; t < S; ++t)
        for (int64_t p = 0; p < P; ++p)
          if (roll.velocity[roll.index(size_t(m), start + t, int(o.lowest_pitch + p))] > 0)
            phrase.push_back(uint32_t((m * S + t) * P + p));
    if (phrase.empty()) continue;
    out.push_back(std::move(phrase));
    if (int64_t(out.size()) == o.max_phrases) break;
  }
  return out;
}

Tensor musegan_bars(const std::vector<const MuseGanPhrase*>& phrases, const MuseGanDataOptions& o) {
  const int64_t cells = kMuseGanTracks * o.bars * o.steps_per_bar * o.pitches;
  std::vector<float> data(phrases.size() * size_t(cells), 0.f);
  for (size_t n = 0; n < phrases.size(); ++n)
    for (uint32_t i : *phrases[n]) data[n * size_t(cells) + i] = 1.f;
  return Tensor::from_vector<float>(data,
                                    {int64_t(phrases.size()), kMuseGanTracks, o.bars, o.steps_per_bar, o.pitches});
}

Tensor build_musegan_dataset(const fs::path& folder, const MuseGanDataOptions& o) {
  CADENZA_CHECK(fs::is_directory(folder), "musegan data: '{}' is not a folder", folder.string());
  const std::vector<fs::path> files = music::dataset::midi_files(folder);
  CADENZA_CHECK(!files.empty(), "musegan data: no .mid file in '{}'", folder.string());
  std::vector<MuseGanPhrase> all;
  for (const fs::path& f : files) {
    MuseGanDataOptions left = o;
    if (o.max_phrases > 0) left.max_phrases = o.max_phrases - int64_t(all.size());
    for (auto& p : musegan_phrases(f, left)) all.push_back(std::move(p));
    if (o.max_phrases > 0 && int64_t(all.size()) >= o.max_phrases) break;
  }
  CADENZA_CHECK(!all.empty(), "musegan data: no phrase with notes in '{}'", folder.string());
  std::vector<const MuseGanPhrase*> ptrs;
  for (const auto& p : all) ptrs.push_back(&p);
  return musegan_bars(ptrs, o);
}

}  // namespace cadenza::models
