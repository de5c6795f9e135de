// The training option "device" and its parsing (the Vulkan runs are in tests/vulkan).
#include <catch2/catch.hpp>

#include "models/train_options.h"

using namespace cadenza;
using namespace cadenza::models;
using Catch::Matchers::Contains;

TEST_CASE("parse_device reads cpu and rejects unknown names in one line", "[models][device]") {
  CHECK(parse_device("cpu") == Device::cpu());
  CHECK_THROWS_WITH(parse_device("tpu"), Contains("unknown device 'tpu'") && Contains("vulkan:N"));
  CHECK_THROWS_WITH(parse_device("vulkan:"), Contains("unknown device"));
  CHECK_THROWS_WITH(parse_device("vulkan:x"), Contains("unknown device"));
}

TEST_CASE("the device is a training option with a JSON form", "[models][device]") {
  TrainOptions o;
  CHECK(o.device == "cpu");
  CHECK(to_json(o)["device"] == "cpu");
  update_from_json(o, {{"device", "vulkan:1"}});
  CHECK(o.device == "vulkan:1");
  CHECK_THROWS_WITH(update_from_json(o, {{"device", 0}}), Contains("'device' must be a string"));
  o.device = "gpu";
  CHECK_THROWS_WITH(validate(o), Contains("unknown device 'gpu'"));
}
