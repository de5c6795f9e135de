// Time from nothing to the first training batch of a corpus store: open it (config, index,
// shard maps), make the train split's stream and draw one batch.
//   bench_store_open STORE [BATCH] [WINDOW]   (default 16 x 512)
#include <fmt/format.h>

#include <chrono>

#include "music/corpus/store.h"
#include "music/corpus/store_stream.h"

using namespace cadenza::music;

int main(int argc, char** argv) try {
  if (argc < 2) {
    fmt::print(stderr, "usage: bench_store_open STORE [BATCH] [WINDOW]\n");
    return 2;
  }
  const auto start = std::chrono::steady_clock::now();
  const corpus::Store store(argv[1]);
  const auto tokenizer = store.make_tokenizer();
  const auto opened = std::chrono::steady_clock::now();
  dataset::TokenStreamConfig config;
  config.batch_size = argc > 2 ? std::stoll(argv[2]) : 16;
  config.window = argc > 3 ? std::stoll(argv[3]) : 512;
  corpus::StoreStream stream(store, dataset::Split::kTrain, config);
  const auto batch = stream.next();
  const auto done = std::chrono::steady_clock::now();
  if (!batch) throw std::runtime_error("the train split is empty");
  auto s = [](auto a, auto b) { return std::chrono::duration<double>(b - a).count(); };
  fmt::print("{} pieces, {} tokens, {} shards ({}); train split {} pieces\n", store.size(), store.tokens(),
             store.shards(), tokenizer->name(), stream.pieces());
  fmt::print("open {:.4f} s, first batch {}x{} {:.4f} s, total {:.4f} s\n", s(start, opened), batch->batch,
             batch->length, s(opened, done), s(start, done));
  return 0;
} catch (const std::exception& e) {
  fmt::print(stderr, "bench_store_open: error: {}\n", e.what());
  return 1;
}
