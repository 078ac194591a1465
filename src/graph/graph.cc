// Graph: node storage, op creation, lookups by name, collections and the variable store.
#include "scopeflow/graph/graph.h"

#include <charconv>
#include <regex>

#include "../naming/scope_stack_internal.h"
#include "scopeflow/base/error.h"
#include "scopeflow/base/messages.h"
#include "scopeflow/naming/guards.h"

namespace scopeflow {

namespace {
std::atomic<uint64_t> g_next_graph_id{1};

// Debian's Abseil has its own string_view type; heterogeneous lookups go through it.
absl::string_view key_of(std::string_view s) { return absl::string_view(s.data(), s.size()); }

bool op_name_char(char c, bool first) {
  if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.')
    return true;
  return !first && (c == '_' || c == '-' || c == '/');
}
}  // namespace

namespace internal {
namespace {
// Character classes of TF's name patterns, one table lookup per character.
struct NameChars {
  bool first[256] = {};  // [A-Za-z0-9.]
  bool rest[256] = {};   // [A-Za-z0-9_.\-/]
  NameChars() {
    for (int c = 0; c < 256; ++c) {
      first[c] = op_name_char(static_cast<char>(c), true);
      rest[c] = op_name_char(static_cast<char>(c), false);
    }
  }
};
const NameChars kNameChars;
}  // namespace

// TF's _VALID_OP_NAME_REGEX: ^[A-Za-z0-9.][A-Za-z0-9_.\-/]*$
bool valid_op_name(std::string_view name) {
  if (name.empty() || !kNameChars.first[static_cast<unsigned char>(name[0])]) return false;
  for (size_t i = 1; i < name.size(); ++i)
    if (!kNameChars.rest[static_cast<unsigned char>(name[i])]) return false;
  return true;
}
// TF's _VALID_SCOPE_NAME_REGEX: ^[A-Za-z0-9_.\-/]*$
bool valid_scope_name(std::string_view name) {
  for (char c : name)
    if (!kNameChars.rest[static_cast<unsigned char>(c)]) return false;
  return true;
}
}  // namespace internal

Graph::Graph() : id_(g_next_graph_id.fetch_add(1)), names_(&arena_) { devices_.emplace_back(); }

void Graph::store_shape(internal::NodeData::OutputInfo& info, const PartialShape& shape) {
  info.rank = shape.rank();
  if (shape.rank() > 0) {
    int64_t* d = arena_.make_array<int64_t>(shape.rank());
    std::copy(shape.dims().begin(), shape.dims().end(), d);
    info.dims = d;
  } else {
    info.dims = nullptr;
  }
}
Graph::~Graph() = default;

size_t Graph::arena_bytes() const {
  std::lock_guard<std::mutex> lock(mu_);
  return arena_.bytes_used();
}

namespace {
// valid_op_name(stack + "/" + name) without re-reading the stack: the scope checked it once.
bool valid_full_name(const Scope& scope, std::string_view name, std::string_view full) {
  const internal::ScopeState* st = scope.state();
  if (st->name_stack.empty() || !st->stack_is_op_name) return internal::valid_op_name(full);
  return internal::valid_scope_name(name);  // '/' and the rest of the stack are valid chars
}
}  // namespace

std::string_view Graph::intern(std::string_view s) {
  std::lock_guard<std::mutex> lock(mu_);
  return arena_.store(s);
}

std::string_view Graph::unique_full_name(std::string_view full_name, bool mark_as_used) {
  std::lock_guard<std::mutex> lock(mu_);
  return names_.unique(full_name, mark_as_used);
}

uint16_t Graph::intern_small(internal::StableVector<std::string_view>& table, std::string_view s) {
  // Op types and attr names are few: a linear scan of a plain vector (the table itself is
  // read lock-free by index, so it cannot be a std::vector). Caller holds the lock.
  std::vector<std::string_view>& list = &table == &types_ ? type_list_ : attr_list_;
  uint16_t& last = &table == &types_ ? last_type_ : last_attr_;
  if (last < list.size() && list[last] == s) return last;  // ops come in runs of one type
  for (size_t i = 0; i < list.size(); ++i)
    if (list[i].size() == s.size() && list[i] == s) return last = static_cast<uint16_t>(i);
  SF_CHECK(list.size() < UINT16_MAX, "too many distinct op types or attr names");
  list.push_back(arena_.store(s));
  table.emplace_back(list.back());
  return last = static_cast<uint16_t>(list.size() - 1);
}

Operation Graph::create_op(const Scope& scope, std::string_view type, std::string_view name,
                           std::span<const Output> inputs, std::span<const Attr> attrs,
                           std::span<const OutputSpec> outputs,
                           std::span<const Operation> control_inputs) {
  if (finalized()) throw Error(Code::kFailedPrecondition, messages::graph_finalized());
  if (name.empty()) name = type;
  for (const Output& in : inputs)
    if (in.graph() != this) throw Error(Code::kInvalidArgument, messages::graph_mismatch(in.str()));
  for (const Operation& c : control_inputs)
    if (c.graph() != this)
      throw Error(Code::kInvalidArgument,
                  messages::graph_mismatch("Operation " + std::string(c.name())));

  thread_local std::string full;
  const bool absolute = name.back() == '/';
  if (absolute) {
    full.assign(name.substr(0, name.size() - 1));
  } else {
    std::string_view stack = scope.name_stack();
    full.clear();
    if (!stack.empty()) {
      full.reserve(stack.size() + 1 + name.size());
      full.append(stack).append("/");
    }
    full.append(name);
  }

  internal::ControlFlowContext* const cf = control_flow_context();
  std::unique_lock<std::mutex> lock(mu_);
  uint32_t index = static_cast<uint32_t>(nodes_.size());
  std::string_view stored;
  bool bound = false;
  if (absolute) {
    const uint32_t existing = names_.node_of(full);
    if (existing != NameTable::kNoNode || unregistered_nodes_.contains(std::string_view(full)))
      throw Error(Code::kInvalidArgument, messages::duplicate_node_name(full));
    if (!internal::valid_op_name(full))
      throw Error(Code::kInvalidArgument, messages::invalid_node_name(full));
    stored = arena_.store(full);
  } else if (!valid_full_name(scope, name, full)) {
    // TF validates after unique_name has reserved the name; the reservation stays. (A "_N"
    // suffix never changes validity, so checking the requested name first is the same test.)
    stored = names_.unique(full, /*mark_as_used=*/true);
    throw Error(Code::kInvalidArgument, messages::invalid_node_name(stored));
  } else {
    stored = names_.unique(full, /*mark_as_used=*/true, index);
    bound = true;
  }

  // Control inputs: the enclosing control_dependencies blocks' (TF's
  // _control_dependencies_for_inputs: a block is skipped when a data input was created inside
  // it, and an input op is never also a control input), then explicit ones; no duplicates.
  const auto& controllers = scope.state()->controllers;
  std::vector<uint32_t> deps;
  if (!control_inputs.empty() || !controllers.empty()) {
    auto is_input = [&](uint32_t op) {
      for (const Output& in : inputs)
        if (in.op().index() == op) return true;
      return false;
    };
    auto add = [&](const Operation& op) {
      if (is_input(op.index()) || std::find(deps.begin(), deps.end(), op.index()) != deps.end())
        return;
      deps.push_back(op.index());
    };
    for (const auto& c : controllers) {
      bool dominated = false;
      for (const Output& in : inputs)
        if (c->created.contains(in.op().index())) dominated = true;
      if (!dominated)
        for (const Operation& op : c->inputs) add(op);
    }
    for (const Operation& c : control_inputs) add(c);
  }

  internal::NodeData nd;
  nd.name = stored;
  nd.type = intern_small(types_, type);
  if (!inputs.empty()) {
    auto* e = arena_.make_array<internal::NodeData::Edge>(inputs.size());
    for (size_t i = 0; i < inputs.size(); ++i)
      e[i] = {inputs[i].op().index(), static_cast<uint32_t>(inputs[i].index())};
    nd.inputs = e;
    nd.num_inputs = static_cast<uint16_t>(inputs.size());
  }
  if (!deps.empty()) {
    auto* c = arena_.make_array<uint32_t>(deps.size());
    std::copy(deps.begin(), deps.end(), c);
    nd.control_inputs = c;
    nd.num_control = static_cast<uint16_t>(deps.size());
  }
  if (!outputs.empty()) {
    auto* o = arena_.make_array<internal::NodeData::OutputInfo>(outputs.size());
    for (size_t i = 0; i < outputs.size(); ++i) {
      o[i].dtype = outputs[i].dtype;
      store_shape(o[i], outputs[i].shape);
    }
    nd.outputs = o;
    nd.num_outputs = static_cast<uint16_t>(outputs.size());
  }
  // Colocation (TF's colocate_with and its attr scopes) adds a `_class` attr.
  const auto& groups = scope.state()->colocation;
  const size_t num_attrs = attrs.size() + (groups.empty() ? 0 : 1);
  if (num_attrs) {
    using Kind = internal::NodeData::StoredAttr::Kind;
    auto* a = arena_.make_array<internal::NodeData::StoredAttr>(num_attrs);
    if (!groups.empty()) {
      a[attrs.size()].key = intern_small(attr_keys_, "_class");
      a[attrs.size()].kind = Kind::kOther;
      a[attrs.size()].other = arena_.make<AttrValue>(groups);
    }
    for (size_t i = 0; i < attrs.size(); ++i) {
      a[i].key = intern_small(attr_keys_, attrs[i].name);
      const AttrValue& v = attrs[i].value;
      if (auto* x = std::get_if<int64_t>(&v)) {
        a[i].kind = Kind::kInt;
        a[i].i = *x;
      } else if (auto* f = std::get_if<float>(&v)) {
        a[i].kind = Kind::kFloat;
        a[i].f = *f;
      } else if (auto* b = std::get_if<bool>(&v)) {
        a[i].kind = Kind::kBool;
        a[i].b = *b;
      } else if (auto* t = std::get_if<DataType>(&v)) {
        a[i].kind = Kind::kType;
        a[i].t = *t;
      } else {
        a[i].kind = Kind::kOther;
        a[i].other = arena_.make<AttrValue>(v);
      }
    }
    nd.attrs = a;
    nd.num_attrs = static_cast<uint16_t>(num_attrs);
  }
  if (!scope.device().empty()) {
    auto it = device_ids_.find(scope.device());
    if (it == device_ids_.end()) {
      const uint32_t id = static_cast<uint32_t>(devices_.size());
      devices_.emplace_back(arena_.store(scope.device()));
      it = device_ids_.emplace(devices_[id], id).first;
    }
    nd.device = it->second;
  }

  nodes_.emplace_back(nd);
  if (!bound && !names_.bind_node(stored, index)) unregistered_nodes_.emplace(stored, index);
  for (const auto& c : controllers) c->created.insert(index);
  num_nodes_.store(index + 1, std::memory_order_release);
  if (cf) {
    // TF's _control_flow_post_processing: the op exists first; then its context (a tf.cond
    // branch) switches its external inputs, creating `<op>/Switch` ops after it, and adds its
    // pivot; the stored node's edges are rewritten (TF's _update_input). The lock is released
    // while the context builds.
    internal::PendingOp pending;
    pending.scope = &scope;
    pending.name = stored;
    pending.type = type;
    pending.inputs.assign(inputs.begin(), inputs.end());
    for (uint32_t d : deps) pending.control_inputs.emplace_back(this, d);
    lock.unlock();
    cf->add_op(*this, pending);
    lock.lock();
    internal::NodeData& node = nodes_[index];
    for (size_t i = 0; i < pending.inputs.size() && i < node.num_inputs; ++i) {
      const internal::NodeData::Edge e{pending.inputs[i].op().index(),
                                       static_cast<uint32_t>(pending.inputs[i].index())};
      if (e.node != node.inputs[i].node || e.index != node.inputs[i].index)
        const_cast<internal::NodeData::Edge*>(node.inputs)[i] = e;
    }
    std::vector<uint32_t> controls;
    for (const Operation& c : pending.control_inputs)
      if (std::find(controls.begin(), controls.end(), c.index()) == controls.end())
        controls.push_back(c.index());
    if (controls != deps) {
      auto* c = arena_.make_array<uint32_t>(controls.size());
      std::copy(controls.begin(), controls.end(), c);
      node.control_inputs = c;
      node.num_control = static_cast<uint16_t>(controls.size());
    }
    lock.unlock();
    cf->op_added(Operation(this, index));
  }
  return Operation(this, index);
}

std::optional<int64_t> Graph::seed() const {
  std::lock_guard<std::mutex> lock(mu_);
  return seed_;
}

void Graph::set_seed(std::optional<int64_t> seed) {
  std::lock_guard<std::mutex> lock(mu_);
  seed_ = seed;
}

namespace {
// Each thread's current control-flow context per graph (graph ids are never reused).
thread_local std::vector<std::pair<uint64_t, internal::ControlFlowContext*>> t_cf_contexts;
}  // namespace

internal::ControlFlowContext* Graph::control_flow_context() const {
  for (const auto& [id, ctx] : t_cf_contexts)
    if (id == id_) return ctx;
  return nullptr;
}

internal::ControlFlowContext* Graph::set_control_flow_context(internal::ControlFlowContext* ctx) {
  for (size_t i = 0; i < t_cf_contexts.size(); ++i) {
    if (t_cf_contexts[i].first != id_) continue;
    internal::ControlFlowContext* prev = t_cf_contexts[i].second;
    if (ctx)
      t_cf_contexts[i].second = ctx;
    else
      t_cf_contexts.erase(t_cf_contexts.begin() + static_cast<std::ptrdiff_t>(i));
    return prev;
  }
  if (ctx) t_cf_contexts.emplace_back(id_, ctx);
  return nullptr;
}

std::string Graph::unique_name(std::string_view name, bool mark_as_used) {
  return current_scope(*this).unique_name(name, mark_as_used);
}

std::vector<Operation> Graph::get_operations() const {
  const size_t n = num_operations();
  std::vector<Operation> out;
  out.reserve(n);
  for (size_t i = 0; i < n; ++i) out.emplace_back(this, static_cast<uint32_t>(i));
  return out;
}

std::optional<Operation> Graph::find_operation(std::string_view name) const {
  std::lock_guard<std::mutex> lock(mu_);
  uint32_t i = names_.node_of(name);
  if (i == NameTable::kNoNode) {
    auto it = unregistered_nodes_.find(name);
    if (it == unregistered_nodes_.end()) return std::nullopt;
    i = it->second;
  }
  return Operation(this, i);
}

Operation Graph::get_operation_by_name(std::string_view name) const {
  if (name.find(':') != std::string_view::npos)
    throw Error(Code::kInvalidArgument, messages::tensor_name_not_operation(name));
  auto op = find_operation(name);
  if (!op) throw Error(Code::kNotFound, messages::operation_not_in_graph(name));
  return *op;
}

Output Graph::get_tensor_by_name(std::string_view name) const {
  const size_t colon = name.find(':');
  if (colon == std::string_view::npos) {
    throw Error(Code::kInvalidArgument,
                messages::operation_name_not_tensor(name, find_operation(name).has_value()));
  }
  std::string_view op_name = name.substr(0, colon);
  std::string_view index_text = name.substr(colon + 1);
  int index = 0;
  auto [ptr, ec] = std::from_chars(index_text.data(), index_text.data() + index_text.size(), index);
  if (index_text.empty() || ec != std::errc() || ptr != index_text.data() + index_text.size())
    throw Error(Code::kInvalidArgument, messages::invalid_tensor_name(name));
  auto op = find_operation(op_name);
  if (!op) throw Error(Code::kNotFound, messages::tensor_op_not_in_graph(name, op_name));
  // TF indexes op.outputs, a Python list: negative indices count from the end.
  if (index < 0) index += op->num_outputs();
  if (index < 0 || index >= op->num_outputs())
    throw Error(Code::kNotFound,
                messages::tensor_index_out_of_range(name, op_name, op->num_outputs()));
  return op->output(index);
}

// ---- Collections ----

void Graph::add_to_collection(std::string_view key, CollectionItem item) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = collections_.find(key_of(key));
  if (it == collections_.end()) {
    collection_keys_.emplace_back(key);
    it = collections_.emplace(std::string(key), std::vector<CollectionItem>{}).first;
  }
  it->second.push_back(std::move(item));
}

void Graph::add_to_collections(std::span<const std::string> keys, const CollectionItem& item) {
  // TF de-duplicates the keys (through a set); we keep the first occurrence of each.
  std::vector<std::string_view> seen;
  for (const std::string& k : keys) {
    if (std::find(seen.begin(), seen.end(), k) != seen.end()) continue;
    seen.push_back(k);
    add_to_collection(k, item);
  }
}

std::vector<CollectionItem> Graph::get_collection(std::string_view key,
                                                  std::optional<std::string_view> scope) const {
  std::vector<CollectionItem> items;
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = collections_.find(key_of(key));
    if (it == collections_.end()) return {};
    items = it->second;
  }
  if (!scope) return items;
  std::regex re{std::string(*scope)};
  std::vector<CollectionItem> out;
  for (auto& item : items) {
    if (item.kind == CollectionItem::Kind::kOther && item.user_name.empty()) continue;
    const std::string n = item.name();
    if (std::regex_search(n, re, std::regex_constants::match_continuous)) out.push_back(item);
  }
  return out;
}

std::vector<std::string> Graph::get_all_collection_keys() const {
  std::lock_guard<std::mutex> lock(mu_);
  return collection_keys_;
}

void Graph::clear_collection(std::string_view key) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = collections_.find(key_of(key));
  if (it != collections_.end()) it->second.clear();
}

std::vector<Variable> Graph::variables(std::string_view key,
                                       std::optional<std::string_view> scope) const {
  std::vector<Variable> out;
  for (const auto& item : get_collection(key, scope))
    if (item.kind == CollectionItem::Kind::kVariable) out.push_back(item.variable);
  return out;
}

// ---- Variables ----

size_t Graph::num_variables() const { return num_variables_.load(std::memory_order_acquire); }

Variable Graph::add_variable_record(internal::VariableRecord rec) {
  std::lock_guard<std::mutex> lock(mu_);
  const uint32_t index = static_cast<uint32_t>(variables_.size());
  variables_.emplace_back(std::move(rec));
  num_variables_.store(index + 1, std::memory_order_release);
  return Variable(this, index);
}

void Graph::store_variable(std::string_view key, Variable v) {
  std::lock_guard<std::mutex> lock(mu_);
  var_store_[std::string(key)] = v.index();
}

void Graph::store_partitioned_variable(std::string_view key, PartitionedVariable v) {
  std::lock_guard<std::mutex> lock(mu_);
  partitioned_store_[std::string(key)] = static_cast<uint32_t>(partitioned_.size());
  partitioned_.push_back(std::move(v));
}

std::optional<Variable> Graph::stored_variable(std::string_view key) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = var_store_.find(key_of(key));
  if (it == var_store_.end()) return std::nullopt;
  return Variable(this, it->second);
}

const PartitionedVariable* Graph::stored_partitioned_variable(std::string_view key) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = partitioned_store_.find(key_of(key));
  if (it == partitioned_store_.end()) return nullptr;
  return &partitioned_[it->second];
}

// ---- Per-thread scope state ----

internal::ThreadScopes& Graph::thread_scopes() {
  // One-entry cache: graph ids are never reused, so a stale entry can never match.
  thread_local uint64_t cached_id = 0;
  thread_local internal::ThreadScopes* cached = nullptr;
  if (cached_id == id_) return *cached;
  internal::ThreadScopes* ts;
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto& slot = threads_[std::this_thread::get_id()];
    if (!slot) {
      slot = std::make_unique<internal::ThreadScopes>();
      auto st = std::make_shared<internal::ScopeState>();
      st->graph = this;
      slot->root = Scope(std::move(st));
    }
    ts = slot.get();
  }
  cached_id = id_;
  cached = ts;
  return *ts;
}

// ---- Default graph ----

namespace {
std::mutex g_default_mu;
std::shared_ptr<Graph> g_default_graph;
thread_local std::vector<std::shared_ptr<Graph>> t_graph_stack;

std::shared_ptr<Graph> global_default() {
  std::lock_guard<std::mutex> lock(g_default_mu);
  if (!g_default_graph) g_default_graph = std::make_shared<Graph>();
  return g_default_graph;
}
}  // namespace

std::shared_ptr<Graph> default_graph_shared() {
  if (!t_graph_stack.empty()) return t_graph_stack.back();
  return global_default();
}

Graph& default_graph() {
  if (!t_graph_stack.empty()) return *t_graph_stack.back();
  return *global_default();
}

void reset_default_graph() {
  if (!t_graph_stack.empty())
    throw Error(Code::kFailedPrecondition, messages::reset_nested_graph());
  std::lock_guard<std::mutex> lock(g_default_mu);
  g_default_graph = std::make_shared<Graph>();
}

namespace internal {
void push_default_graph(std::shared_ptr<Graph> g) { t_graph_stack.push_back(std::move(g)); }
void pop_default_graph(const Graph* g) noexcept {
  for (auto it = t_graph_stack.rbegin(); it != t_graph_stack.rend(); ++it) {
    if (it->get() == g) {
      t_graph_stack.erase(std::next(it).base());
      return;
    }
  }
}
size_t default_graph_depth() { return t_graph_stack.size(); }
}  // namespace internal

}  // namespace scopeflow
