#include "music/repr/bpe.h"

#include <fmt/format.h>

#include <fstream>
#include <functional>
#include <queue>
#include <sstream>
#include <stdexcept>

#include "engine/serialize/atomic_file.h"

namespace cadenza::music::repr {
namespace {

constexpr char kFormat[] = "cadenza-bpe";
constexpr int kVersion = 1;

uint64_t pair_key(int32_t a, int32_t b) { return uint64_t{static_cast<uint32_t>(a)} << 32 | static_cast<uint32_t>(b); }

[[noreturn]] void bad(const std::string& why) { throw std::invalid_argument("BPE tokenizer: " + why); }

}  // namespace

BpeTokenizer::BpeTokenizer(std::unique_ptr<Tokenizer> base, std::vector<TokenPair> merges)
    : base_(std::move(base)), merges_(std::move(merges)) {
  bpe_word_starts(base_->name(), {});  // throws for a base BPE is not defined over
  const int32_t b = base_->vocab_size();
  for (size_t k = 0; k < merges_.size(); ++k) {
    const auto [l, r] = merges_[k];
    const int32_t limit = b + static_cast<int32_t>(k);
    if (l < 0 || r < 0 || l >= limit || r >= limit)
      bad(fmt::format("merge {} ({}, {}) names a token outside 0..{}", k, l, r, limit - 1));
    if (!rank_.emplace(pair_key(l, r), static_cast<int32_t>(k)).second)
      bad(fmt::format("merge {} ({}, {}) repeats an earlier merge", k, l, r));
    std::vector<int32_t> e = l < b ? std::vector<int32_t>{l} : expansion_[l - b];
    const auto& right = r < b ? std::vector<int32_t>{r} : expansion_[r - b];
    e.insert(e.end(), right.begin(), right.end());
    expansion_.push_back(std::move(e));
  }
}

std::unique_ptr<BpeTokenizer> BpeTokenizer::from_json(const nlohmann::json& j) {
  try {
    if (!j.is_object() || j.value("format", "") != kFormat) bad(fmt::format("not a \"{}\" object", kFormat));
    if (j.at("version") != kVersion)
      bad(fmt::format("version {} (this build reads {})", j.at("version").dump(), kVersion));
    auto base = make_tokenizer(j.at("base").get<std::string>());
    if (j.at("base_vocab_size").get<int32_t>() != base->vocab_size())
      bad(fmt::format("made over a {} vocabulary of {} tokens; this build's has {}", base->name(),
                      j.at("base_vocab_size").get<int32_t>(), base->vocab_size()));
    const auto& list = j.at("merges");
    if (!list.is_array()) bad("\"merges\" is not an array");
    std::vector<TokenPair> merges;
    for (const auto& m : list) {
      if (!m.is_array() || m.size() != 2 || !m[0].is_number_integer() || !m[1].is_number_integer())
        bad(fmt::format("merge {} is not a pair of token ids: {}", merges.size(), m.dump()));
      merges.push_back({m[0].get<int32_t>(), m[1].get<int32_t>()});
    }
    auto t = std::make_unique<BpeTokenizer>(std::move(base), std::move(merges));
    if (j.at("vocab_size").get<int32_t>() != t->vocab_size())
      bad(fmt::format("vocab_size {} does not match {} base tokens + {} merges", j.at("vocab_size").get<int32_t>(),
                      t->base().vocab_size(), t->merges().size()));
    return t;
  } catch (const nlohmann::json::exception& e) {
    bad(e.what());
  }
}

nlohmann::ordered_json BpeTokenizer::to_json() const {
  nlohmann::ordered_json merges = nlohmann::ordered_json::array();
  for (const auto& [l, r] : merges_) merges.push_back({l, r});
  return {{"format", kFormat},          {"version", kVersion},
          {"base", base_->name()},      {"base_vocab_size", base_->vocab_size()},
          {"vocab_size", vocab_size()}, {"merges", std::move(merges)}};
}

// The merges in the order learned, each left to right over the word, as learn_bpe did.
// A merge only creates pairs holding its new token, which rank after it, so taking the
// lowest-ranked pair present (leftmost first) from a heap replays that order; symbols are
// linked so each merge costs O(log n).
void BpeTokenizer::apply_to_word(std::vector<int32_t>& w) const {
  const auto n = static_cast<int32_t>(w.size());
  if (n < 2) return;
  std::vector<int32_t> next(n);
  std::vector<int32_t> prev(n);
  for (int32_t i = 0; i < n; ++i) next[i] = i + 1 < n ? i + 1 : -1, prev[i] = i - 1;
  using Candidate = std::pair<int32_t, int32_t>;  // (rank, position): smallest first
  std::priority_queue<Candidate, std::vector<Candidate>, std::greater<>> heap;
  auto push = [&](int32_t p) {
    if (p < 0 || next[p] < 0) return;
    if (const auto it = rank_.find(pair_key(w[p], w[next[p]])); it != rank_.end()) heap.push({it->second, p});
  };
  for (int32_t i = 0; i + 1 < n; ++i) push(i);
  const int32_t b = base_->vocab_size();
  while (!heap.empty()) {
    const auto [rank, p] = heap.top();
    heap.pop();
    const int32_t q = next[p];
    if (w[p] < 0 || q < 0 || w[p] != merges_[rank].first || w[q] != merges_[rank].second) continue;  // stale
    w[p] = b + rank;
    w[q] = -1;
    next[p] = next[q];
    if (next[q] >= 0) prev[next[q]] = p;
    push(prev[p]);
    push(p);
  }
  std::erase(w, -1);
}

std::vector<int32_t> BpeTokenizer::apply(std::span<const int32_t> base_tokens) const {
  check_tokens(base_tokens, base_->vocab_size(), base_->name());
  const std::vector<size_t> starts = bpe_word_starts(base_->name(), base_tokens);
  std::vector<int32_t> out, word;
  out.reserve(base_tokens.size());
  for (size_t k = 0; k < starts.size(); ++k) {
    const size_t end = k + 1 < starts.size() ? starts[k + 1] : base_tokens.size();
    word.assign(base_tokens.begin() + starts[k], base_tokens.begin() + end);
    apply_to_word(word);
    out.insert(out.end(), word.begin(), word.end());
  }
  return out;
}

std::vector<int32_t> BpeTokenizer::expand(std::span<const int32_t> tokens) const {
  check_tokens(tokens, vocab_size(), name());
  const int32_t b = base_->vocab_size();
  std::vector<int32_t> out;
  out.reserve(tokens.size() * 2);
  for (const int32_t t : tokens) {
    if (t < b)
      out.push_back(t);
    else
      out.insert(out.end(), expansion_[t - b].begin(), expansion_[t - b].end());
  }
  check_length(out.size(), name());
  return out;
}

std::vector<int32_t> BpeTokenizer::encode(const Score& score) const { return apply(base_->encode(score)); }

Score BpeTokenizer::decode(std::span<const int32_t> tokens) const { return base_->decode(expand(tokens)); }

std::string BpeTokenizer::token_name(int32_t token) const {
  const int32_t b = base_->vocab_size();
  if (token < b) return base_->token_name(token);
  if (token >= vocab_size()) throw std::invalid_argument(fmt::format("{} token {} out of range", name(), token));
  std::string out;
  for (const int32_t t : expansion_[token - b]) out += (out.empty() ? "" : "+") + base_->token_name(t);
  return out;
}

std::unique_ptr<BpeTokenizer> load_bpe(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error(fmt::format("{}: cannot open the BPE file", path.string()));
  std::stringstream text;
  text << in.rdbuf();
  const nlohmann::json j = nlohmann::json::parse(text.str(), nullptr, false);
  if (j.is_discarded()) throw std::runtime_error(fmt::format("{}: not JSON (a BPE file is JSON)", path.string()));
  try {
    return BpeTokenizer::from_json(j);
  } catch (const std::invalid_argument& e) {
    throw std::runtime_error(fmt::format("{}: {}", path.string(), e.what()));
  }
}

void save_bpe(const BpeTokenizer& tokenizer, const std::filesystem::path& path) {
  // One merge a line: readable and diffable, without the size of a fully indented dump.
  const nlohmann::ordered_json j = tokenizer.to_json();
  std::string text = "{\n";
  for (const auto& [key, value] : j.items()) {
    if (key == "merges") continue;
    text += fmt::format("  \"{}\": {},\n", key, value.dump());
  }
  text += "  \"merges\": [";
  for (size_t k = 0; k < tokenizer.merges().size(); ++k)
    text += fmt::format("{}\n    [{}, {}]", k ? "," : "", tokenizer.merges()[k].first, tokenizer.merges()[k].second);
  text += tokenizer.merges().empty() ? "]\n}\n" : "\n  ]\n}\n";
  serialize::write_file_atomic(path, text);
}

}  // namespace cadenza::music::repr
