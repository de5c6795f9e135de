// The layers of nn/ in the submodule cadenza._cadenza._nn. cadenza.nn (python/cadenza/nn.py)
// puts them beside its pure-Python Module, so a Python layer may hold C++ layers and the
// other way round through parameters() and state_dict().
#include <pybind11/stl.h>

#include "nn/activation.h"
#include "nn/attention.h"
#include "nn/conv.h"
#include "nn/dropout.h"
#include "nn/embedding.h"
#include "nn/linear.h"
#include "nn/norm.h"
#include "nn/rnn.h"
#include "python/src/bindings.h"
#include "python/src/convert.h"

namespace cadenza::python {
namespace {

using nn::Module;

py::object optional(const Tensor& t) { return t.defined() ? py::cast(t) : py::none(); }

template <class M, class... Extra>
py::class_<M, Module, std::shared_ptr<M>> layer(py::module_& m, const char* name, const char* doc) {
  return py::class_<M, Module, std::shared_ptr<M>>(m, name, doc);
}

// `forward` and `__call__` for a layer whose forward takes one tensor.
template <class M, class C>
void call_one(C& c) {
  auto f = [](M& self, const Tensor& x) { return self.forward(x); };
  c.def("forward", f, py::arg("x"), "The layer applied to x").def("__call__", f, py::arg("x"), "forward(x)");
}

template <class M, class Options>
void bind_conv(py::module_& m, const char* name) {
  auto c = layer<M>(m, name, "A convolution layer as torch.nn's of the same name.");
  c.def(py::init([](int64_t in, int64_t out, const Shape& kernel, const Shape& stride, const Shape& padding,
                    const Shape& dilation, int64_t groups, bool bias) {
          Options o;
          o.stride = stride;
          o.padding = padding;
          o.dilation = dilation;
          o.groups = groups;
          return std::make_shared<M>(in, out, kernel, o, bias);
        }),
        py::arg("in_channels"), py::arg("out_channels"), py::arg("kernel_size"), py::arg("stride") = Shape{1},
        py::arg("padding") = Shape{0}, py::arg("dilation") = Shape{1}, py::arg("groups") = 1, py::arg("bias") = true)
      .def_property_readonly("weight", [](const M& l) { return l.weight; })
      .def_property_readonly("bias", [](const M& l) { return optional(l.bias); });
  call_one<M>(c);
}

}  // namespace

void bind_nn(py::module_& parent) {
  py::module_ m = parent.def_submodule("_nn", "The layers of cadenza's nn/ (use cadenza.nn)");

  py::class_<Module, std::shared_ptr<Module>>(m, "Module", "A C++ layer: parameters, buffers, train/eval mode.")
      .def("named_parameters", &Module::named_parameters, "[(dotted name, tensor)] in registration order")
      .def("parameters", &Module::parameters, "The trainable tensors")
      .def("named_buffers", &Module::named_buffers, "[(dotted name, tensor)] of the non-trained state")
      .def(
          "train",
          [](Module& self, bool on) {
            self.train(on);
            return &self;
          },
          py::arg("mode") = true, py::return_value_policy::reference_internal,
          "Training mode (dropout on) or, with False, evaluation mode; returns the module")
      .def(
          "eval",
          [](Module& self) {
            self.eval();
            return &self;
          },
          py::return_value_policy::reference_internal, "Evaluation mode (dropout off); returns the module")
      .def_property_readonly("training", &Module::is_training)
      .def("state_dict", &Module::state_dict, "[(dotted name, tensor)]: parameters and buffers")
      .def("load_state_dict", &Module::load_state_dict, py::arg("state"), py::arg("strict") = true,
           "Copies the tensors of state (name to tensor) in; strict: the names must match exactly")
      .def("zero_grad", &Module::zero_grad, "Clears every parameter's gradient")
      .def("num_parameters", &Module::num_parameters, "The number of trainable elements")
      .def(
          "to",
          [](Module& self, const std::string& device) {
            self.to(device_arg(device));
            return &self;
          },
          py::arg("device"), py::return_value_policy::reference_internal,
          "Moves the parameters and buffers to a device ('cpu', 'vulkan'); returns the module");

  auto linear = layer<nn::Linear>(m, "Linear", "y = x Wᵀ + b, as torch.nn.Linear.");
  linear
      .def(py::init([](int64_t in, int64_t out, bool bias) { return std::make_shared<nn::Linear>(in, out, bias); }),
           py::arg("in_features"), py::arg("out_features"), py::arg("bias") = true)
      .def_property_readonly("weight", [](const nn::Linear& l) { return l.weight; })
      .def_property_readonly("bias", [](const nn::Linear& l) { return optional(l.bias); });
  call_one<nn::Linear>(linear);

  auto embedding = layer<nn::Embedding>(m, "Embedding", "A lookup table of vectors, as torch.nn.Embedding.");
  embedding
      .def(py::init([](int64_t n, int64_t d) { return std::make_shared<nn::Embedding>(n, d); }),
           py::arg("num_embeddings"), py::arg("embedding_dim"))
      .def_property_readonly("weight", [](const nn::Embedding& l) { return l.weight; });
  call_one<nn::Embedding>(embedding);

  auto layer_norm = layer<nn::LayerNorm>(m, "LayerNorm", "Normalisation over the last axes, as torch.nn.LayerNorm.");
  layer_norm
      .def(py::init([](const Shape& shape, double eps, bool affine) {
             return std::make_shared<nn::LayerNorm>(shape, eps, affine);
           }),
           py::arg("normalized_shape"), py::arg("eps") = 1e-5, py::arg("elementwise_affine") = true)
      .def_property_readonly("weight", [](const nn::LayerNorm& l) { return optional(l.weight); })
      .def_property_readonly("bias", [](const nn::LayerNorm& l) { return optional(l.bias); });
  call_one<nn::LayerNorm>(layer_norm);

  auto dropout = layer<nn::Dropout>(m, "Dropout", "Zeroes each element with probability p in training.");
  dropout.def(py::init([](double p) { return std::make_shared<nn::Dropout>(p); }), py::arg("p") = 0.5);
  call_one<nn::Dropout>(dropout);

  auto rnn_options = [](int64_t layers, bool bias, bool batch_first, double dropout, bool bidirectional) {
    return nn::RnnOptions{layers, bias, batch_first, dropout, bidirectional};
  };
  auto lstm = layer<nn::LSTM>(m, "LSTM", "A multi-layer LSTM, as torch.nn.LSTM (same parameter names).");
  lstm.def(py::init([rnn_options](int64_t in, int64_t hidden, int64_t layers, bool bias, bool batch_first,
                                  double dropout, bool bidirectional) {
             return std::make_shared<nn::LSTM>(in, hidden,
                                               rnn_options(layers, bias, batch_first, dropout, bidirectional));
           }),
           py::arg("input_size"), py::arg("hidden_size"), py::arg("num_layers") = 1, py::arg("bias") = true,
           py::arg("batch_first") = false, py::arg("dropout") = 0.0, py::arg("bidirectional") = false);
  auto lstm_forward = [](nn::LSTM& self, const Tensor& x, const std::optional<std::pair<Tensor, Tensor>>& state) {
    LstmState init;
    if (state) init = {state->first, state->second};
    nn::LSTM::Result r = self.forward(x, init);
    return py::make_tuple(r.output, py::make_tuple(r.state.h, r.state.c));
  };
  lstm.def("forward", lstm_forward, py::arg("x"), py::arg("state") = py::none(),
           "(output, (h_n, c_n)) from x and an optional (h_0, c_0).")
      .def("__call__", lstm_forward, py::arg("x"), py::arg("state") = py::none(), "forward(x, state)");

  auto gru = layer<nn::GRU>(m, "GRU", "A multi-layer GRU, as torch.nn.GRU.");
  gru.def(py::init([rnn_options](int64_t in, int64_t hidden, int64_t layers, bool bias, bool batch_first,
                                 double dropout, bool bidirectional) {
            return std::make_shared<nn::GRU>(in, hidden,
                                             rnn_options(layers, bias, batch_first, dropout, bidirectional));
          }),
          py::arg("input_size"), py::arg("hidden_size"), py::arg("num_layers") = 1, py::arg("bias") = true,
          py::arg("batch_first") = false, py::arg("dropout") = 0.0, py::arg("bidirectional") = false);
  auto gru_forward = [](nn::GRU& self, const Tensor& x, const std::optional<Tensor>& h0) {
    nn::GRU::Result r = self.forward(x, h0.value_or(Tensor()));
    return py::make_tuple(r.output, r.h);
  };
  gru.def("forward", gru_forward, py::arg("x"), py::arg("h0") = py::none(), "(output, h_n) from x and an optional h_0.")
      .def("__call__", gru_forward, py::arg("x"), py::arg("h0") = py::none(), "forward(x, h0)");

  auto mha = layer<nn::MultiheadAttention>(
      m, "MultiheadAttention",
      "Multi-head attention over [B, L, E] inputs (torch's batch_first=True), with optional relative positions.");
  mha.def(py::init([](int64_t e, int64_t heads, bool bias, int64_t max_rel) {
            return std::make_shared<nn::MultiheadAttention>(e, heads, nn::AttentionOptions{bias, max_rel});
          }),
          py::arg("embed_dim"), py::arg("num_heads"), py::arg("bias") = true, py::arg("max_relative_position") = 0);
  auto mha_forward = [](const nn::MultiheadAttention& self, const Tensor& q, const std::optional<Tensor>& k,
                        const std::optional<Tensor>& v, bool causal, const std::optional<Tensor>& padding) {
    return self.forward(q, k.value_or(q), v.value_or(k.value_or(q)), causal, padding.value_or(Tensor()));
  };
  mha.def("forward", mha_forward, py::arg("query"), py::arg("key") = py::none(), py::arg("value") = py::none(),
          py::arg("causal") = false, py::arg("key_padding_mask") = py::none(),
          "Attention of query over key and value (both default to query: self-attention); causal masks the "
          "future, key_padding_mask [B, S] the padded keys")
      .def("__call__", mha_forward, py::arg("query"), py::arg("key") = py::none(), py::arg("value") = py::none(),
           py::arg("causal") = false, py::arg("key_padding_mask") = py::none(), "forward(query, key, value, ...)");

  bind_conv<nn::Conv1d, ConvOptions>(m, "Conv1d");
  bind_conv<nn::Conv2d, ConvOptions>(m, "Conv2d");
  bind_conv<nn::Conv3d, ConvOptions>(m, "Conv3d");
}

}  // namespace cadenza::python
