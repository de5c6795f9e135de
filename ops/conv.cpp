#include "ops/conv.h"

#include "engine/op_registry.h"
#include "ops/binary.h"
#include "ops/im2col.h"
#include "ops/matmul.h"
#include "ops/samples.h"
#include "ops/view.h"

namespace cadenza {
namespace {

// What conv and conv_transpose share once their operands are checked.
struct ConvShapes {
  int64_t N, Cin, Cout, groups, taps;
  Shape in, kernel;  // spatial sizes of the input and of the kernel
};

// Checks x [N, Cin, *in], w and bias for an `nd`-axis convolution. w is
// [Cout, Cin/groups, *kernel], or [Cin, Cout/groups, *kernel] when transposed.
ConvShapes check_conv(std::string_view op, int64_t nd, const Tensor& x, const Tensor& w, const Tensor& bias,
                      int64_t groups, bool transposed) {
  CADENZA_CHECK(x.dim() == nd + 2, "{}: input {} should be [N, C] and {} spatial axes", op, shape_str(x.shape()), nd);
  CADENZA_CHECK(w.dim() == nd + 2, "{}: weight {} should be [C_out, C_in] and {} kernel axes", op, shape_str(w.shape()),
                nd);
  CADENZA_CHECK(x.dtype() == w.dtype() && x.device() == w.device(),
                "{}: input {} ({} on {}) and weight {} ({} on {}) differ", op, shape_str(x.shape()),
                dtype_name(x.dtype()), x.device().str(), shape_str(w.shape()), dtype_name(w.dtype()), w.device().str());
  CADENZA_CHECK(groups >= 1, "{}: groups {} must be >= 1", op, groups);
  const int64_t cin = x.size(1);
  const int64_t expect_cin = transposed ? w.size(0) : w.size(1) * groups;
  const int64_t cout = transposed ? w.size(1) * groups : w.size(0);
  CADENZA_CHECK(
      cin == expect_cin && cin % groups == 0 && cout % groups == 0,
      "{}: input {} has {} channels but weight {} expects {} (groups {}, which must divide both channel counts)", op,
      shape_str(x.shape()), cin, shape_str(w.shape()), expect_cin, groups);
  if (bias.defined()) {
    CADENZA_CHECK(bias.dim() == 1 && bias.size(0) == cout, "{}: bias {} should be [{}] for weight {}", op,
                  shape_str(bias.shape()), cout, shape_str(w.shape()));
  }
  Shape kernel(w.shape().begin() + 2, w.shape().end());
  return {x.size(0), cin, cout, groups, numel(kernel), Shape(x.shape().begin() + 2, x.shape().end()), kernel};
}

// [N, C] followed by the spatial sizes.
Shape batch_channels(int64_t n, int64_t c, const Shape& spatial) {
  Shape s{n, c};
  s.insert(s.end(), spatial.begin(), spatial.end());
  return s;
}

Tensor add_bias(const Tensor& y, const Tensor& bias) {
  if (!bias.defined()) return y;
  Shape s(y.dim() - 1, 1);
  s[0] = bias.size(0);
  return add(y, reshape(bias, s));
}

// unfold, then per group [Cout/G, Cin/G * K] @ [Cin/G * K, L] for every sample.
Tensor conv_nd(std::string_view op, int64_t nd, const Tensor& x, const Tensor& w, const Tensor& bias,
               const ConvOptions& o) {
  const ConvShapes s = check_conv(op, nd, x, w, bias, o.groups, false);
  const Window win = make_window(op, nd, s.kernel, o.stride, o.padding, o.dilation);
  const Shape grid = window_grid(op, s.in, win);
  const int64_t G = s.groups, rows = s.Cin / G * s.taps;
  Tensor cols = reshape(unfold_on_grid(x, win, grid), {s.N, G, rows, numel(grid)});
  Tensor y = matmul(reshape(w, {G, s.Cout / G, rows}), cols);  // [N, G, Cout/G, L]
  return add_bias(reshape(y, batch_channels(s.N, s.Cout, grid)), bias);
}

// Per group [Cin/G, Cout/G * K]^T @ [Cin/G, L_in] gives every output tap of every input
// position; fold sums them into place. The grid of window positions is the input itself,
// which is why output_padding may exceed the stride (up to the dilation) as in PyTorch.
Tensor conv_transpose_nd(std::string_view op, int64_t nd, const Tensor& x, const Tensor& w, const Tensor& bias,
                         const ConvTransposeOptions& o) {
  const ConvShapes s = check_conv(op, nd, x, w, bias, o.groups, true);
  const Window win = make_window(op, nd, s.kernel, o.stride, o.padding, o.dilation);
  const Shape extra = per_axis(op, "output_padding", o.output_padding, nd);
  Shape out(nd);
  for (int64_t i = 0; i < nd; ++i) {
    CADENZA_CHECK(extra[i] >= 0 && (extra[i] < win.stride[i] || extra[i] < win.dilation[i]),
                  "{}: output_padding {} must be >= 0 and below stride {} or dilation {}", op, shape_str(extra),
                  shape_str(win.stride), shape_str(win.dilation));
    out[i] = (s.in[i] - 1) * win.stride[i] - 2 * win.padding[i] + win.dilation[i] * (win.kernel[i] - 1) + extra[i] + 1;
    CADENZA_CHECK(out[i] >= 1, "{}: input {} with kernel {}, stride {}, padding {} and dilation {} gives no output", op,
                  shape_str(x.shape()), shape_str(win.kernel), shape_str(win.stride), shape_str(win.padding),
                  shape_str(win.dilation));
  }
  const int64_t G = s.groups, Lin = numel(s.in);
  Tensor cols = matmul(reshape(w, {G, s.Cin / G, s.Cout / G * s.taps}), reshape(x, {s.N, G, s.Cin / G, Lin}), true,
                       false);  // [N, G, Cout/G * K, L_in]
  Tensor y = fold_on_grid(reshape(cols, {s.N, s.Cout * s.taps, Lin}), out, win, s.in);
  return add_bias(y, bias);
}

}  // namespace

Tensor conv1d(const Tensor& x, const Tensor& w, const Tensor& bias, const ConvOptions& o) {
  return conv_nd("conv1d", 1, x, w, bias, o);
}
Tensor conv2d(const Tensor& x, const Tensor& w, const Tensor& bias, const ConvOptions& o) {
  return conv_nd("conv2d", 2, x, w, bias, o);
}
Tensor conv3d(const Tensor& x, const Tensor& w, const Tensor& bias, const ConvOptions& o) {
  return conv_nd("conv3d", 3, x, w, bias, o);
}
Tensor conv_transpose1d(const Tensor& x, const Tensor& w, const Tensor& bias, const ConvTransposeOptions& o) {
  return conv_transpose_nd("conv_transpose1d", 1, x, w, bias, o);
}
Tensor conv_transpose2d(const Tensor& x, const Tensor& w, const Tensor& bias, const ConvTransposeOptions& o) {
  return conv_transpose_nd("conv_transpose2d", 2, x, w, bias, o);
}
Tensor conv_transpose3d(const Tensor& x, const Tensor& w, const Tensor& bias, const ConvTransposeOptions& o) {
  return conv_transpose_nd("conv_transpose3d", 3, x, w, bias, o);
}

namespace {
using testing::uniform_input;
using Inputs = std::vector<Tensor>;
using ConvFn = Tensor (*)(const Tensor&, const Tensor&, const Tensor&, const ConvOptions&);
using ConvTransposeFn = Tensor (*)(const Tensor&, const Tensor&, const Tensor&, const ConvTransposeOptions&);

// A sample feeding input x, weight w and a bias of `channels` to `fn` with options `o`.
template <class Fn, class Options>
OpSample conv_sample(std::string label, DType dt, const Shape& x, const Shape& w, int64_t channels, Fn fn, Options o) {
  return {std::move(label),
          {uniform_input(x, dt), uniform_input(w, dt), uniform_input({channels}, dt)},
          [fn, o](const Inputs& in) { return Inputs{fn(in[0], in[1], in[2], o)}; }};
}

const bool registered = [] {
  auto conv = [](const char* name, auto make) { OpRegistry::add({name, true, make}); };
  conv("conv1d", [](DType dt) {
    return std::vector<OpSample>{
        conv_sample("k3 s2 p1", dt, {2, 2, 5}, {3, 2, 3}, 3, ConvFn(conv1d),
                    ConvOptions{.stride = {2}, .padding = {1}}),
        conv_sample("groups 2 dilation 2", dt, {2, 2, 5}, {2, 1, 2}, 2, ConvFn(conv1d),
                    ConvOptions{.dilation = {2}, .groups = 2}),
    };
  });
  conv("conv2d", [](DType dt) {
    return std::vector<OpSample>{
        conv_sample("k2x3 s1x2 p1 d2x1 groups 2", dt, {2, 2, 4, 4}, {2, 1, 2, 3}, 2, ConvFn(conv2d),
                    ConvOptions{.stride = {1, 2}, .padding = {1}, .dilation = {2, 1}, .groups = 2})};
  });
  conv("conv3d", [](DType dt) {
    return std::vector<OpSample>{conv_sample("k2 p0x1x0", dt, {2, 2, 3, 3, 3}, {2, 2, 2, 2, 2}, 2, ConvFn(conv3d),
                                             ConvOptions{.padding = {0, 1, 0}})};
  });
  conv("conv_transpose1d", [](DType dt) {
    return std::vector<OpSample>{
        conv_sample("k3 s2 p1 op1", dt, {2, 2, 5}, {2, 3, 3}, 3, ConvTransposeFn(conv_transpose1d),
                    ConvTransposeOptions{.stride = {2}, .padding = {1}, .output_padding = {1}}),
        conv_sample("op2 >= stride, dilation 3, groups 2", dt, {2, 2, 3}, {2, 1, 2}, 2,
                    ConvTransposeFn(conv_transpose1d),
                    ConvTransposeOptions{.output_padding = {2}, .dilation = {3}, .groups = 2}),
    };
  });
  conv("conv_transpose2d", [](DType dt) {
    return std::vector<OpSample>{conv_sample("k2 s2 p0x1 groups 2", dt, {2, 2, 3, 3}, {2, 1, 2, 2}, 2,
                                             ConvTransposeFn(conv_transpose2d),
                                             ConvTransposeOptions{.stride = {2}, .padding = {0, 1}, .groups = 2})};
  });
  conv("conv_transpose3d", [](DType dt) {
    return std::vector<OpSample>{conv_sample("k2 s1x1x2 d2x1x1", dt, {2, 2, 2, 2, 2}, {2, 2, 2, 2, 2}, 2,
                                             ConvTransposeFn(conv_transpose3d),
                                             ConvTransposeOptions{.stride = {1, 1, 2}, .dilation = {2, 1, 1}})};
  });
  return true;
}();
}  // namespace

}  // namespace cadenza
