#include "ops/im2col.h"

#include <algorithm>

#include "engine/autograd.h"
#include "engine/cpu/parallel.h"
#include "engine/op_registry.h"
#include "ops/samples.h"

namespace cadenza {
namespace {
using Grads = std::vector<Tensor>;

// The positions o in [0, grid) whose image index o*s + off lies in [0, in), as [lo, hi):
// the loops over them then need no bounds test.
std::pair<int64_t, int64_t> valid_span(int64_t in, int64_t grid, int64_t s, int64_t off) {
  int64_t lo = off >= 0 ? 0 : (-off + s - 1) / s;
  int64_t hi = off >= in ? 0 : std::min(grid, (in - 1 - off) / s + 1);
  return {std::min(lo, hi), hi};
}

// Walks one (n, c) plane: for every tap k and every grid row (od, oh), calls
// fn(col_offset, inside, img_offset, lo, hi, off) where col_offset locates the row's first
// column element (from the column strides rs per tap and ls per position), inside says
// whether the image row exists (not padding), img_offset locates it (image strides is),
// and positions ow in [lo, hi) read image element (ow * stride + off) along the last axis.
template <class Fn>
void walk_plane(const WindowGeometry& g, const int64_t is[3], int64_t rs, int64_t ls, Fn&& fn) {
  const int64_t G1 = g.grid[1], G2 = g.grid[2];
  int64_t k = 0;
  for (int64_t kd = 0; kd < g.kernel[0]; ++kd)
    for (int64_t kh = 0; kh < g.kernel[1]; ++kh)
      for (int64_t kw = 0; kw < g.kernel[2]; ++kw, ++k) {
        const int64_t off0 = kd * g.dilation[0] - g.padding[0];
        const int64_t off1 = kh * g.dilation[1] - g.padding[1];
        const int64_t off2 = kw * g.dilation[2] - g.padding[2];
        const auto [lo, hi] = valid_span(g.in[2], G2, g.stride[2], off2);
        for (int64_t od = 0; od < g.grid[0]; ++od) {
          const int64_t id = od * g.stride[0] + off0;
          for (int64_t oh = 0; oh < G1; ++oh) {
            const int64_t ih = oh * g.stride[1] + off1;
            const bool inside = id >= 0 && id < g.in[0] && ih >= 0 && ih < g.in[1];
            fn(k * rs + (od * G1 + oh) * G2 * ls, inside, id * is[0] + ih * is[1], lo, hi, off2);
          }
        }
      }
}

// Strides of the spatial axes of an [N, C, *spatial] tensor, right-aligned into three
// (missing leading axes have size 1, so their stride never matters).
void spatial_strides(const Tensor& t, int64_t out[3]) {
  const int64_t nd = t.dim() - 2;
  for (int64_t i = 0; i < 3; ++i) out[i] = i < 3 - nd ? 0 : t.strides()[2 + i - (3 - nd)];
}

int64_t taps(const WindowGeometry& g) { return g.kernel[0] * g.kernel[1] * g.kernel[2]; }
int64_t positions(const WindowGeometry& g) { return g.grid[0] * g.grid[1] * g.grid[2]; }
// Planes per parallel chunk: enough that each chunk moves some 16k elements.
int64_t plane_grain(const WindowGeometry& g) {
  return std::max<int64_t>(1, 16384 / std::max<int64_t>(1, taps(g) * positions(g)));
}

// Every (n, c) plane writes only its own K rows of cols, so planes run in parallel.
void unfold_cpu(const Tensor& x, const Tensor& cols, const WindowGeometry& g) {
  const int64_t C = x.size(1), K = taps(g), L = positions(g), G2 = g.grid[2], s2 = g.stride[2];
  int64_t is[3];
  spatial_strides(x, is);
  dispatch_float(x.dtype(), "unfold", [&]<class T>() {
    const T* xp = x.data<T>();
    T* cp = cols.data<T>();
    const int64_t sn = x.strides()[0], sc = x.strides()[1];
    cpu::parallel_for(x.size(0) * C, plane_grain(g), [&](int64_t begin, int64_t end) {
      for (int64_t p = begin; p < end; ++p) {
        const T* img = xp + (p / C) * sn + (p % C) * sc;
        T* col = cp + p * K * L;
        walk_plane(g, is, L, 1, [&](int64_t co, bool inside, int64_t io, int64_t lo, int64_t hi, int64_t off) {
          T* c = col + co;
          if (!inside) lo = hi = 0;
          std::fill(c, c + lo, T(0));
          for (int64_t ow = lo; ow < hi; ++ow) c[ow] = img[io + (ow * s2 + off) * is[2]];
          std::fill(c + hi, c + G2, T(0));
        });
      }
    });
  });
}

// Every (n, c) plane accumulates only into its own image plane, so planes run in parallel.
void fold_cpu(const Tensor& cols, const Tensor& out, const WindowGeometry& g) {
  const int64_t C = out.size(1), K = taps(g), s2 = g.stride[2];
  const int64_t plane = g.in[0] * g.in[1] * g.in[2];
  int64_t is[3];
  spatial_strides(out, is);
  dispatch_float(cols.dtype(), "fold", [&]<class T>() {
    const T* cp = cols.data<T>();
    T* op = out.data<T>();
    const int64_t sn = cols.strides()[0], sr = cols.strides()[1], sl = cols.strides()[2];
    cpu::parallel_for(out.size(0) * C, plane_grain(g), [&](int64_t begin, int64_t end) {
      for (int64_t p = begin; p < end; ++p) {
        T* img = op + p * plane;
        const T* col = cp + (p / C) * sn + (p % C) * K * sr;
        std::fill(img, img + plane, T(0));
        walk_plane(g, is, sr, sl, [&](int64_t co, bool inside, int64_t io, int64_t lo, int64_t hi, int64_t off) {
          if (!inside) return;
          for (int64_t ow = lo; ow < hi; ++ow) img[io + (ow * s2 + off) * is[2]] += col[co + ow * sl];
        });
      }
    });
  });
}

WindowGeometry geometry(const Shape& in, const Window& w, const Shape& grid) {
  WindowGeometry g{};
  const int64_t nd = static_cast<int64_t>(in.size());
  for (int64_t i = 0; i < 3; ++i) {
    const int64_t a = i - (3 - nd);  // the spatial axis this slot holds, if any
    g.in[i] = a < 0 ? 1 : in[a];
    g.grid[i] = a < 0 ? 1 : grid[a];
    g.kernel[i] = a < 0 ? 1 : w.kernel[a];
    g.stride[i] = a < 0 ? 1 : w.stride[a];
    g.padding[i] = a < 0 ? 0 : w.padding[a];
    g.dilation[i] = a < 0 ? 1 : w.dilation[a];
  }
  return g;
}

Shape spatial_shape(const Tensor& x) { return Shape(x.shape().begin() + 2, x.shape().end()); }

// Window, grid and image size must agree on the number of spatial axes (1 to 3); the
// _on_grid entry points take hand-built windows, so this guards the kernels' indexing.
void check_axes(std::string_view op, const Window& w, const Shape& grid, const Shape& in) {
  const size_t nd = in.size();
  CADENZA_CHECK(
      nd >= 1 && nd <= 3 && w.kernel.size() == nd && w.stride.size() == nd && w.padding.size() == nd &&
          w.dilation.size() == nd && grid.size() == nd,
      "{}: image size {}, kernel {}, stride {}, padding {}, dilation {} and grid {} need the same 1 to 3 axes", op,
      shape_str(in), shape_str(w.kernel), shape_str(w.stride), shape_str(w.padding), shape_str(w.dilation),
      shape_str(grid));
}

int64_t spatial_rank(std::string_view op, const Tensor& x) {
  const int64_t nd = x.dim() - 2;
  CADENZA_CHECK(nd >= 1 && nd <= 3, "{}: input {} needs [N, C] and 1 to 3 spatial axes", op, shape_str(x.shape()));
  return nd;
}

}  // namespace

Kernel<void(const Tensor&, const Tensor&, const WindowGeometry&)> unfold_kernel("unfold", &unfold_cpu);
Kernel<void(const Tensor&, const Tensor&, const WindowGeometry&)> fold_kernel("fold", &fold_cpu);

Shape per_axis(std::string_view op, std::string_view what, const Shape& v, int64_t nd) {
  if (v.size() == 1) return Shape(nd, v[0]);
  CADENZA_CHECK(static_cast<int64_t>(v.size()) == nd, "{}: {} {} needs 1 or {} values", op, what, shape_str(v), nd);
  return v;
}

Window make_window(std::string_view op, int64_t nd, const Shape& kernel, const Shape& stride, const Shape& padding,
                   const Shape& dilation) {
  Window w{per_axis(op, "kernel", kernel, nd), per_axis(op, "stride", stride, nd), per_axis(op, "padding", padding, nd),
           per_axis(op, "dilation", dilation, nd)};
  auto all_at_least = [](const Shape& v, int64_t lo) {
    return std::all_of(v.begin(), v.end(), [lo](int64_t e) { return e >= lo; });
  };
  CADENZA_CHECK(all_at_least(w.kernel, 1) && all_at_least(w.stride, 1) && all_at_least(w.dilation, 1) &&
                    all_at_least(w.padding, 0),
                "{}: kernel {}, stride {} and dilation {} must be >= 1 and padding {} >= 0", op, shape_str(w.kernel),
                shape_str(w.stride), shape_str(w.dilation), shape_str(w.padding));
  return w;
}

Shape window_grid(std::string_view op, const Shape& in, const Window& w) {
  Shape grid(in.size());
  for (size_t i = 0; i < in.size(); ++i) {
    const int64_t span = in[i] + 2 * w.padding[i] - w.dilation[i] * (w.kernel[i] - 1) - 1;
    CADENZA_CHECK(span >= 0, "{}: kernel {} with dilation {} is larger than the input {} padded by {}", op,
                  shape_str(w.kernel), shape_str(w.dilation), shape_str(in), shape_str(w.padding));
    grid[i] = span / w.stride[i] + 1;
  }
  return grid;
}

Tensor unfold_on_grid(const Tensor& x, const Window& w, const Shape& grid) {
  spatial_rank("unfold", x);
  CADENZA_CHECK(is_floating(x.dtype()), "unfold: expected a floating tensor, got {}", dtype_name(x.dtype()));
  const Shape in = spatial_shape(x);
  check_axes("unfold", w, grid, in);
  Tensor cols = make_tensor({x.size(0), x.size(1) * numel(w.kernel), numel(grid)}, x.dtype(), x.device());
  unfold_kernel(x.device(), x, cols, geometry(in, w, grid));
  record("unfold", {x}, {cols}, {},
         [in, w, grid](const Grads& g, const Grads&) -> Grads { return {fold_on_grid(g[0], in, w, grid)}; });
  return cols;
}

Tensor fold_on_grid(const Tensor& cols, const Shape& output_size, const Window& w, const Shape& grid) {
  check_axes("fold", w, grid, output_size);
  const int64_t K = numel(w.kernel);
  CADENZA_CHECK(cols.dim() == 3 && cols.size(1) % K == 0 && cols.size(2) == numel(grid),
                "fold: columns {} do not match [N, C*{}, {}] for kernel {} and {} window positions over {}",
                shape_str(cols.shape()), K, numel(grid), shape_str(w.kernel), shape_str(grid), shape_str(output_size));
  CADENZA_CHECK(is_floating(cols.dtype()), "fold: expected a floating tensor, got {}", dtype_name(cols.dtype()));
  Shape shape{cols.size(0), cols.size(1) / K};
  shape.insert(shape.end(), output_size.begin(), output_size.end());
  Tensor out = make_tensor(shape, cols.dtype(), cols.device());
  fold_kernel(cols.device(), cols, out, geometry(output_size, w, grid));
  record("fold", {cols}, {out}, {},
         [w, grid](const Grads& g, const Grads&) -> Grads { return {unfold_on_grid(g[0], w, grid)}; });
  return out;
}

Tensor unfold(const Tensor& x, const Shape& kernel, const Shape& stride, const Shape& padding, const Shape& dilation) {
  const Window w = make_window("unfold", spatial_rank("unfold", x), kernel, stride, padding, dilation);
  return unfold_on_grid(x, w, window_grid("unfold", spatial_shape(x), w));
}

Tensor fold(const Tensor& cols, const Shape& output_size, const Shape& kernel, const Shape& stride,
            const Shape& padding, const Shape& dilation) {
  const int64_t nd = static_cast<int64_t>(output_size.size());
  CADENZA_CHECK(nd >= 1 && nd <= 3, "fold: output size {} needs 1 to 3 spatial axes", shape_str(output_size));
  const Window w = make_window("fold", nd, kernel, stride, padding, dilation);
  return fold_on_grid(cols, output_size, w, window_grid("fold", output_size, w));
}

namespace {
using testing::uniform_input;
const bool registered = [] {
  using Inputs = std::vector<Tensor>;
  OpRegistry::add({"unfold", true, [](DType dt) {
                     return std::vector<OpSample>{
                         {"1-D k3 s2 p1",
                          {uniform_input({2, 2, 5}, dt)},
                          [](const Inputs& x) { return Inputs{unfold(x[0], {3}, {2}, {1})}; }},
                         {"2-D k2x3 s1x2 p1x0",
                          {uniform_input({2, 2, 4, 4}, dt)},
                          [](const Inputs& x) {
                            return Inputs{unfold(x[0], {2, 3}, {1, 2}, {1, 0})};
                          }},
                         {"3-D k2 p1 d2",
                          {uniform_input({1, 2, 3, 3, 3}, dt)},
                          [](const Inputs& x) { return Inputs{unfold(x[0], {2}, {1}, {1}, {2})}; }},
                     };
                   }});
  OpRegistry::add({"fold", true, [](DType dt) {
                     return std::vector<OpSample>{
                         {"1-D into 5, k3 s2 p1",
                          {uniform_input({2, 6, 3}, dt)},
                          [](const Inputs& x) { return Inputs{fold(x[0], {5}, {3}, {2}, {1})}; }},
                         {"2-D into 4x4, k2 s1x2 p1x0",
                          {uniform_input({2, 8, 10}, dt)},
                          [](const Inputs& x) {
                            return Inputs{fold(x[0], {4, 4}, {2}, {1, 2}, {1, 0})};
                          }},
                         {"3-D into 2x2x3, k2",
                          {uniform_input({1, 16, 2}, dt)},
                          [](const Inputs& x) {
                            return Inputs{fold(x[0], {2, 2, 3}, {2})};
                          }},
                     };
                   }});
  return true;
}();
}  // namespace

}  // namespace cadenza
