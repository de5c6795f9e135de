#include "engine/serialize/safetensors.h"

#include <bit>
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
      for (const auto& [k, v] : entry.items())
        out.metadata[k] = v.is_string() ? v.get<std::string>() : v.dump();
      continue;
    }
    CADENZA_CHECK(entry.is_object() && entry.contains("dtype") && entry.contains("shape") &&
                      entry.contains("data_offsets"),
                  "{}: not a safetensors file (entry '{}' lacks dtype/shape/data_offsets)", source, name);
    DType dt = parse_dtype(entry["dtype"].get<std::string>(), name, source);
    Shape shape = entry["shape"].get<Shape>();
    auto off = entry["data_offsets"].get<std::vector<uint64_t>>();
    CADENZA_CHECK(off.size() == 2 && off[0] <= off[1], "{}: bad data_offsets for '{}'", source, name);
    CADENZA_CHECK(off[1] <= data.size(),
                  "{}: truncated file: tensor '{}' needs data up to byte {}, the file holds {}", source, name,
                  off[1], data.size());
    uint64_t expect = static_cast<uint64_t>(numel(shape)) * dtype_size(dt);
    CADENZA_CHECK(off[1] - off[0] == expect, "{}: tensor '{}' of shape {} and dtype {} needs {} bytes, has {}",
                  source, name, shape_str(shape), dtype_name(dt), expect, off[1] - off[0]);
    Tensor t = Tensor::empty(shape, dt);
    if (expect) std::memcpy(t.raw_data(), data.data() + off[0], expect);
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
