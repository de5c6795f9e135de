#include "tools/cli_util.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>

#include "engine/error.h"
#include "engine/serialize/atomic_file.h"
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
  if (!std::filesystem::exists(path, ec)) fail("{}: no such file", path.string());
  if (!std::filesystem::is_regular_file(path, ec)) fail("{}: not a regular file", path.string());
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
    fail("{}: {}", path.string(), e.what());
  }
}

namespace {

// FILE.ext as FILE-i.ext when there are several outputs.
std::filesystem::path numbered(const std::filesystem::path& path, int64_t i, int64_t n) {
  if (n == 1) return path;
  std::filesystem::path p = path;
  return p.replace_filename(fmt::format("{}-{}{}", path.stem().string(), i, path.extension().string()));
}

}  // namespace

void MidiOutput::add_options(CLI::App& cmd, const std::string& what) {
  cmd.add_option("--out", midi, what)->required();
  cmd.add_option("--png", png, "Piano-roll picture of the output: a .png path, or none (default: --out with .png)");
}

void MidiOutput::check() const {
  const std::string ext = extension_of(midi);
  if (ext != ".mid" && ext != ".midi") fail("{}: --out must name a .mid file", midi);
  if (!png.empty() && png != "none" && extension_of(png) != ".png")
    fail("{}: --png must name a .png file, or be none", png);
}

void MidiOutput::write(const music::Score& score, int64_t i, int64_t n) const {
  const std::filesystem::path out = numbered(midi, i, n);
  if (out.has_parent_path()) std::filesystem::create_directories(out.parent_path());
  music::save_midi(score, out);
  size_t notes = 0;
  for (const auto& track : score.tracks) notes += track.notes.size();
  fmt::print("wrote {} ({} tracks, {} notes)\n", out.string(), score.tracks.size(), notes);
  if (png == "none") return;
  const std::filesystem::path picture =
      png.empty() ? std::filesystem::path(out).replace_extension(".png") : numbered(png, i, n);
  if (picture.has_parent_path()) std::filesystem::create_directories(picture.parent_path());
  music::render::write_piano_roll_png(score, picture);
  fmt::print("wrote {}\n", picture.string());
}

void write_text_file(const std::filesystem::path& path, const std::string& text) {
  serialize::write_file_atomic(path, text);
}

Device select_device(const std::string& spec) {
  if (spec.rfind("vulkan", 0) == 0) {
#ifdef CADENZA_HAVE_VULKAN
    if (const size_t colon = spec.find(':'); colon != std::string::npos && colon + 1 < spec.size())
      setenv("CADENZA_VULKAN_DEVICE", spec.substr(colon + 1).c_str(), 1);
    if (!vulkan::available()) fail("--device {}: no Vulkan device: {}", spec, vulkan::reason());
#else
    fail("--device {}: this build has no Vulkan backend", spec);
#endif
  }
  return models::parse_device(spec);  // checks the spelling
}

CLI::Option* add_checkpoint_option(CLI::App& cmd, std::string& into, const std::string& what) {
  return cmd.add_option("--checkpoint,--model", into,
                        (what.empty() ? std::string() : what + ": ") +
                            "run directory written by cadenza train (its last checkpoint), a checkpoint file in one "
                            "(DIR/best.safetensors), or a zoo model's name (cadenza models)");
}

}  // namespace cadenza::tools
