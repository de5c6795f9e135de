#include "models/vae/attribute_vectors.h"

#include <algorithm>
#include <numeric>

#include "engine/error.h"
#include "engine/serialize/safetensors.h"
#include "music/metrics/attributes.h"
#include "music/repr/melody.h"
#include "ops/ops.h"

namespace cadenza::models {
namespace fs = std::filesystem;

namespace {

constexpr int64_t kChunk = 256;  // segments per encoder / decoder call

Tensor token_rows(const std::vector<std::vector<int32_t>>& segments, size_t begin, size_t end) {
  std::vector<int64_t> flat;
  for (size_t i = begin; i < end; ++i) flat.insert(flat.end(), segments[i].begin(), segments[i].end());
  return Tensor::from_vector<int64_t>(flat, {int64_t(end - begin), int64_t(segments[begin].size())});
}

// Posterior means [N, Z] of the segments, encoded in chunks.
Tensor posterior_means(LatentModel& model, const std::vector<std::vector<int32_t>>& segments) {
  std::vector<Tensor> parts;
  for (size_t b = 0; b < segments.size(); b += kChunk)
    parts.push_back(
        model.encode(to(token_rows(segments, b, std::min(segments.size(), b + kChunk)), model.device())).first);
  return to(concat(parts, 0), Device::cpu());
}

// Greedy decodes of mu + amount * direction for every segment.
std::vector<std::vector<int32_t>> moved(LatentModel& model, const Tensor& mu, const Tensor& direction, double amount) {
  Generator unused(0);  // temperature 0 draws nothing
  const Tensor z = to(add(mu, mul(reshape(direction, {1, direction.numel()}), amount)), model.device());
  std::vector<std::vector<int32_t>> out;
  for (int64_t b = 0; b < z.size(0); b += kChunk) {
    auto part = model.decode(narrow(z, 0, b, std::min(kChunk, z.size(0) - b)), model.segment_length(), 0.0, unused);
    out.insert(out.end(), part.begin(), part.end());
  }
  return out;
}

double mean_of(const std::vector<double>& v, const std::vector<size_t>& idx) {
  double s = 0;
  for (size_t i : idx) s += v[i];
  return s / double(idx.size());
}

}  // namespace

fs::path attributes_path(const fs::path& run_dir) { return run_dir / "attributes.safetensors"; }

std::vector<std::vector<int32_t>> corpus_segments(const LatentModel& model, const DataOptions& data, DataSplit split,
                                                  int64_t max_segments) {
  DataOptions o = data;
  o.length = o.eval_length = model.segment_length();
  o.max_transpose = 0;
  Dataset corpus(model, o, DataUse::eval);
  const auto tok = music::repr::make_tokenizer(model.tokenizer());
  std::vector<std::vector<int32_t>> out;
  // Evaluation windows start at multiples of the segment length, so segments keep the
  // corpus's bar lines; a window's inputs are its first segment_length() tokens, all real
  // when every target is (the mask).
  corpus.for_each_eval_batch(split, [&](const Batch& batch) {
    const auto in = to(batch.inputs, Device::cpu()).to_vector<int64_t>();
    const auto mask = to(batch.mask, Device::cpu()).to_vector<float>();
    const int64_t T = batch.inputs.size(1);
    for (int64_t b = 0; b < batch.inputs.size(0); ++b) {
      if (max_segments > 0 && int64_t(out.size()) >= max_segments) return;
      if (std::any_of(mask.begin() + b * T, mask.begin() + (b + 1) * T, [](float m) { return m == 0; })) continue;
      std::vector<int32_t> row(in.begin() + b * T, in.begin() + (b + 1) * T);
      if (tok->decode(row).note_count() == 0) continue;
      out.push_back(std::move(row));
    }
  });
  return out;
}

double segment_attribute(const LatentModel& model, const std::string& attribute, const std::vector<int32_t>& segment) {
  const auto tok = music::repr::make_tokenizer(model.tokenizer());
  const double quarters = double(segment.size()) / music::repr::MelodyConfig{}.steps_per_quarter;
  return music::metrics::attribute(attribute, tok->decode(segment), quarters);
}

AttributeVectors compute_attribute_vectors(LatentModel& model, const std::vector<std::vector<int32_t>>& segments,
                                           const std::vector<std::string>& attributes) {
  CADENZA_CHECK(segments.size() >= 8, "attribute vectors need at least 8 melody segments, got {}", segments.size());
  for (const std::string& a : attributes) segment_attribute(model, a, segments[0]);  // unknown names throw first
  NoGradGuard no_grad;
  nn::EvalScope eval(model);
  const Tensor mu = posterior_means(model, segments);
  const size_t group = std::max<size_t>(1, segments.size() / 4);
  AttributeVectors out;
  for (const std::string& a : attributes) {
    std::vector<double> value(segments.size());
    for (size_t i = 0; i < segments.size(); ++i) value[i] = segment_attribute(model, a, segments[i]);
    std::vector<size_t> order(segments.size());
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(), [&](size_t x, size_t y) { return value[x] < value[y]; });
    const std::vector<size_t> low(order.begin(), order.begin() + group), high(order.end() - group, order.end());
    AttributeVector v;
    v.group_size = int64_t(group);
    v.low_mean = mean_of(value, low);
    v.high_mean = mean_of(value, high);
    if (!(v.high_mean > v.low_mean)) continue;  // no direction to find (e.g. no syncopation in the corpus)
    auto rows = [&](const std::vector<size_t>& idx) {
      std::vector<int64_t> i64(idx.begin(), idx.end());
      return mean(index_select(mu, 0, Tensor::from_vector<int64_t>(i64, {int64_t(i64.size())})), {0});
    };
    v.direction = contiguous(sub(rows(high), rows(low)));
    out[a] = v;
  }
  return out;
}

std::vector<int32_t> transform_segment(LatentModel& model, const std::vector<int32_t>& segment, const Tensor& direction,
                                       double amount) {
  NoGradGuard no_grad;
  nn::EvalScope eval(model);
  return moved(model, posterior_means(model, {segment}), direction, amount)[0];
}

double attribute_effect(LatentModel& model, const std::vector<std::vector<int32_t>>& segments,
                        const std::string& attribute, const Tensor& direction, double amount) {
  CADENZA_CHECK(amount != 0 && !segments.empty(), "attribute effect needs segments and a non-zero amount");
  NoGradGuard no_grad;
  nn::EvalScope eval(model);
  const Tensor mu = posterior_means(model, segments);
  const auto base = moved(model, mu, direction, 0.0), shifted = moved(model, mu, direction, amount);
  double change = 0;
  for (size_t i = 0; i < segments.size(); ++i)
    change += segment_attribute(model, attribute, shifted[i]) - segment_attribute(model, attribute, base[i]);
  return change / double(segments.size()) / amount;
}

void save_attribute_vectors(const fs::path& path, const AttributeVectors& vectors) {
  serialize::TensorMap tensors;
  nlohmann::json stats = nlohmann::json::object();
  for (const auto& [name, v] : vectors) {
    tensors[name] = v.direction;
    stats[name] = {{"group_size", v.group_size}, {"high_mean", v.high_mean}, {"low_mean", v.low_mean}};
    if (!std::isnan(v.effect)) stats[name]["effect"] = v.effect;
  }
  serialize::save_safetensors(path, tensors, {{"attributes", stats.dump()}});
}

AttributeVectors load_attribute_vectors(const fs::path& path) {
  const serialize::SafetensorsFile f = serialize::load_safetensors(path);
  const auto meta = f.metadata.find("attributes");
  CADENZA_CHECK(meta != f.metadata.end(), "{}: not an attribute-vector file (no \"attributes\" metadata)",
                path.string());
  const nlohmann::json stats = nlohmann::json::parse(meta->second, nullptr, false);
  CADENZA_CHECK(stats.is_object(), "{}: the \"attributes\" metadata is not a JSON object", path.string());
  AttributeVectors out;
  for (const auto& [name, t] : f.tensors) {
    CADENZA_CHECK(stats.contains(name) && t.dim() == 1 && t.dtype() == DType::f32,
                  "{}: tensor '{}' is not an attribute vector", path.string(), name);
    AttributeVector v;
    v.direction = t;
    const nlohmann::json& s = stats[name];
    v.group_size = s.value("group_size", int64_t(0));
    v.high_mean = s.value("high_mean", 0.0);
    v.low_mean = s.value("low_mean", 0.0);
    v.effect = s.value("effect", double(NAN));
    out[name] = v;
  }
  return out;
}

}  // namespace cadenza::models
