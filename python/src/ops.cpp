// Every op of ops/ops.h as a function of the module, and the arithmetic operators of Tensor.
// A Python number where an op takes a tensor is the op's scalar form (add(x, 1.0)).
#include <pybind11/stl.h>

#include "ops/ops.h"
#include "python/src/bindings.h"
#include "python/src/convert.h"

namespace cadenza::python {
namespace {

using T = const Tensor&;
using Binary = Tensor (*)(T, T);
using BinaryScalar = Tensor (*)(T, double);
using Unary = Tensor (*)(T);
using Reduce = Tensor (*)(T, Axes, bool);

Reduction reduction_arg(const std::string& r) {
  if (r == "mean") return Reduction::mean;
  if (r == "sum") return Reduction::sum;
  if (r == "none") return Reduction::none;
  throw Error(fmt::format("unknown reduction '{}' (expected mean, sum or none)", r));
}

// Axes from None, an int or a sequence.
Axes axes_arg(const py::object& axis) {
  if (axis.is_none()) return {};
  if (py::isinstance<py::int_>(axis)) return {axis.cast<int64_t>()};
  return axis.cast<Axes>();
}

// f(a, b) for tensors, f(a, number) through the scalar form, f(number, b) through `rscalar`.
void def_binary(py::module_& m, py::class_<Tensor>& t, const char* name, const char* doc, Binary f, BinaryScalar fs,
                Tensor (*rscalar)(double, T), const char* op, const char* rop) {
  m.def(name, f, py::arg("a"), py::arg("b"), doc);
  if (fs) m.def(name, fs, py::arg("a"), py::arg("b"), doc);
  if (op) {
    t.def(op, f, py::is_operator(), doc);
    if (fs) t.def(op, fs, py::is_operator(), doc);
  }
  if (rop && rscalar)
    t.def(
        rop, [rscalar](T b, double a) { return rscalar(a, b); }, py::is_operator(), doc);
}

// conv1d/2d/3d with torch.nn.functional's keywords.
void def_conv(py::module_& m, const char* name, Tensor (*conv)(T, T, T, const ConvOptions&), const char* doc) {
  m.def(
      name,
      [conv](T x, T w, const std::optional<Tensor>& b, const Shape& stride, const Shape& padding, const Shape& dilation,
             int64_t groups) {
        return conv(x, w, b.value_or(Tensor()), {stride, padding, dilation, groups});
      },
      py::arg("x"), py::arg("weight"), py::arg("bias") = py::none(), py::arg("stride") = Shape{1},
      py::arg("padding") = Shape{0}, py::arg("dilation") = Shape{1}, py::arg("groups") = 1, doc);
}

Tensor radd(double a, T b) { return add(b, a); }
Tensor rmul(double a, T b) { return mul(b, a); }
Tensor rpow(double a, T b) { return pow(scalar_like(b, a), b); }

}  // namespace

void bind_ops(py::module_& m) {
  auto t = py::class_<Tensor>(m.attr("Tensor"));

  def_binary(m, t, "add", "a + b, broadcasting; b may be a number", &add, static_cast<BinaryScalar>(&add), &radd,
             "__add__", "__radd__");
  def_binary(m, t, "sub", "a - b, broadcasting; b may be a number", &sub, static_cast<BinaryScalar>(&sub), &rsub,
             "__sub__", "__rsub__");
  def_binary(m, t, "mul", "a * b elementwise, broadcasting; b may be a number", &mul, static_cast<BinaryScalar>(&mul),
             &rmul, "__mul__", "__rmul__");
  def_binary(m, t, "div", "a / b elementwise, broadcasting; b may be a number", &div, static_cast<BinaryScalar>(&div),
             &rdiv, "__truediv__", "__rtruediv__");
  def_binary(m, t, "pow", "a ** b elementwise, broadcasting; b may be a number", static_cast<Binary>(&pow),
             static_cast<BinaryScalar>(&pow), &rpow, "__pow__", "__rpow__");
  def_binary(m, t, "maximum", "The elementwise larger of a and b, broadcasting", &maximum, nullptr, nullptr, nullptr,
             nullptr);
  def_binary(m, t, "minimum", "The elementwise smaller of a and b, broadcasting", &minimum, nullptr, nullptr, nullptr,
             nullptr);
  def_binary(m, t, "eq", "a == b elementwise (1 or 0 in the dtype of a)", static_cast<Binary>(&eq),
             static_cast<BinaryScalar>(&eq), nullptr, "__eq__", nullptr);
  def_binary(m, t, "ne", "a != b elementwise (1 or 0 in the dtype of a)", static_cast<Binary>(&ne),
             static_cast<BinaryScalar>(&ne), nullptr, "__ne__", nullptr);
  def_binary(m, t, "lt", "a < b elementwise (1 or 0 in the dtype of a)", static_cast<Binary>(&lt),
             static_cast<BinaryScalar>(&lt), nullptr, "__lt__", nullptr);
  def_binary(m, t, "le", "a <= b elementwise (1 or 0 in the dtype of a)", static_cast<Binary>(&le),
             static_cast<BinaryScalar>(&le), nullptr, "__le__", nullptr);
  def_binary(m, t, "gt", "a > b elementwise (1 or 0 in the dtype of a)", static_cast<Binary>(&gt),
             static_cast<BinaryScalar>(&gt), nullptr, "__gt__", nullptr);
  def_binary(m, t, "ge", "a >= b elementwise (1 or 0 in the dtype of a)", static_cast<Binary>(&ge),
             static_cast<BinaryScalar>(&ge), nullptr, "__ge__", nullptr);
  t.def("__neg__", &neg, "-x").def("__matmul__", static_cast<Binary>(&matmul), py::is_operator(), "matmul(a, b)");
  // __eq__ is elementwise, so a Tensor is not hashable by value: by identity, like torch.
  t.def(
      "__hash__", [](T x) { return std::hash<const void*>()(x.impl()); }, "By identity");
  m.def("where", &where, py::arg("cond"), py::arg("a"), py::arg("b"), "a where cond is non-zero, else b");

  const std::tuple<const char*, Unary, const char*> unary[] = {
      {"neg", &neg, "-x"},
      {"exp", &exp, "e**x"},
      {"log", &log, "The natural logarithm"},
      {"sqrt", &sqrt, "The square root"},
      {"rsqrt", &rsqrt, "1 / sqrt(x)"},
      {"abs", &abs, "|x|"},
      {"sign", &sign, "-1, 0 or 1 by the sign of x"},
      {"tanh", &tanh, "The hyperbolic tangent"},
      {"sigmoid", &sigmoid, "1 / (1 + exp(-x))"},
      {"relu", &relu, "max(x, 0)"},
      {"gelu", &gelu, "GELU (the erf form, as torch.nn.functional.gelu)"},
      {"softplus", &softplus, "log(1 + exp(x))"},
      {"sin", &sin, "The sine"},
      {"cos", &cos, "The cosine"},
      {"erf", &erf, "The error function"},
      {"square", &square, "x * x"},
      {"reciprocal", &reciprocal, "1 / x"},
      {"log1p", &log1p, "log(1 + x), accurate near 0"},
      {"expm1", &expm1, "exp(x) - 1, accurate near 0"},
      {"silu", &silu, "x * sigmoid(x)"},
  };
  for (const auto& [name, f, doc] : unary) {
    m.def(name, f, py::arg("x"), doc);
    t.def(name, f, doc);
  }
  m.def("leaky_relu", &leaky_relu, py::arg("x"), py::arg("slope") = 0.01, "x where x > 0, else slope * x");
  m.def("clamp", &clamp, py::arg("x"), py::arg("lo"), py::arg("hi"), "x limited to [lo, hi]");

  const std::tuple<const char*, Reduce, const char*> reductions[] = {
      {"sum", &sum, "The sum over axis (an int, a list, or None: all axes)"},
      {"mean", &mean, "The mean over axis (an int, a list, or None: all axes)"},
      {"max", &max, "The largest value over axis (an int, a list, or None: all axes)"},
      {"min", &min, "The smallest value over axis (an int, a list, or None: all axes)"},
      {"logsumexp", &logsumexp, "log(sum(exp(x))) over axis, computed stably"}};
  for (const auto& [name, f, doc] : reductions) {
    auto g = [f](T x, const py::object& axis, bool keepdim) { return f(x, axes_arg(axis), keepdim); };
    m.def(name, g, py::arg("x"), py::arg("axis") = py::none(), py::arg("keepdim") = false, doc);
    t.def(name, g, py::arg("axis") = py::none(), py::arg("keepdim") = false, doc);
  }
  m.def(
      "var",
      [](T x, const py::object& axis, int64_t correction, bool keepdim) {
        return var(x, axes_arg(axis), correction, keepdim);
      },
      py::arg("x"), py::arg("axis") = py::none(), py::arg("correction") = 1, py::arg("keepdim") = false,
      "The variance over axis, with Bessel's correction by default");
  m.def("argmax", &argmax, py::arg("x"), py::arg("axis"), py::arg("keepdim") = false,
        "The index of the largest value along axis (int64)");
  m.def("argmin", &argmin, py::arg("x"), py::arg("axis"), py::arg("keepdim") = false,
        "The index of the smallest value along axis (int64)");

  m.def("reshape", &reshape, py::arg("x"), py::arg("shape"),
        "x with another shape of the same size (-1: inferred); a view when the layout allows");
  t.def(
      "reshape", [](T x, const Shape& s) { return reshape(x, s); }, py::arg("shape"), "reshape(x, shape)");
  t.def(
      "view", [](T x, const Shape& s) { return reshape(x, s); }, py::arg("shape"), "reshape(x, shape)");
  m.def("flatten", &flatten, py::arg("x"), py::arg("start_axis") = 0, py::arg("end_axis") = -1,
        "Axes start_axis..end_axis merged into one");
  m.def("permute", &permute, py::arg("x"), py::arg("order"), "The axes of x in a new order (a view)");
  t.def(
      "permute", [](T x, const std::vector<int64_t>& o) { return permute(x, o); }, py::arg("order"),
      "permute(x, order)");
  m.def("transpose", &transpose, py::arg("x"), py::arg("a"), py::arg("b"), "Axes a and b swapped (a view)");
  t.def("transpose", &transpose, py::arg("a"), py::arg("b"), "transpose(x, a, b)");
  t.def_property_readonly(
      "T",
      [](T x) {
        CADENZA_CHECK(x.dim() == 2, "T: expected a matrix, got {} axes", x.dim());
        return transpose(x, 0, 1);
      },
      "The transpose of a matrix (a view)");
  m.def("narrow", &narrow, py::arg("x"), py::arg("axis"), py::arg("start"), py::arg("length"),
        "length entries of axis from start (a view)");
  m.def("select", &select, py::arg("x"), py::arg("axis"), py::arg("index"),
        "Entry index of axis, the axis removed (a view)");
  m.def("squeeze", &squeeze, py::arg("x"), py::arg("axis"), "axis (of size 1) removed");
  m.def("unsqueeze", &unsqueeze, py::arg("x"), py::arg("axis"), "A new axis of size 1 at axis");
  t.def("unsqueeze", &unsqueeze, py::arg("axis"), "unsqueeze(x, axis)")
      .def("squeeze", &squeeze, py::arg("axis"), "squeeze(x, axis)");
  m.def("expand", &expand, py::arg("x"), py::arg("shape"), "x broadcast to shape without copying");

  m.def("matmul", static_cast<Binary>(&matmul), py::arg("a"), py::arg("b"),
        "The matrix product, batched over leading axes as torch.matmul");
  m.def("matmul", static_cast<Tensor (*)(T, T, bool, bool)>(&matmul), py::arg("a"), py::arg("b"), py::arg("trans_a"),
        py::arg("trans_b"), "The matrix product of a (transposed if trans_a) and b (transposed if trans_b)");

  m.def("index_select", &index_select, py::arg("x"), py::arg("axis"), py::arg("index"),
        "The entries of axis at the int64 indices index");
  m.def("index_add", &index_add, py::arg("base"), py::arg("axis"), py::arg("index"), py::arg("src"),
        "base with src added at the indices index along axis");
  m.def("gather", &gather, py::arg("x"), py::arg("axis"), py::arg("index"),
        "out[i][j] = x[index[i][j]][j] along axis, as torch.gather");
  m.def("scatter_add", &scatter_add, py::arg("base"), py::arg("axis"), py::arg("index"), py::arg("src"),
        "base with src added at index along axis, as torch.scatter_add");
  m.def("embedding", &embedding, py::arg("weight"), py::arg("index"), "The rows of weight at the int64 indices index");
  m.def(
      "one_hot", [](T idx, int64_t n, const std::string& dtype) { return one_hot(idx, n, dtype_arg(dtype)); },
      py::arg("index"), py::arg("n"), py::arg("dtype") = "float32",
      "One-hot vectors of length n for the int64 indices index");
  m.def("masked_fill", &masked_fill, py::arg("x"), py::arg("mask"), py::arg("value"),
        "x with value where mask is non-zero");

  m.def("softmax", &softmax, py::arg("x"), py::arg("axis") = -1, "The softmax along axis");
  m.def("log_softmax", &log_softmax, py::arg("x"), py::arg("axis") = -1,
        "The log of the softmax along axis, computed stably");
  m.def(
      "cross_entropy",
      [](T logits, T target, int64_t ignore_index, double label_smoothing, const std::string& r) {
        return cross_entropy(logits, target, {ignore_index, label_smoothing, reduction_arg(r)});
      },
      py::arg("logits"), py::arg("target"), py::arg("ignore_index") = -100, py::arg("label_smoothing") = 0.0,
      py::arg("reduction") = "mean", "Cross-entropy of logits [N, C] against class indices [N], as torch's");
  m.def(
      "nll_loss",
      [](T log_probs, T target, int64_t ignore_index, const std::string& r) {
        return nll_loss(log_probs, target, ignore_index, reduction_arg(r));
      },
      py::arg("log_probs"), py::arg("target"), py::arg("ignore_index") = -100, py::arg("reduction") = "mean",
      "Negative log-likelihood of log-probabilities [N, C] at class indices [N]");
  m.def(
      "binary_cross_entropy_with_logits",
      [](T logits, T targets, const std::optional<Tensor>& pos_weight, const std::string& r) {
        return binary_cross_entropy_with_logits(logits, targets, pos_weight.value_or(Tensor()), reduction_arg(r));
      },
      py::arg("logits"), py::arg("targets"), py::arg("pos_weight") = py::none(), py::arg("reduction") = "mean",
      "Binary cross-entropy of logits against targets in [0, 1], computed stably");
  m.def(
      "mse_loss", [](T input, T target, const std::string& r) { return mse_loss(input, target, reduction_arg(r)); },
      py::arg("input"), py::arg("target"), py::arg("reduction") = "mean", "Mean squared error");

  m.def(
      "layer_norm",
      [](T x, const Shape& shape, const std::optional<Tensor>& w, const std::optional<Tensor>& b, double eps) {
        return layer_norm(x, shape, w.value_or(Tensor()), b.value_or(Tensor()), eps);
      },
      py::arg("x"), py::arg("normalized_shape"), py::arg("weight") = py::none(), py::arg("bias") = py::none(),
      py::arg("eps") = 1e-5, "Layer normalisation over the last axes, as torch.nn.functional.layer_norm");
  def_conv(m, "conv1d", &conv1d, "1-d convolution, as torch.nn.functional.conv1d");
  def_conv(m, "conv2d", &conv2d, "2-d convolution, as torch.nn.functional.conv2d");
  def_conv(m, "conv3d", &conv3d, "3-d convolution, as torch.nn.functional.conv3d");
  m.def(
      "attention",
      [](T q, T k, T v, bool causal, const std::optional<Tensor>& key_padding_mask) {
        return attention(q, k, v, causal, key_padding_mask.value_or(Tensor()));
      },
      py::arg("q"), py::arg("k"), py::arg("v"), py::arg("causal") = false, py::arg("key_padding_mask") = py::none(),
      "Scaled dot-product attention softmax(q kᵀ / sqrt(d)) v; causal masks the future, key_padding_mask the padded "
      "keys");

  m.def("contiguous", &contiguous, py::arg("x"), "x in row-major layout (x itself if already)");
  m.def("clone", &clone, py::arg("x"), "A copy of x with its own storage (differentiable)");
  m.def("concat", &concat, py::arg("tensors"), py::arg("axis") = 0, "The tensors joined along axis");
  m.def("stack", &stack, py::arg("tensors"), py::arg("axis") = 0, "The tensors stacked along a new axis");
  m.def("pad", &pad, py::arg("x"), py::arg("pads"), py::arg("value") = 0.0,
        "x padded with value: pads (before, after) per axis from the last, as torch.nn.functional.pad");

  m.def(
      "rand", [](const Shape& s, const std::string& dtype) { return rand(s, dtype_arg(dtype)); }, py::arg("shape"),
      py::arg("dtype") = "float32", "Uniform [0, 1) samples from the default generator");
  m.def(
      "randn", [](const Shape& s, const std::string& dtype) { return randn(s, dtype_arg(dtype)); }, py::arg("shape"),
      py::arg("dtype") = "float32", "Standard normal samples from the default generator");
  m.def(
      "randint", [](int64_t lo, int64_t hi, const Shape& s) { return randint(lo, hi, s); }, py::arg("lo"),
      py::arg("hi"), py::arg("shape"), "Integers uniform in [lo, hi) (int64) from the default generator");
  m.def(
      "dropout", [](T x, double p, bool training) { return dropout(x, p, training); }, py::arg("x"), py::arg("p"),
      py::arg("training") = true,
      "Inverted dropout: zeros with probability p, the rest scaled by 1 / (1 - p); x when not training");
  m.def(
      "multinomial", [](T probs, int64_t n) { return multinomial(probs, n); }, py::arg("probs"),
      py::arg("num_samples") = 1, "num_samples indices drawn per row from the probabilities probs");
  m.def(
      "sample_logits",
      [](T logits, double temperature, int64_t top_k, double top_p) {
        return sample_logits(logits, temperature, top_k, top_p);
      },
      py::arg("logits"), py::arg("temperature") = 1.0, py::arg("top_k") = 0, py::arg("top_p") = 1.0,
      "One token per row from logits / temperature, restricted to the top_k (0: off) and the nucleus top_p (1: off)");
}

}  // namespace cadenza::python
