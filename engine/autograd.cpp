#include "engine/autograd.h"

#include <atomic>

#include "engine/error.h"

namespace cadenza {
namespace {

thread_local bool g_grad_enabled = true;
std::atomic<uint64_t> g_sequence{0};
AccumulatorFactory g_accumulator_factory = nullptr;

}  // namespace

bool GradMode::enabled() { return g_grad_enabled; }
void GradMode::set_enabled(bool on) { g_grad_enabled = on; }

SavedTensor::SavedTensor(const Tensor& t, bool is_output) : defined_(t.defined()) {
  if (!t.defined()) return;
  version_ = t.version();
  is_output_ = is_output;
  if (is_output) {
    data_ = t.detach();  // no strong reference to our own node
    output_nr_ = t.impl()->output_nr;
  } else {
    data_ = t;
  }
}

Tensor SavedTensor::unpack(const std::shared_ptr<Node>& owner, const std::string& op) const {
  if (!defined_) return Tensor();
  CADENZA_CHECK(!released_,
                "backward through '{}' a second time: its saved tensors were freed after the "
                "first backward; pass retain_graph=true to the first call",
                op);
  CADENZA_CHECK(data_.version() == version_,
                "a tensor that '{}' saved for backward was modified by an in-place operation "
                "(version {} now, {} when saved); clone it before modifying it",
                op, data_.version(), version_);
  if (!is_output_) return data_;
  Tensor t = data_.detach();
  t.impl()->grad_fn = owner;
  t.impl()->output_nr = output_nr_;
  t.impl()->requires_grad = true;
  return t;
}

std::vector<Tensor> FunctionNode::apply(const std::vector<Tensor>& grad_outputs) {
  CADENZA_CHECK(!released_,
                "backward through '{}' a second time: its saved tensors were freed after the "
                "first backward; pass retain_graph=true to the first call",
                name_);
  std::vector<Tensor> unpacked;
  unpacked.reserve(saved.size());
  auto self = shared_from_this();
  for (const auto& s : saved) unpacked.push_back(s.unpack(self, name_));
  return fn_(grad_outputs, unpacked);
}

void FunctionNode::release() {
  released_ = true;
  saved.clear();
  fn_ = nullptr;
}

bool needs_grad(std::initializer_list<const Tensor*> inputs) {
  if (!GradMode::enabled()) return false;
  for (const Tensor* t : inputs)
    if (t->defined() && t->requires_grad()) return true;
  return false;
}

bool needs_grad(const std::vector<Tensor>& inputs) {
  if (!GradMode::enabled()) return false;
  for (const Tensor& t : inputs)
    if (t.defined() && t.requires_grad()) return true;
  return false;
}

void set_accumulator_factory(AccumulatorFactory f) { g_accumulator_factory = f; }

Edge gradient_edge(const Tensor& t) {
  if (!t.defined() || !t.requires_grad()) return {};
  if (t.grad_fn()) return {t.grad_fn(), t.impl()->output_nr};
  std::shared_ptr<Node> acc = t.impl()->grad_accumulator.lock();
  if (!acc) {
    CADENZA_CHECK(g_accumulator_factory != nullptr, "autograd: no gradient accumulator installed");
    acc = g_accumulator_factory(t);
    t.impl()->grad_accumulator = acc;
  }
  return {acc, 0};
}

std::shared_ptr<FunctionNode> record(const std::string& name, const std::vector<Tensor>& inputs,
                                     const std::vector<Tensor>& outputs, const std::vector<Tensor>& save,
                                     BackwardFn fn) {
  if (!needs_grad(inputs)) return nullptr;
  auto node = std::make_shared<FunctionNode>(name, std::move(fn));
  node->sequence_nr = g_sequence++;
  node->next_edges.reserve(inputs.size());
  for (const Tensor& t : inputs) node->next_edges.push_back(gradient_edge(t));
  for (uint32_t i = 0; i < outputs.size(); ++i) {
    TensorImpl* o = outputs[i].impl();
    CADENZA_CHECK(o->grad_fn == nullptr, "autograd: output {} of '{}' already has a history", i, name);
    o->grad_fn = node;
    o->output_nr = i;
    o->requires_grad = true;
    node->outputs.push_back({o->shape, o->dtype, outputs[i].device()});
  }
  node->saved.reserve(save.size());
  for (const Tensor& s : save) {
    bool is_output = false;
    for (const Tensor& o : outputs) is_output |= s.defined() && s.is_same(o);
    node->saved.emplace_back(s, is_output);
  }
  return node;
}

}  // namespace cadenza
