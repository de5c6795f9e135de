#include "tools/piece_sets.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "engine/error.h"
#include "models/data.h"
#include "models/data_stages.h"
#include "models/deepbach/chorale_grid.h"
#include "music/dataset/split.h"
#include "music/repr/json_roll.h"
#include "music/repr/tokenizer.h"
#include "music/score/midi_convert.h"

namespace cadenza::tools {
namespace {

namespace fs = std::filesystem;

std::string describe(const fs::path& path, const std::string& split, size_t pieces) {
  return fmt::format("{}{}: {} piece{}", path.string(), split.empty() ? "" : fmt::format(", {} split", split), pieces,
                     pieces == 1 ? "" : "s");
}

PieceSet read_midi_folder(const fs::path& dir, const std::string& split) {
  const std::vector<fs::path> files = split.empty()
                                          ? music::dataset::midi_files(dir)
                                          : music::dataset::midi_files(dir, music::dataset::parse_split(split), {}, 0);
  CADENZA_CHECK(!files.empty(), "{}: no .mid files{}", dir.string(),
                split.empty() ? "" : " in the " + split + " split");
  PieceSet set;
  std::vector<std::string> unreadable;
  for (const fs::path& file : files) try {
      set.pieces.push_back(music::load_midi(file));
    } catch (const std::exception& e) {
      unreadable.push_back(fmt::format("{} ({})", fs::relative(file, dir).generic_string(), e.what()));
    }
  CADENZA_CHECK(unreadable.empty(), "{}: {} of {} MIDI files unreadable: {}", dir.string(), unreadable.size(),
                files.size(), fmt::join(unreadable, "; "));
  set.description = describe(dir, split, set.pieces.size());
  return set;
}

// A chorale's voices as four tracks; each voice's range is its own, so any corpus of
// [S, A, T, B] steps reads, not only one inside JSB's ranges.
music::Score separated_chorale_score(const models::deepbach::ChoralePitches& chorale) {
  namespace db = models::deepbach;
  db::VoiceRanges ranges;
  for (int v = 0; v < db::kVoices; ++v) {
    int lo = 127, hi = 0;
    for (const db::PitchRow& row : chorale)
      if (row[size_t(v)] >= 0) lo = std::min(lo, row[size_t(v)]), hi = std::max(hi, row[size_t(v)]);
    ranges[size_t(v)] = lo <= hi ? db::VoiceRange{lo, hi} : db::VoiceRange{60, 60};
  }
  return db::grid_to_score(db::encode_chorale(chorale, ranges), ranges);
}

PieceSet read_json_corpus(const fs::path& path, const CorpusReading& r) {
  PieceSet set;
  if (r.separated) {
    auto splits = models::deepbach::load_separated_chorales(path);
    CADENZA_CHECK(splits.count(r.split), "{}: no '{}' split", path.string(), r.split);
    for (const auto& chorale : splits[r.split]) set.pieces.push_back(separated_chorale_score(chorale));
  } else {
    models::DataOptions data;
    data.path = path;
    data.steps_per_quarter = r.steps_per_quarter ? r.steps_per_quarter : models::default_steps_per_quarter(path);
    music::dataset::SkippedFiles skipped;  // a JSON corpus has no files to skip
    auto splits = models::load_roll_splits(data, skipped);
    const models::DataSplit split = models::parse_data_split(r.split);
    CADENZA_CHECK(splits.count(split), "{}: no '{}' split", path.string(), r.split);
    for (const auto& piece : splits[split])
      set.pieces.push_back(music::repr::roll_piece_to_score(piece, data.steps_per_quarter));
  }
  CADENZA_CHECK(!set.pieces.empty(), "{}: the '{}' split has no pieces", path.string(), r.split);
  set.description = describe(path, r.split, set.pieces.size());
  return set;
}

PieceSet read_as_is(const fs::path& path, const CorpusReading& reading) {
  std::error_code ec;
  if (fs::is_directory(path, ec)) {
    CADENZA_CHECK(!reading.separated, "{}: --separated reads a JSON corpus, not a folder", path.string());
    return read_midi_folder(path, reading.split);
  }
  CADENZA_CHECK(fs::exists(path, ec), "{}: no such folder or file", path.string());
  CADENZA_CHECK(path.extension() == ".json", "{}: neither a folder of MIDI files nor a JSON corpus", path.string());
  CADENZA_CHECK(!reading.split.empty(), "{}: a corpus needs --split", path.string());
  return read_json_corpus(path, reading);
}

}  // namespace

PieceSet read_piece_set(const fs::path& path, const CorpusReading& reading) {
  // Made first: an unknown name fails before a large corpus is read.
  const auto tokenizer = reading.as.empty() ? nullptr : music::repr::make_tokenizer(reading.as);
  PieceSet set = read_as_is(path, reading);
  if (tokenizer) {
    for (music::Score& piece : set.pieces) piece = tokenizer->decode(tokenizer->encode(piece));
    set.description += ", as " + reading.as;
  }
  return set;
}

void cut_into_excerpts(PieceSet& set, double beats) {
  CADENZA_CHECK(beats > 0, "excerpts need a positive length in beats, not {}", beats);
  std::vector<music::Score> cut;
  for (const music::Score& piece : set.pieces) {
    const auto length = int64_t(std::llround(beats * piece.ticks_per_quarter));
    CADENZA_CHECK(length > 0, "{}: excerpts of {} beats are shorter than one tick", set.description, beats);
    const int64_t end = piece.end_tick();
    for (int64_t from = 0; from < end && end - from >= length / 2; from += length)
      cut.push_back(music::excerpt(piece, from, from + length));
  }
  CADENZA_CHECK(!cut.empty(), "{}: no piece lasts half of {} beats", set.description, beats);
  set.description += fmt::format(", cut into {} excerpts of {} beats", cut.size(), beats);
  set.pieces = std::move(cut);
}

}  // namespace cadenza::tools
