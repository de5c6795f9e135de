// Builds a corpus store (store_format.h) from a folder tree of MIDI files: every file is
// read (lenient), encoded by the tokenizer and kept once per note content; unreadable
// files are skipped and reported, duplicates counted. Files are read in parallel, but the
// store depends only on the inputs and the options, never on the number of threads or on
// timing. Every file goes through the atomic-write path, and a shard whose inputs have not
// changed is kept, so a build interrupted at any moment and run again gives the same
// bytes as one that was never interrupted.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>

#include "music/dataset/skipped_files.h"
#include "music/dataset/split.h"

namespace cadenza::music::corpus {

struct BuildOptions {
  std::string tokenizer = "remi";  // a built-in name, or the path of a BPE file (repr::load_tokenizer)
  int jobs = 0;                    // threads reading files; 0 = one per core
  size_t files_per_shard = 1024;
  dataset::SplitFractions fractions;
  uint64_t split_seed = 0;
};

struct BuildReport {
  size_t files = 0;       // MIDI files found
  size_t pieces = 0;      // stored
  size_t duplicates = 0;  // files whose note content was already stored
  size_t skipped = 0;     // files left out (named in skipped.tsv and through SkippedFiles)
  uint64_t tokens = 0;
  size_t shards = 0;
  size_t shards_reused = 0;  // complete shards of an earlier (interrupted) build, kept
};

BuildReport build_store(const std::filesystem::path& folder, const std::filesystem::path& out,
                        const BuildOptions& options, dataset::SkippedFiles& skipped);

}  // namespace cadenza::music::corpus
