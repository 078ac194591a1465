// Variables: tf.Variable's ops, and get_variable's scope part, store, getter chain,
// partitioning and regularization (TF's variable_scope.py / variables.py).
#include "scopeflow/graph/variable.h"

#include <fmt/format.h>

#include <algorithm>

#include "scopeflow/base/error.h"
#include "scopeflow/base/messages.h"
#include "scopeflow/graph/graph.h"
#include "scopeflow/naming/guards.h"
#include "scopeflow/ops/init_ops.h"
#include "scopeflow/ops/ops.h"

namespace scopeflow {

// ---- Variable handle ----

namespace {
const internal::VariableRecord& rec(const Variable& v) {
  return v.graph()->variable_record(v.index());
}
std::string location_text(const std::source_location& loc) {
  return fmt::format("  File \"{}\", line {}, in {}\n", loc.file_name(), loc.line(),
                     loc.function_name());
}
std::string list_text(const std::vector<int64_t>& v) {
  std::string s = "[";
  for (size_t i = 0; i < v.size(); ++i) s += (i ? ", " : "") + std::to_string(v[i]);
  return s + "]";
}
}  // namespace

Input::Input(const Variable& v) : out_(v.value()) {}

std::string Variable::name() const { return rec(*this).name; }
Operation Variable::op() const { return rec(*this).op; }
Operation Variable::initializer() const { return rec(*this).initializer; }
Output Variable::value() const { return rec(*this).snapshot; }
Output Variable::ref() const { return rec(*this).op.output(0); }
Output Variable::initial_value() const { return rec(*this).initial_value; }
DataType Variable::dtype() const { return rec(*this).dtype; }
const PartialShape& Variable::shape() const { return rec(*this).shape; }
bool Variable::trainable() const { return rec(*this).trainable; }
const std::string& Variable::defined_at() const { return rec(*this).defined_at; }
std::string Variable::repr() const {
  return fmt::format("<tf.Variable '{}' shape={} dtype={}>", name(), shape().to_string(),
                     dtype_name(dtype()));
}

// ---- tf.Variable ----

namespace {
// variables.validate_synchronization_aggregation_trainable: trainable defaults to
// synchronization != ON_READ.
bool resolve_trainable(std::optional<bool> trainable, Synchronization sync) {
  if (sync == Synchronization::kOnRead) {
    if (trainable && *trainable) throw Error(Code::kInvalidArgument, messages::on_read_trainable());
    return false;
  }
  return trainable.value_or(true);
}
}  // namespace

Variable make_variable(const Scope& scope, const Initializer& init, const VariableOptions& o,
                       std::source_location loc) {
  if (!init.callable() && !init.tensor && !init.value)
    throw Error(Code::kInvalidArgument, messages::initial_value_required());
  const bool trainable = resolve_trainable(o.trainable, o.synchronization);
  std::vector<std::string> collections =
      o.collections ? *o.collections : std::vector<std::string>{graph_keys::kGlobalVariables};
  if (trainable && std::find(collections.begin(), collections.end(),
                             graph_keys::kTrainableVariables) == collections.end())
    collections.push_back(graph_keys::kTrainableVariables);

  // ops.init_scope(): same name stack, no control dependencies.
  Scope base = scope.without_control_dependencies();
  Scope vs = base.name_scope(o.name.empty() ? std::string_view("Variable") : o.name);
  // A callable initial value is built under TF's attr scope {_class: loc:@<name>}, which
  // also covers the VariableV2 op itself.
  // An enclosing colocate_with wins over that attr scope (TF sets `_class` from the
  // colocation stack last), e.g. slot variables colocated with their primary.
  Scope var_scope = init.callable() && vs.colocation_groups().empty()
                        ? internal::with_colocation_groups(
                              vs, {"loc:@" + std::string(vs.name_stack())})
                        : vs;
  Output initial;
  if (init.callable()) {
    Scope is = var_scope.name_scope("Initializer").with_device(std::nullopt);
    ScopeGuard guard(is);
    Input value =
        init.fn(is, PartialShape::unknown(), o.dtype.value_or(DataType::kInvalid), nullptr);
    initial = ops::convert_to_tensor(is, value, "initial_value", o.dtype);
  } else if (init.tensor) {
    initial = ops::convert_to_tensor(vs, *init.tensor, "initial_value", o.dtype);
  } else {
    initial =
        ops::convert_to_tensor(vs, Input(*init.value, /*literal=*/true), "initial_value", o.dtype);
  }
  PartialShape shape = o.validate_shape ? initial.shape() : PartialShape::unknown();
  if (o.validate_shape && !shape.fully_defined())
    throw Error(Code::kInvalidArgument, messages::initial_value_shape_unknown(initial.str()));

  const DataType dtype = base_dtype(initial.dtype());
  Output var = ops::variable_v2(var_scope, shape, dtype, vs.name_scope_string());
  Output assigned = ops::assign(vs, var, initial, o.validate_shape);
  // The snapshot sits on the caching device, or beside the variable (colocate_with).
  Scope read_scope =
      o.caching_device ? vs.with_device(*o.caching_device) : vs.colocate_with(var.op());
  Output snapshot = ops::identity(read_scope, var, "read");

  internal::VariableRecord r;
  r.op = var.op();
  r.initializer = assigned.op();
  r.snapshot = snapshot;
  r.initial_value = initial;
  r.dtype = ref_dtype(dtype);
  r.shape = shape;
  r.trainable = trainable;
  r.defined_at = o.defined_at ? o.defined_at() : location_text(loc);
  r.name = var.name();
  Graph& g = scope.graph();
  Variable v = g.add_variable_record(std::move(r));
  g.add_to_collections(collections, CollectionItem::of(v));
  return v;
}

Variable make_variable(const Scope& scope, const Input& initial_value, const VariableOptions& o,
                       std::source_location loc) {
  return make_variable(scope,
                       initial_value.is_tensor() ? Initializer::from_tensor(initial_value.tensor())
                                                 : Initializer::from_value(initial_value.value()),
                       o, loc);
}

Variable make_variable(const Input& initial_value, const VariableOptions& o,
                       std::source_location loc) {
  return make_variable(current_scope(), initial_value, o, loc);
}

// ---- get_variable ----

namespace {

Variable single_variable(const Scope& root, const GetterArgs& a,
                         const PartitionInfo* partition = nullptr) {
  Graph& g = root.graph();
  const bool from_value = a.initializer && !a.initializer->callable();
  if (a.shape && from_value)
    throw Error(Code::kInvalidArgument, messages::constant_initializer_with_shape());
  const DataType dtype = base_dtype(a.dtype.value_or(DataType::kFloat));
  const PartialShape shape = a.shape.value_or(PartialShape::unknown());

  if (auto found = g.stored_variable(a.name)) {
    if (a.reuse == Reuse::kFalse)
      throw Error(Code::kInvalidArgument,
                  messages::variable_already_exists(a.name, found->defined_at()));
    if (!shape.compatible_with(found->shape()))
      throw Error(
          Code::kInvalidArgument,
          messages::share_shape_mismatch(a.name, shape.to_string(), found->shape().to_string()));
    if (!dtype_compatible(dtype, found->dtype()))
      throw Error(
          Code::kInvalidArgument,
          messages::share_dtype_mismatch(a.name, dtype_name(dtype), dtype_name(found->dtype())));
    return *found;
  }
  if (a.reuse == Reuse::kTrue)
    throw Error(Code::kInvalidArgument, messages::variable_does_not_exist(a.name));

  Initializer init;
  if (a.initializer) {
    init = *a.initializer;
  } else if (is_floating(dtype)) {
    init = init::glorot_uniform();
  } else if (is_integer(dtype) || dtype == DataType::kBool || dtype == DataType::kString) {
    init = init::zeros();
  } else {
    throw Error(Code::kInvalidArgument, messages::initializer_required(a.name, dtype_str(dtype)));
  }

  VariableOptions vo;
  vo.name = a.name;
  vo.trainable = a.trainable;
  vo.collections = a.collections;
  vo.validate_shape = a.validate_shape;
  vo.synchronization = a.synchronization;
  vo.caching_device = a.caching_device;
  vo.defined_at = a.defined_at;
  Initializer initial;
  if (!init.callable()) {
    initial = init;  // the value decides the dtype
  } else if (shape.fully_defined()) {
    std::optional<PartitionInfo> part;
    if (partition) part = *partition;
    Initializer::Fn fn = init.fn;
    initial.fn = [fn, shape, dtype, part](const Scope& s, const PartialShape&, DataType,
                                          const PartitionInfo*) {
      return fn(s, shape, dtype, part ? &*part : nullptr);
    };
    vo.dtype = dtype;
  } else if (init.accepts_no_args) {
    initial = init;
  } else {
    throw Error(Code::kInvalidArgument, messages::initializer_not_valid());
  }
  Variable v = make_variable(root, initial, vo);
  g.store_variable(a.name, v);

  if (a.regularizer && a.regularizer->fn) {
    Scope rs = root.name_scope(a.name + "/Regularizer/");
    ScopeGuard guard(rs);
    std::optional<Output> loss = a.regularizer->fn(rs, v);
    if (loss) g.add_to_collection(graph_keys::kRegularizationLosses, CollectionItem::of(*loss));
  }
  return v;
}

PartitionedVariable partitioned_variable(const Scope& root, const GetterArgs& a) {
  Graph& g = root.graph();
  if (g.stored_variable(a.name))
    throw Error(Code::kInvalidArgument, messages::partitioned_single_exists(a.name));
  PartialShape shape = a.shape.value_or(PartialShape::unknown());
  const bool from_tensor = a.initializer && a.initializer->tensor.has_value();
  if (from_tensor) shape = shape.merge_with(a.initializer->tensor->shape());
  const DataType dtype = base_dtype(a.dtype.value_or(DataType::kFloat));

  std::optional<std::vector<int64_t>> partitions;
  if (a.reuse != Reuse::kTrue || a.partitioner) {
    if (!a.partitioner || !a.partitioner->fn)
      throw Error(Code::kInvalidArgument, messages::partitioner_not_callable("None"));
    // _call_partitioner.
    if (!shape.fully_defined())
      throw Error(Code::kInvalidArgument,
                  messages::partitioned_shape_not_fully_defined(shape.to_string()));
    if (shape.rank() < 1)
      throw Error(Code::kInvalidArgument, messages::partitioned_rank_zero(shape.to_string()));
    std::vector<int64_t> p;
    {
      ScopeGuard guard(root);
      p = a.partitioner->fn(shape, dtype);
    }
    if (static_cast<int>(p.size()) != shape.rank())
      throw Error(Code::kInvalidArgument,
                  messages::partitions_invalid(list_text(p), shape.to_string()));
    if (std::any_of(p.begin(), p.end(), [](int64_t x) { return x < 1; }))
      throw Error(Code::kInvalidArgument, messages::partitioner_zero_parts(list_text(p)));
    if (std::count_if(p.begin(), p.end(), [](int64_t x) { return x > 1; }) > 1)
      throw Error(Code::kInvalidArgument,
                  messages::partitioner_many_axes(shape.to_string(), list_text(p)));
    partitions = std::move(p);
  }

  if (const PartitionedVariable* existing = g.stored_partitioned_variable(a.name)) {
    if (a.reuse == Reuse::kFalse)
      throw Error(Code::kInvalidArgument, messages::partitioned_already_exists(a.name));
    if (!shape.compatible_with(existing->shape))
      throw Error(Code::kInvalidArgument,
                  messages::partitioned_reuse_shape_mismatch(a.name, shape.to_string(),
                                                             existing->shape.to_string()));
    if (!dtype_compatible(dtype, existing->dtype))
      throw Error(Code::kInvalidArgument,
                  messages::partitioned_reuse_dtype_mismatch(a.name, dtype_name(dtype),
                                                             dtype_name(existing->dtype)));
    if (partitions && *partitions != existing->partitions)
      throw Error(Code::kInvalidArgument,
                  messages::partitioned_reuse_partitions_mismatch(a.name, list_text(*partitions),
                                                                  list_text(existing->partitions)));
    return *existing;
  }
  if (a.reuse == Reuse::kTrue)
    throw Error(Code::kInvalidArgument, messages::partitioned_does_not_exist(a.name));

  int slice_dim = 0;
  int64_t num_slices = 1;
  for (size_t i = 0; i < partitions->size(); ++i)
    if ((*partitions)[i] != 1) {
      slice_dim = static_cast<int>(i);
      num_slices = (*partitions)[i];
      break;
    }

  std::vector<int64_t> full(shape.dims().begin(), shape.dims().end());
  PartitionedVariable result;
  result.name = a.name;
  result.shape = shape;
  result.dtype = dtype;
  result.partitions = *partitions;
  const int64_t excess = full[slice_dim] % num_slices;
  const int64_t min_len = full[slice_dim] / num_slices;
  std::vector<int64_t> offset(full.size(), 0);
  for (int64_t i = 0; i < num_slices; ++i) {
    std::vector<int64_t> part_shape = full;
    part_shape[slice_dim] = min_len + (i < excess ? 1 : 0);
    PartitionInfo info{full, offset};
    GetterArgs pa = a;
    pa.name = fmt::format("{}/part_{}", a.name, i);
    pa.shape = PartialShape(part_shape);
    {
      // TF builds each part's initial value in `<part>/PartitionedInitializer`: a value or
      // tensor initializer is sliced there (and the part then takes its shape from it).
      Scope pi = root.name_scope(pa.name + "/PartitionedInitializer");
      if (a.initializer && !a.initializer->callable()) {
        ScopeGuard guard(pi);
        Output whole =
            a.initializer->tensor
                ? *a.initializer->tensor
                : ops::convert_to_tensor(pi, Input(*a.initializer->value, true), "Const", dtype);
        auto int32s = [](const std::vector<int64_t>& v) {
          return Tensor::vector(std::vector<int32_t>(v.begin(), v.end()));
        };
        Output part = ops::slice(pi, whole, int32s(offset), int32s(part_shape));
        pa.initializer = Initializer::from_tensor(part);
        pa.dtype = base_dtype(part.dtype());
        pa.shape.reset();
      }
    }
    result.parts.push_back(single_variable(root, pa, &info));
    offset[slice_dim] += part_shape[slice_dim];
  }
  g.store_partitioned_variable(a.name, result);
  return result;
}

VariableResult true_getter(const Scope& root, const GetterArgs& a) {
  Graph& g = root.graph();
  const bool is_scalar = a.shape && a.shape->known_rank() && a.shape->rank() == 0;
  if (a.partitioner && a.partitioner->fn && !is_scalar)
    return {.partitioned = partitioned_variable(root, a)};
  if (a.reuse == Reuse::kTrue && !(a.partitioner && a.partitioner->fn) &&
      g.stored_partitioned_variable(a.name))
    return {.partitioned = partitioned_variable(root, a)};
  if (g.stored_variable(a.name + "/part_0"))
    throw Error(Code::kInvalidArgument, messages::single_partitioned_exists(a.name));
  return {.variable = single_variable(root, a)};
}

}  // namespace

VariableResult get_variable_result(const Scope& scope, std::string_view name, GetVariableOptions o,
                                   std::source_location loc) {
  const VariableScope& vs = scope.variable_scope();
  if (!o.regularizer) o.regularizer = vs.regularizer();
  if (!o.caching_device) o.caching_device = vs.caching_device();
  if (!o.partitioner) o.partitioner = vs.partitioner();
  if (!o.custom_getter) o.custom_getter = vs.custom_getter();
  if (!o.use_resource) o.use_resource = vs.use_resource();
  const std::string full_name =
      vs.name().empty() ? std::string(name) : vs.name() + "/" + std::string(name);

  // Variable names depend only on the variable scope: everything runs in name_scope(None).
  Scope root = scope.name_scope("");
  ScopeGuard guard(root);
  if (o.dtype && o.initializer && !o.initializer->callable()) {
    DataType init_dtype;
    if (o.initializer->tensor) {
      init_dtype = base_dtype(o.initializer->tensor->dtype());
    } else {
      // TF converts the value here (a root `Const`) only to read its dtype.
      init_dtype = base_dtype(ops::convert_to_tensor(root, *o.initializer->value).dtype());
    }
    if (init_dtype != base_dtype(*o.dtype))
      throw Error(Code::kInvalidArgument,
                  messages::initializer_dtype_mismatch(dtype_str(init_dtype), dtype_str(*o.dtype)));
  }
  if (!o.initializer) o.initializer = vs.initializer();
  if (!o.dtype) o.dtype = vs.dtype();

  GetterArgs args;
  args.name = full_name;
  args.shape = o.shape;
  args.dtype = base_dtype(*o.dtype);
  args.initializer = o.initializer;
  args.regularizer = o.regularizer;
  args.reuse = vs.reuse();
  args.trainable = resolve_trainable(o.trainable, o.synchronization);
  args.collections = o.collections;
  args.caching_device = o.caching_device;
  args.partitioner = o.partitioner;
  args.validate_shape = o.validate_shape;
  args.use_resource = o.use_resource;
  args.synchronization = o.synchronization;
  args.aggregation = o.aggregation;
  args.defined_at = o.defined_at
                        ? std::move(o.defined_at)
                        : std::function<std::string()>([loc] { return location_text(loc); });

  Getter getter = [root](const GetterArgs& a) { return true_getter(root, a); };
  if (o.custom_getter && o.custom_getter->fn) return o.custom_getter->fn(getter, args);
  return getter(args);
}

Variable get_variable(const Scope& scope, std::string_view name, GetVariableOptions options,
                      std::source_location loc) {
  VariableResult r = get_variable_result(scope, name, std::move(options), loc);
  if (!r.variable)
    throw Error(Code::kTypeMismatch,
                "get_variable produced " +
                    std::string(r.partitioned ? "a partitioned variable" : "a non-variable") +
                    "; use get_variable_result or get_partitioned_variable");
  return *r.variable;
}

PartitionedVariable get_partitioned_variable(const Scope& scope, std::string_view name,
                                             GetVariableOptions options, std::source_location loc) {
  VariableResult r = get_variable_result(scope, name, std::move(options), loc);
  if (!r.partitioned)
    throw Error(Code::kTypeMismatch, "get_variable did not produce a partitioned variable");
  return *r.partitioned;
}

Variable get_local_variable(const Scope& scope, std::string_view name, GetVariableOptions o,
                            std::source_location loc) {
  std::vector<std::string> c = o.collections.value_or(std::vector<std::string>{});
  c.emplace_back(graph_keys::kLocalVariables);
  o.collections = std::move(c);
  o.trainable = false;
  return get_variable(scope, name, std::move(o), loc);
}

Output partitioned_value(const Scope& scope, const PartitionedVariable& v) {
  Scope top = scope.name_scope("");
  if (v.parts.size() == 1) return ops::identity(top, v.parts[0], v.name);
  int64_t axis = 0;
  for (size_t i = 0; i < v.partitions.size(); ++i)
    if (v.partitions[i] > 1) axis = static_cast<int64_t>(i);
  std::vector<Input> parts(v.parts.begin(), v.parts.end());
  Output joined = ops::concat(top.name_scope(v.name + "/ConcatPartitions/"), parts, axis);
  return ops::identity(top, joined, v.name);
}

Variable get_variable(std::string_view name, GetVariableOptions options, std::source_location loc) {
  return get_variable(current_scope(), name, std::move(options), loc);
}

}  // namespace scopeflow
