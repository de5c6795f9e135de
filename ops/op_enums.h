#pragma once
// The op enums a shader switches on, each written once as an X-macro list. Each list
// makes the C++ enum, its name table and its count (CADENZA_OP_ENUM, at the bottom), and,
// through shaders/op_enums_glsl.cpp at build time, the GLSL defines the shaders
// switch on (op_enums.glsl: `#define UNARY_EXP 1`, `#define UNARY_OP_COUNT ...`), so a
// shader's `case UNARY_EXP:` cannot drift from the C++ order. Append an entry here, then
// its CPU math (ops/<op>.cpp fails to compile without it) and its shader case.
// The GLSL generator is a host program built from this file alone: no engine includes.
#include <cstddef>
#include <cstdint>
#include <iterator>

// The lists read as tables: the formatter leaves them as written.
// clang-format off
// Elementwise functions of one tensor (ops/unary.h, shaders/unary.comp).
#define CADENZA_UNARY_OPS(X)                                                                    \
  X(neg) X(exp) X(log) X(sqrt) X(rsqrt) X(abs) X(sign) X(tanh) X(sigmoid) X(relu) X(leaky_relu) \
  X(gelu) X(softplus) X(clamp) X(pow_scalar) X(sin) X(cos) X(erf) X(square) X(reciprocal)       \
  X(log1p) X(expm1)                                                                             \
  X(silu)

// Elementwise functions of two tensors (ops/binary.h, shaders/binary.comp).
#define CADENZA_BINARY_OPS(X) \
  X(add) X(sub) X(mul) X(div) X(pow) X(maximum) X(minimum) X(eq) X(ne) X(lt) X(le) X(gt) X(ge)

// Reductions (ops/reduce.h, shaders/reduce.comp).
#define CADENZA_REDUCE_OPS(X) X(sum) X(max) X(min)

// Distributions of random_kernel (ops/random.h, shaders/random.comp).
#define CADENZA_RANDOM_DISTS(X) X(uniform) X(normal) X(bernoulli) X(randint)

// Logit filters of sampling (ops/sampling.h, shaders/logit_filter.comp).
#define CADENZA_LOGIT_FILTERS(X) X(top_k) X(top_p)
// clang-format on

// What a list makes in C++: `enum class Name : uint8_t {...}`, kNameCount (the loop bound
// and the size of every table indexed by it) and name_of(Name).
#define CADENZA_OP_ENUM_ENTRY(name) name,
#define CADENZA_OP_ENUM_STRING(name) #name,
#define CADENZA_OP_ENUM(Name, LIST)                                               \
  enum class Name : uint8_t { LIST(CADENZA_OP_ENUM_ENTRY) };                      \
  inline constexpr const char* k##Name##Names[] = {LIST(CADENZA_OP_ENUM_STRING)}; \
  inline constexpr size_t k##Name##Count = std::size(k##Name##Names);             \
  inline const char* name_of(Name e) { return k##Name##Names[static_cast<size_t>(e)]; }
