#include "ops/autograd.h"

#include <map>
#include <queue>
#include <unordered_map>
#include <unordered_set>

#include "ops/binary.h"
#include "ops/copy.h"
#include "ops/view.h"

namespace cadenza {
namespace {

thread_local const std::function<void(const Tensor&)>* t_grad_ready = nullptr;  // GradReadyScope

// Adds an incoming gradient to a leaf's .grad. Holding the leaf strongly is safe: the leaf
// refers back to this node only weakly.
class AccumulateGrad final : public Node {
 public:
  explicit AccumulateGrad(Tensor leaf) : leaf_(std::move(leaf)) {}
  std::string name() const override { return "accumulate_grad"; }
  std::vector<Tensor> apply(const std::vector<Tensor>& g) override {
    Tensor incoming = GradMode::enabled() ? g[0] : g[0].detach();
    Tensor old = leaf_.grad();
    // A fresh gradient is copied so that later accumulation never writes into a tensor
    // that is also somebody's output.
    leaf_.set_grad(old.defined() ? add(old, incoming) : (GradMode::enabled() ? incoming : clone(incoming)));
    if (t_grad_ready) (*t_grad_ready)(leaf_);
    return {};
  }

 private:
  Tensor leaf_;
};

std::shared_ptr<Node> make_accumulator(const Tensor& leaf) {
  auto n = std::make_shared<AccumulateGrad>(leaf);
  n->outputs.push_back({leaf.shape(), leaf.dtype(), leaf.device()});
  return n;
}

[[maybe_unused]] const bool installed = (set_accumulator_factory(&make_accumulator), true);

// Sums the gradients arriving at one slot. A slab gradient (Node::input_slab, grad mode
// off) is added in place into a full-size buffer this walk owns: made (zeros, or a copy of
// what the slot held) on the first slab, then only the slab's part is touched. A buffer
// stops being owned when its node takes it, since a backward may pass it on unchanged.
class SlotAdder {
 public:
  void add(Tensor& slot, const Tensor& g, const TensorMeta& meta, const Node::Slab& slab) {
    if (g.shape() == meta.shape) {
      if (slot.defined()) {
        owned_.erase(slot.impl());
        slot = cadenza::add(slot, g);
      } else {
        slot = g;
      }
      return;
    }
    CADENZA_CHECK(slab.axis >= 0 && !GradMode::enabled(), "backward: a gradient of shape {} for a tensor of shape {}",
                  shape_str(g.shape()), shape_str(meta.shape));
    if (!slot.defined() || !owned_.count(slot.impl())) {
      slot = slot.defined() ? clone(slot) : Tensor::zeros(meta.shape, meta.dtype, meta.device);
      owned_.emplace(slot.impl(), slot);
    }
    Tensor part = narrow(slot, slab.axis, slab.start, g.size(slab.axis));
    copy_(part, cadenza::add(part, g));
  }
  void release(const Tensor& t) {
    if (t.defined()) owned_.erase(t.impl());
  }

 private:
  std::unordered_map<const TensorImpl*, Tensor> owned_;  // holds them: no address reuse
};

struct ByOrder {
  bool operator()(const Node* a, const Node* b) const { return a->sequence_nr < b->sequence_nr; }
};

using Capture = std::map<std::pair<Node*, uint32_t>, std::vector<size_t>>;

// The walk shared by backward() and grad(). When `captures` is non-null, gradients arriving
// at those (node, slot) pairs are stored into `captured` and accumulators do not run.
void run_backward(const std::vector<Tensor>& roots, const std::vector<Tensor>& root_grads, bool retain_graph,
                  bool create_graph, const Capture* captures, std::vector<Tensor>* captured) {
  set_accumulator_factory(&make_accumulator);
  std::vector<Edge> root_edges;
  for (const Tensor& r : roots) {
    Edge e = gradient_edge(r);
    CADENZA_CHECK(e.valid(), "backward: a root tensor does not require grad and has no grad_fn");
    root_edges.push_back(e);
  }

  // Discover the graph and count how many edges point into each node.
  std::unordered_map<Node*, int> deps;
  std::vector<Node*> stack;
  std::unordered_set<Node*> seen;
  for (const Edge& e : root_edges)
    if (seen.insert(e.node.get()).second) stack.push_back(e.node.get());
  while (!stack.empty()) {
    Node* n = stack.back();
    stack.pop_back();
    for (const Edge& e : n->next_edges) {
      if (!e.valid()) continue;
      deps[e.node.get()]++;
      if (seen.insert(e.node.get()).second) stack.push_back(e.node.get());
    }
  }

  // With captures, only nodes from which a capture point is reachable need to run.
  std::unordered_set<Node*> needed;
  if (captures) {
    std::unordered_map<Node*, bool> memo;
    std::function<bool(Node*)> reaches = [&](Node* n) -> bool {
      auto it = memo.find(n);
      if (it != memo.end()) return it->second;
      memo[n] = false;
      bool r = false;
      for (const Edge& e : n->next_edges) {
        if (!e.valid()) continue;
        if (captures->count({e.node.get(), e.input_nr})) r = true;
        if (reaches(e.node.get())) r = true;
      }
      memo[n] = r;
      return r;
    };
    for (Node* n : seen)
      if (reaches(n)) needed.insert(n);
  }

  std::unordered_map<Node*, std::vector<Tensor>> buffers;
  std::unordered_map<Node*, std::shared_ptr<Node>> keep;  // nodes stay alive while queued
  SlotAdder adder;
  auto deliver = [&](const Edge& e, const Tensor& g, const Node::Slab& slab) {
    if (!g.defined()) return;
    const TensorMeta& meta = e.node->outputs[e.input_nr];
    if (captures) {
      auto it = captures->find({e.node.get(), e.input_nr});
      if (it != captures->end())
        for (size_t idx : it->second) adder.add((*captured)[idx], g, meta, slab);
    }
    auto& buf = buffers[e.node.get()];
    if (buf.empty()) buf.resize(e.node->outputs.size());
    adder.add(buf[e.input_nr], g, meta, slab);
    keep[e.node.get()] = e.node;
  };

  GradModeGuard mode(create_graph);
  std::priority_queue<Node*, std::vector<Node*>, ByOrder> ready;
  for (size_t i = 0; i < root_edges.size(); ++i) deliver(root_edges[i], root_grads[i], {});
  for (const Edge& e : root_edges)
    if (deps[e.node.get()] == 0 && !buffers[e.node.get()].empty()) {
      deps[e.node.get()] = -1;  // queued
      ready.push(e.node.get());
    }

  while (!ready.empty()) {
    Node* n = ready.top();
    ready.pop();
    std::vector<Tensor> grads = std::move(buffers[n]);
    buffers.erase(n);
    for (const Tensor& g : grads) adder.release(g);  // n's backward may hand them on
    std::shared_ptr<Node> hold = keep[n];
    keep.erase(n);
    bool run = captures ? needed.count(n) > 0 : true;
    std::vector<Tensor> in_grads;
    if (run) {
      grads.resize(n->outputs.size());
      for (size_t i = 0; i < grads.size(); ++i)
        if (!grads[i].defined()) {
          const TensorMeta& m = n->outputs[i];
          grads[i] = Tensor::zeros(m.shape, m.dtype, m.device);
        }
      in_grads = n->apply(grads);
      if (!retain_graph) n->release();
    }
    for (size_t i = 0; i < n->next_edges.size(); ++i) {
      const Edge& e = n->next_edges[i];
      if (!e.valid()) continue;
      if (run && i < in_grads.size()) deliver(e, in_grads[i], i == 0 ? n->input_slab : Node::Slab{});
      if (--deps[e.node.get()] == 0) {
        deps[e.node.get()] = -1;
        if (!captures || needed.count(e.node.get()))
          ready.push(e.node.get());
        else
          buffers.erase(e.node.get()), keep.erase(e.node.get());
      }
    }
  }
}

std::vector<Tensor> default_grads(const std::vector<Tensor>& roots, const std::vector<Tensor>& given) {
  CADENZA_CHECK(given.empty() || given.size() == roots.size(), "grad: {} grad_outputs for {} outputs", given.size(),
                roots.size());
  std::vector<Tensor> out;
  for (size_t i = 0; i < roots.size(); ++i) {
    if (!given.empty() && given[i].defined()) {
      CADENZA_CHECK(given[i].shape() == roots[i].shape(), "backward: grad_output of shape {} for an output of shape {}",
                    shape_str(given[i].shape()), shape_str(roots[i].shape()));
      out.push_back(given[i]);
    } else {
      CADENZA_CHECK(roots[i].numel() == 1, "backward: an implicit gradient needs a one-element output, got shape {}",
                    shape_str(roots[i].shape()));
      out.push_back(Tensor::ones(roots[i].shape(), roots[i].dtype(), roots[i].device()));
    }
  }
  return out;
}

}  // namespace

GradReadyScope::GradReadyScope(std::function<void(const Tensor&)> hook) : hook_(std::move(hook)), prev_(t_grad_ready) {
  t_grad_ready = &hook_;
}
GradReadyScope::~GradReadyScope() { t_grad_ready = prev_; }

void backward(const Tensor& root, const Tensor& grad_output, bool retain_graph, bool create_graph) {
  CADENZA_CHECK(root.defined(), "backward: undefined tensor");
  run_backward({root}, default_grads({root}, {grad_output}), retain_graph || create_graph, create_graph, nullptr,
               nullptr);
}

std::vector<Tensor> grad(const std::vector<Tensor>& outputs, const std::vector<Tensor>& inputs,
                         const std::vector<Tensor>& grad_outputs, GradOptions opts) {
  Capture captures;
  // Held for the whole walk: a leaf's accumulator is otherwise only weakly referenced, and
  // a fresh one would not match the capture point.
  std::vector<Edge> input_edges;
  for (size_t i = 0; i < inputs.size(); ++i) {
    CADENZA_CHECK(inputs[i].defined() && inputs[i].requires_grad(), "grad: input {} does not require grad", i);
    input_edges.push_back(gradient_edge(inputs[i]));
    captures[{input_edges.back().node.get(), input_edges.back().input_nr}].push_back(i);
  }
  std::vector<Tensor> captured(inputs.size());
  run_backward(outputs, default_grads(outputs, grad_outputs), opts.retain_graph || opts.create_graph, opts.create_graph,
               &captures, &captured);
  for (size_t i = 0; i < inputs.size(); ++i) {
    if (!captured[i].defined()) {
      CADENZA_CHECK(opts.allow_unused,
                    "grad: input {} was not used to compute the outputs (allow_unused=true to "
                    "get an undefined tensor)",
                    i);
    }
  }
  return captured;
}

}  // namespace cadenza
