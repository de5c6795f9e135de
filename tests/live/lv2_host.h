#pragma once
// A small LV2 host on liblilv for the plugin's tests: loads the bundle from the build
// tree, maps URIDs, runs the plugin's work() on a worker thread of its own (the LV2
// worker extension, fed through a lock-free queue so that scheduling work from run()
// allocates nothing on the host's side either), and calls run() in blocks with MIDI
// and time:Position events in, collecting the MIDI that comes out with absolute frames.
#include <lilv/lilv.h>
#include <lv2/atom/forge.h>
#include <lv2/urid/urid.h>
#include <lv2/worker/worker.h>

#include <array>
#include <atomic>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "live/midi_event.h"
#include "live/spsc_queue.h"

namespace cadenza::live::test {

class Lv2Host {
 public:
  static constexpr uint32_t kBlock = 256;
  static constexpr double kRate = 48000;

  // Loads the bundle directory and instantiates the plugin of that URI.
  Lv2Host(const std::string& bundle_dir, const std::string& uri);
  ~Lv2Host();

  void set_control(uint32_t port, float value) { controls_.at(port) = value; }
  // One run() of kBlock frames with `midi` (absolute frames within the block) and, when
  // bpm > 0, a time:Position at the block's start; returns the heap allocations that
  // run() made on this thread.
  uint64_t run_block(const std::vector<MidiEvent>& midi, double bpm = 0, double bar_beat = 0);
  int64_t frame() const { return frame_; }
  const std::vector<MidiEvent>& output() const { return out_; }
  // The plugin's state as Turtle; restores a state naming `model` (true if it took).
  std::string state_turtle();
  void restore_model(const std::string& model);
  LV2_URID map(const char* uri);

 private:
  static LV2_URID map_uri(LV2_URID_Map_Handle h, const char* uri);
  static const char* unmap_uri(LV2_URID_Unmap_Handle h, LV2_URID id);
  static LV2_Worker_Status schedule(LV2_Worker_Schedule_Handle h, uint32_t size, const void* data);

  LilvWorld* world_ = nullptr;
  const LilvPlugin* plugin_ = nullptr;
  LilvInstance* instance_ = nullptr;
  std::map<std::string, LV2_URID> ids_;
  std::vector<std::string> uris_;
  LV2_URID_Map map_{this, map_uri};
  LV2_URID_Unmap unmap_{this, unmap_uri};
  LV2_Worker_Schedule schedule_{this, schedule};
  LV2_Feature map_feature_{LV2_URID__map, &map_};
  LV2_Feature unmap_feature_{LV2_URID__unmap, &unmap_};
  LV2_Feature schedule_feature_{LV2_WORKER__schedule, &schedule_};
  std::array<const LV2_Feature*, 4> features_{&map_feature_, &unmap_feature_, &schedule_feature_, nullptr};
  const LV2_Worker_Interface* worker_ = nullptr;
  SpscQueue<uint32_t, 256> work_;
  std::atomic<bool> stop_{false};
  std::thread worker_thread_;
  std::vector<float> controls_;
  alignas(16) std::array<uint8_t, 8192> in_buf_{};
  alignas(16) std::array<uint8_t, 8192> out_buf_{};
  LV2_Atom_Forge forge_{};
  std::vector<MidiEvent> out_;
  int64_t frame_ = 0;
};

}  // namespace cadenza::live::test
