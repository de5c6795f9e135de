#pragma once
// The cadenza LV2 plugin (urn:cadenza:live): `cadenza live` inside a DAW. MIDI in and out
// on atom ports, the host's tempo and beat from time:Position, the modes and controls as
// control ports; inference on the host's worker thread (LV2 worker extension: run()
// schedules work, work() runs one live::Worker::tick()), the model's name in the
// session (LV2 state extension). run() is the real-time side of a live::LiveEngine and
// never allocates, locks or waits.
#include <lv2/atom/atom.h>
#include <lv2/atom/forge.h>
#include <lv2/urid/urid.h>
#include <lv2/worker/worker.h>

#include <atomic>
#include <memory>
#include <string>

#include "live/live_engine.h"

namespace cadenza::live::lv2 {

inline constexpr const char* kUri = "urn:cadenza:live";
inline constexpr const char* kModelKey = "urn:cadenza:live#model";
inline constexpr const char* kDefaultModel = "bach_chorales";

enum Port : uint32_t {
  kEventsIn = 0,
  kEventsOut,
  kMode,
  kTemperature,
  kLength,
  kDensity,
  kKey,
  kPause,
  kTempo,
  kPortCount
};

struct Uris {
  LV2_URID atom_blank, atom_object, atom_float, atom_double, atom_int, atom_long, atom_path, atom_string, atom_sequence,
      midi_event, time_position, time_bar_beat, time_bpm, time_speed, model;
  explicit Uris(const LV2_URID_Map* map);
};

struct Plugin {
  Plugin(double rate, const LV2_URID_Map* map, const LV2_Worker_Schedule* schedule);

  // Loads `name` (zoo name or run directory) and makes a fresh engine for it; throws.
  void load(const std::string& name);
  void run(uint32_t frames);

  double rate;
  const LV2_URID_Map* map;
  const LV2_Worker_Schedule* schedule;
  Uris uris;
  LV2_Atom_Forge forge{};
  std::string model_name;
  std::unique_ptr<LiveEngine> engine;
  std::array<const float*, kPortCount> controls{};
  const LV2_Atom_Sequence* in = nullptr;
  LV2_Atom_Sequence* out = nullptr;
  int64_t frame = 0;              // the running frame count: the live clock
  int64_t last_work = INT64_MIN;  // frame of the last scheduled work (INT64_MIN: none yet)
  bool host_tempo = false;        // a time:Position with a tempo has come
  std::atomic<bool> work_pending{false};
};

}  // namespace cadenza::live::lv2
