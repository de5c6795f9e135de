#include "music/repr/tokenizer_spec.h"

#include <fmt/format.h>

#include <filesystem>
#include <stdexcept>

#include "music/repr/bpe.h"

namespace cadenza::music::repr {

std::unique_ptr<Tokenizer> tokenizer_from_spec(const nlohmann::json& spec) {
  if (spec.is_string()) return make_tokenizer(spec.get<std::string>());
  if (spec.is_object()) return BpeTokenizer::from_json(spec);
  throw std::invalid_argument(fmt::format("a tokenizer is a name or a BPE object, not {}", spec.dump().substr(0, 80)));
}

nlohmann::json tokenizer_spec(const Tokenizer& tokenizer) {
  if (const auto* bpe = dynamic_cast<const BpeTokenizer*>(&tokenizer)) return bpe->to_json();
  return tokenizer.name();
}

std::unique_ptr<Tokenizer> load_tokenizer(const std::string& name_or_path) {
  for (const char* name : {"melody", "performance", "remi", "trio"})
    if (name_or_path == name) return make_tokenizer(name);
  std::error_code ec;
  if (!std::filesystem::is_regular_file(name_or_path, ec))
    throw std::invalid_argument(
        fmt::format("tokenizer '{}' is neither a name (melody, performance, remi, trio) nor a BPE file", name_or_path));
  return load_bpe(name_or_path);
}

}  // namespace cadenza::music::repr
