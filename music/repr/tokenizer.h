// The common face of the event-token representations (melody, performance, REMI), so a
// model can be trained on any of them through one interface.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "music/score/score.h"

namespace cadenza::music::repr {

// Upper bound on tokens or grid steps one score may produce: a hostile file with a note
// at tick 2^40 must fail cleanly, not allocate terabytes.
inline constexpr size_t kMaxSequenceLength = size_t{1} << 24;

// One part of a token. A representation whose step holds several parts (a trio step:
// melody, bass, drums) packs them into one token as a mixed-radix number,
// token = (c0 · n1 + c1) · n2 + c2 for part classes c_i < n_i, so token sequences,
// datasets and batches stay one integer per step; a model that predicts each part with
// its own softmax unpacks them. A single-part representation is its own one part.
struct TokenPart {
  std::string name;
  int32_t classes = 0;
};

class Tokenizer {
 public:
  virtual ~Tokenizer() = default;
  virtual std::string name() const = 0;
  virtual int32_t vocab_size() const = 0;
  virtual std::vector<int32_t> encode(const Score& score) const = 0;
  // Tokens outside [0, vocab_size) throw std::invalid_argument.
  virtual Score decode(std::span<const int32_t> tokens) const = 0;
  virtual std::string token_name(int32_t token) const = 0;  // e.g. "NOTE_ON_60"
  virtual std::vector<TokenPart> parts() const { return {{name(), vocab_size()}}; }
};

// A token's part classes, and back; both throw std::invalid_argument out of range.
std::vector<int32_t> unpack_token(int32_t token, std::span<const TokenPart> parts);
int32_t pack_token(std::span<const int32_t> classes, std::span<const TokenPart> parts);

// "melody", "performance", "remi" or "trio" with default settings; throws on another name.
std::unique_ptr<Tokenizer> make_tokenizer(const std::string& name);

// Throws std::invalid_argument naming the representation if a token is out of range.
void check_tokens(std::span<const int32_t> tokens, int32_t vocab_size, const std::string& name);

// The start of every decoder: checks the tokens and returns a score at
// `ticks_per_quarter` with one empty track named after the representation.
Score start_decoding(std::span<const int32_t> tokens, const Tokenizer& tokenizer, int ticks_per_quarter);

// Throws std::length_error if `length` exceeds kMaxSequenceLength.
void check_length(size_t length, const std::string& what);

// Magenta's velocity bins (performance_lib): bin size ceil(127 / bins); velocity v in
// 1..127 goes to bin (v - 1) / size, 0-based here; a bin decodes to its lowest velocity.
int velocity_to_bin(int velocity, int bins);
int bin_to_velocity(int bin, int bins);

}  // namespace cadenza::music::repr
