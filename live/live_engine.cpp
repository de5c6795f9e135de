#include "live/live_engine.h"

#include "models/run_dir.h"

namespace cadenza::live {

std::shared_ptr<models::Model> load_live_model(const std::string& name_or_run) {
  return models::load_trained_model(name_or_run).model;
}

}  // namespace cadenza::live
