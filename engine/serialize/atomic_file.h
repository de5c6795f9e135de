#pragma once
// Crash-safe file replacement: the bytes go to a temporary file in the same directory,
// which is fsync'd and then renamed over the target (and the directory fsync'd), so a
// reader sees either the old file or the new one, never a torn mix.
#include <filesystem>
#include <string_view>

namespace cadenza::serialize {

void write_file_atomic(const std::filesystem::path& path, std::string_view bytes);

}  // namespace cadenza::serialize
