#include "models/data.h"

#include <fmt/format.h>

#include <array>

#include "engine/error.h"
#include "models/data_stages.h"
#include "models/family.h"
#include "ops/copy.h"

namespace cadenza::models {
namespace fs = std::filesystem;
namespace ds = music::dataset;

namespace {

constexpr std::array<const char*, 3> kSplitNames{"train", "valid", "test"};

const char* split_name(DataSplit s) { return kSplitNames[static_cast<size_t>(s)]; }

}  // namespace

int64_t eval_window(const DataOptions& o) { return o.eval_length > 0 ? o.eval_length : o.length; }

int default_steps_per_quarter(const fs::path& path) {
  const std::string name = path.filename().string();
  if (name.find("quarter") != std::string::npos) return 1;
  if (name.find("8th") != std::string::npos) return 2;
  return 4;
}

std::string corpus_name(const fs::path& path) {
  fs::path p = path.lexically_normal();
  if (p.filename().empty()) p = p.parent_path();
  return p.filename().string();
}

void use_corpus(DataOptions& data, const fs::path& path) {
  if (corpus_name(path) != corpus_name(data.path)) data.steps_per_quarter = 0;
  data.path = path;
}

DataSplit parse_data_split(const std::string& name) {
  for (size_t i = 0; i < kSplitNames.size(); ++i)
    if (name == kSplitNames[i]) return static_cast<DataSplit>(i);
  fail("unknown split '{}' (known: train, valid, test)", name);
}

nlohmann::json to_json(const DataOptions& o) {
  return {{"path", o.path.string()},
          {"batch_size", o.batch_size},
          {"length", o.length},
          {"eval_length", o.eval_length},
          {"steps_per_quarter", o.steps_per_quarter},
          {"max_transpose", o.max_transpose},
          {"seed", o.seed},
          {"strict_data", o.strict_data}};
}

void update_from_json(DataOptions& o, const nlohmann::json& j) {
  CADENZA_CHECK(j.is_object(), "data options must be a JSON object, not {}", j.dump());
  for (const auto& [key, v] : j.items()) {
    try {
      if (key == "path")
        o.path = v.get<std::string>();
      else if (key == "batch_size")
        o.batch_size = v.get<int64_t>();
      else if (key == "length")
        o.length = v.get<int64_t>();
      else if (key == "eval_length")
        o.eval_length = v.get<int64_t>();
      else if (key == "steps_per_quarter")
        o.steps_per_quarter = v.get<int>();
      else if (key == "max_transpose")
        o.max_transpose = v.get<int>();
      else if (key == "seed")
        o.seed = v.get<uint64_t>();
      else if (key == "strict_data")
        o.strict_data = v.get<bool>();
      else
        fail("unknown data option '{}'", key);
    } catch (const nlohmann::json::exception&) {
      fail("data option '{}' has the wrong type: {}", key, v.dump());
    }
  }
}

void validate(const DataOptions& o) {
  CADENZA_CHECK(o.batch_size > 0, "batch size must be positive, not {}", o.batch_size);
  CADENZA_CHECK(o.length > 0, "sequence length must be positive, not {}", o.length);
  CADENZA_CHECK(o.eval_length >= 0, "eval_length must be 0 (the training length) or positive, not {}", o.eval_length);
  CADENZA_CHECK(o.steps_per_quarter > 0 && o.steps_per_quarter <= 96, "steps_per_quarter must be in 1..96, not {}",
                o.steps_per_quarter);
  CADENZA_CHECK(o.max_transpose >= 0 && o.max_transpose <= 12, "max_transpose must be in 0..12, not {}",
                o.max_transpose);
}

Dataset::Dataset(const Model& model, DataOptions options, DataUse use) : options_(std::move(options)) {
  if (options_.steps_per_quarter == 0) options_.steps_per_quarter = default_steps_per_quarter(options_.path);
  validate(options_);
  CADENZA_CHECK(fs::exists(options_.path), "{}: no such corpus (want a JSON piano-roll file or a folder of MIDI files)",
                options_.path.string());
  skipped_ = std::make_unique<ds::SkippedFiles>(options_.strict_data);
  // The family's own source, when it has one for this model; else the shared stages.
  const DataSourceFactory& own = family_hooks(model).data_source;
  if (own) source_ = own(model, options_, use, *skipped_);
  if (!source_) source_ = make_shared_source(model, options_, use, *skipped_);
}

Dataset::~Dataset() = default;
Dataset::Dataset(Dataset&&) noexcept = default;

Batch Dataset::next_train_batch() {
  CADENZA_CHECK(has_split(DataSplit::train), "{}: no training pieces", options_.path.string());
  return source_->next();
}
int64_t Dataset::position() const { return source_->position; }
void Dataset::seek(int64_t position) {
  CADENZA_CHECK(has_split(DataSplit::train), "{}: no training pieces", options_.path.string());
  source_->seek(position);
}
bool Dataset::has_split(DataSplit split) const { return source_->has_split(split); }

void Dataset::for_each_eval_batch(DataSplit split, const std::function<void(const Batch&)>& fn, int64_t max_batches,
                                  EvalLayout layout) const {
  CADENZA_CHECK(has_split(split), "{}: the corpus has no {} split", options_.path.string(), split_name(split));
  source_->for_each_eval_batch(split, fn, max_batches, layout);
}

Batch to_device(const Batch& batch, Device device) {
  auto move = [&](const Tensor& t) { return t.defined() ? to(t, device) : t; };
  return {move(batch.inputs), move(batch.targets), move(batch.mask), move(batch.condition), move(batch.carry)};
}

}  // namespace cadenza::models
