#include "ops/matmul.h"

#include "engine/autograd.h"
#include "engine/cpu/blas.h"
#include "engine/op_registry.h"
#include "ops/copy.h"
#include "ops/reduce.h"
#include "ops/samples.h"
#include "ops/view.h"

namespace cadenza {
namespace {
using Grads = std::vector<Tensor>;

// How a [R, C] matrix view reaches BLAS: row-major with leading dimension ld, or as the
// transpose of a row-major [C, R] matrix.
struct BlasView {
  bool ok = false, trans = false;
  int64_t ld = 0;
};

BlasView blas_view(int64_t rows, int64_t cols, int64_t rs, int64_t cs) {
  if (cs == 1 && (rs >= std::max<int64_t>(cols, 1) || rows == 1))
    return {true, false, std::max(rs, std::max<int64_t>(cols, 1))};
  if (rs == 1 && (cs >= std::max<int64_t>(rows, 1) || cols == 1))
    return {true, true, std::max(cs, std::max<int64_t>(rows, 1))};
  return {};
}

void bmm_cpu(const Tensor& a, const Tensor& b, const Tensor& out) {
  const int64_t B = out.shape()[0], M = out.shape()[1], N = out.shape()[2], K = a.shape()[2];
  dispatch_float(a.dtype(), "matmul", [&]<class T>() {
    BlasView va = blas_view(M, K, a.strides()[1], a.strides()[2]);
    BlasView vb = blas_view(K, N, b.strides()[1], b.strides()[2]);
    Tensor ac = va.ok ? a : contiguous_untracked(a), bc = vb.ok ? b : contiguous_untracked(b);
    if (!va.ok) va = blas_view(M, K, ac.strides()[1], ac.strides()[2]);
    if (!vb.ok) vb = blas_view(K, N, bc.strides()[1], bc.strides()[2]);
    if (K == 0) {
      std::fill(out.data<T>(), out.data<T>() + out.numel(), T(0));
      return;
    }
    cpu::gemm_batched<T>(B, va.trans, vb.trans, M, N, K, T(1), ac.data<T>(), va.ld, ac.strides()[0], bc.data<T>(),
                         vb.ld, bc.strides()[0], T(0), out.data<T>(), N, M * N);
  });
}

// Batched product of a [..., M, K] and b [..., K, N] (both at least 2-D), no history.
Tensor matmul_raw(const Tensor& a, const Tensor& b) {
  CADENZA_CHECK(a.dtype() == b.dtype(), "matmul: dtypes {} and {} differ", dtype_name(a.dtype()),
                dtype_name(b.dtype()));
  CADENZA_CHECK(a.device() == b.device(), "matmul: tensors on {} and {}", a.device().str(), b.device().str());
  int64_t M = a.size(-2), K = a.size(-1), K2 = b.size(-2), N = b.size(-1);
  CADENZA_CHECK(K == K2, "matmul: shapes {} and {} do not chain ({} vs {})", shape_str(a.shape()), shape_str(b.shape()),
                K, K2);
  Shape ba(a.shape().begin(), a.shape().end() - 2), bb(b.shape().begin(), b.shape().end() - 2);
  Shape batch = broadcast_shapes("matmul", ba, bb);
  int64_t nb = numel(batch);
  // Views t as [nb, r, c]; its batch axes must collapse into one stride, else they are
  // made dense (only happens for a partly broadcast batch).
  auto as3 = [&](const Tensor& t, int64_t r, int64_t c) {
    Shape full = batch;
    full.push_back(r);
    full.push_back(c);
    Tensor e = expand(t.detach(), full);
    auto collapse = [&](const Tensor& v, int64_t& stride) {
      int64_t expect = -1;
      stride = 0;
      for (int64_t d = static_cast<int64_t>(batch.size()) - 1; d >= 0; --d) {
        if (batch[d] == 1) continue;
        if (expect >= 0 && v.strides()[d] != expect) return false;
        if (expect < 0) stride = v.strides()[d];
        expect = v.strides()[d] * batch[d];
      }
      return true;
    };
    int64_t bstride = 0;
    if (!collapse(e, bstride)) {
      e = contiguous_untracked(e);
      collapse(e, bstride);
    }
    size_t nd = batch.size();
    return e.as_strided({nb, r, c}, {bstride, e.strides()[nd], e.strides()[nd + 1]}, e.offset());
  };
  Tensor a3 = as3(a, M, K), b3 = as3(b, K, N);
  Shape out_shape = batch;
  out_shape.push_back(M);
  out_shape.push_back(N);
  Tensor out = make_tensor(out_shape, a.dtype(), a.device());
  bmm_kernel(a.device(), a3, b3, out.as_strided({nb, M, N}, {M * N, N, 1}, 0));
  return out;
}

}  // namespace

Kernel<void(const Tensor&, const Tensor&, const Tensor&)> bmm_kernel("bmm", &bmm_cpu);

Tensor matmul(const Tensor& a, const Tensor& b) {
  CADENZA_CHECK(a.dim() >= 1 && b.dim() >= 1, "matmul: needs tensors of rank >= 1, got {} and {}", shape_str(a.shape()),
                shape_str(b.shape()));
  if (a.dim() == 1) return squeeze(matmul(unsqueeze(a, 0), b), -2);
  if (b.dim() == 1) return squeeze(matmul(a, unsqueeze(b, 1)), -1);
  if (b.dim() == 2 && a.dim() > 2 && a.is_contiguous()) {
    // Rows of a batch times one matrix (a linear layer over [..., M, K]): one product of all
    // the rows, so the matrix is read (and packed) once, and its gradient is one product
    // over every row rather than a product per batch entry summed afterwards.
    Shape out = a.shape();
    out.back() = b.size(-1);
    return reshape(matmul(reshape(a, {-1, a.size(-1)}), b), out);
  }
  Tensor y = matmul_raw(a, b);
  record("matmul", {a, b}, {y}, {a, b}, [](const Grads& g, const Grads& s) -> Grads {
    return {sum_to(matmul(g[0], s[1], false, true), s[0].shape()),
            sum_to(matmul(s[0], g[0], true, false), s[1].shape())};
  });
  return y;
}

Tensor matmul(const Tensor& a, const Tensor& b, bool trans_a, bool trans_b) {
  return matmul(trans_a ? transpose(a, -1, -2) : a, trans_b ? transpose(b, -1, -2) : b);
}

namespace {
using testing::uniform_input;
const bool registered = [] {
  OpRegistry::add(
      {"matmul", true, [](DType dt) {
         auto f = [](const std::vector<Tensor>& x) { return std::vector<Tensor>{matmul(x[0], x[1])}; };
         auto ft = [](const std::vector<Tensor>& x) { return std::vector<Tensor>{matmul(x[0], x[1], true, true)}; };
         return std::vector<OpSample>{
             {"[3,4] @ [4,5]", {uniform_input({3, 4}, dt), uniform_input({4, 5}, dt)}, f},
             {"[2,1,3,4] @ [3,4,2] broadcast", {uniform_input({2, 1, 3, 4}, dt), uniform_input({3, 4, 2}, dt)}, f},
             {"[2,3,4] @ [4,5] rows of a batch", {uniform_input({2, 3, 4}, dt), uniform_input({4, 5}, dt)}, f},
             {"[4] @ [4,3] vector", {uniform_input({4}, dt), uniform_input({4, 3}, dt)}, f},
             {"[2,4,3]^T @ [2,5,4]^T", {uniform_input({2, 4, 3}, dt), uniform_input({2, 5, 4}, dt)}, ft},
         };
       }});
  return true;
}();
}  // namespace

}  // namespace cadenza
