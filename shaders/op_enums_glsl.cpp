// Prints op_enums.glsl, the GLSL side of ops/op_enums.h: one `#define UNARY_EXP 1` per
// entry and `#define UNARY_OP_COUNT n` per list, so shaders switch on the C++ order itself.
// A host program run at build time by engine/vulkan/CMakeLists.txt, which puts its output
// on glslc's include path.
#include <cctype>
#include <iostream>
#include <string>

#include "ops/op_enums.h"

namespace {

std::string upper(std::string s) {
  for (char& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

struct Writer {
  std::string text;
  int next = 0;
  void list(const char* prefix, const char* count_name, auto entries) {
    next = 0;
    entries(*this, prefix);
    text += "#define " + std::string(count_name) + " " + std::to_string(next) + "\n\n";
  }
  void entry(const char* prefix, const char* name) {
    text += "#define " + std::string(prefix) + upper(name) + " " + std::to_string(next++) + "\n";
  }
};

}  // namespace

int main() {
  Writer w;
  w.text = "// Generated from ops/op_enums.h by shaders/op_enums_glsl.cpp: do not edit.\n\n";
#define CADENZA_GLSL_ENTRY(name) out.entry(p, #name);
#define CADENZA_GLSL_LIST(PREFIX, COUNT, LIST) \
  w.list(PREFIX, COUNT, [](Writer& out, const char* p) { LIST(CADENZA_GLSL_ENTRY) })
  CADENZA_GLSL_LIST("UNARY_", "UNARY_OP_COUNT", CADENZA_UNARY_OPS);
  CADENZA_GLSL_LIST("BINARY_", "BINARY_OP_COUNT", CADENZA_BINARY_OPS);
  CADENZA_GLSL_LIST("REDUCE_", "REDUCE_OP_COUNT", CADENZA_REDUCE_OPS);
  CADENZA_GLSL_LIST("RANDOM_", "RANDOM_DIST_COUNT", CADENZA_RANDOM_DISTS);
  CADENZA_GLSL_LIST("LOGIT_FILTER_", "LOGIT_FILTER_COUNT", CADENZA_LOGIT_FILTERS);
#undef CADENZA_GLSL_LIST
#undef CADENZA_GLSL_ENTRY
  std::cout << w.text;
  return std::cout.good() ? 0 : 1;
}
