// cadenza corpus build FOLDER --out STORE [--tokenizer NAME] [--jobs N] [--files-per-shard N]
// cadenza corpus info STORE [--json]
// A corpus store holds a folder of MIDI files encoded once, deduplicated and split by
// content, for training to stream from (docs/MUSIC.md).
#include <fmt/format.h>

#include <chrono>
#include <nlohmann/json.hpp>

#include "music/corpus/store.h"
#include "music/corpus/store_builder.h"
#include "tools/commands.h"

namespace cadenza::tools {
namespace {

struct BuildArgs {
  std::string folder, out;
  music::corpus::BuildOptions options;
};

void run_build(const BuildArgs& args) {
  music::dataset::SkippedFiles skipped;
  const auto start = std::chrono::steady_clock::now();
  const auto r = music::corpus::build_store(args.folder, args.out, args.options, skipped);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  fmt::print(
      "{} files in {:.2f} s ({:.0f} files/s): {} pieces, {} tokens, {} duplicates, {} skipped; {} shards ({} kept from "
      "an earlier run)\n",
      r.files, seconds, r.files / std::max(seconds, 1e-9), r.pieces, r.tokens, r.duplicates, r.skipped, r.shards,
      r.shards_reused);
  if (r.skipped > 0)
    fmt::print("skipped files and reasons: {}\n", (std::filesystem::path(args.out) / "skipped.tsv").string());
  fmt::print("wrote {}\n", args.out);
}

void run_info(const std::string& path, bool json) {
  const music::corpus::Store store(path);
  const auto config = nlohmann::ordered_json::parse(store.config_json());
  if (json) {
    fmt::print("{}\n", config.dump(2));
    return;
  }
  const auto& splits = config.at("splits");
  fmt::print("store      {}\n", path);
  fmt::print("tokenizer  {} (vocabulary {}, {} bytes a token)\n", store.tokenizer_name(), store.vocab_size(),
             config.at("token_bytes").get<int>());
  fmt::print("pieces     {} from {} files ({} duplicates, {} skipped)\n", store.size(),
             config.at("files").get<size_t>(), config.at("duplicates").get<size_t>(),
             config.at("skipped").get<size_t>());
  fmt::print("tokens     {}\n", store.tokens());
  fmt::print("shards     {}\n", store.shards());
  for (const char* s : {"train", "valid", "test"})
    fmt::print("{:<10} {} pieces, {} tokens\n", s, splits.at("pieces").at(s).get<size_t>(),
               splits.at("tokens").at(s).get<uint64_t>());
}

}  // namespace

void add_corpus_command(CLI::App& app) {
  auto* corpus =
      app.add_subcommand("corpus", "Build and inspect corpus stores (MIDI folders encoded once, for training)");
  corpus->require_subcommand(1);

  auto args = std::make_shared<BuildArgs>();
  auto* build = corpus->add_subcommand("build", "Encode a folder tree of MIDI files into a store (resumable)");
  build->add_option("folder", args->folder, "Folder of .mid/.midi files (searched recursively)")
      ->required()
      ->check(CLI::ExistingDirectory);
  build->add_option("--out", args->out, "Store folder to write")->required();
  build
      ->add_option("--tokenizer", args->options.tokenizer,
                   "remi, performance, melody, trio, or a BPE file (cadenza tokenizer train)")
      ->capture_default_str();
  build->add_option("--jobs", args->options.jobs, "Threads reading files (0: one per core)")->capture_default_str();
  build->add_option("--files-per-shard", args->options.files_per_shard, "Input files per shard")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  build->add_option("--valid", args->options.fractions.valid, "Fraction of pieces in the valid split")
      ->capture_default_str()
      ->check(CLI::Range(0.0, 1.0));
  build->add_option("--test", args->options.fractions.test, "Fraction of pieces in the test split")
      ->capture_default_str()
      ->check(CLI::Range(0.0, 1.0));
  build->add_option("--split-seed", args->options.split_seed, "Seed of the split hashing")->capture_default_str();
  build->callback([args] { run_build(*args); });

  auto path = std::make_shared<std::string>();
  auto json = std::make_shared<bool>(false);
  auto* info = corpus->add_subcommand("info", "Pieces, tokens, shards and splits of a store");
  info->add_option("store", *path, "Store folder")->required();
  info->add_flag("--json", *json, "Print the store's config.json");
  info->callback([path, json] { run_info(*path, *json); });
}

}  // namespace cadenza::tools
