#include "tools/commands.h"

namespace cadenza::tools {

void add_convert_command(CLI::App&) {}

}  // namespace cadenza::tools
