// Tokens per second of music_transformer sampling (small preset, random weights) with the
// key/value cache beside its peer, recomputing the whole prefix for every token.
// Usage: bench_transformer_sampling [length ...]   (default: 128 512)
#include <fmt/format.h>
#include <chrono>
#include <cstdlib>

#include "models/registry.h"
#include "models/transformer/music_transformer.h"

using namespace cadenza;
using namespace cadenza::models;

int main(int argc, char** argv) {
  std::vector<int64_t> lengths;
  for (int i = 1; i < argc; ++i) lengths.push_back(std::atoll(argv[i]));
  if (lengths.empty()) lengths = {128, 512};
  auto model = std::dynamic_pointer_cast<MusicTransformer>(make_model("music_transformer", "small"));
  fmt::print("music_transformer small ({} parameters), one sequence, primer = 1 token\n", model->num_parameters());
  fmt::print("{:>8} {:>16} {:>16} {:>8}\n", "tokens", "cached tok/s", "recompute tok/s", "ratio");
  for (int64_t n : lengths) {
    SampleOptions o;
    o.length = n;
    auto rate = [&](MusicTransformer::Decoding d) {
      Generator gen(1);
      auto t0 = std::chrono::steady_clock::now();
      model->generate({model->start_token()}, o, gen, d);
      return double(n) / std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    };
    const double cached = rate(MusicTransformer::Decoding::cached);
    const double full = rate(MusicTransformer::Decoding::recompute);
    fmt::print("{:>8} {:>16.0f} {:>16.0f} {:>7.1f}x\n", n, cached, full, cached / full);
  }
}
