// Scope values, variable-scope entry (TF's variable_scope/_pure_variable_scope), the
// per-thread stack and the RAII guards built on it.
#include "scopeflow/naming/scope.h"

#include <algorithm>

#include "scope_stack_internal.h"
#include "scopeflow/base/device.h"
#include "scopeflow/base/error.h"
#include "scopeflow/base/messages.h"
#include "scopeflow/graph/graph.h"
#include "scopeflow/naming/guards.h"
#include "scopeflow/naming/scope_tree.h"

namespace scopeflow {

namespace internal {

void close_variable_subscopes(ScopeCounts& counts, const std::string& prefix) {
  for (auto& [k, v] : counts) {
    if (prefix.empty() || (k.size() > prefix.size() && k.compare(0, prefix.size(), prefix) == 0 &&
                           k[prefix.size()] == '/'))
      v = 0;
  }
}

void check_scope_name(const Scope& parent, std::string_view name) {
  // TF checks the name as given: the op pattern at the top, the looser scope pattern inside.
  const bool ok = parent.name_stack().empty() ? valid_op_name(name) : valid_scope_name(name);
  if (!ok) throw Error(Code::kInvalidArgument, messages::invalid_scope_name(name));
}

namespace {

std::shared_ptr<ScopeState> copy_state(const Scope& s) {
  return std::make_shared<ScopeState>(*s.state());
}

// TF's Graph.name_scope(name) applied to `parent`.
Scope enter_name_scope(const Scope& parent, std::optional<std::string_view> name) {
  if (name && !name->empty()) check_scope_name(parent, *name);
  auto st = copy_state(parent);
  if (!name || name->empty()) {
    st->name_stack = {};
    st->yielded = {};
    st->name_none = true;
    return Scope(std::move(st));
  }
  std::string yielded;
  if (name->back() == '/') {
    yielded.assign(*name);
  } else {
    if (!parent.name_stack().empty()) yielded.append(parent.name_stack()).append("/");
    yielded.append(*name);
    yielded.assign(parent.graph().unique_full_name(yielded, true));
    yielded += '/';
  }
  // The stack is the yielded string without its last slash; both share one interned copy.
  st->yielded = parent.graph().intern(yielded);
  st->name_stack = st->yielded.substr(0, st->yielded.size() - 1);
  st->name_none = false;
  st->stack_is_op_name = valid_op_name(st->name_stack);
  return Scope(std::move(st));
}

// _maybe_wrap_custom_getter: the new getter runs first; its `next` is the old one.
CustomGetter chain_getters(const CustomGetter& inner, const std::optional<CustomGetter>& outer) {
  if (!outer) return inner;
  CustomGetter g;
  g.user_object = inner.user_object;
  auto in = inner.fn;
  auto out = outer->fn;
  g.fn = [in, out](const Getter& next, const GetterArgs& args) {
    Getter bound = [out, &next](const GetterArgs& a) { return out(next, a); };
    return in(bound, args);
  };
  return g;
}

void apply_overrides(VariableScope::Data& d, const VariableScopeOptions& o,
                     const std::optional<CustomGetter>& old_getter) {
  if (o.initializer) d.initializer = o.initializer;
  if (o.regularizer) d.regularizer = o.regularizer;
  if (o.caching_device) d.caching_device = o.caching_device;
  if (o.partitioner) d.partitioner = o.partitioner;
  if (o.custom_getter) d.custom_getter = chain_getters(*o.custom_getter, old_getter);
  if (o.dtype) d.dtype = *o.dtype;
  if (o.use_resource) d.use_resource = o.use_resource;
}

// reuse=False is None in TF: it never clears an inherited reuse.
std::optional<Reuse> requested_reuse(const VariableScopeOptions& o) {
  if (o.reuse && *o.reuse == Reuse::kFalse) return std::nullopt;
  return o.reuse;
}

// The name scope a variable scope opens: TF's `current_name_scope`.
Scope open_aux_name_scope(const Scope& parent, const VariableScopeOptions& o,
                          std::string_view name_for_scope) {
  if (!o.auxiliary_name_scope) {
    // Re-enter the current name scope absolutely (or the top).
    if (parent.name_stack_is_none() || parent.name_stack().empty())
      return enter_name_scope(parent, std::nullopt);
    std::string again(parent.name_stack());
    again += '/';
    return enter_name_scope(parent, std::string_view(again));
  }
  return enter_name_scope(parent, name_for_scope);
}

}  // namespace

struct VarScopeEntry {
  Scope scope;
  ExitAction exit;
};

// variable_scope(name) → name scope + _pure_variable_scope(name).
// _pure_variable_scope(name) for a string name: the variable scope `<parent>/<name>` entered
// with the name scope `ns` already open. Shared by variable_scope(name) and default_name.
VarScopeEntry enter_pure_string_scope(const Scope& parent, const Scope& ns, ThreadScopes& ts,
                                      std::string_view name, std::string original_name_scope,
                                      const VariableScopeOptions& o, bool explicit_style) {
  const VariableScope& old = parent.variable_scope();
  auto d = std::make_shared<VariableScope::Data>(*old.data());
  d->name = old.name().empty() ? std::string(name) : old.name() + "/" + std::string(name);
  d->original_name_scope = std::move(original_name_scope);
  auto req = requested_reuse(o);
  d->reuse = req ? *req : old.reuse();
  apply_overrides(*d, o, old.custom_getter());
  if (explicit_style) close_variable_subscopes(ts.counts, d->name);
  ts.counts[d->name] += 1;
  auto st = std::make_shared<ScopeState>(*ns.state());
  st->var_scope = VariableScope(d);
  VarScopeEntry e{Scope(std::move(st)), {}};
  e.exit.kind = ExitAction::Kind::kClosePrefix;
  e.exit.prefix = d->name;
  return e;
}

// variable_scope(name) → name scope + _pure_variable_scope(name).
VarScopeEntry enter_variable_scope_by_name(const Scope& parent, ThreadScopes& ts,
                                           std::string_view name, const VariableScopeOptions& o,
                                           bool explicit_style) {
  // variable_scope("") opens no name scope (TF only opens one for a non-empty name or when
  // re-entering the current one), and its original_name_scope is "".
  const bool opens = !name.empty() || !o.auxiliary_name_scope;
  Scope ns = opens ? open_aux_name_scope(parent, o, name) : parent;
  return enter_pure_string_scope(parent, ns, ts, name,
                                 opens ? std::string(ns.name_scope_string()) : std::string(), o,
                                 explicit_style);
}

// variable_scope(vs) → name scope of vs's last component + _pure_variable_scope(vs).
VarScopeEntry enter_variable_scope_by_object(const Scope& parent, ThreadScopes& ts,
                                             const VariableScope& vs, const VariableScopeOptions& o,
                                             bool explicit_style) {
  const std::string& full = vs.name();
  const std::string_view last = base_of_name(full);
  Scope ns = parent;
  if (!last.empty() || !o.auxiliary_name_scope) ns = open_aux_name_scope(parent, o, last);
  auto d = std::make_shared<VariableScope::Data>(*vs.data());
  auto req = requested_reuse(o);
  d->reuse = req ? *req : vs.reuse();
  apply_overrides(*d, o, vs.custom_getter());
  ts.counts[full] += 1;
  auto st = std::make_shared<ScopeState>(*ns.state());
  st->var_scope = VariableScope(d);
  VarScopeEntry e{Scope(std::move(st)), {}};
  if (!explicit_style) {
    e.exit.kind = ExitAction::Kind::kRestoreCounts;
    e.exit.saved = ts.counts;
  }
  return e;
}

// variable_scope(None, default_name) → name scope + a counter-uniquified variable scope.
VarScopeEntry enter_default_variable_scope(const Scope& parent, ThreadScopes& ts,
                                           std::string_view default_name,
                                           const VariableScopeOptions& o, bool explicit_style) {
  if (o.reuse && *o.reuse != Reuse::kFalse)
    throw Error(Code::kInvalidArgument, messages::reuse_without_name_or_scope());
  Scope ns = open_aux_name_scope(parent, o, default_name);
  const VariableScope& old = parent.variable_scope();
  // _get_unique_variable_scope: case-sensitive counters, independent of the name table.
  const std::string prefix =
      old.name().empty() ? std::string(default_name) : old.name() + "/" + std::string(default_name);
  std::string unique(default_name);
  if (count_of(ts.counts, prefix) != 0) {
    int idx = 1;
    while (count_of(ts.counts, prefix + "_" + std::to_string(idx)) > 0) ++idx;
    unique += "_" + std::to_string(idx);
  }
  return enter_pure_string_scope(parent, ns, ts, unique, std::string(ns.name_scope_string()), o,
                                 explicit_style);
}

namespace {
void check_pending(ThreadScopes& ts) {
  if (!ts.pending_error.empty()) {
    std::string msg = std::move(ts.pending_error);
    ts.pending_error.clear();
    throw Error(Code::kInternal, msg);
  }
}

Pushed push_frame(Graph& g, Frame::Kind kind, Scope scope, ExitAction exit) {
  ThreadScopes& ts = g.thread_scopes();
  Frame f;
  f.token = ts.next_token++;
  f.kind = kind;
  f.scope = scope;
  f.exit = std::move(exit);
  ts.frames.push_back(std::move(f));
  return {ts.frames.back().token, std::move(scope)};
}

void run_exit(ThreadScopes& ts, Frame& f) {
  switch (f.exit.kind) {
    case ExitAction::Kind::kNone:
      break;
    case ExitAction::Kind::kClosePrefix:
      close_variable_subscopes(ts.counts, f.exit.prefix);
      break;
    case ExitAction::Kind::kRestoreCounts:
      ts.counts = std::move(f.exit.saved);
      break;
  }
}
}  // namespace

Pushed push_scope(const Scope& scope) {
  ThreadScopes& ts = scope.graph().thread_scopes();
  check_pending(ts);
  return push_frame(scope.graph(), Frame::Kind::kScope, scope, {});
}

Pushed push_name_scope(Graph& g, std::optional<std::string_view> name) {
  Scope parent = current_scope(g);
  return push_frame(g, Frame::Kind::kName, enter_name_scope(parent, name), {});
}

Pushed push_variable_scope(Graph& g, std::string_view name, const VariableScopeOptions& o) {
  Scope parent = current_scope(g);
  VarScopeEntry e = enter_variable_scope_by_name(parent, g.thread_scopes(), name, o, false);
  return push_frame(g, Frame::Kind::kVariable, std::move(e.scope), std::move(e.exit));
}

Pushed push_variable_scope(Graph& g, const VariableScope& vs, const VariableScopeOptions& o) {
  Scope parent = current_scope(g);
  VarScopeEntry e = enter_variable_scope_by_object(parent, g.thread_scopes(), vs, o, false);
  return push_frame(g, Frame::Kind::kVariable, std::move(e.scope), std::move(e.exit));
}

Pushed push_default_variable_scope(Graph& g, std::string_view default_name,
                                   const VariableScopeOptions& o) {
  Scope parent = current_scope(g);
  VarScopeEntry e = enter_default_variable_scope(parent, g.thread_scopes(), default_name, o, false);
  return push_frame(g, Frame::Kind::kVariable, std::move(e.scope), std::move(e.exit));
}

namespace {
// Pops the top frame when it is `token`'s, running its exit action; the usual case.
bool pop_top(ThreadScopes& ts, uint64_t token) {
  if (ts.frames.empty() || ts.frames.back().token != token) return false;
  Frame f = std::move(ts.frames.back());
  ts.frames.pop_back();
  run_exit(ts, f);
  return true;
}

std::vector<Frame>::iterator find_frame(ThreadScopes& ts, uint64_t token) {
  return std::find_if(ts.frames.begin(), ts.frames.end(),
                      [&](const Frame& f) { return f.token == token; });
}
}  // namespace

void pop_scope(Graph& g, uint64_t token) {
  ThreadScopes& ts = g.thread_scopes();
  if (pop_top(ts, token)) return;
  auto it = find_frame(ts, token);
  if (it == ts.frames.end()) throw Error(Code::kInternal, messages::scope_exited_twice());
  if (it->kind == Frame::Kind::kVariable)
    throw Error(Code::kFailedPrecondition, messages::improper_variable_scope_nesting());
  // A name scope left early: TF restores the stack it saw on entry; the frames above it
  // were opened inside it and go with it.
  ts.frames.erase(it, ts.frames.end());
}

bool pop_scope_noexcept(Graph& g, uint64_t token) noexcept {
  ThreadScopes& ts = g.thread_scopes();
  if (pop_top(ts, token)) return true;
  auto it = find_frame(ts, token);
  const bool variable = it != ts.frames.end() && it->kind == Frame::Kind::kVariable;
  if (it != ts.frames.end()) ts.frames.erase(it);
  ts.pending_error = messages::guard_popped_out_of_order(variable ? "variable scope" : "scope");
  return false;
}

}  // namespace internal

// ---- Scope ----

Scope Scope::root(Graph& graph) { return graph.thread_scopes().root; }

Graph& Scope::graph() const {
  SF_CHECK(s_ != nullptr, "use of an empty Scope");
  return *s_->graph;
}
std::string_view Scope::name_stack() const { return s_->name_stack; }
bool Scope::name_stack_is_none() const { return s_->name_none; }
std::string_view Scope::name_scope_string() const { return s_->yielded; }
const VariableScope& Scope::variable_scope() const { return s_->var_scope; }
std::vector<Operation> Scope::control_dependencies() const {
  std::vector<Operation> out;
  for (const auto& c : s_->controllers)
    for (const Operation& op : c->inputs)
      if (std::find(out.begin(), out.end(), op) == out.end()) out.push_back(op);
  return out;
}
std::string_view Scope::device() const { return s_->device; }

Scope Scope::name_scope(std::string_view name) const {
  return internal::enter_name_scope(
      *this, name.empty() ? std::nullopt : std::optional<std::string_view>(name));
}

Scope Scope::name_scope(std::optional<std::string_view> name, std::string_view default_name) const {
  return name_scope(name ? *name : default_name);
}

Scope Scope::variable_scope(std::string_view name, const VariableScopeOptions& options) const {
  return internal::enter_variable_scope_by_name(*this, graph().thread_scopes(), name, options, true)
      .scope;
}

Scope Scope::variable_scope(const VariableScope& vs, const VariableScopeOptions& options) const {
  return internal::enter_variable_scope_by_object(*this, graph().thread_scopes(), vs, options, true)
      .scope;
}

Scope Scope::default_variable_scope(std::string_view default_name,
                                    const VariableScopeOptions& options) const {
  return internal::enter_default_variable_scope(*this, graph().thread_scopes(), default_name,
                                                options, true)
      .scope;
}

Scope Scope::with_control_dependencies(const std::vector<Operation>& ops) const {
  auto c = std::make_shared<internal::ControlController>();
  for (const Operation& op : ops) {
    if (op.graph() != s_->graph)
      throw Error(Code::kInvalidArgument,
                  messages::graph_mismatch("Operation " + std::string(op.name())));
    c->inputs.push_back(op);
  }
  auto st = internal::copy_state(*this);
  st->controllers.push_back(std::move(c));
  return Scope(std::move(st));
}

Scope Scope::without_control_dependencies() const {
  if (s_->controllers.empty()) return *this;
  auto st = internal::copy_state(*this);
  st->controllers.clear();
  return Scope(std::move(st));
}

Scope Scope::with_device(std::optional<std::string_view> device) const {
  auto st = internal::copy_state(*this);
  if (!device) {
    st->device = {};
  } else {
    DeviceSpec merged = DeviceSpec::parse(s_->device).merged_with(DeviceSpec::parse(*device));
    st->device = s_->graph->intern(merged.to_string());
  }
  return Scope(std::move(st));
}

Scope Scope::colocate_with(const Operation& op, bool ignore_existing) const {
  if (op.graph() != s_->graph)
    throw Error(Code::kInvalidArgument,
                messages::graph_mismatch("Operation " + std::string(op.name())));
  auto st = internal::copy_state(*this);
  if (ignore_existing) st->colocation.clear();
  // Operation.colocation_groups(): its own `_class` loc:@ entries, else loc:@<its name>.
  std::vector<std::string> groups;
  if (auto cls = op.attr("_class")) {
    if (auto* list = std::get_if<std::vector<std::string>>(&*cls))
      for (const std::string& g : *list)
        if (g.rfind("loc:@", 0) == 0) groups.push_back(g);
  }
  if (groups.empty()) groups.push_back("loc:@" + std::string(op.name()));
  for (std::string& g : groups)
    if (std::find(st->colocation.begin(), st->colocation.end(), g) == st->colocation.end())
      st->colocation.push_back(std::move(g));
  std::sort(st->colocation.begin(), st->colocation.end());
  st->device = op.device().empty() ? std::string_view() : s_->graph->intern(op.device());
  return Scope(std::move(st));
}

const std::vector<std::string>& Scope::colocation_groups() const { return s_->colocation; }

namespace internal {
Scope with_colocation_groups(const Scope& scope, std::vector<std::string> groups) {
  auto st = copy_state(scope);
  std::sort(groups.begin(), groups.end());
  groups.erase(std::unique(groups.begin(), groups.end()), groups.end());
  st->colocation = std::move(groups);
  return Scope(std::move(st));
}
}  // namespace internal

std::string Scope::unique_name(std::string_view name, bool mark_as_used) const {
  if (s_->name_stack.empty()) return std::string(s_->graph->unique_full_name(name, mark_as_used));
  std::string full(s_->name_stack);
  full += '/';
  full.append(name);
  return std::string(s_->graph->unique_full_name(full, mark_as_used));
}

// ---- Implicit door ----

Scope current_scope(Graph& graph) {
  internal::ThreadScopes& ts = graph.thread_scopes();
  internal::check_pending(ts);
  return ts.frames.empty() ? ts.root : ts.frames.back().scope;
}

Scope current_scope() { return current_scope(default_graph()); }

GraphGuard::GraphGuard(Graph& graph) : graph_(&graph) {
  internal::push_default_graph(std::shared_ptr<Graph>(std::shared_ptr<Graph>{}, &graph));
}
GraphGuard::GraphGuard(std::shared_ptr<Graph> graph) : graph_(graph.get()) {
  internal::push_default_graph(std::move(graph));
}
GraphGuard::~GraphGuard() { internal::pop_default_graph(graph_); }

ScopeGuardBase::~ScopeGuardBase() {
  if (graph_) internal::pop_scope_noexcept(*graph_, token_);
}

void ScopeGuardBase::adopt(Graph& graph, internal::Pushed pushed) {
  graph_ = &graph;
  token_ = pushed.token;
  scope_ = std::move(pushed.scope);
}

NameScope::NameScope(std::optional<std::string_view> name) : NameScope(default_graph(), name) {}
NameScope::NameScope(Graph& graph, std::optional<std::string_view> name) {
  adopt(graph, internal::push_name_scope(graph, name));
}
NameScope::NameScope(std::optional<std::string_view> name, std::string_view default_name)
    : NameScope(default_graph(), name ? name : std::optional<std::string_view>(default_name)) {}

VariableScopeGuard::VariableScopeGuard(std::string_view name, const VariableScopeOptions& o)
    : VariableScopeGuard(default_graph(), name, o) {}
VariableScopeGuard::VariableScopeGuard(Graph& graph, std::string_view name,
                                       const VariableScopeOptions& o) {
  adopt(graph, internal::push_variable_scope(graph, name, o));
}
VariableScopeGuard::VariableScopeGuard(const VariableScope& vs, const VariableScopeOptions& o) {
  Graph& graph = default_graph();
  adopt(graph, internal::push_variable_scope(graph, vs, o));
}
std::unique_ptr<VariableScopeGuard> VariableScopeGuard::with_default_name(
    std::string_view default_name, const VariableScopeOptions& o) {
  Graph& graph = default_graph();
  std::unique_ptr<VariableScopeGuard> g(new VariableScopeGuard());
  g->adopt(graph, internal::push_default_variable_scope(graph, default_name, o));
  return g;
}

ScopeGuard::ScopeGuard(const Scope& scope) { adopt(scope.graph(), internal::push_scope(scope)); }

}  // namespace scopeflow
