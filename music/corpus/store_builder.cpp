#include "music/corpus/store_builder.h"

#include <oneapi/tbb/parallel_for.h>
#include <oneapi/tbb/task_arena.h>

#include <fmt/format.h>

#include <malloc.h>

#include <algorithm>
#include <thread>
#include <unordered_set>

#include "engine/serialize/atomic_file.h"
#include "music/corpus/file_list.h"
#include "music/corpus/piece_hash.h"
#include "music/corpus/shard_file.h"
#include "music/corpus/store_index.h"
#include "music/midi/read_midi.h"
#include "music/repr/tokenizer_spec.h"
#include "music/score/midi_convert.h"

namespace cadenza::music::corpus {
namespace fs = std::filesystem;
namespace {

// Files read in parallel at a time: enough to keep the threads busy, few enough that
// memory holds only their tokens whatever the size of the corpus.
constexpr size_t kFilesInFlight = 64;

struct Encoded {
  bool ok = false;
  std::string reason;
  uint64_t hash = 0;
  std::vector<int32_t> tokens;
};

Encoded encode_file(const fs::path& path, const repr::Tokenizer& tokenizer) {
  Encoded r;
  try {
    const Score score = score_from_midi_bytes(midi::read_file_bytes(path));
    if (score.note_count() == 0) {
      r.reason = "no notes";
      return r;
    }
    r.tokens = tokenizer.encode(score);
    r.hash = note_content_hash(score);
    r.ok = true;
  } catch (const std::exception& e) {
    r.reason = e.what();
  }
  return r;
}

// A log line holds one file per line and tab-separated fields: no newline or tab inside.
std::string one_field(std::string s) {
  std::replace_if(
      s.begin(), s.end(), [](char c) { return c == '\n' || c == '\r' || c == '\t'; }, ' ');
  return s;
}

uint64_t mix(uint64_t h, uint64_t value) { return dataset::Rng(h ^ value).next(); }

// Identifies a block's inputs and everything that shapes its shard: the tokenizer, the
// shard size and the chain of earlier blocks (whose pieces decide what is a duplicate).
uint64_t block_fingerprint(uint64_t previous, const FileList& files, size_t first, size_t count) {
  uint64_t h = mix(previous, count);
  for (size_t i = first; i < first + count; ++i) {
    std::error_code ec;
    const auto size = fs::file_size(files.path(i), ec);
    h = mix(h, dataset::stable_hash(std::string(files.name(i)), ec ? ~uint64_t{0} : size));
  }
  return h;
}

// The pieces of a reused shard count as seen; its log tells what else its files were.
void replay_log(const ShardView& shard, std::unordered_set<uint64_t>& seen, BuildReport& report,
                dataset::SkippedFiles& skipped, const fs::path& folder) {
  for (const IndexEntry& e : shard.entries) seen.insert(e.hash);
  for_each_log_line(shard.log, [&](std::string_view status, std::string_view name, std::string_view reason) {
    if (status == "duplicate") ++report.duplicates;
    if (status != "skipped") return;
    skipped.add(folder / std::string(name), std::string(reason));
    ++report.skipped;
  });
}

// Gives the memory freed by the files of a shard back to the system: the reading threads'
// malloc arenas keep it otherwise, and their share grows with the number of files read.
void release_free_memory() {
#ifdef __GLIBC__
  malloc_trim(0);
#endif
}

}  // namespace

BuildReport build_store(const fs::path& folder, const fs::path& out, const BuildOptions& options,
                        dataset::SkippedFiles& skipped) {
  if (options.files_per_shard < 1) throw std::invalid_argument("corpus build: files per shard must be positive");
  if (options.fractions.valid < 0 || options.fractions.test < 0 || options.fractions.valid + options.fractions.test > 1)
    throw std::invalid_argument("corpus build: the valid and test fractions must be >= 0 and sum to at most 1");
  const auto tokenizer = repr::load_tokenizer(options.tokenizer);
  const uint32_t token_bytes = token_bytes_for(tokenizer->vocab_size());
  const FileList files(folder);
  fs::create_directories(out);
  serialize::remove_stale_temporaries(out);
  // Without its config a store reads as incomplete, for as long as this build runs.
  fs::remove(out / kConfigFile);

  const int jobs =
      options.jobs > 0 ? options.jobs : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  tbb::task_arena arena(jobs);
  BuildReport report;
  report.files = files.size();
  std::unordered_set<uint64_t> seen;
  // The vocabulary hash tells two BPE files of the same size apart.
  uint64_t fingerprint =
      mix(vocab_hash(*tokenizer), options.files_per_shard * 8 + token_bytes + kStoreVersion * 1000003ull);
  std::vector<Encoded> batch(kFilesInFlight);
  for (size_t first = 0, shard = 0; first < files.size(); first += options.files_per_shard, ++shard) {
    const size_t count = std::min(options.files_per_shard, files.size() - first);
    fingerprint = block_fingerprint(fingerprint, files, first, count);
    const fs::path path = out / shard_file_name(shard);
    ++report.shards;
    if (auto existing = open_shard(path);
        existing && existing->footer.fingerprint == fingerprint && existing->footer.token_bytes == token_bytes) {
      replay_log(*existing, seen, report, skipped, folder);
      ++report.shards_reused;
      continue;
    }
    ShardWriter writer(path, static_cast<uint32_t>(shard), token_bytes);
    for (size_t at = first; at < first + count; at += kFilesInFlight) {
      const size_t n = std::min(kFilesInFlight, first + count - at);
      arena.execute([&] {
        tbb::parallel_for(size_t{0}, n, [&](size_t i) { batch[i] = encode_file(files.path(at + i), *tokenizer); });
      });
      for (size_t i = 0; i < n; ++i) {  // in file order, so the shard does not depend on timing
        Encoded& r = batch[i];
        const std::string name = one_field(std::string(files.name(at + i)));
        if (!r.ok) {
          writer.add_log(fmt::format("skipped\t{}\t{}", name, one_field(r.reason)));
          skipped.add(files.path(at + i), r.reason);
          ++report.skipped;
        } else if (!seen.insert(r.hash).second) {
          writer.add_log(fmt::format("duplicate\t{}", name));
          ++report.duplicates;
        } else {
          writer.add_log(fmt::format("kept\t{}", name));
          writer.add_piece(r.hash, r.tokens);
        }
        r = Encoded{};  // free the tokens now
      }
    }
    writer.finish(fingerprint, static_cast<uint32_t>(count));
    release_free_memory();
  }
  // Shards of an earlier, larger build of this folder are no longer part of the store.
  for (size_t shard = report.shards;; ++shard) {
    if (!fs::remove(out / shard_file_name(shard))) break;
  }
  const StoreCounts counts = write_index(out, report.shards, token_bytes, options.fractions, options.split_seed);
  report.pieces = counts.pieces;
  report.tokens = counts.tokens;
  write_config(out, *tokenizer, token_bytes, options, report, counts);
  return report;
}

}  // namespace cadenza::music::corpus
