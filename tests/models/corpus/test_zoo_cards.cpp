// Every number a zoo model card states is reproduced by the command it names. A card.json
// with an "eval" entry says how the model was evaluated — the split, the corpus (relative to
// the public corpora folder; absent or "" for the family's bundled corpus), the number of
// samples for a family measured by its samples (absent: a likelihood, no samples) — and the
// figures `cadenza eval --json` printed, each named by its JSON pointer ("/nll",
// "/generated/drum_pattern"); this test runs that evaluation again and compares.
#include <catch2/catch.hpp>

#include <cmath>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "run_cli.h"
#include "tests/support/test_data.h"

using cadenza::music::test::CliResult;
using cadenza::music::test::run_cadenza;
namespace fs = std::filesystem;

TEST_CASE("every zoo card's figures are what cadenza eval gives", "[zoo][corpus]") {
  const CliResult list = run_cadenza("models --json");
  REQUIRE(list.status == 0);
  int checked = 0;
  for (const auto& m : nlohmann::json::parse(list.out)) {
    const std::string name = m["name"];
    INFO(name);
    const auto card =
        nlohmann::json::parse(cadenza::test::read_bytes(fs::path(m["dir"].get<std::string>()) / "card.json"));
    if (!card.contains("eval")) continue;
    const nlohmann::json& eval = card["eval"];
    std::string command = "eval --model " + name + " --json --split " + eval["split"].get<std::string>() +
                          " --samples " + std::to_string(eval.value("samples", 0));
    if (const std::string data = eval.value("data", ""); !data.empty())
      command += " --data '" + cadenza::test::corpus(data).string() + "'";
    const CliResult run = run_cadenza(command);
    INFO(run.err);
    REQUIRE(run.status == 0);
    const auto out = nlohmann::json::parse(run.out);
    REQUIRE(eval["figures"].size() > 0);
    for (const auto& [key, stated] : eval["figures"].items()) {
      INFO(key);
      const nlohmann::json::json_pointer where(key);
      REQUIRE(out.contains(where));
      // Cards state four decimals.
      CHECK(std::abs(out[where].get<double>() - stated.get<double>()) <= 6e-5 + 1e-4 * std::abs(stated.get<double>()));
    }
    ++checked;
  }
  CHECK(checked >= 7);
}
