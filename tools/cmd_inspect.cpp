// cadenza inspect FILE.mid [--strict] [--json]: what a MIDI file holds.
#include <fmt/format.h>

#include <algorithm>
#include <nlohmann/json.hpp>

#include "engine/error.h"
#include "music/midi/read_midi.h"
#include "music/score/midi_convert.h"
#include "music/score/time_map.h"
#include "tools/cli_util.h"
#include "tools/commands.h"

namespace cadenza::tools {
namespace {

struct InspectOptions {
  std::string path;
  bool strict = false;
  bool json = false;
};

// One entry per MTrk chunk: its name, note count, channels (1-16) and programs.
nlohmann::json describe_tracks(const music::midi::MidiFile& file) {
  nlohmann::json tracks = nlohmann::json::array();
  for (const auto& t : file.tracks) {
    std::string name;
    size_t notes = 0;
    std::vector<int> channels, programs;
    for (const auto& e : t.events) {
      if (e.is_meta() && e.meta_type == music::midi::kMetaTrackName && name.empty())
        name.assign(e.payload.begin(), e.payload.end());
      if (!e.is_channel()) continue;
      notes += e.is_note_on();
      if (std::find(channels.begin(), channels.end(), e.channel() + 1) == channels.end())
        channels.push_back(e.channel() + 1);
      if (e.type() == 0xC0 && std::find(programs.begin(), programs.end(), e.data1) == programs.end())
        programs.push_back(e.data1);
    }
    tracks.push_back({{"name", name}, {"notes", notes}, {"channels", channels}, {"programs", programs}});
  }
  return tracks;
}

// JSON keys: format, tracks (one object per MTrk), track_count, division, notes (total),
// duration_seconds, tempo_changes, time_signatures and key_signatures (lists), parts
// (one per MTrk x channel), warnings.
nlohmann::json describe(const music::midi::MidiFile& file, const music::Score& score) {
  const music::TimeMap time(score);
  uint64_t end = static_cast<uint64_t>(score.end_tick());
  for (const auto& t : file.tracks) end = std::max(end, t.end_tick);
  nlohmann::json j;
  j["format"] = file.format;
  j["tracks"] = describe_tracks(file);
  j["track_count"] = file.tracks.size();
  j["division"] = file.division.is_smpte() ? nlohmann::json(file.division.to_string())
                                           : nlohmann::json(file.division.ticks_per_quarter);
  j["notes"] = score.note_count();
  j["duration_seconds"] = time.seconds(static_cast<int64_t>(end));
  j["tempo_changes"] = nlohmann::json::array();
  for (const auto& t : score.tempos)
    j["tempo_changes"].push_back({{"tick", t.tick}, {"seconds", time.seconds(t.tick)}, {"bpm", t.bpm()}});
  j["time_signatures"] = nlohmann::json::array();
  for (const auto& ts : score.time_signatures)
    j["time_signatures"].push_back({{"tick", ts.tick}, {"numerator", ts.numerator}, {"denominator", ts.denominator}});
  j["key_signatures"] = nlohmann::json::array();
  for (const auto& ks : score.key_signatures)
    j["key_signatures"].push_back({{"tick", ks.tick}, {"sharps", ks.sharps}, {"minor", ks.minor}});
  j["parts"] = nlohmann::json::array();
  for (const auto& t : score.tracks)
    j["parts"].push_back({{"name", t.name},
                          {"channel", t.channel + 1},
                          {"program", t.program},
                          {"drum", t.is_drum},
                          {"notes", t.notes.size()}});
  j["warnings"] = file.warnings;
  return j;
}

void print_text(const std::string& path, const nlohmann::json& j) {
  fmt::print("{}\n", path);
  fmt::print("  format {}, {} tracks, division {}\n", j["format"].get<int>(), j["track_count"].get<size_t>(),
             j["division"].dump());
  fmt::print("  {} notes, {:.2f} s\n", j["notes"].get<size_t>(), j["duration_seconds"].get<double>());
  fmt::print("  tempo map ({} changes):", j["tempo_changes"].size());
  for (const auto& t : j["tempo_changes"])
    fmt::print(" {:.2f}s={:.1f}bpm", t["seconds"].get<double>(), t["bpm"].get<double>());
  fmt::print("\n  time signatures:");
  for (const auto& t : j["time_signatures"])
    fmt::print(" tick {}={}/{}", t["tick"].get<int64_t>(), t["numerator"].get<int>(), t["denominator"].get<int>());
  fmt::print("\n  parts:\n");
  for (const auto& p : j["parts"])
    fmt::print("    ch {:2} program {:3}{} {:6} notes  {}\n", p["channel"].get<int>(), p["program"].get<int>(),
               p["drum"].get<bool>() ? " drums" : "      ", p["notes"].get<size_t>(), p["name"].get<std::string>());
}

void run(const InspectOptions& o) {
  require_file(o.path);
  music::midi::MidiFile file;
  try {
    file = music::midi::read_midi_file(o.path, {.strict = o.strict});
  } catch (const std::exception& e) {
    fail("{}: {}", o.path, e.what());
  }
  print_warnings(o.path, file.warnings);
  const nlohmann::json j = describe(file, music::score_from_midi(file));
  if (o.json) {
    // Track names are bytes in no stated encoding: replace invalid UTF-8 rather than fail.
    fmt::print("{}\n", j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
  } else {
    print_text(o.path, j);
  }
}

}  // namespace

void add_inspect_command(CLI::App& app) {
  auto options = std::make_shared<InspectOptions>();
  CLI::App* cmd = app.add_subcommand("inspect", "Show tracks, programs, notes, tempo map and duration of a MIDI file");
  cmd->add_option("file", options->path, "MIDI file")->required();
  cmd->add_flag("--strict", options->strict, "Refuse any departure from SMF 1.0 (reason and byte offset)");
  cmd->add_flag("--json", options->json, "Print one JSON object");
  cmd->callback([options] { run(*options); });
}

}  // namespace cadenza::tools
