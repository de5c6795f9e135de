// cadenza tokenizer train --store STORE --vocab N --out BPE.json [--min-count C]
// cadenza tokenizer encode --tokenizer NAME|BPE.json IN.mid --out X.tok [--strict]
// cadenza tokenizer decode --tokenizer NAME|BPE.json X.tok --out Y.mid [--png PATH|none]
// Learns BPE merges over the base tokens of a store's train split (music/repr/bpe.h), and
// turns MIDI into token files and back with any tokenizer, built-in or learned.
#include <fmt/format.h>

#include <chrono>

#include "engine/error.h"
#include "music/corpus/store.h"
#include "music/repr/bpe.h"
#include "music/repr/token_file.h"
#include "music/repr/tokenizer_spec.h"
#include "tools/cli_util.h"
#include "tools/commands.h"

namespace cadenza::tools {
namespace {

namespace repr = music::repr;

struct TrainArgs {
  std::string store, out;
  int32_t vocab = 0;
  uint64_t min_count = 2;
};

void run_train(const TrainArgs& a) {
  const music::corpus::Store store(a.store);
  auto base = store.make_tokenizer();
  if (!store.tokenizer_spec().is_string())
    fail("{} holds {} tokens: learn BPE over a store of remi or performance tokens", a.store, base->name());
  repr::bpe_word_starts(base->name(), {});  // one clear line for a base BPE does not cover
  if (a.vocab <= base->vocab_size())
    fail("--vocab {} must be larger than the {} vocabulary of {} tokens", a.vocab, base->name(), base->vocab_size());
  const auto start = std::chrono::steady_clock::now();
  repr::WordCounts words;
  const std::vector<uint32_t> pieces = store.pieces_of(music::dataset::Split::kTrain);
  if (pieces.empty()) fail("{}: no piece in the train split to learn from", a.store);
  for (const uint32_t p : pieces) words.add_piece(base->name(), store.tokens(p));
  const repr::BpeLearnResult r = repr::learn_bpe(words, base->vocab_size(), a.vocab, a.min_count);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  const repr::BpeTokenizer bpe(std::move(base), r.merges);
  repr::save_bpe(bpe, a.out);
  fmt::print(
      "{} merges (vocabulary {}) from {} train pieces, {} distinct words, in {:.2f} s: {} tokens -> {} ({:.3f}x "
      "shorter)\n",
      r.merges.size(), bpe.vocab_size(), pieces.size(), words.words().size(), seconds, r.tokens_before, r.tokens_after,
      static_cast<double>(r.tokens_before) / std::max<uint64_t>(r.tokens_after, 1));
  if (bpe.vocab_size() < a.vocab)
    fmt::print("stopped at vocabulary {} of {}: no pair occurs {} times any more\n", bpe.vocab_size(), a.vocab,
               a.min_count);
  fmt::print("wrote {}\n", a.out);
}

struct CodeArgs {
  std::string tokenizer, in;
  bool strict = false;
  MidiOutput midi;
  std::string out;
};

std::unique_ptr<repr::Tokenizer> tokenizer_of(const std::string& name_or_path) {
  try {
    return repr::load_tokenizer(name_or_path);
  } catch (const std::exception& e) {
    fail("{}", e.what());
  }
}

void run_encode(const CodeArgs& a) {
  const auto tok = tokenizer_of(a.tokenizer);
  if (extension_of(a.out) != ".tok") fail("--out {}: a token file ends in .tok", a.out);
  const std::vector<int32_t> tokens = tok->encode(read_midi_score(a.in, a.strict));
  repr::write_token_file({tok->name(), tokens}, a.out);
  fmt::print("wrote {} ({} {} tokens)\n", a.out, tokens.size(), tok->name());
}

void run_decode(const CodeArgs& a) {
  const auto tok = tokenizer_of(a.tokenizer);
  a.midi.check();
  require_file(a.in);
  repr::TokenFile file;
  try {
    file = repr::read_token_file(a.in);
  } catch (const std::exception& e) {
    fail("{}", e.what());
  }
  if (file.representation != tok->name())
    fail("{} holds {} tokens, not {}: decode it with the tokenizer that wrote it", a.in, file.representation,
         tok->name());
  music::Score score;
  try {
    score = tok->decode(file.tokens);
  } catch (const std::exception& e) {
    fail("{}: {}", a.in, e.what());
  }
  a.midi.write(score);
}

}  // namespace

void add_tokenizer_command(CLI::App& app) {
  auto* cmd = app.add_subcommand("tokenizer", "Learn BPE tokenizers; encode MIDI to token files and back");
  cmd->require_subcommand(1);

  auto t = std::make_shared<TrainArgs>();
  auto* train = cmd->add_subcommand("train", "Learn BPE merges over the train split of a corpus store");
  train->add_option("--store", t->store, "Corpus store of remi or performance tokens")
      ->required()
      ->check(CLI::ExistingDirectory);
  train->add_option("--vocab", t->vocab, "Vocabulary size to reach (base tokens + merges)")->required();
  train->add_option("--out", t->out, "BPE file to write (JSON)")->required();
  train->add_option("--min-count", t->min_count, "Stop when no pair occurs this often")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  train->callback([t] { run_train(*t); });

  auto e = std::make_shared<CodeArgs>();
  auto* encode = cmd->add_subcommand("encode", "MIDI file -> token file (.tok)");
  encode->add_option("--tokenizer", e->tokenizer, "remi, performance, melody, trio or a BPE file")->required();
  encode->add_option("input", e->in, "MIDI file")->required();
  encode->add_option("--out", e->out, "Token file to write (.tok)")->required();
  encode->add_flag("--strict", e->strict, "Refuse any departure from SMF 1.0");
  encode->callback([e] { run_encode(*e); });

  auto d = std::make_shared<CodeArgs>();
  auto* decode = cmd->add_subcommand("decode", "Token file (.tok) -> MIDI file");
  decode->add_option("--tokenizer", d->tokenizer, "The tokenizer that wrote the file (a name or a BPE file)")
      ->required();
  decode->add_option("input", d->in, "Token file")->required();
  d->midi.add_options(*decode, "MIDI file to write");
  decode->callback([d] { run_decode(*d); });
}

}  // namespace cadenza::tools
