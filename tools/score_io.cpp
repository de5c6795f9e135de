#include "tools/score_io.h"

#include <fmt/format.h>

#include "engine/error.h"
#include "music/repr/json_roll.h"
#include "music/repr/token_file.h"
#include "music/repr/tokenizer.h"
#include "music/score/midi_convert.h"
#include "tools/cli_util.h"

namespace cadenza::tools {

void add_score_io_options(CLI::App& cmd, ScoreIoOptions& o) {
  cmd.add_flag("--strict", o.strict, "MIDI input: refuse any departure from SMF 1.0");
  cmd.add_option("--split", o.split, "JSON input: split to read (train, valid, test)");
  cmd.add_option("--piece", o.piece, "JSON input: index of the piece in the split");
  cmd.add_option("--steps-per-quarter", o.steps_per_quarter, "JSON roll grid: steps per quarter note (JSB quarter: 1)")
      ->check(CLI::Range(1, 96));
  cmd.add_option("--repr", o.representation, "Token output: melody, performance, remi or trio")
      ->check(CLI::IsMember({"melody", "performance", "remi", "trio"}));
}

music::Score load_score(const std::filesystem::path& path, const ScoreIoOptions& o) {
  require_file(path);
  const std::string ext = extension_of(path);
  if (ext == ".mid" || ext == ".midi") return read_midi_score(path, o.strict);
  try {
    if (ext == ".json") {
      const music::repr::RollCorpus corpus = music::repr::load_roll_json(path);
      if (corpus.splits.empty()) fail("no split in the file");
      const std::string split = o.split.empty() ? corpus.splits.begin()->first : o.split;
      const auto it = corpus.splits.find(split);
      if (it == corpus.splits.end()) fail("no split '{}'", split);
      if (o.piece >= it->second.size())
        fail("split '{}' has {} pieces, no piece {}", split, it->second.size(), o.piece);
      return music::repr::roll_piece_to_score(it->second[o.piece], o.steps_per_quarter);
    }
    if (ext == ".tok") {
      const music::repr::TokenFile file = music::repr::read_token_file(path);
      return music::repr::make_tokenizer(file.representation)->decode(file.tokens);
    }
  } catch (const std::exception& e) {
    fail("{}: {}", path.string(), e.what());
  }
  fail("{}: unknown input type '{}' (.mid, .json, .tok)", path.string(), ext);
}

void save_score(const music::Score& score, const std::filesystem::path& path, const ScoreIoOptions& o) {
  const std::string ext = extension_of(path);
  if (ext == ".mid" || ext == ".midi") {
    music::save_midi(score, path);
  } else if (ext == ".json") {
    music::repr::RollCorpus corpus;
    corpus.splits[o.split.empty() ? "train" : o.split].push_back(
        music::repr::score_to_roll_piece(score, o.steps_per_quarter));
    write_text_file(path, music::repr::roll_corpus_to_json(corpus));
  } else if (ext == ".tok") {
    const auto tokenizer = music::repr::make_tokenizer(o.representation);
    music::repr::write_token_file({o.representation, tokenizer->encode(score)}, path);
  } else {
    fail("{}: unknown output type '{}' (.mid, .json, .tok)", path.string(), ext);
  }
}

}  // namespace cadenza::tools
