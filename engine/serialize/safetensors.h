#pragma once
// The safetensors format (huggingface/safetensors): an 8-byte little-endian header length
// N, N bytes of JSON {"name": {"dtype": "F32", "shape": [...], "data_offsets": [b, e]},
// "__metadata__": {string: string}}, then the raw little-endian data, offsets relative to
// its start. Files written here are read by the reference implementation and vice versa
// (for the dtypes cadenza has: F32, F64, I32, I64).
#include <filesystem>
#include <map>
#include <string>

#include "engine/tensor.h"

namespace cadenza::serialize {

using TensorMap = std::map<std::string, Tensor>;
using Metadata = std::map<std::string, std::string>;

struct SafetensorsFile {
  TensorMap tensors;  // CPU, contiguous
  Metadata metadata;
};

std::string to_safetensors(const TensorMap& tensors, const Metadata& metadata = {});
// Parses a whole file's bytes; `source` names it in errors.
SafetensorsFile from_safetensors(std::string_view bytes, const std::string& source);

// Atomic write (see atomic_file.h).
void save_safetensors(const std::filesystem::path& path, const TensorMap& tensors, const Metadata& metadata = {});
// One clear error for: a missing file, not a safetensors file (bad header length or
// JSON), a truncated file (data shorter than the header says), an unsupported dtype.
SafetensorsFile load_safetensors(const std::filesystem::path& path);

}  // namespace cadenza::serialize
