#include "tools/commands.h"

namespace cadenza::tools {

void add_eval_command(CLI::App&) {}

}  // namespace cadenza::tools
