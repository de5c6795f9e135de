#include "tools/cli_util.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstdlib>
#include <cctype>
#include <fstream>
#include <stdexcept>

#include "models/train_options.h"
#include "music/render/piano_roll_png.h"
#include "music/score/midi_convert.h"
#ifdef CADENZA_HAVE_VULKAN
#include "engine/vulkan/runtime.h"
#endif

namespace cadenza::tools {

std::string extension_of(const std::filesystem::path& path) {
  std::string ext = path.extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return std::tolower(c); });
  return ext;
}

void require_file(const std::filesystem::path& path) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) throw std::runtime_error(fmt::format("{}: no such file", path.string()));
  if (!std::filesystem::is_regular_file(path, ec))
    throw std::runtime_error(fmt::format("{}: not a regular file", path.string()));
}

void print_warnings(const std::filesystem::path& path, const std::vector<std::string>& warnings) {
  for (const std::string& w : warnings) fmt::print(stderr, "cadenza: warning: {}: {}\n", path.string(), w);
}

music::Score read_midi_score(const std::filesystem::path& path, bool strict) {
  require_file(path);
  std::vector<std::string> warnings;
  try {
    music::Score score = music::load_midi(path, {.strict = strict}, &warnings);
    print_warnings(path, warnings);
    return score;
  } catch (const std::exception& e) {
    throw std::runtime_error(fmt::format("{}: {}", path.string(), e.what()));
  }
}

void require_midi_out(const std::filesystem::path& out) {
  const std::string ext = extension_of(out);
  if (ext != ".mid" && ext != ".midi")
    throw std::runtime_error(fmt::format("{}: --out must name a .mid file", out.string()));
}

void write_midi_and_png(const music::Score& score, const std::filesystem::path& out) {
  if (out.has_parent_path()) std::filesystem::create_directories(out.parent_path());
  const std::filesystem::path png = std::filesystem::path(out).replace_extension(".png");
  music::save_midi(score, out);
  music::render::write_piano_roll_png(score, png);
  size_t notes = 0;
  for (const auto& track : score.tracks) notes += track.notes.size();
  fmt::print("wrote {} ({} tracks, {} notes) and {}\n", out.string(), score.tracks.size(), notes, png.string());
}

void write_text_file(const std::filesystem::path& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary);
  if (!out) throw std::runtime_error(fmt::format("cannot write {}", path.string()));
  out << text;
  if (!out) throw std::runtime_error(fmt::format("error writing {}", path.string()));
}

Device select_device(const std::string& spec) {
  if (spec.rfind("vulkan", 0) == 0) {
#ifdef CADENZA_HAVE_VULKAN
    if (const size_t colon = spec.find(':'); colon != std::string::npos && colon + 1 < spec.size())
      setenv("CADENZA_VULKAN_DEVICE", spec.substr(colon + 1).c_str(), 1);
    if (!vulkan::available())
      throw std::runtime_error(fmt::format("--device {}: no Vulkan device: {}", spec, vulkan::reason()));
#else
    throw std::runtime_error(fmt::format("--device {}: this build has no Vulkan backend", spec));
#endif
  }
  return models::parse_device(spec);  // checks the spelling
}

}  // namespace cadenza::tools
