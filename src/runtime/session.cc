// Session and its executor. A plan is the pruned, ordered list of nodes one (feeds, fetches,
// targets) signature needs, with every input resolved to a value slot and every slot's last
// use known, compiled once and cached. A step then walks the plan: no lookups, no hashing,
// buffers reused from the previous step.
#include "scopeflow/runtime/session.h"

#include <absl/container/flat_hash_map.h>
#include <fmt/format.h>

#include <functional>
#include <queue>

#include "scopeflow/ops/op_registry.h"
#include "scopeflow/runtime/kernel.h"

namespace scopeflow::runtime {

namespace internal {
const Eigen::ThreadPoolDevice& thread_pool_device();
}

namespace {
Code code_of(RunCode c) {
  switch (c) {
    case RunCode::kInvalidArgument:
      return Code::kInvalidArgument;
    case RunCode::kFailedPrecondition:
      return Code::kFailedPrecondition;
    case RunCode::kNotFound:
      return Code::kNotFound;
    case RunCode::kOutOfRange:
      return Code::kOutOfRange;
    case RunCode::kUnimplemented:
      return Code::kUnimplemented;
    default:
      return Code::kInternal;
  }
}
RunCode run_code_of(Code c) {
  switch (c) {
    case Code::kInvalidArgument:
    case Code::kTypeMismatch:
      return RunCode::kInvalidArgument;
    case Code::kFailedPrecondition:
      return RunCode::kFailedPrecondition;
    case Code::kNotFound:
      return RunCode::kNotFound;
    case Code::kOutOfRange:
      return RunCode::kOutOfRange;
    case Code::kUnimplemented:
      return RunCode::kUnimplemented;
    default:
      return RunCode::kInternal;
  }
}
}  // namespace

OpError::OpError(RunCode code, std::string message, std::string node)
    : Error(code_of(code),
            node.empty() ? message : fmt::format("{}\n\t [[{{{{node {}}}}}]]", message, node)),
      run_code_(code),
      node_(std::move(node)),
      detail_(std::move(message)) {}

// ---- SessionState ----

Tensor* SessionState::variable(uint32_t node) {
  if (variables_.size() <= node) variables_.resize(node + 1);
  if (!variables_[node]) variables_[node] = std::make_unique<Tensor>();
  return variables_[node].get();
}

OpKernel* SessionState::kernel(Operation op) {
  const uint32_t i = op.index();
  if (kernels_.size() <= i) kernels_.resize(i + 1);
  if (!kernels_[i]) {
    KernelFactory f = find_kernel(op.type());
    if (!f)
      throw OpError(RunCode::kInvalidArgument,
                    fmt::format("No OpKernel was registered to support Op '{}' used by {{{{node "
                                "{}}}}} with these attrs: []",
                                op.type(), op.name()),
                    "");
    kernels_[i] = f(op);
  }
  return kernels_[i].get();
}

uint64_t SessionState::fresh_seed() {
  // splitmix64 over a per-session counter seeded from the address and a random device.
  static std::atomic<uint64_t> salt{std::random_device{}()};
  uint64_t z = (seed_state_ += 0x9E3779B97F4A7C15ULL) ^ salt.fetch_add(1);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

// ---- Plans ----

struct Plan {
  struct Node {
    Operation op;
    OpKernel* kernel;
    uint32_t in_begin, in_end;      // into `inputs`
    uint32_t ctrl_begin, ctrl_end;  // into `controls` (plan positions)
    uint32_t out_begin, num_out;    // slots
    uint32_t rel_begin, rel_end;    // into `releases`
    uint32_t ref_mask;
    bool merge;
  };
  std::vector<uint64_t> key;
  std::vector<Node> nodes;
  std::vector<uint32_t> inputs, controls, releases;
  std::vector<Value> values;  // one per slot; persists between steps for buffer reuse
  std::vector<uint8_t> node_dead;
  std::vector<uint32_t> feed_slots, fetch_slots;
  std::vector<Value> ref_scratch;  // reads of variables by value, per input
  KernelContext ctx;
};

namespace {

uint64_t edge_key(const Output& o) { return (uint64_t{o.op().index()} << 16) | uint64_t(o.index()); }

[[noreturn]] void feed_error(std::string msg) { throw Error(Code::kInvalidArgument, std::move(msg)); }

// Drops from `order` the stateless nodes that are needed only through control edges and
// whose outputs nothing that runs reads. Running them could have no visible effect: e.g. the
// first layer's dL/dx, which tuple gating (`gradients/..._grad/tuple/group_deps`) makes a
// control input of every gradient even when nothing consumes it. Their stateful ancestors
// still run, in the same relative order (`order` stays a subsequence of the full topological
// order). Only done when no Switch is in the plan: with tf.cond, a control edge also carries
// deadness (the pivot edges of a branch's constants), so every needed node must run.
void elide_effect_free_nodes(const Graph& g, std::span<const Output> fetches,
                             std::span<const Operation> targets,
                             const absl::flat_hash_map<uint64_t, uint32_t>& fed,
                             size_t num_nodes, std::vector<uint32_t>& order) {
  for (uint32_t i : order) {
    const std::string_view t = g.type_name(g.node(i).type);
    if (t == "Switch" || t == "RefSwitch") return;
  }
  enum : uint8_t { kNone, kEffect, kRun };
  std::vector<uint8_t> mark(num_nodes, kNone);
  std::vector<uint32_t> stack;
  auto reach = [&](uint32_t node, uint8_t how) {
    if (mark[node] >= how) return;
    if (how == kEffect) {
      const OpDef* def = find_op_def(g.type_name(g.node(node).type));
      // An effect of its own (state), or an error TF would report (an unfed placeholder).
      if (!def || def->stateful || def->type == "Placeholder") how = kRun;
    }
    if (mark[node] >= how) return;
    mark[node] = how;
    stack.push_back(node);
  };
  for (const Output& o : fetches)
    if (!fed.contains(edge_key(o))) reach(o.op().index(), kRun);
  for (const Operation& op : targets) reach(op.index(), kRun);
  while (!stack.empty()) {
    const uint32_t i = stack.back();
    stack.pop_back();
    const scopeflow::internal::NodeData& nd = g.node(i);
    const uint8_t data_how = mark[i] == kRun ? kRun : kEffect;
    for (uint16_t k = 0; k < nd.num_inputs; ++k) {
      const auto& e = nd.inputs[k];
      if (!fed.contains((uint64_t{e.node} << 16) | e.index)) reach(e.node, data_how);
    }
    for (uint16_t k = 0; k < nd.num_control; ++k) reach(nd.control_inputs[k], kEffect);
  }
  std::erase_if(order, [&](uint32_t i) { return mark[i] != kRun; });
}

}  // namespace

Session::Session(Graph& graph) : graph_(&graph), state_(std::make_unique<SessionState>(graph)) {}
Session::Session(std::shared_ptr<Graph> graph)
    : keep_(std::move(graph)), graph_(keep_.get()),
      state_(std::make_unique<SessionState>(*graph_)) {}
Session::~Session() = default;

size_t Session::num_plans() const {
  std::lock_guard lock(mu_);
  return plans_.size();
}

std::vector<Operation> Session::planned_ops(std::span<const Feed> feeds,
                                            std::span<const Output> fetches,
                                            std::span<const Operation> targets) {
  std::lock_guard lock(mu_);
  if (closed_) throw Error(Code::kFailedPrecondition, "Attempted to use a closed Session.");
  const Plan& plan = plan_for(feeds, fetches, targets);
  std::vector<Operation> ops;
  ops.reserve(plan.nodes.size());
  for (const Plan::Node& node : plan.nodes) ops.push_back(node.op);
  return ops;
}

void Session::close() {
  std::lock_guard lock(mu_);
  closed_ = true;
  plans_.clear();
  state_.reset();
}

Plan& Session::plan_for(std::span<const Feed> feeds, std::span<const Output> fetches,
                        std::span<const Operation> targets) {
  std::vector<uint64_t> key;
  key.reserve(feeds.size() + fetches.size() + targets.size() + 2);
  for (const Feed& f : feeds) key.push_back(edge_key(f.first));
  key.push_back(~uint64_t{0});
  for (const Output& o : fetches) key.push_back(edge_key(o));
  key.push_back(~uint64_t{0});
  for (const Operation& op : targets) key.push_back(op.index());
  for (auto& p : plans_)
    if (p->key == key) return *p;

  // Which nodes are needed: walk back from fetches and targets; a fed tensor stops the walk.
  Graph& g = *graph_;
  const size_t n = g.num_operations();
  absl::flat_hash_map<uint64_t, uint32_t> fed;  // edge -> feed index
  for (size_t i = 0; i < feeds.size(); ++i) {
    const Output& o = feeds[i].first;
    if (o.graph() != graph_)
      feed_error(fmt::format("Cannot interpret feed_dict key as Tensor: Tensor {} is not an "
                             "element of this graph.",
                             o.str()));
    fed.emplace(edge_key(o), static_cast<uint32_t>(i));
  }
  std::vector<uint8_t> needed(n, 0);
  std::vector<uint32_t> stack;
  auto need = [&](uint32_t node) {
    if (!needed[node]) {
      needed[node] = 1;
      stack.push_back(node);
    }
  };
  for (const Output& o : fetches) {
    if (o.graph() != graph_)
      feed_error(fmt::format("Tensor {} is not an element of this graph.", o.str()));
    if (!fed.contains(edge_key(o))) need(o.op().index());
  }
  for (const Operation& op : targets) {
    if (op.graph() != graph_)
      feed_error(fmt::format("Operation {} is not an element of this graph.", op.repr()));
    need(op.index());
  }
  while (!stack.empty()) {
    const uint32_t i = stack.back();
    stack.pop_back();
    const scopeflow::internal::NodeData& nd = g.node(i);
    for (uint16_t k = 0; k < nd.num_inputs; ++k) {
      const auto& e = nd.inputs[k];
      if (!fed.contains((uint64_t{e.node} << 16) | e.index)) need(e.node);
    }
    for (uint16_t k = 0; k < nd.num_control; ++k) need(nd.control_inputs[k]);
  }

  auto plan = std::make_unique<Plan>();
  plan->key = std::move(key);
  // A topological order of the needed nodes, lowest index first among the ready ones (so
  // creation order, which nearly always is topological; a tf.cond branch's capture Switches
  // are created after the op that reads them, as in TF).
  std::vector<uint32_t> order;
  {
    std::vector<uint32_t> indegree(n, 0);
    std::vector<std::vector<uint32_t>> users(n);
    auto edge = [&](uint32_t from, uint32_t to) {
      ++indegree[to];
      users[from].push_back(to);
    };
    for (uint32_t i = 0; i < n; ++i) {
      if (!needed[i]) continue;
      const scopeflow::internal::NodeData& nd = g.node(i);
      for (uint16_t k = 0; k < nd.num_inputs; ++k) {
        const auto& e = nd.inputs[k];
        if (!fed.contains((uint64_t{e.node} << 16) | e.index)) edge(e.node, i);
      }
      for (uint16_t k = 0; k < nd.num_control; ++k) edge(nd.control_inputs[k], i);
    }
    std::priority_queue<uint32_t, std::vector<uint32_t>, std::greater<>> ready;
    for (uint32_t i = 0; i < n; ++i)
      if (needed[i] && indegree[i] == 0) ready.push(i);
    while (!ready.empty()) {
      const uint32_t i = ready.top();
      ready.pop();
      order.push_back(i);
      for (uint32_t u : users[i])
        if (--indegree[u] == 0) ready.push(u);
    }
    size_t count = 0;
    for (uint32_t i = 0; i < n; ++i) count += needed[i];
    if (order.size() != count)
      throw OpError(RunCode::kInvalidArgument, "Graph has a cycle among the ops to run", "");
  }
  elide_effect_free_nodes(g, fetches, targets, fed, n, order);
  std::vector<int32_t> pos(n, -1);
  std::vector<uint32_t> first_slot(n, 0);
  uint32_t slots = 0;
  for (uint32_t i : order) {
    pos[i] = static_cast<int32_t>(plan->nodes.size());
    Operation op(graph_, i);
    const OpDef* def = find_op_def(op.type());
    Plan::Node node{};
    node.op = op;
    node.kernel = state_->kernel(op);
    node.out_begin = first_slot[i] = slots;
    node.num_out = static_cast<uint32_t>(g.node(i).num_outputs);
    node.ref_mask = def ? def->ref_inputs : 0;
    node.merge = op.type() == "Merge";
    slots += node.num_out;
    plan->nodes.push_back(node);
  }
  const uint32_t feed_base = slots;
  slots += static_cast<uint32_t>(feeds.size());
  plan->values.resize(slots);
  std::vector<int32_t> last_use(slots, -1);
  auto slot_of = [&](uint32_t node, uint32_t index) -> uint32_t {
    auto it = fed.find((uint64_t{node} << 16) | index);
    if (it != fed.end()) return feed_base + it->second;
    return first_slot[node] + index;
  };
  for (size_t p = 0; p < plan->nodes.size(); ++p) {
    Plan::Node& node = plan->nodes[p];
    const scopeflow::internal::NodeData& nd = g.node(node.op.index());
    node.in_begin = static_cast<uint32_t>(plan->inputs.size());
    for (uint16_t k = 0; k < nd.num_inputs; ++k) {
      const uint32_t s = slot_of(nd.inputs[k].node, nd.inputs[k].index);
      plan->inputs.push_back(s);
      last_use[s] = static_cast<int32_t>(p);
    }
    node.in_end = static_cast<uint32_t>(plan->inputs.size());
    node.ctrl_begin = static_cast<uint32_t>(plan->controls.size());
    for (uint16_t k = 0; k < nd.num_control; ++k)
      if (pos[nd.control_inputs[k]] >= 0)  // an elided node has no effect to wait for
        plan->controls.push_back(static_cast<uint32_t>(pos[nd.control_inputs[k]]));
    node.ctrl_end = static_cast<uint32_t>(plan->controls.size());
  }
  for (const Output& o : fetches) {
    const uint32_t s = slot_of(o.op().index(), static_cast<uint32_t>(o.index()));
    plan->fetch_slots.push_back(s);
    last_use[s] = std::numeric_limits<int32_t>::max();
  }
  for (size_t i = 0; i < feeds.size(); ++i) plan->feed_slots.push_back(feed_base + i);
  // Release lists: a slot is dropped right after its last reader (or its producer when
  // nothing reads it), so variable buffers are uniquely held again before updates run.
  std::vector<std::vector<uint32_t>> rel(plan->nodes.size());
  for (size_t p = 0; p < plan->nodes.size(); ++p) {
    const Plan::Node& node = plan->nodes[p];
    for (uint32_t s = node.out_begin; s < node.out_begin + node.num_out; ++s)
      if (last_use[s] < 0) rel[p].push_back(s);
  }
  for (uint32_t s = 0; s < slots; ++s)
    if (last_use[s] >= 0 && last_use[s] != std::numeric_limits<int32_t>::max())
      rel[last_use[s]].push_back(s);
  for (size_t p = 0; p < plan->nodes.size(); ++p) {
    plan->nodes[p].rel_begin = static_cast<uint32_t>(plan->releases.size());
    plan->releases.insert(plan->releases.end(), rel[p].begin(), rel[p].end());
    plan->nodes[p].rel_end = static_cast<uint32_t>(plan->releases.size());
  }
  plan->node_dead.assign(plan->nodes.size(), 0);
  // One scratch value per input of the widest node: a step keeps pointers into it while it
  // fills a node's inputs, so it must never grow then.
  size_t widest = 0;
  for (const Plan::Node& node : plan->nodes) widest = std::max<size_t>(widest, node.in_end - node.in_begin);
  plan->ref_scratch.resize(std::max<size_t>(widest, 1));
  plan->ctx.session_ = state_.get();
  plan->ctx.device_ = &internal::thread_pool_device();
  plans_.push_back(std::move(plan));
  return *plans_.back();
}

std::vector<Tensor> Session::run(std::span<const Feed> feeds, std::span<const Output> fetches,
                                 std::span<const Operation> targets) {
  std::lock_guard lock(mu_);
  if (closed_) throw Error(Code::kFailedPrecondition, "Attempted to use a closed Session.");
  // Feeds must fit their tensors.
  for (const Feed& f : feeds) {
    const Output& o = f.first;
    if (!f.second.valid()) feed_error(fmt::format("No value given for feed {}", o.name()));
    if (f.second.dtype() != base_dtype(o.dtype()))
      feed_error(fmt::format("Cannot feed value of dtype {} for Tensor '{}', which has dtype {}",
                             dtype_name(f.second.dtype()), o.name(),
                             dtype_name(base_dtype(o.dtype()))));
    if (!o.shape().compatible_with(f.second.partial_shape()))
      feed_error(fmt::format("Cannot feed value of shape {} for Tensor '{}', which has shape '{}'",
                             f.second.partial_shape().to_string(), o.name(),
                             o.shape().to_string()));
  }
  Plan& plan = plan_for(feeds, fetches, targets);
  for (size_t i = 0; i < feeds.size(); ++i) {
    Value& v = plan.values[plan.feed_slots[i]];
    v.tensor = feeds[i].second;
    v.dead = false;
    v.owned = false;
    v.ref = nullptr;
  }
  KernelContext& ctx = plan.ctx;
  Value* const values = plan.values.data();
  std::vector<Tensor> results;
  auto release_all = [&] {
    // Drop everything a step borrowed (fed values, forwarded buffers, variable reads).
    for (Value& v : plan.values) {
      if (!v.owned) v.tensor = Tensor();
      v.ref = nullptr;
    }
    for (Value& v : plan.ref_scratch) v.tensor = Tensor();
  };
  size_t p = 0;
  try {
    for (; p < plan.nodes.size(); ++p) {
      const Plan::Node& node = plan.nodes[p];
      bool dead = false;
      for (uint32_t c = node.ctrl_begin; c < node.ctrl_end; ++c)
        dead |= plan.node_dead[plan.controls[c]] != 0;
      const uint32_t nin = node.in_end - node.in_begin;
      ctx.inputs_.resize(nin);
      uint32_t scratch = 0;
      for (uint32_t k = 0; k < nin; ++k) {
        Value* v = values + plan.inputs[node.in_begin + k];
        if (v->dead) {
          dead |= !node.merge;
        } else if (v->ref && !((node.ref_mask >> k) & 1u)) {
          // A variable read by value: check it is initialized, hand over its current value.
          if (!v->ref->valid())
            throw OpError(RunCode::kFailedPrecondition,
                          fmt::format("Attempting to use uninitialized value {}",
                                      v->ref_owner.name()),
                          std::string(node.op.name()));
          Value& s = plan.ref_scratch[scratch++];
          s.tensor = *v->ref;
          v = &s;
        }
        ctx.inputs_[k] = v;
      }
      ctx.outputs_ = std::span<Value>(values + node.out_begin, node.num_out);
      plan.node_dead[p] = dead;
      if (dead) {
        for (Value& o : ctx.outputs_) {
          o.dead = true;
          o.ref = nullptr;
        }
      } else {
        for (Value& o : ctx.outputs_) o.dead = false;
        ctx.op_ = node.op;
        try {
          node.kernel->compute(ctx);
        } catch (const OpError&) {
          throw;
        } catch (const Error& e) {
          throw OpError(run_code_of(e.code()), e.what(), std::string(node.op.name()));
        }
      }
      for (uint32_t k = 0; k < scratch; ++k) plan.ref_scratch[k].tensor = Tensor();
      for (uint32_t r = node.rel_begin; r < node.rel_end; ++r) {
        Value& v = values[plan.releases[r]];
        if (!v.owned) v.tensor = Tensor();
        v.ref = nullptr;
      }
    }
    results.reserve(fetches.size());
    for (size_t i = 0; i < fetches.size(); ++i) {
      const Value& v = values[plan.fetch_slots[i]];
      if (v.dead)
        throw OpError(RunCode::kInvalidArgument,
                      fmt::format("Retval[{}] does not have value", i), "");
      if (v.ref) {
        if (!v.ref->valid())
          throw OpError(RunCode::kFailedPrecondition,
                        fmt::format("Attempting to use uninitialized value {}",
                                    v.ref_owner.name()),
                        fmt::format("_retval_{}_{}_{}", v.ref_owner.name(), fetches[i].index(),
                                    i));
        results.push_back(*v.ref);
      } else {
        results.push_back(v.tensor);
      }
    }
  } catch (...) {
    release_all();
    throw;
  }
  release_all();
  return results;
}

Tensor Session::run(const Output& fetch) {
  return run(std::span<const Feed>(), std::span<const Output>(&fetch, 1), {}).at(0);
}

void Session::run(const Operation& target) {
  (void)run(std::span<const Feed>(), std::span<const Output>(),
            std::span<const Operation>(&target, 1));
}

}  // namespace scopeflow::runtime
