// Writes a benchmark corpus of N MIDI files made from the project's own MIDI files by
// transposition, tempo change, track dropping and splicing, for measuring `cadenza corpus
// build` at scale. The output is for a temporary folder: never commit it.
//   make_bench_corpus OUT N [SOURCE_DIR...]
//   (default sources: tests/data/freedoom and ../shared/data/freedoom_music)
// File i depends only on i and the sources, so a corpus of 20k files is the first 20k of
// one of 100k. Files go in sub-folders of 1000 (OUT/0042/42017.mid).
#include <fmt/format.h>
#include <oneapi/tbb/parallel_for.h>

#include <algorithm>
#include <filesystem>

#include "music/dataset/augment.h"
#include "music/dataset/rng.h"
#include "music/dataset/split.h"
#include "music/score/midi_convert.h"

using namespace cadenza::music;
namespace fs = std::filesystem;

namespace {

// The notes (and controls) of `t` in [from, to), shifted by `shift` ticks.
Track cut(const Track& t, int64_t from, int64_t to, int64_t shift) {
  Track out = t;
  out.notes.clear();
  out.controls.clear();
  out.program_changes.clear();
  out.pitch_bends.clear();
  for (const Note& n : t.notes)
    if (n.start >= from && n.start < to)
      out.notes.push_back({n.start - from + shift, std::min(n.end, to) - from + shift, n.pitch, n.velocity});
  return out;
}

// The first half of `a` followed by the second half of `b` (resampled to a's resolution).
Score splice(const Score& a, const Score& b_in) {
  const Score b = resample(b_in, a.ticks_per_quarter);
  Score out = a;
  out.tracks.clear();
  const int64_t half_a = a.end_tick() / 2, half_b = b.end_tick() / 2;
  for (const Track& t : a.tracks) out.tracks.push_back(cut(t, 0, half_a, 0));
  for (const Track& t : b.tracks) out.tracks.push_back(cut(t, half_b, b.end_tick() + 1, half_a));
  std::erase_if(out.tracks, [](const Track& t) { return t.notes.empty(); });
  return out;
}

Score variant(const std::vector<Score>& sources, size_t i) {
  dataset::Rng rng(0x5EED0000 + i);
  Score s = sources[rng.below(sources.size())];
  if (rng.uniform() < 0.3) s = splice(s, sources[rng.below(sources.size())]);
  if (s.tracks.size() > 1) {  // drop each track with probability 1/4, keeping one
    std::vector<Track> kept;
    for (Track& t : s.tracks)
      if (rng.uniform() >= 0.25) kept.push_back(std::move(t));
    if (kept.empty()) kept.push_back(s.tracks.front());
    s.tracks = std::move(kept);
  }
  dataset::transpose(s, dataset::random_transposition(s, 6, rng));
  dataset::scale_tempo(s, 0.8 + 0.45 * rng.uniform());
  return s;
}

}  // namespace

int main(int argc, char** argv) try {
  if (argc < 3) {
    fmt::print(stderr, "usage: make_bench_corpus OUT N [SOURCE_DIR...]\n");
    return 2;
  }
  const fs::path out = argv[1];
  const size_t n = std::stoul(argv[2]);
  std::vector<fs::path> dirs;
  for (int a = 3; a < argc; ++a) dirs.emplace_back(argv[a]);
  if (dirs.empty())
    dirs = {fs::path(CADENZA_SOURCE_DIR) / "tests/data/freedoom",
            fs::path(CADENZA_SOURCE_DIR) / "../shared/data/freedoom_music"};
  std::vector<Score> sources;
  for (const fs::path& d : dirs) {
    if (!fs::is_directory(d)) continue;
    for (const fs::path& f : dataset::midi_files(d)) {
      try {
        Score s = load_midi(f);
        if (s.note_count() > 0 && s.ticks_per_quarter <= 0x7FFF) sources.push_back(std::move(s));
      } catch (const std::exception&) {
      }
    }
  }
  if (sources.empty()) throw std::runtime_error("no source MIDI files");
  for (size_t d = 0; d * 1000 < n; ++d) fs::create_directories(out / fmt::format("{:04}", d));
  tbb::parallel_for(size_t{0}, n, [&](size_t i) {
    save_midi(variant(sources, i), out / fmt::format("{:04}", i / 1000) / fmt::format("{}.mid", i));
  });
  fmt::print("wrote {} files from {} sources into {}\n", n, sources.size(), out.string());
  return 0;
} catch (const std::exception& e) {
  fmt::print(stderr, "make_bench_corpus: error: {}\n", e.what());
  return 1;
}
