// The `cadenza` program: one binary, one subcommand per job (see commands.h).
#include <fmt/format.h>

#include <algorithm>
#include <cstdio>
#include <exception>
#include <string>

#include "tools/commands.h"
#include "tools/plugin.h"

namespace {

int report_error(std::string reason) {
  std::replace(reason.begin(), reason.end(), '\n', ' ');  // one line, always
  fmt::print(stderr, "cadenza: error: {}\n", reason);
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"cadenza: deep learning for symbolic music"};
  app.require_subcommand(1);
  cadenza::tools::add_plugin_option(app);
  cadenza::tools::add_inspect_command(app);
  cadenza::tools::add_convert_command(app);
  cadenza::tools::add_render_command(app);
  cadenza::tools::add_eval_command(app);
  cadenza::tools::add_compare_command(app);
  cadenza::tools::add_train_command(app);
  cadenza::tools::add_sample_command(app);
  cadenza::tools::add_models_command(app);
  cadenza::tools::add_harmonize_command(app);
  cadenza::tools::add_infill_command(app);
  cadenza::tools::add_attributes_command(app);
  cadenza::tools::add_transform_command(app);
  cadenza::tools::add_interpolate_command(app);
  cadenza::tools::add_corpus_command(app);
  cadenza::tools::add_export_command(app);
  cadenza::tools::add_tokenizer_command(app);
  cadenza::tools::add_devices_command(app);
#ifdef CADENZA_HAVE_JACK
  cadenza::tools::add_live_command(app);
#endif
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    return report_error(e.what());
  } catch (const std::exception& e) {
    return report_error(e.what());
  } catch (...) {
    return report_error("unknown error");
  }
  return 0;
}
