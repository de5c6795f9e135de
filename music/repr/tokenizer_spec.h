// Naming a tokenizer, built-in or learned: a spec is a JSON value, either a built-in
// name ("remi") or a BPE tokenizer's object (bpe.h), so a model config or a corpus store
// that records the spec can rebuild the tokenizer without any other file.
#pragma once

#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "music/repr/tokenizer.h"

namespace cadenza::music::repr {

// Throws std::invalid_argument for an unknown name or a bad BPE object.
std::unique_ptr<Tokenizer> tokenizer_from_spec(const nlohmann::json& spec);
nlohmann::json tokenizer_spec(const Tokenizer& tokenizer);

// A built-in name, or else the path of a BPE file (load_bpe); throws naming both readings
// when it is neither.
std::unique_ptr<Tokenizer> load_tokenizer(const std::string& name_or_path);

}  // namespace cadenza::music::repr
