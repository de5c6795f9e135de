// melody_rnn: Magenta's Melody RNN on the "melody" tokens (one-hot over NO_EVENT,
// NOTE_OFF and pitches 48..83, 16th-note grid). Config key "variant" selects
// "basic_rnn" (LSTM stack -> softmax) or "attention_rnn" (the stack inside Magenta's
// lookback attention over the last attn_length outputs). Presets from
// magenta/models/melody_rnn/melody_rnn_model.py (default_configs): basic_rnn and
// attention_rnn both use rnn_layer_sizes [128, 128] and dropout_keep_prob 0.5;
// attention_rnn adds attn_length 40. Their training hparams (batch 128, lr 1e-3,
// clip 5 basic / 3 attention) are under "train" (the trainer's batch_size and clip). Magenta's
// attention_rnn reads a key/lookback encoding; ours reads the same one-hot as basic_rnn.
#include "engine/error.h"
#include "models/common/config_read.h"
#include "models/lstm/token_rnn.h"
#include "models/registry.h"

namespace cadenza::models {
namespace {

std::shared_ptr<Model> make_melody_rnn(const nlohmann::json& config) {
  const std::string model = "melody_rnn";
  std::string variant = config.value("variant", std::string("basic_rnn"));
  CADENZA_CHECK(variant == "basic_rnn" || variant == "attention_rnn",
                "melody_rnn: unknown variant '{}' (known: attention_rnn, basic_rnn)", variant);
  TokenRnnConfig base{.tokenizer = "melody", .attn_length = variant == "attention_rnn" ? 40 : 0};
  TokenRnnConfig c = read_token_rnn_config(config, model, base);
  CADENZA_CHECK((variant == "attention_rnn") == (c.attn_length > 0),
                "melody_rnn: attn_length {} does not fit variant '{}' (basic_rnn: 0, attention_rnn: >= 1)",
                c.attn_length, variant);
  nlohmann::json json = config;
  json.merge_patch(token_rnn_config_json(c));
  json["variant"] = variant;
  return std::make_shared<TokenRnn>(model, c, json);
}

nlohmann::json melody_preset(const std::string& preset) {
  const nlohmann::json magenta_train = {{"batch_size", 128}, {"lr", 0.001}, {"clip", 5}};
  if (preset == "small")
    return {{"variant", "basic_rnn"}, {"hidden", 128}, {"num_layers", 1}, {"dropout", 0.0}, {"attn_length", 0}};
  if (preset == "paper")
    return {{"variant", "basic_rnn"}, {"hidden", 128},    {"num_layers", 2},
            {"dropout", 0.5},         {"attn_length", 0}, {"train", magenta_train}};
  if (preset == "attention")
    return {{"variant", "attention_rnn"},
            {"hidden", 128},
            {"num_layers", 2},
            {"dropout", 0.5},
            {"attn_length", 40},
            {"train", {{"batch_size", 128}, {"lr", 0.001}, {"clip", 3}}}};
  fail("melody_rnn: unknown preset '{}' (known: attention, paper, small)", preset);
}

const ModelRegistrar melody_registrar{{
    "melody_rnn",
    "Magenta Melody RNN (basic_rnn / attention_rnn) on monophonic melody tokens",
    melody_preset,
    make_melody_rnn,
}};

}  // namespace
}  // namespace cadenza::models
