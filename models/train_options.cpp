#include "models/train_options.h"

#include <cmath>

#include "engine/error.h"
#include "engine/storage.h"

namespace cadenza::models {

// One table of the options, so the JSON names, reading and writing cannot drift apart.
template <class F>
static void each_field(TrainOptions& o, F&& f) {
  f("steps", o.steps);
  f("lr", o.lr);
  f("warmup", o.warmup);
  f("min_lr_ratio", o.min_lr_ratio);
  f("weight_decay", o.weight_decay);
  f("optimizer", o.optimizer);
  f("beta1", o.beta1);
  f("beta2", o.beta2);
  f("clip", o.clip);
  f("log_every", o.log_every);
  f("valid_every", o.valid_every);
  f("valid_batches", o.valid_batches);
  f("patience", o.patience);
  f("checkpoint_every", o.checkpoint_every);
  f("seed", o.seed);
  f("device", o.device);
  f("init_from", o.init_from);
  f("freeze", o.freeze);
}

nlohmann::json to_json(const TrainOptions& o) {
  nlohmann::json j = nlohmann::json::object();
  TrainOptions copy = o;
  each_field(copy, [&](const char* key, const auto& v) { j[key] = v; });
  return j;
}

void update_from_json(TrainOptions& o, const nlohmann::json& j) {
  CADENZA_CHECK(j.is_object(), "training options must be a JSON object, not {}", j.dump());
  for (const auto& [key, v] : j.items()) {
    bool known = false;
    each_field(o, [&](const char* name, auto& field) {
      if (key != name) return;
      known = true;
      using T = std::decay_t<decltype(field)>;
      // Integers must be integers: 1.5 steps is a typo, not a request to round.
      if constexpr (std::is_same_v<T, std::string>)
        CADENZA_CHECK(v.is_string(), "training option '{}' must be a string, not {}", key, v.dump());
      else
        CADENZA_CHECK(v.is_number() && (std::is_floating_point_v<T> || v.is_number_integer()),
                      "training option '{}' has the wrong type: {}", key, v.dump());
      field = v.get<T>();
    });
    CADENZA_CHECK(known, "unknown training option '{}'", key);
  }
}

void validate(const TrainOptions& o) {
  CADENZA_CHECK(o.steps > 0, "steps must be positive, not {}", o.steps);
  CADENZA_CHECK(o.lr > 0 && std::isfinite(o.lr), "learning rate must be positive, not {}", o.lr);
  CADENZA_CHECK(o.warmup >= 0, "warmup must be 0 or positive, not {}", o.warmup);
  CADENZA_CHECK(o.min_lr_ratio >= 0 && o.min_lr_ratio <= 1, "min_lr_ratio must be in [0, 1], not {}", o.min_lr_ratio);
  CADENZA_CHECK(o.weight_decay >= 0, "weight_decay must be 0 or positive, not {}", o.weight_decay);
  CADENZA_CHECK(o.optimizer == "adam" || o.optimizer == "sgd", "unknown optimizer '{}' (expected adam or sgd)",
                o.optimizer);
  CADENZA_CHECK(o.beta1 >= 0 && o.beta1 < 1 && o.beta2 >= 0 && o.beta2 < 1,
                "Adam's beta1 and beta2 must lie in [0, 1), not {} and {}", o.beta1, o.beta2);
  CADENZA_CHECK(o.clip >= 0, "clip must be 0 (off) or positive, not {}", o.clip);
  CADENZA_CHECK(o.log_every > 0, "log_every must be positive, not {}", o.log_every);
  CADENZA_CHECK(o.valid_every >= 0, "valid_every must be 0 or positive, not {}", o.valid_every);
  CADENZA_CHECK(o.valid_batches >= 0, "valid_batches must be 0 or positive, not {}", o.valid_batches);
  CADENZA_CHECK(o.patience >= 0, "patience must be 0 (off) or positive, not {}", o.patience);
  CADENZA_CHECK(o.checkpoint_every > 0, "checkpoint_every must be positive, not {}", o.checkpoint_every);
  parse_device(o.device);
}

Device parse_device(const std::string& spec) {
  if (spec == "cpu") return Device::cpu();
  const std::string vk = "vulkan";
  const bool indexed = spec.size() > vk.size() + 1 && spec.compare(0, vk.size() + 1, vk + ":") == 0 &&
                       spec.find_first_not_of("0123456789", vk.size() + 1) == std::string::npos;
  CADENZA_CHECK(spec == vk || indexed, "unknown device '{}' (expected cpu, vulkan or vulkan:N)", spec);
  CADENZA_CHECK(has_backend(Device::Kind::vulkan), "device '{}' is not available: the Vulkan backend is not running",
                spec);
  // The runtime drives the one device it chose; its tensors all say vulkan:0.
  return Device::vulkan(0);
}

}  // namespace cadenza::models
