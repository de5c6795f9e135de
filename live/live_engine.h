#pragma once
// One live session, as the JACK client and the LV2 plugin both hold it: the controls, the
// shared channels, the real-time side (called from the host's process callback) and the
// worker thread sampling from the model.
#include <memory>
#include <string>

#include "live/channels.h"
#include "live/controls.h"
#include "live/rt_scheduler.h"
#include "live/worker.h"

namespace cadenza::live {

// A zoo name or a run directory (or one of its checkpoint files), in eval mode.
std::shared_ptr<models::Model> load_live_model(const std::string& name_or_run);

class LiveEngine {
 public:
  LiveEngine(std::shared_ptr<models::Model> model, WorkerOptions options)
      : rt_(channels_), worker_(std::move(model), controls_, channels_, options) {}
  void start() { worker_.start(); }
  void stop() { worker_.stop(); }

  Controls& controls() { return controls_; }
  Channels& channels() { return channels_; }
  RtScheduler& rt() { return rt_; }
  Worker& worker() { return worker_; }

 private:
  Controls controls_;
  Channels channels_;
  RtScheduler rt_;
  Worker worker_;  // last: stopped (joined) before the rest goes
};

}  // namespace cadenza::live
