#include "engine/serialize/safetensors.h"

#include <algorithm>
#include <bit>
#include <cstdint>
#include <cstring>
#include <fstream>
#include <nlohmann/json.hpp>

#include "engine/error.h"
#include "engine/serialize/atomic_file.h"

namespace cadenza::serialize {
namespace {

static_assert(std::endian::native == std::endian::little, "safetensors data is little-endian");

const char* st_dtype(DType t) {
  switch (t) {
    case DType::f32: return "F32";
    case DType::f64: return "F64";
    case DType::i32: return "I32";
    case DType::i64: return "I64";
  }
  return "?";
}

DType parse_dtype(const std::string& s, const std::string& name, const std::string& source) {
  for (DType t : {DType::f32, DType::f64, DType::i32, DType::i64})
    if (s == st_dtype(t)) return t;
  fail("{}: tensor '{}' has dtype {}, which cadenza does not support (F32, F64, I32, I64)", source, name, s);
}

// A header's "shape": a list of sizes whose product, and the product of its non-zero sizes
// (the strides), fit in int64 — a hostile header cannot overflow them downstream.
Shape parse_shape(const nlohmann::json& j, const std::string& name, const std::string& source) {
  CADENZA_CHECK(j.is_array(), "{}: tensor '{}' has shape {}, not a list of sizes", source, name, j.dump());
  Shape shape;
  uint64_t span = 1;
  for (const auto& d : j) {
    CADENZA_CHECK(d.is_number_unsigned() && d.get<uint64_t>() <= static_cast<uint64_t>(INT64_MAX),
                  "{}: tensor '{}' has shape {}, not a list of sizes", source, name, j.dump());
    const uint64_t size = d.get<uint64_t>();
    CADENZA_CHECK(
        !__builtin_mul_overflow(span, std::max<uint64_t>(size, 1), &span) && span <= static_cast<uint64_t>(INT64_MAX),
        "{}: tensor '{}' has shape {}, too large", source, name, j.dump());
    shape.push_back(static_cast<int64_t>(size));
  }
  return shape;
}

}  // namespace

namespace {

// The header and the tensors' bytes, in file order; each tensor is converted to host bytes
// only when it is written, so saving never holds a second copy of the whole model.
template <class Sink>
void emit_safetensors(const TensorMap& tensors, const Metadata& metadata, Sink&& sink) {
  nlohmann::ordered_json header = nlohmann::ordered_json::object();
  if (!metadata.empty()) header["__metadata__"] = metadata;
  size_t offset = 0;
  for (const auto& [name, t] : tensors) {
    CADENZA_CHECK(name != "__metadata__", "safetensors: '__metadata__' is reserved");
    size_t n = static_cast<size_t>(t.numel()) * dtype_size(t.dtype());
    header[name] = {{"dtype", st_dtype(t.dtype())}, {"shape", t.shape()}, {"data_offsets", {offset, offset + n}}};
    offset += n;
  }
  std::string h = header.dump();
  h.append((8 - h.size() % 8) % 8, ' ');  // keeps the data 8-byte aligned
  uint64_t len = h.size();
  sink(&len, 8);
  sink(h.data(), h.size());
  for (const auto& [_, t] : tensors) {
    std::vector<std::byte> b = host_bytes(t);
    sink(b.data(), b.size());
  }
}

}  // namespace

std::string to_safetensors(const TensorMap& tensors, const Metadata& metadata) {
  std::string out;
  emit_safetensors(tensors, metadata, [&](const void* p, size_t n) { out.append(static_cast<const char*>(p), n); });
  return out;
}

SafetensorsFile from_safetensors(std::string_view bytes, const std::string& source) {
  uint64_t len = 0;
  CADENZA_CHECK(bytes.size() >= 8, "{}: not a safetensors file (only {} bytes)", source, bytes.size());
  std::memcpy(&len, bytes.data(), 8);
  CADENZA_CHECK(len >= 2 && len <= bytes.size() - 8 && bytes[8] == '{',
                "{}: not a safetensors file (header length {} in a file of {} bytes)", source, len, bytes.size());
  nlohmann::json header = nlohmann::json::parse(bytes.substr(8, len), nullptr, /*allow_exceptions=*/false);
  CADENZA_CHECK(header.is_object(), "{}: not a safetensors file (header is not a JSON object)", source);
  std::string_view data = bytes.substr(8 + len);
  SafetensorsFile out;
  for (const auto& [name, entry] : header.items()) {
    if (name == "__metadata__") {
      CADENZA_CHECK(entry.is_object(), "{}: not a safetensors file (__metadata__ is not an object)", source);
      for (const auto& [k, v] : entry.items()) out.metadata[k] = v.is_string() ? v.get<std::string>() : v.dump();
      continue;
    }
    CADENZA_CHECK(
        entry.is_object() && entry.contains("dtype") && entry.contains("shape") && entry.contains("data_offsets"),
        "{}: not a safetensors file (entry '{}' lacks dtype/shape/data_offsets)", source, name);
    const nlohmann::json& jdtype = entry["dtype"];
    CADENZA_CHECK(jdtype.is_string(), "{}: tensor '{}' has dtype {}, not a name", source, name, jdtype.dump());
    DType dt = parse_dtype(jdtype.get<std::string>(), name, source);
    Shape shape = parse_shape(entry["shape"], name, source);
    const nlohmann::json& joff = entry["data_offsets"];
    CADENZA_CHECK(joff.is_array() && joff.size() == 2 && joff[0].is_number_unsigned() && joff[1].is_number_unsigned() &&
                      joff[0].get<uint64_t>() <= joff[1].get<uint64_t>(),
                  "{}: bad data_offsets {} for '{}'", source, joff.dump(), name);
    const uint64_t begin = joff[0].get<uint64_t>(), end = joff[1].get<uint64_t>();
    CADENZA_CHECK(end <= data.size(), "{}: truncated file: tensor '{}' needs data up to byte {}, the file holds {}",
                  source, name, end, data.size());
    // numel fits in int64 (parse_shape); its byte count may not, and then it cannot match.
    const uint64_t count = static_cast<uint64_t>(numel(shape));
    uint64_t expect = 0;
    CADENZA_CHECK(!__builtin_mul_overflow(count, dtype_size(dt), &expect) && end - begin == expect,
                  "{}: tensor '{}' of shape {} and dtype {} needs {} elements of {} bytes, has {} bytes", source, name,
                  shape_str(shape), dtype_name(dt), count, dtype_size(dt), end - begin);
    Tensor t = Tensor::empty(shape, dt);
    if (expect) std::memcpy(t.raw_data(), data.data() + begin, expect);
    out.tensors.emplace(name, t);
  }
  return out;
}

void save_safetensors(const std::filesystem::path& path, const TensorMap& tensors, const Metadata& metadata) {
  AtomicFile file(path);
  emit_safetensors(tensors, metadata, [&](const void* p, size_t n) { file.write(p, n); });
  file.commit();
}

SafetensorsFile load_safetensors(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  CADENZA_CHECK(in.good(), "{}: cannot open file", path.string());
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  return from_safetensors(bytes, path.string());
}

}  // namespace cadenza::serialize
