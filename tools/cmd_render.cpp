#include "tools/commands.h"

namespace cadenza::tools {

void add_render_command(CLI::App&) {}

}  // namespace cadenza::tools
