// music_transformer in the model registry, with its presets.
#include <fmt/format.h>

#include "engine/error.h"
#include "models/registry.h"
#include "models/transformer/music_transformer.h"

namespace cadenza::models {
namespace {

nlohmann::json preset(const std::string& name) {
  MusicTransformerConfig c;
  if (name == "small") {
    // Trains on 2 CPU cores in minutes: 4 layers, d 128, 4 heads, ff 512, distances < 256.
    return c.to_json();
  }
  if (name == "paper") {
    // Huang et al. 2018 on the Piano-e-Competition performances, as Magenta publishes its
    // hparams ("Hparams for symbolic music modeling tasks",
    // t_rel_len2048_h512_att512_fs1024_n6_dropout10): transformer_base with 6 layers,
    // hidden size 512, 8 heads, filter size 1024, dropout 0.1, relative attention
    // (dot_product_relative_v2) on 2048-token crops with max_relative_position = 2048 / 2,
    // embedding and softmax weights not shared.
    c.layers = 6;
    c.d_model = 512;
    c.heads = 8;
    c.d_ff = 1024;
    c.max_relative_position = 1024;
    c.max_length = 2048;
    c.dropout = 0.1;
    c.tie_embeddings = false;
    return c.to_json();
  }
  fail("music_transformer: unknown preset '{}' (known: paper, small)", name);
}

const ModelRegistrar registrar{{
    .name = "music_transformer",
    .description = "decoder-only Transformer with relative attention (Huang et al. 2018) on performance or REMI tokens",
    .preset = preset,
    .make = [](const nlohmann::json& config) -> std::shared_ptr<Model> {
      return std::make_shared<MusicTransformer>(MusicTransformerConfig::from_json(config));
    },
}};

}  // namespace
}  // namespace cadenza::models
