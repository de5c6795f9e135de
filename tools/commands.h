// One function per `cadenza` subcommand; each registers its options and its callback.
// A callback reports bad input by throwing (std::exception): main prints one line
// "cadenza: error: <what>" and exits 1.
#pragma once

#include <CLI/CLI.hpp>

namespace cadenza::tools {

void add_inspect_command(CLI::App& app);
void add_convert_command(CLI::App& app);
void add_render_command(CLI::App& app);
void add_eval_command(CLI::App& app);
void add_compare_command(CLI::App& app);
void add_train_command(CLI::App& app);
void add_sample_command(CLI::App& app);
void add_devices_command(CLI::App& app);
void add_harmonize_command(CLI::App& app);
void add_infill_command(CLI::App& app);
void add_attributes_command(CLI::App& app);
void add_transform_command(CLI::App& app);
void add_interpolate_command(CLI::App& app);
void add_corpus_command(CLI::App& app);
void add_models_command(CLI::App& app);
void add_export_command(CLI::App& app);
void add_tokenizer_command(CLI::App& app);
#ifdef CADENZA_HAVE_JACK
void add_live_command(CLI::App& app);  // JACK found at build time
#endif

}  // namespace cadenza::tools
