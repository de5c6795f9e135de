#include "music/repr/tokenizer.h"

#include <fmt/format.h>

#include <algorithm>
#include <stdexcept>

#include "music/repr/melody.h"
#include "music/repr/performance.h"
#include "music/repr/remi.h"
#include "music/repr/trio.h"

namespace cadenza::music::repr {

std::unique_ptr<Tokenizer> make_tokenizer(const std::string& name) {
  if (name == "melody") return std::make_unique<MelodyTokenizer>();
  if (name == "performance") return std::make_unique<PerformanceTokenizer>();
  if (name == "remi") return std::make_unique<RemiTokenizer>();
  if (name == "trio") return std::make_unique<TrioTokenizer>();
  throw std::invalid_argument(fmt::format("unknown representation '{}' (melody, performance, remi, trio)", name));
}

std::vector<int32_t> unpack_token(int32_t token, std::span<const TokenPart> parts) {
  std::vector<int32_t> classes(parts.size());
  int32_t rest = token;
  for (size_t i = parts.size(); i-- > 0;) {
    classes[i] = rest % parts[i].classes;
    rest /= parts[i].classes;
  }
  if (token < 0 || rest != 0)
    throw std::invalid_argument(
        fmt::format("token {} is outside the {} part(s) of the representation", token, parts.size()));
  return classes;
}

int32_t pack_token(std::span<const int32_t> classes, std::span<const TokenPart> parts) {
  if (classes.size() != parts.size())
    throw std::invalid_argument(fmt::format("{} part classes for {} parts", classes.size(), parts.size()));
  int32_t token = 0;
  for (size_t i = 0; i < parts.size(); ++i) {
    if (classes[i] < 0 || classes[i] >= parts[i].classes)
      throw std::invalid_argument(
          fmt::format("{} class {} is outside 0..{}", parts[i].name, classes[i], parts[i].classes - 1));
    token = token * parts[i].classes + classes[i];
  }
  return token;
}

void check_tokens(std::span<const int32_t> tokens, int32_t vocab_size, const std::string& name) {
  for (size_t i = 0; i < tokens.size(); ++i)
    if (tokens[i] < 0 || tokens[i] >= vocab_size)
      throw std::invalid_argument(
          fmt::format("{} token {} at position {} is outside 0..{}", name, tokens[i], i, vocab_size - 1));
}

Score start_decoding(std::span<const int32_t> tokens, const Tokenizer& tokenizer, int ticks_per_quarter) {
  check_tokens(tokens, tokenizer.vocab_size(), tokenizer.name());
  Score score;
  score.ticks_per_quarter = ticks_per_quarter;
  score.tracks.emplace_back().name = tokenizer.name();
  return score;
}

void check_length(size_t length, const std::string& what) {
  if (length > kMaxSequenceLength)
    throw std::length_error(
        fmt::format("{}: {} steps or tokens exceed the limit of {}", what, length, kMaxSequenceLength));
}

namespace {
int bin_size(int bins) { return (127 + bins - 1) / bins; }
}  // namespace

int velocity_to_bin(int velocity, int bins) {
  return std::clamp((std::clamp(velocity, 1, 127) - 1) / bin_size(bins), 0, bins - 1);
}

int bin_to_velocity(int bin, int bins) { return 1 + std::clamp(bin, 0, bins - 1) * bin_size(bins); }

}  // namespace cadenza::music::repr
