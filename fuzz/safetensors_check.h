// What the safetensors fuzzer checks on every input, shared with the regression test that
// replays its seeds and findings: reading either succeeds or throws cadenza::Error (the one
// clear error load_safetensors promises); what was read writes back to bytes that read to
// the same tensors (names, dtypes, shapes, data bytes) and metadata.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>

#include "engine/error.h"
#include "engine/serialize/safetensors.h"

namespace cadenza::serialize::fuzz {

// False if the write/re-read invariant fails; exceptions other than cadenza::Error propagate.
inline bool safetensors_bytes_survive(std::span<const uint8_t> bytes) {
  SafetensorsFile file;
  try {
    file = from_safetensors(std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()), "fuzz input");
  } catch (const Error&) {
    return true;  // a clean refusal
  }
  const SafetensorsFile again = from_safetensors(to_safetensors(file.tensors, file.metadata), "rewritten");
  if (again.metadata != file.metadata || again.tensors.size() != file.tensors.size()) return false;
  for (const auto& [name, t] : file.tensors) {
    auto it = again.tensors.find(name);
    if (it == again.tensors.end()) return false;
    const Tensor& u = it->second;
    if (u.dtype() != t.dtype() || u.shape() != t.shape() || host_bytes(u) != host_bytes(t)) return false;
  }
  return true;
}

}  // namespace cadenza::serialize::fuzz
