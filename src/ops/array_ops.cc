// Registration (shape functions) and builders of the array ops.
#include "scopeflow/ops/array_ops.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>

#include "../runtime/kernels/array_strided_slice.h"
#include "scopeflow/base/error.h"
#include "scopeflow/graph/graph.h"
#include "scopeflow/ops/op_registry.h"

namespace scopeflow::internal {

namespace {


// InferenceContext::Merge with TF's texts; "" when compatible.
std::string try_merge(const PartialShape& a, const PartialShape& b, PartialShape* out) {
  if (!a.known_rank()) {
    *out = b;
    return "";
  }
  if (!b.known_rank()) {
    *out = a;
    return "";
  }
  if (a.rank() != b.rank())
    return fmt::format("Shapes must be equal rank, but are {} and {}", a.rank(), b.rank());
  PartialShape::Dims d(a.rank(), -1);
  for (int i = 0; i < a.rank(); ++i) {
    const int64_t x = a.dim(i), y = b.dim(i);
    if (x >= 0 && y >= 0 && x != y)
      return fmt::format(
          "Dimension {} in both shapes must be equal, but are {} and {}. Shapes are {} and {}.", i,
          x, y, shape_text(a), shape_text(b));
    d[i] = x >= 0 ? x : y;
  }
  *out = PartialShape(std::move(d));
  return "";
}

PartialShape with_rank_at_least(const ShapeContext& c, const PartialShape& s, int64_t rank) {
  if (s.known_rank() && s.rank() < rank)
    c.fail(fmt::format("Shape must be at least rank {} but is rank {}", rank, s.rank()));
  return s;
}

int64_t dim_mul(int64_t a, int64_t b) {
  if (a == 0 || b == 0) return 0;
  return a < 0 || b < 0 ? -1 : a * b;
}

PartialShape sub_shape(const PartialShape& s, int64_t begin, int64_t end) {
  PartialShape::Dims d;
  for (int64_t i = begin; i < end; ++i) d.push_back(s.dim(static_cast<int>(i)));
  return PartialShape(std::move(d));
}

PartialShape concat_shapes(std::initializer_list<PartialShape> parts) {
  PartialShape::Dims d;
  for (const PartialShape& p : parts) {
    if (!p.known_rank()) return PartialShape::unknown();
    for (int64_t x : p.dims()) d.push_back(x);
  }
  return PartialShape(std::move(d));
}

int64_t axis_for_pack_unpack(const ShapeContext& c, int64_t rank_after) {
  int64_t axis = c.attr_int("axis", 0);
  if (axis < -rank_after || axis >= rank_after)
    c.fail(fmt::format("Invalid axis: {}; must be in [{},{})", axis, -rank_after, rank_after));
  return axis < 0 ? axis + rank_after : axis;
}

// ---- Constant evaluation for shape inference ----
//
// TF's shape refiner asks for the value of a shape-like input (Reshape's shape, Tile's
// multiples, DynamicStitch's indices...) and, when the producing subgraph is made only of
// constants and of Shape/Size/Rank of tensors whose static shape answers them, evaluates it
// (EvaluateConstantTensor). The gradient graphs (math_ops.reduced_shape, _ProdGrad,
// _ConcatGradHelper) rely on this for their static shapes. This evaluator covers the int32 /
// int64 ops those graphs are made of; anything else (or a large tensor) gives nullopt.

struct IntValue {
  DataType dtype = DataType::kInt32;
  std::vector<int64_t> shape;
  std::vector<int64_t> v;
  int64_t n() const { return static_cast<int64_t>(v.size()); }
};

constexpr int kMaxEvalDepth = 48;
constexpr int64_t kMaxEvalElements = 1 << 16;

bool is_int_type(DataType t) { return t == DataType::kInt32 || t == DataType::kInt64; }

std::optional<IntValue> eval_int(const Output& t, int depth);

std::optional<IntValue> eval_input(const Operation& op, int i, int depth) {
  return eval_int(op.input(i), depth + 1);
}

std::optional<IntValue> from_tensor(const Tensor& x) {
  if (!is_int_type(x.dtype()) || x.num_elements() > kMaxEvalElements) return std::nullopt;
  IntValue r;
  r.dtype = x.dtype();
  r.shape = x.shape();
  r.v.resize(static_cast<size_t>(x.num_elements()));
  for (int64_t i = 0; i < x.num_elements(); ++i)
    r.v[i] = x.dtype() == DataType::kInt64 ? x.data<int64_t>()[i] : x.data<int32_t>()[i];
  return r;
}

IntValue scalar_value(int64_t x, DataType t) {
  IntValue r;
  r.dtype = t;
  r.v = {x};
  return r;
}

IntValue vector_value(std::vector<int64_t> v, DataType t) {
  IntValue r;
  r.dtype = t;
  r.shape = {static_cast<int64_t>(v.size())};
  r.v = std::move(v);
  return r;
}

int64_t floor_div_int(int64_t a, int64_t b) {
  int64_t q = a / b;
  if ((a % b != 0) && ((a < 0) != (b < 0))) --q;
  return q;
}

// Element-wise binary op with a scalar operand or equal shapes.
std::optional<IntValue> eval_binary(std::string_view type, const IntValue& a, const IntValue& b) {
  const bool as = a.shape.empty(), bs = b.shape.empty();
  if (!(a.shape == b.shape || as || bs)) return std::nullopt;
  IntValue r;
  r.dtype = a.dtype;
  r.shape = as ? b.shape : a.shape;
  const int64_t n = as ? b.n() : a.n();
  r.v.resize(static_cast<size_t>(n));
  for (int64_t i = 0; i < n; ++i) {
    const int64_t x = a.v[as ? 0 : i], y = b.v[bs ? 0 : i];
    int64_t z;
    if (type == "Add" || type == "AddV2") {
      z = x + y;
    } else if (type == "Sub") {
      z = x - y;
    } else if (type == "Mul") {
      z = x * y;
    } else if (type == "Maximum") {
      z = std::max(x, y);
    } else if (type == "Minimum") {
      z = std::min(x, y);
    } else if (type == "FloorDiv") {
      if (y == 0) return std::nullopt;
      z = floor_div_int(x, y);
    } else if (type == "FloorMod") {
      if (y == 0) return std::nullopt;
      z = x % y;
      if (z != 0 && ((z < 0) != (y < 0))) z += y;
    } else {
      return std::nullopt;
    }
    r.v[i] = a.dtype == DataType::kInt32 ? static_cast<int32_t>(z) : z;
  }
  return r;
}

std::optional<IntValue> eval_int(const Output& t, int depth) {
  if (!t.valid() || depth > kMaxEvalDepth) return std::nullopt;
  const Operation op = t.op();
  const std::string_view type = op.type();
  auto attr_of = [&](std::string_view k) { return op.attr(k); };
  if (type == "Const") {
    auto v = attr_of("value");
    if (!v || !std::holds_alternative<Tensor>(*v)) return std::nullopt;
    return from_tensor(std::get<Tensor>(*v));
  }
  if (type == "Identity" || type == "StopGradient") return eval_input(op, 0, depth);
  if (type == "Shape" || type == "Size" || type == "Rank") {
    const PartialShape s = op.input(0).shape();
    const DataType out = base_dtype(t.dtype());
    if (type == "Rank") {
      if (!s.known_rank()) return std::nullopt;
      return scalar_value(s.rank(), DataType::kInt32);
    }
    if (!s.fully_defined()) return std::nullopt;
    if (type == "Size") return scalar_value(s.num_elements(), out);
    return vector_value(std::vector<int64_t>(s.dims().begin(), s.dims().end()), out);
  }
  if (type == "ShapeN") {
    const PartialShape s = op.input(t.index()).shape();
    if (!s.fully_defined()) return std::nullopt;
    return vector_value(std::vector<int64_t>(s.dims().begin(), s.dims().end()),
                        base_dtype(t.dtype()));
  }
  if (type == "Cast") {
    auto x = eval_input(op, 0, depth);
    const DataType to = base_dtype(t.dtype());
    if (!x || !is_int_type(to)) return std::nullopt;
    x->dtype = to;
    if (to == DataType::kInt32)
      for (int64_t& e : x->v) e = static_cast<int32_t>(e);
    return x;
  }
  if (type == "Add" || type == "AddV2" || type == "Sub" || type == "Mul" || type == "Maximum" ||
      type == "Minimum" || type == "FloorDiv" || type == "FloorMod") {
    auto a = eval_input(op, 0, depth);
    if (!a) return std::nullopt;
    auto b = eval_input(op, 1, depth);
    if (!b) return std::nullopt;
    return eval_binary(type, *a, *b);
  }
  if (type == "Range") {
    auto s = eval_input(op, 0, depth), l = eval_input(op, 1, depth), d = eval_input(op, 2, depth);
    if (!s || !l || !d || s->n() != 1 || l->n() != 1 || d->n() != 1) return std::nullopt;
    const int64_t a = s->v[0], b = l->v[0], step = d->v[0];
    if (step == 0 || (step > 0 && a > b) || (step < 0 && a < b)) return std::nullopt;
    std::vector<int64_t> out;
    for (int64_t x = a; step > 0 ? x < b : x > b; x += step) {
      out.push_back(x);
      if (static_cast<int64_t>(out.size()) > kMaxEvalElements) return std::nullopt;
    }
    return vector_value(std::move(out), base_dtype(t.dtype()));
  }
  if (type == "Fill") {
    auto d = eval_input(op, 0, depth), v = eval_input(op, 1, depth);
    if (!d || !v || d->shape.size() != 1 || v->n() != 1) return std::nullopt;
    int64_t n = 1;
    for (int64_t x : d->v) {
      if (x < 0) return std::nullopt;
      n *= x;
      if (n > kMaxEvalElements) return std::nullopt;
    }
    IntValue r;
    r.dtype = v->dtype;
    r.shape = d->v;
    r.v.assign(static_cast<size_t>(n), v->v[0]);
    return r;
  }
  if (type == "Pack") {
    std::vector<IntValue> parts;
    for (int i = 0; i < op.num_inputs(); ++i) {
      auto x = eval_input(op, i, depth);
      if (!x || (i > 0 && x->shape != parts[0].shape)) return std::nullopt;
      parts.push_back(std::move(*x));
    }
    if (parts.empty()) return std::nullopt;
    const int64_t rank = static_cast<int64_t>(parts[0].shape.size());
    int64_t axis = op.attr("axis") ? std::get<int64_t>(*op.attr("axis")) : 0;
    if (axis < 0) axis += rank + 1;
    if (axis < 0 || axis > rank) return std::nullopt;
    int64_t outer = 1, inner = 1;
    for (int64_t d = 0; d < rank; ++d) (d < axis ? outer : inner) *= parts[0].shape[d];
    const int64_t n = static_cast<int64_t>(parts.size());
    IntValue r;
    r.dtype = parts[0].dtype;
    r.shape = parts[0].shape;
    r.shape.insert(r.shape.begin() + axis, n);
    r.v.resize(static_cast<size_t>(outer * n * inner));
    for (int64_t o = 0; o < outer; ++o)
      for (int64_t j = 0; j < n; ++j)
        for (int64_t i = 0; i < inner; ++i) r.v[(o * n + j) * inner + i] = parts[j].v[o * inner + i];
    return r;
  }
  if (type == "ConcatV2") {
    const int n = op.num_inputs() - 1;
    auto axis = eval_input(op, n, depth);
    if (!axis || axis->n() != 1 || (axis->v[0] != 0 && axis->v[0] != -1)) return std::nullopt;
    IntValue r;
    for (int i = 0; i < n; ++i) {
      auto x = eval_input(op, i, depth);
      if (!x || x->shape.size() != 1) return std::nullopt;
      r.dtype = x->dtype;
      r.v.insert(r.v.end(), x->v.begin(), x->v.end());
    }
    r.shape = {r.n()};
    return r;
  }
  if (type == "GatherV2") {
    auto p = eval_input(op, 0, depth), idx = eval_input(op, 1, depth),
         axis = eval_input(op, 2, depth);
    if (!p || !idx || !axis || p->shape.size() != 1 || axis->n() != 1 ||
        (axis->v[0] != 0 && axis->v[0] != -1))
      return std::nullopt;
    IntValue r;
    r.dtype = p->dtype;
    r.shape = idx->shape;
    for (int64_t i : idx->v) {
      if (i < 0 || i >= p->n()) return std::nullopt;
      r.v.push_back(p->v[i]);
    }
    return r;
  }
  if (type == "Prod" || type == "Sum" || type == "Max" || type == "Min") {
    // A full reduction of a vector (what the gradient graphs reduce).
    auto x = eval_input(op, 0, depth), ax = eval_input(op, 1, depth);
    if (!x || !ax || x->shape.size() != 1) return std::nullopt;
    if (ax->n() > 1 || (ax->n() == 1 && ax->v[0] != 0 && ax->v[0] != -1)) return std::nullopt;
    if (ax->n() == 0) return x;  // nothing reduced
    const bool keep = op.attr("keep_dims") && std::get<bool>(*op.attr("keep_dims"));
    int64_t acc = type == "Prod" ? 1 : 0;
    for (int64_t i = 0; i < x->n(); ++i) {
      const int64_t e = x->v[i];
      if (type == "Prod") acc *= e;
      else if (type == "Sum") acc += e;
      else if (i == 0) acc = e;
      else acc = type == "Max" ? std::max(acc, e) : std::min(acc, e);
    }
    if ((type == "Max" || type == "Min") && x->n() == 0) return std::nullopt;
    IntValue r = scalar_value(x->dtype == DataType::kInt32 ? static_cast<int32_t>(acc) : acc,
                              x->dtype);
    if (keep) r.shape = {1};
    return r;
  }
  if (type == "ListDiff") {
    auto x = eval_input(op, 0, depth), y = eval_input(op, 1, depth);
    if (!x || !y || x->shape.size() != 1 || y->shape.size() != 1) return std::nullopt;
    std::vector<int64_t> out, idx;
    for (int64_t i = 0; i < x->n(); ++i)
      if (std::find(y->v.begin(), y->v.end(), x->v[i]) == y->v.end()) {
        out.push_back(x->v[i]);
        idx.push_back(i);
      }
    if (t.index() == 0) return vector_value(std::move(out), x->dtype);
    return vector_value(std::move(idx), base_dtype(t.dtype()));
  }
  if (type == "InvertPermutation") {
    auto x = eval_input(op, 0, depth);
    if (!x || x->shape.size() != 1) return std::nullopt;
    std::vector<int64_t> out(static_cast<size_t>(x->n()), -1);
    for (int64_t i = 0; i < x->n(); ++i) {
      const int64_t d = x->v[i];
      if (d < 0 || d >= x->n() || out[d] >= 0) return std::nullopt;
      out[d] = i;
    }
    return vector_value(std::move(out), x->dtype);
  }
  if (type == "DynamicStitch") {
    const int n = op.num_inputs() / 2;
    std::vector<IntValue> idx, data;
    int64_t max_index = -1;
    for (int i = 0; i < n; ++i) {
      auto x = eval_input(op, i, depth);
      if (!x) return std::nullopt;
      for (int64_t e : x->v) max_index = std::max(max_index, e);
      idx.push_back(std::move(*x));
    }
    for (int i = 0; i < n; ++i) {
      auto x = eval_input(op, n + i, depth);
      if (!x) return std::nullopt;
      data.push_back(std::move(*x));
    }
    // Only the common case: every data slice is a scalar.
    IntValue r;
    r.dtype = data[0].dtype;
    r.shape = {max_index + 1};
    r.v.assign(static_cast<size_t>(max_index + 1), 0);
    for (int i = 0; i < n; ++i) {
      if (data[i].shape != idx[i].shape) return std::nullopt;
      for (int64_t k = 0; k < idx[i].n(); ++k) {
        if (idx[i].v[k] < 0) return std::nullopt;
        r.v[idx[i].v[k]] = data[i].v[k];
      }
    }
    return r;
  }
  if (type == "Reshape" || type == "Squeeze" || type == "ExpandDims") {
    auto x = eval_input(op, 0, depth);
    const PartialShape s = t.shape();
    if (!x || !s.fully_defined() || s.num_elements() != x->n()) return std::nullopt;
    x->shape.assign(s.dims().begin(), s.dims().end());
    return x;
  }
  if (type == "Slice") {
    auto x = eval_input(op, 0, depth), b = eval_input(op, 1, depth), sz = eval_input(op, 2, depth);
    if (!x || !b || !sz || x->shape.empty() || x->shape.size() > 2 ||
        b->n() != static_cast<int64_t>(x->shape.size()) || sz->n() != b->n())
      return std::nullopt;
    const size_t rank = x->shape.size();
    std::vector<int64_t> size(rank);
    for (size_t d = 0; d < rank; ++d) {
      size[d] = sz->v[d] < 0 ? x->shape[d] - b->v[d] : sz->v[d];
      if (b->v[d] < 0 || size[d] < 0 || b->v[d] + size[d] > x->shape[d]) return std::nullopt;
    }
    IntValue r;
    r.dtype = x->dtype;
    r.shape = size;
    const int64_t cols = rank == 2 ? x->shape[1] : 1;
    const int64_t rows = size[0], ncols = rank == 2 ? size[1] : 1;
    const int64_t c0 = rank == 2 ? b->v[1] : 0;
    for (int64_t i = 0; i < rows; ++i)
      for (int64_t j = 0; j < ncols; ++j) r.v.push_back(x->v[(b->v[0] + i) * cols + c0 + j]);
    return r;
  }
  return std::nullopt;
}

Tensor to_tensor(const IntValue& x) {
  Tensor out(x.dtype, x.shape);
  for (int64_t i = 0; i < x.n(); ++i) {
    if (x.dtype == DataType::kInt64)
      out.data<int64_t>()[i] = x.v[i];
    else
      out.data<int32_t>()[i] = static_cast<int32_t>(x.v[i]);
  }
  return out;
}

// The value of input i when its subgraph evaluates (ShapeContext's own folding first).
std::optional<std::vector<int64_t>> eval_ints(const ShapeContext& c, int i) {
  if (auto v = c.input_ints(i)) return v;
  if (auto x = eval_int(c.input(i), 0)) return x->v;
  return std::nullopt;
}

// ShapeContext::fail for shape functions that read input values: TF's refiner then appends
// " and with computed input tensors: input[i] = <v0 v1>, ..." for each requested input whose
// value it computed.
[[noreturn]] void fail_computed(const ShapeContext& c, std::string_view detail,
                                const std::vector<int>& requested) {
  std::string computed;
  for (int i : requested) {
    auto v = eval_ints(c, i);
    if (!v) continue;
    if (!computed.empty()) computed += ", ";
    computed += fmt::format("input[{}] = <{}>", i, fmt::join(*v, " "));
  }
  if (computed.empty()) c.fail(detail);
  std::string shapes;
  for (int k = 0; k < c.num_inputs(); ++k) {
    if (k) shapes += ", ";
    shapes += shape_text(c.input_shape(k));
  }
  throw Error(Code::kInvalidArgument,
              fmt::format("{} for '{}' (op: '{}') with input shapes: {} and with computed input "
                          "tensors: {}.",
                          detail, c.op_name(), c.type(), shapes, computed));
}

// TF's ConstantPartialShape: a 1-D int tensor read as a shape, as far as it is known.
PartialShape partial_shape_of(const Output& t, int depth) {
  const PartialShape ts = t.shape();
  if (ts.known_rank() && ts.rank() == 0) {
    // A scalar -1 means an unknown rank; any other scalar is not a shape.
    return PartialShape::unknown();
  }
  if (auto x = eval_int(t, 0)) {
    PartialShape::Dims d;
    for (int64_t e : x->v) d.push_back(e < 0 ? -1 : e);
    return PartialShape(std::move(d));
  }
  const Operation op = t.op();
  const std::string_view type = op.type();
  if (type == "Shape") return op.input(0).shape();
  if (type == "ShapeN") return op.input(t.index()).shape();
  if (type == "Pack" && depth < kMaxEvalDepth) {
    PartialShape::Dims d;
    for (int k = 0; k < op.num_inputs(); ++k) {
      auto v = eval_int(op.input(k), 0);
      d.push_back(v && v->n() == 1 && v->v[0] >= 0 ? v->v[0] : -1);
    }
    return PartialShape(std::move(d));
  }
  if (type == "ConcatV2" && depth < kMaxEvalDepth) {
    PartialShape::Dims d;
    bool ok = true;
    for (int k = 0; ok && k + 1 < op.num_inputs(); ++k) {
      const PartialShape p = partial_shape_of(op.input(k), depth + 1);
      ok = p.known_rank();
      for (int64_t e : p.dims()) d.push_back(e);
    }
    if (ok) return PartialShape(std::move(d));
  }
  if (ts.known_rank() && ts.rank() == 1 && ts.dim(0) >= 0)
    return PartialShape::unknown_of_rank(static_cast<int>(ts.dim(0)));
  return PartialShape::unknown();
}

// input_as_shape with TF's constant folding of the shape subgraph.
PartialShape eval_as_shape(const ShapeContext& c, int i) {
  const PartialShape given = c.input_as_shape(i);
  if (given.fully_defined()) return given;
  const PartialShape folded = partial_shape_of(c.input(i), 0);
  if (!folded.known_rank()) return given;
  if (!given.known_rank()) return folded;
  if (given.rank() != folded.rank()) return given;
  PartialShape::Dims d = given.dims();
  for (int k = 0; k < given.rank(); ++k)
    if (d[k] < 0) d[k] = folded.dim(k);
  return PartialShape(std::move(d));
}

void unpack_shape(ShapeContext& c) {
  const PartialShape s = c.input_shape(0);
  const int64_t num = c.attr_int("num", 0);
  const DataType t = c.input_dtype(0);
  PartialShape out = PartialShape::unknown();
  if (s.known_rank()) {
    const int64_t axis = axis_for_pack_unpack(c, s.rank());
    const int64_t d = s.dim(static_cast<int>(axis));
    if (d >= 0 && d != num) c.fail(fmt::format("Dimension must be {} but is {}", num, d));
    PartialShape::Dims dims;
    for (int i = 0; i < s.rank(); ++i)
      if (i != axis) dims.push_back(s.dim(i));
    out = PartialShape(std::move(dims));
  }
  for (int64_t i = 0; i < num; ++i) c.set_output(static_cast<int>(i), t, out);
}

void pack_shape(ShapeContext& c) {
  const int n = c.num_inputs();
  PartialShape cur = c.input_shape(n - 1);
  for (int i = n - 2; i >= 0; --i) {
    PartialShape merged;
    std::string err = try_merge(c.input_shape(i), cur, &merged);
    if (!err.empty())
      c.fail(fmt::format("{}\n\tFrom merging shape {} with other shapes.", err, i));
    cur = merged;
  }
  const DataType t = c.input_dtype(0);
  if (!cur.known_rank()) {
    c.set_output(0, t, PartialShape::unknown());
    return;
  }
  const int64_t rank = cur.rank();
  const int64_t axis = axis_for_pack_unpack(c, rank + 1);
  PartialShape::Dims d;
  for (int64_t i = 0; i < axis; ++i) d.push_back(cur.dim(static_cast<int>(i)));
  d.push_back(n);
  for (int64_t i = axis; i < rank; ++i) d.push_back(cur.dim(static_cast<int>(i)));
  c.set_output(0, t, PartialShape(std::move(d)));
}

void slice_shape(ShapeContext& c) {
  const PartialShape in = c.input_shape(0);
  PartialShape bshape = c.with_rank(c.input_shape(1), 1);
  PartialShape sshape = c.with_rank(c.input_shape(2), 1);
  bshape = c.merge(bshape, sshape);
  const DataType t = c.input_dtype(0);
  int64_t ndims = bshape.dim(0);
  if (ndims >= 0 && in.known_rank() && in.rank() != ndims)
    c.fail(fmt::format("Shape must be rank {} but is rank {}", ndims, in.rank()));
  if (ndims < 0) ndims = in.rank();
  auto sizes = eval_ints(c, 2);
  auto begins = eval_ints(c, 1);
  if (!sizes) {
    c.set_output(0, t, ndims < 0 ? PartialShape::unknown()
                                 : PartialShape::unknown_of_rank(static_cast<int>(ndims)));
    return;
  }
  PartialShape::Dims d;
  for (size_t i = 0; i < sizes->size(); ++i) {
    const int64_t sz = (*sizes)[i];
    if (sz >= 0) {
      d.push_back(sz);
    } else if (begins && in.known_rank() && in.dim(static_cast<int>(i)) >= 0) {
      d.push_back(in.dim(static_cast<int>(i)) - (*begins)[i]);
    } else {
      d.push_back(-1);
    }
  }
  c.set_output(0, t, PartialShape(std::move(d)));
}

void concat_v2_shape(ShapeContext& c) {
  const int n = c.num_inputs() - 1;
  const DataType t = c.input_dtype(0);
  (void)c.with_rank(c.input_shape(n), 0);
  auto axis_v = c.input_ints(n);
  if (!axis_v) {
    int rank = -1;
    for (int i = 0; i < n; ++i) {
      const PartialShape s = c.input_shape(i);
      if (!s.known_rank()) continue;
      if (rank >= 0 && s.rank() != rank)
        c.fail(fmt::format("Shape must be rank {} but is rank {}", rank, s.rank()));
      rank = s.rank();
    }
    c.set_output(0, t, rank < 0 ? PartialShape::unknown() : PartialShape::unknown_of_rank(rank));
    return;
  }
  const int64_t axis = (*axis_v)[0];
  const int64_t min_rank = axis < 0 ? -axis : axis + 1;
  PartialShape before = PartialShape::unknown(), after = PartialShape::unknown();
  int64_t middle = 0;
  bool any_known = false;
  for (int i = n - 1; i >= 0; --i) {
    const PartialShape s = with_rank_at_least(c, c.input_shape(i), min_rank);
    if (!s.known_rank()) {
      middle = -1;
      continue;
    }
    const int64_t ax = axis < 0 ? axis + s.rank() : axis;
    const PartialShape b = sub_shape(s, 0, ax), a = sub_shape(s, ax + 1, s.rank());
    const int64_t m = s.dim(static_cast<int>(ax));
    if (!any_known) {
      before = b;
      after = a;
      middle = middle < 0 ? -1 : m;
      any_known = true;
      continue;
    }
    before = c.merge(b, before);
    middle = (middle < 0 || m < 0) ? -1 : middle + m;
    after = c.merge(a, after);
  }
  if (!any_known) {
    c.set_output(0, t, PartialShape::unknown());
    return;
  }
  c.set_output(0, t, concat_shapes({before, PartialShape({middle}), after}));
}

void fill_shape(ShapeContext& c) {
  (void)c.with_rank(c.input_shape(0), 1);
  (void)c.with_rank(c.input_shape(1), 0);
  if (auto v = eval_ints(c, 0))
    for (int64_t x : *v)
      if (x < 0) c.fail("Fill dimensions must be >= 0");
  c.set_output(0, c.input_dtype(1), eval_as_shape(c, 0));
}

void reshape_shape(ShapeContext& c) {
  const PartialShape in = c.input_shape(0);
  PartialShape out = eval_as_shape(c, 1);
  const DataType t = c.input_dtype(0);
  if (!out.known_rank() || !in.known_rank()) {
    c.set_output(0, t, out);
    return;
  }
  bool too_many = false;
  int out_unknown = -1, in_unknown = -1;
  int64_t known_out = 1, known_in = 1;
  for (int i = 0; i < out.rank(); ++i) {
    if (out.dim(i) < 0) {
      if (out_unknown >= 0) too_many = true;
      out_unknown = i;
    } else {
      known_out *= out.dim(i);
    }
  }
  for (int i = 0; i < in.rank(); ++i) {
    if (in.dim(i) < 0) {
      if (in_unknown >= 0) too_many = true;
      in_unknown = i;
    } else {
      known_in *= in.dim(i);
    }
  }
  // TF computes the number of elements directly when known (0 wins over unknowns).
  if (in.num_elements() >= 0) {
    known_in = in.num_elements();
    in_unknown = -1;
  }
  if (!too_many) {
    if (in_unknown < 0 && out_unknown < 0) {
      if (known_in != known_out)
        c.fail(fmt::format("Cannot reshape a tensor with {} elements to shape {} ({} elements)",
                           known_in, shape_text(out), known_out));
    } else if (in_unknown < 0 && out_unknown >= 0 && known_out > 0) {
      if (known_in % known_out != 0)
        c.fail(fmt::format("Dimension size must be evenly divisible by {} but is {}", known_out,
                           known_in));
      PartialShape::Dims d = out.dims();
      d[out_unknown] = known_in / known_out;
      out = PartialShape(std::move(d));
    } else if (in_unknown >= 0 && out_unknown < 0 && known_in != 0) {
      if (known_out % known_in != 0)
        c.fail(fmt::format("Dimension size must be evenly divisible by {} but is {}", known_in,
                           known_out));
    } else if (in_unknown >= 0 && out_unknown >= 0 && known_in == known_out) {
      PartialShape::Dims d = out.dims();
      d[out_unknown] = in.dim(in_unknown);
      out = PartialShape(std::move(d));
    }
  }
  c.set_output(0, t, out);
}

void shape_shape(ShapeContext& c) {
  const PartialShape s = c.input_shape(0);
  c.set_output(0, c.attr_type("out_type", DataType::kInt32),
               PartialShape({s.known_rank() ? static_cast<int64_t>(s.rank()) : -1}));
}
void size_shape(ShapeContext& c) {
  c.set_output(0, c.attr_type("out_type", DataType::kInt32), PartialShape());
}
void rank_shape(ShapeContext& c) { c.set_output(0, DataType::kInt32, PartialShape()); }
void unchanged_shape(ShapeContext& c) { c.set_output(0, c.input_dtype(0), c.input_shape(0)); }

void expand_dims_shape(ShapeContext& c) {
  const PartialShape in = c.input_shape(0);
  const DataType t = c.input_dtype(0);
  auto dim_v = c.input_ints(1);
  if (dim_v && dim_v->size() != 1) c.fail("'dim' input must be a tensor with a single value");
  if (!dim_v || !in.known_rank()) {
    c.set_output(0, t, PartialShape::unknown());
    return;
  }
  int64_t dim = (*dim_v)[0];
  const int64_t rank = in.rank(), min_dim = -rank - 1;
  if (dim < min_dim || dim > rank)
    c.fail(fmt::format("dim {} not in the interval [{}, {}].", dim, min_dim, rank));
  if (dim < 0) dim += rank + 1;
  c.set_output(0, t, concat_shapes({sub_shape(in, 0, dim), PartialShape({1}),
                                    sub_shape(in, dim, rank)}));
}

void squeeze_shape(ShapeContext& c) {
  const PartialShape in = c.input_shape(0);
  const DataType t = c.input_dtype(0);
  if (!in.known_rank()) {
    c.set_output(0, t, PartialShape::unknown());
    return;
  }
  const int64_t rank = in.rank();
  std::vector<int64_t> dims = c.attr_ints("squeeze_dims");
  for (size_t i = 0; i < dims.size(); ++i) {
    if (dims[i] < -rank || dims[i] >= rank)
      c.fail(fmt::format("squeeze_dims[{}] not in [{},{}).", i, -rank, rank));
    if (dims[i] < 0) dims[i] += rank;
  }
  PartialShape::Dims out;
  for (int64_t i = 0; i < rank; ++i) {
    const bool explicit_match = std::find(dims.begin(), dims.end(), i) != dims.end();
    const int64_t d = in.dim(static_cast<int>(i));
    if (d < 0) {
      if (explicit_match) continue;
      if (dims.empty()) {
        c.set_output(0, t, PartialShape::unknown());
        return;
      }
    } else if (d == 1) {
      if (explicit_match || dims.empty()) continue;
    } else if (explicit_match) {
      c.fail(fmt::format("Can not squeeze dim[{}], expected a dimension of 1, got {}", i, d));
    }
    out.push_back(d);
  }
  c.set_output(0, t, PartialShape(std::move(out)));
}

void transpose_shape(ShapeContext& c) {
  const PartialShape in = c.input_shape(0);
  const PartialShape perm_shape = c.input_shape(1);
  const DataType t = c.input_dtype(0);
  auto perm = eval_ints(c, 1);
  const int64_t perm_elems = perm_shape.num_elements();
  if (!in.known_rank() && perm_elems < 0 && !perm) {
    c.set_output(0, t, PartialShape::unknown());
    return;
  }
  int64_t rank;
  if (in.known_rank())
    rank = in.rank();
  else if (perm_elems >= 0)
    rank = perm_elems;
  else
    rank = static_cast<int64_t>(perm->size());
  if (!in.known_rank() && rank < 2) {
    c.set_output(0, t, in);
    return;
  }
  const PartialShape input = c.with_rank(in, static_cast<int>(rank));
  const PartialShape ps = c.with_rank(perm_shape, 1);
  if (ps.dim(0) >= 0 && ps.dim(0) != rank)
    c.fail(fmt::format("Dimension must be {} but is {}", rank, ps.dim(0)));
  PartialShape::Dims d(rank, -1);
  if (perm) {
    for (int64_t i = 0; i < rank; ++i) {
      const int64_t idx = (*perm)[i];
      if (idx >= rank)
        c.fail(fmt::format("perm dim {} is out of range of input rank {}", idx, rank));
      d[i] = idx < 0 ? -1 : input.dim(static_cast<int>(idx));
    }
  }
  c.set_output(0, t, PartialShape(std::move(d)));
}

void tile_shape(ShapeContext& c) {
  PartialShape in = c.input_shape(0);
  PartialShape mult = eval_as_shape(c, 1);
  const DataType t = c.input_dtype(0);
  if (in.known_rank()) {
    mult = c.with_rank(mult, in.rank());
    (void)c.merge(c.input_shape(1), PartialShape({static_cast<int64_t>(in.rank())}));
  }
  if (!mult.known_rank()) {
    c.set_output(0, t, PartialShape::unknown());
    return;
  }
  in = c.with_rank(in, mult.rank());
  PartialShape::Dims d;
  for (int i = 0; i < mult.rank(); ++i) d.push_back(dim_mul(in.dim(i), mult.dim(i)));
  c.set_output(0, t, PartialShape(std::move(d)));
}

void strided_slice_shape(ShapeContext& c) {
  const PartialShape in = c.input_shape(0);
  const DataType t = c.input_dtype(0);
  PartialShape b = c.with_rank(c.input_shape(1), 1);
  const PartialShape e = c.with_rank(c.input_shape(2), 1);
  const PartialShape s = c.with_rank(c.input_shape(3), 1);
  b = c.merge(b, e);
  b = c.merge(b, s);
  auto strides = c.input_ints(3);
  if (!in.known_rank() || b.dim(0) < 0 || !strides) {
    c.set_output(0, t, PartialShape::unknown());
    return;
  }
  auto begin = c.input_ints(1);
  auto end = c.input_ints(2);
  StridedSliceMaskAttrs m{c.attr_int("begin_mask"), c.attr_int("end_mask"),
                          c.attr_int("ellipsis_mask"), c.attr_int("new_axis_mask"),
                          c.attr_int("shrink_axis_mask")};
  std::vector<int64_t> dims(in.dims().begin(), in.dims().end());
  StridedSliceDense dense;
  const bool both = begin && end;
  std::string err = validate_strided_slice(both ? &*begin : nullptr, both ? &*end : nullptr,
                                           *strides, dims, m, &dense);
  if (!err.empty()) c.fail(err);
  c.set_output(0, t, PartialShape(dense.final_shape));
}

void gather_v2_shape(ShapeContext& c) {
  const PartialShape params = with_rank_at_least(c, c.input_shape(0), 1);
  const PartialShape indices = c.input_shape(1);
  (void)c.with_rank(c.input_shape(2), 0);
  const DataType t = c.input_dtype(0);
  auto axis_v = c.input_ints(2);
  if (!axis_v) {
    if (params.known_rank() && indices.known_rank())
      c.set_output(0, t, PartialShape::unknown_of_rank(params.rank() + indices.rank() - 1));
    else
      c.set_output(0, t, PartialShape::unknown());
    return;
  }
  int64_t axis = (*axis_v)[0];
  (void)with_rank_at_least(c, params, axis < 0 ? -axis : axis + 1);
  if (!params.known_rank() || !indices.known_rank()) {
    c.set_output(0, t, PartialShape::unknown());
    return;
  }
  if (axis < 0) axis += params.rank();
  c.set_output(0, t, concat_shapes({sub_shape(params, 0, axis), indices,
                                    sub_shape(params, axis + 1, params.rank())}));
}

void one_hot_shape(ShapeContext& c) {
  const int64_t axis = c.attr_int("axis", -1);
  if (axis < -1) c.fail("axis must be >= -1");
  (void)c.with_rank(c.input_shape(1), 0);
  int64_t depth = -1;
  if (auto v = c.input_ints(1)) {
    depth = (*v)[0];
    if (depth < 0)
      c.fail(fmt::format(
          "Dimension size, given by scalar input 1, must be non-negative but is {}", depth));
  }
  const DataType t = c.attr_type("T", c.input_dtype(2));
  const PartialShape indices = c.input_shape(0);
  if (!indices.known_rank()) {
    c.set_output(0, t, PartialShape::unknown());
    return;
  }
  const int64_t new_rank = indices.rank() + 1;
  const int64_t at = (axis + new_rank) % new_rank;
  c.set_output(0, t, concat_shapes({sub_shape(indices, 0, at), PartialShape({depth}),
                                    sub_shape(indices, at, indices.rank())}));
}

template <typename T>
int64_t range_size(const ShapeContext& c, T start, T limit, T delta) {
  if (start > limit && delta > 0)
    c.fail(fmt::format("Requires start <= limit when delta > 0: {}/{}", start, limit));
  if (start < limit && delta < 0)
    c.fail(fmt::format("Requires start >= limit when delta < 0: {}/{}", start, limit));
  if (delta == 0) c.fail("Requires delta != 0");
  if constexpr (std::is_integral_v<T>) {
    const T span = limit > start ? T(limit - start) : T(start - limit);
    const T d = delta < 0 ? T(-delta) : delta;
    return static_cast<int64_t>((span + d - 1) / d);
  } else {
    return static_cast<int64_t>(std::ceil(std::abs((limit - start) / delta)));
  }
}

void range_shape(ShapeContext& c) {
  const DataType t = c.attr_type("Tidx", c.input_dtype(0));
  const char* names[] = {"start", "limit", "delta"};
  for (int i = 0; i < 3; ++i) {
    const PartialShape s = c.input_shape(i);
    if (s.known_rank() && s.rank() != 0)
      c.fail(fmt::format("Shape must be rank 0 but is rank {} for '{}'", s.rank(), names[i]));
  }
  auto a = c.input_value(0), b = c.input_value(1), d = c.input_value(2);
  if (!a || !b || !d) {
    c.set_output(0, t, PartialShape({-1}));
    return;
  }
  int64_t n;
  if (t == DataType::kFloat)
    n = range_size<float>(c, a->data<float>()[0], b->data<float>()[0], d->data<float>()[0]);
  else if (t == DataType::kDouble)
    n = range_size<double>(c, a->data<double>()[0], b->data<double>()[0], d->data<double>()[0]);
  else if (t == DataType::kInt64)
    n = range_size<int64_t>(c, a->data<int64_t>()[0], b->data<int64_t>()[0],
                            d->data<int64_t>()[0]);
  else
    n = range_size<int32_t>(c, a->data<int32_t>()[0], b->data<int32_t>()[0],
                            d->data<int32_t>()[0]);
  c.set_output(0, t, PartialShape({n}));
}

void broadcast_gradient_args_shape(ShapeContext& c) {
  (void)c.with_rank(c.input_shape(0), 1);
  (void)c.with_rank(c.input_shape(1), 1);
  const DataType t = c.attr_type("T", c.input_dtype(0));
  c.set_output(0, t, PartialShape({-1}));
  c.set_output(1, t, PartialShape({-1}));
}


// TF's DynamicStitchShapeFunction: [max(indices) + 1] + data[i].shape[rank(indices[i]):] when
// every indices tensor is known (its first dimension unknown otherwise).
void dynamic_stitch_shape(ShapeContext& c) {
  const int n = static_cast<int>(c.attr_int("N", c.num_inputs() / 2));
  if (n < 1 || c.num_inputs() != 2 * n) c.fail("DynamicStitch needs N >= 1 indices and data");
  std::vector<int> requested(static_cast<size_t>(n));
  for (int i = 0; i < n; ++i) requested[i] = i;
  bool all_constant = true;
  int64_t max_index = 0;
  PartialShape extra = PartialShape::unknown();
  for (int i = 0; i < n; ++i) {
    auto idx = eval_ints(c, i);
    if (!idx) all_constant = false;
    const PartialShape is = c.input_shape(i);
    const PartialShape ds = c.input_shape(n + i);
    if (!is.known_rank()) continue;
    PartialShape rest = PartialShape::unknown();
    if (ds.known_rank()) {
      if (ds.rank() < is.rank())
        fail_computed(c, fmt::format("Shape must be at least rank {} but is rank {}", is.rank(),
                                     ds.rank()),
                      requested);
      for (int k = 0; k < is.rank(); ++k) {
        const int64_t a = ds.dim(k), b = is.dim(k);
        if (a >= 0 && b >= 0 && a != b)
          fail_computed(c, fmt::format("Dimensions must be equal, but are {} and {}", a, b),
                        requested);
      }
      rest = sub_shape(ds, is.rank(), ds.rank());
    }
    if (extra.known_rank() && rest.known_rank()) {
      if (extra.rank() != rest.rank())
        fail_computed(c, fmt::format("Shapes must be equal rank, but are {} and {}",
                                     extra.rank(), rest.rank()),
                      requested);
      for (int k = 0; k < rest.rank(); ++k)
        if (extra.dim(k) >= 0 && rest.dim(k) >= 0 && extra.dim(k) != rest.dim(k))
          fail_computed(c,
                        fmt::format("Dimension {} in both shapes must be equal, but are {} and "
                                    "{}. Shapes are {} and {}.",
                                    k, extra.dim(k), rest.dim(k), shape_text(extra),
                                    shape_text(rest)),
                        requested);
    }
    extra = c.merge(extra, rest);
    if (idx)
      for (int64_t v : *idx) max_index = std::max(max_index, v);
  }
  const DataType t = c.input_dtype(n);
  c.set_output(0, t, concat_shapes({PartialShape({all_constant ? max_index + 1 : -1}), extra}));
}

void list_diff_shape(ShapeContext& c) {
  (void)c.with_rank(c.input_shape(0), 1);
  (void)c.with_rank(c.input_shape(1), 1);
  c.set_output(0, c.input_dtype(0), PartialShape({-1}));
  c.set_output(1, c.attr_type("out_idx", DataType::kInt32), PartialShape({-1}));
}

// TF 1.15's SplitV shape function.
void split_v_shape(ShapeContext& c) {
  const PartialShape in = c.input_shape(0);
  const DataType t = c.input_dtype(0);
  const int num = static_cast<int>(c.attr_int("num_split", 1));
  (void)c.with_rank(c.input_shape(2), 0);
  const int rank = in.rank();
  // MakeDimForScalarInputWithNegativeIndexing(2, rank).
  int64_t split_dim = -1;
  if (auto v = eval_ints(c, 2); v && v->size() == 1) {
    int64_t val = (*v)[0];
    const auto out_of_range = [&] {
      fail_computed(c, fmt::format("Dimension size, given by scalar input {} must be in range [-{}, {})",
                                   val, rank, rank),
                    {1, 2});
    };
    if (val < 0) {
      if (rank >= 0) {
        if (val + rank < 0) out_of_range();
        split_dim = val + rank;
      }
    } else {
      if (rank > 0 && val >= rank) out_of_range();
      split_dim = val;
    }
  }
  if (!in.known_rank()) {
    for (int i = 0; i < num; ++i) c.set_output(i, t, PartialShape::unknown());
    return;
  }
  if (rank == 0) fail_computed(c, "Can't split scalars", {2});
  auto sizes = eval_ints(c, 1);
  if (!sizes || split_dim < 0) {
    for (int i = 0; i < num; ++i) {
      if (split_dim < 0) {
        c.set_output(i, t, PartialShape::unknown_of_rank(rank));
      } else {
        PartialShape::Dims d = in.dims();
        d[split_dim] = -1;
        c.set_output(i, t, PartialShape(std::move(d)));
      }
    }
    return;
  }
  if (static_cast<int>(sizes->size()) != num)
    fail_computed(c, "Length of size_splits should be equal to num_outputs", {1, 2});
  int64_t total = 0;
  bool has_neg_one = false;
  for (int64_t sz : *sizes) {
    if (sz == -1) {
      if (has_neg_one) fail_computed(c, "size_splits can only have one -1", {1, 2});
      has_neg_one = true;
    } else {
      total += sz;
    }
  }
  const int64_t dim = in.dim(static_cast<int>(split_dim));
  for (int i = 0; i < num; ++i) {
    int64_t sz = (*sizes)[i];
    if (sz == -1 && dim >= 0) sz = dim - total;
    PartialShape::Dims d = in.dims();
    d[split_dim] = sz < 0 ? -1 : sz;
    c.set_output(i, t, PartialShape(std::move(d)));
  }
  if (dim >= 0 && (has_neg_one ? total > dim : total != dim))
    fail_computed(c,
                  fmt::format("can't split axis of size {} into pieces of size [{}]", dim,
                              fmt::join(*sizes, ",")),
                  {1, 2});
}
}  // namespace

void register_array_ops() {
  register_op({"Unpack", &unpack_shape});
  register_op({"Pack", &pack_shape});
  register_op({"Slice", &slice_shape});
  register_op({"ConcatV2", &concat_v2_shape});
  register_op({"Fill", &fill_shape});
  register_op({"Reshape", &reshape_shape});
  register_op({"Shape", &shape_shape});
  register_op({"Size", &size_shape});
  register_op({"Rank", &rank_shape});
  register_op({"ZerosLike", &unchanged_shape});
  register_op({"OnesLike", &unchanged_shape});
  register_op({"ExpandDims", &expand_dims_shape});
  register_op({"Squeeze", &squeeze_shape});
  register_op({"Transpose", &transpose_shape});
  register_op({"Tile", &tile_shape});
  register_op({"StridedSlice", &strided_slice_shape});
  register_op({"GatherV2", &gather_v2_shape});
  register_op({"OneHot", &one_hot_shape});
  register_op({"Range", &range_shape});
  register_op({"BroadcastGradientArgs", &broadcast_gradient_args_shape});
  register_op({"DynamicStitch", &dynamic_stitch_shape});
  register_op({"ListDiff", &list_diff_shape});
  register_op({"SplitV", &split_v_shape});
}

}  // namespace scopeflow::internal

namespace scopeflow::ops {

namespace {

// An int argument (shape, axis, perm...): a literal converts to int32 unless it is int64.
Output index_input(OpBuilder& b, const Input& in, std::string_view arg) {
  if (in.is_tensor() || in.value().dtype() == DataType::kInt64) return b.input(in, arg);
  return b.input(in, arg, DataType::kInt32);
}

Tensor ints_tensor(const std::vector<int64_t>& v, bool wide) {
  if (wide) return Tensor::vector(v);
  return Tensor::vector(std::vector<int32_t>(v.begin(), v.end()));
}

bool fits_int32(int64_t x) {
  return x >= std::numeric_limits<int32_t>::min() && x <= std::numeric_limits<int32_t>::max();
}

}  // namespace

Output reshape(const Scope& scope, const Input& tensor, const Input& shape,
               std::string_view name) {
  OpBuilder b(scope, "Reshape", name);
  Output t = b.input(tensor, "tensor");
  Output s = index_input(b, shape, "shape");
  return b.attr("T", base_dtype(t.dtype())).attr("Tshape", base_dtype(s.dtype())).finish().output(0);
}

Output shape(const Scope& scope, const Input& input, DataType out_type, std::string_view name,
             bool optimize) {
  Scope os = scope.name_scope(name.empty() ? "Shape" : name);
  Output in = convert_to_tensor(os, input, "input");
  const PartialShape s = in.shape();
  if (optimize && s.fully_defined()) {
    std::vector<int64_t> d(s.dims().begin(), s.dims().end());
    return constant(scope, ints_tensor(d, out_type == DataType::kInt64), os.name_scope_string());
  }
  const Output ins[] = {in};
  const Attr attrs[] = {{"T", base_dtype(in.dtype())}, {"out_type", out_type}};
  return create(os, "Shape", os.name_scope_string(), ins, attrs).output(0);
}

Output size(const Scope& scope, const Input& input, DataType out_type, std::string_view name,
            bool optimize) {
  Scope os = scope.name_scope(name.empty() ? "Size" : name);
  Output in = convert_to_tensor(os, input, "input");
  const PartialShape s = in.shape();
  if (optimize) {
    int64_t n = -1;
    if (s.fully_defined()) {
      n = s.num_elements();
    } else if (s.known_rank()) {
      for (int64_t d : s.dims())
        if (d == 0) n = 0;
    }
    if (n >= 0) {
      Tensor v = out_type == DataType::kInt64 ? Tensor::scalar<int64_t>(n)
                                              : Tensor::scalar<int32_t>(static_cast<int32_t>(n));
      return constant(scope, v, os.name_scope_string());
    }
  }
  const Output ins[] = {in};
  const Attr attrs[] = {{"T", base_dtype(in.dtype())}, {"out_type", out_type}};
  return create(os, "Size", os.name_scope_string(), ins, attrs).output(0);
}

Output rank(const Scope& scope, const Input& input, std::string_view name, bool optimize) {
  Scope os = scope.name_scope(name.empty() ? "Rank" : name);
  Output in = convert_to_tensor(os, input, "input");
  if (optimize && in.shape().known_rank())
    return constant(scope, Tensor::scalar<int32_t>(in.shape().rank()), os.name_scope_string());
  const Output ins[] = {in};
  const Attr attrs[] = {{"T", base_dtype(in.dtype())}};
  return create(os, "Rank", os.name_scope_string(), ins, attrs).output(0);
}

Output zeros_like(const Scope& scope, const Input& tensor, std::optional<DataType> dtype,
                  std::string_view name, bool optimize) {
  Scope os = scope.name_scope(name.empty() ? "zeros_like" : name);
  Output t = convert_to_tensor(os, tensor, "tensor");
  const DataType tt = base_dtype(t.dtype());
  const PartialShape s = t.shape();
  if (optimize && s.fully_defined()) {
    std::vector<int64_t> d(s.dims().begin(), s.dims().end());
    return zeros(scope, d, dtype.value_or(tt), os.name_scope_string());
  }
  if (dtype && *dtype != tt) {
    // zeros(shape_internal(tensor), dtype): Fill of a Shape op.
    Output sh = shape(os, t, DataType::kInt32, "", optimize);
    Output zero = constant(os, Tensor::scalar<double>(0).cast(*dtype), "Const");
    return fill(scope, sh, zero, os.name_scope_string());
  }
  const Output ins[] = {t};
  const Attr attrs[] = {{"T", tt}};
  return create(os, "ZerosLike", os.name_scope_string(), ins, attrs).output(0);
}

Output ones_like(const Scope& scope, const Input& tensor, std::optional<DataType> dtype,
                 std::string_view name, bool optimize) {
  Scope os = scope.name_scope(name.empty() ? "ones_like" : name);
  Output t = convert_to_tensor(os, tensor, "tensor");
  Output sh = shape(os, t, DataType::kInt32, "", optimize);
  const DataType dt = dtype.value_or(base_dtype(t.dtype()));
  // ones(shape_tensor, dtype, name=scope): name_scope(scope) then Fill(shape, Const(1)).
  Output one = constant(os, Tensor::scalar<double>(1).cast(dt), "Const");
  Output out = fill(scope, sh, one, os.name_scope_string());
  out.set_shape(t.shape());  // ret.set_shape(tensor.get_shape())
  return out;
}

Output expand_dims(const Scope& scope, const Input& input, const Input& axis,
                   std::string_view name) {
  OpBuilder b(scope, "ExpandDims", name);
  Output in = b.input(input, "input");
  Output d = index_input(b, axis, "dim");
  return b.attr("T", base_dtype(in.dtype())).attr("Tdim", base_dtype(d.dtype())).finish().output(0);
}

Output squeeze(const Scope& scope, const Input& input, const std::vector<int64_t>& axis,
               std::string_view name) {
  OpBuilder b(scope, "Squeeze", name);
  Output in = b.input(input, "input");
  return b.attr("T", base_dtype(in.dtype())).attr("squeeze_dims", axis).finish().output(0);
}

Output stack(const Scope& scope, const std::vector<Input>& values, int64_t axis,
             std::string_view name) {
  if (values.empty()) throw Error(Code::kInvalidArgument, "stack needs at least one value");
  bool all_literal = true;
  for (const Input& v : values) all_literal &= !v.is_tensor();
  if (axis == 0 && all_literal) {
    // ops.convert_to_tensor(values, name=name): one Const of the stacked values.
    const Tensor& first = values[0].value();
    DataType t = first.dtype();
    for (const Input& v : values) {
      if (v.value().shape() != first.shape())
        throw Error(Code::kInvalidArgument, "Argument must be a dense tensor: values of "
                                            "different shapes cannot be stacked");
      if (is_floating(v.value().dtype()) && !is_floating(t)) t = v.value().dtype();
    }
    std::vector<int64_t> shape = {static_cast<int64_t>(values.size())};
    for (int64_t d : first.shape()) shape.push_back(d);
    Tensor out(t, shape);
    const int64_t per = first.num_elements();
    if (t == DataType::kString) {
      for (size_t i = 0; i < values.size(); ++i)
        for (int64_t k = 0; k < per; ++k)
          out.string_data()[i * per + k] = values[i].value().string_data()[k];
    } else {
      const size_t bytes = static_cast<size_t>(per) * dtype_size(t);
      for (size_t i = 0; i < values.size(); ++i) {
        Tensor v = values[i].value().dtype() == t ? values[i].value() : values[i].value().cast(t);
        if (bytes) std::memcpy(static_cast<char*>(out.raw()) + i * bytes, v.raw(), bytes);
      }
    }
    return constant(scope, out, name.empty() ? "stack" : name);
  }
  Scope os = scope.name_scope(name.empty() ? "stack" : name);
  std::vector<Output> ins;
  DataType t = DataType::kInvalid;
  for (const Input& v : values)
    if (v.is_tensor()) {
      t = base_dtype(v.tensor().dtype());
      break;
    }
  for (size_t i = 0; i < values.size(); ++i) {
    const Input& v = values[i];
    std::optional<DataType> hint;
    if (t != DataType::kInvalid) hint = t;
    // Literals become Consts named by their position (array_ops._autopacking_helper).
    ins.push_back(convert_to_tensor(os, v, std::to_string(i), hint));
    if (t == DataType::kInvalid) t = base_dtype(ins.back().dtype());
  }
  const Attr attrs[] = {
      {"N", static_cast<int64_t>(ins.size())}, {"T", t}, {"axis", axis}};
  return create(os, "Pack", os.name_scope_string(), ins, attrs).output(0);
}

Output transpose(const Scope& scope, const Input& a, std::optional<std::vector<int64_t>> perm,
                 std::string_view name) {
  Scope os = scope.name_scope(name.empty() ? "transpose" : name);
  Output x = convert_to_tensor(os, a, "a");
  Output p;
  if (perm) {
    p = constant(os, ints_tensor(*perm, false), "perm");
  } else if (x.shape().known_rank() && x.shape().rank() > 0) {
    const int r = x.shape().rank();
    std::vector<int64_t> rev(r);
    for (int i = 0; i < r; ++i) rev[i] = r - 1 - i;
    p = constant(os, ints_tensor(rev, false), "perm");
  } else {
    // perm = (rank - 1) - range(0, rank, 1)
    const Output rk_in[] = {x};
    const Attr rk_attrs[] = {{"T", base_dtype(x.dtype())}};
    Output rk = create(os, "Rank", "Rank", rk_in, rk_attrs).output(0);
    Output rm1 = operator_sub(os, rk, 1);
    OpBuilder rb(os, "Range", "");
    Output st = rb.input(Tensor::scalar<int32_t>(0), "start");
    rb.add(rk);
    rb.input(Tensor::scalar<int32_t>(1), "delta");
    (void)st;
    Output rg = rb.attr("Tidx", DataType::kInt32).finish().output(0);
    p = operator_sub(os, rm1, rg);
  }
  const Output ins[] = {x, p};
  const Attr attrs[] = {{"T", base_dtype(x.dtype())}, {"Tperm", base_dtype(p.dtype())}};
  return create(os, "Transpose", os.name_scope_string(), ins, attrs).output(0);
}

Output transpose(const Scope& scope, const Input& a, const Output& perm, std::string_view name) {
  Scope os = scope.name_scope(name.empty() ? "transpose" : name);
  Output x = convert_to_tensor(os, a, "a");
  const Output ins[] = {x, perm};
  const Attr attrs[] = {{"T", base_dtype(x.dtype())}, {"Tperm", base_dtype(perm.dtype())}};
  return create(os, "Transpose", os.name_scope_string(), ins, attrs).output(0);
}

Output tile(const Scope& scope, const Input& input, const Input& multiples,
            std::string_view name) {
  OpBuilder b(scope, "Tile", name);
  Output in = b.input(input, "input");
  Output m = index_input(b, multiples, "multiples");
  return b.attr("T", base_dtype(in.dtype()))
      .attr("Tmultiples", base_dtype(m.dtype()))
      .finish()
      .output(0);
}

namespace {
Output strided_slice_in(const Scope& os, const Output& in, const Output& b, const Output& e,
                        const Output& s, const StridedSliceMasks& m) {
  const Output ins[] = {in, b, e, s};
  const Attr attrs[] = {{"T", base_dtype(in.dtype())},
                        {"Index", base_dtype(b.dtype())},
                        {"begin_mask", m.begin_mask},
                        {"end_mask", m.end_mask},
                        {"ellipsis_mask", m.ellipsis_mask},
                        {"new_axis_mask", m.new_axis_mask},
                        {"shrink_axis_mask", m.shrink_axis_mask}};
  return create(os, "StridedSlice", os.name_scope_string(), ins, attrs).output(0);
}
}  // namespace

Output strided_slice(const Scope& scope, const Input& input, const Input& begin, const Input& end,
                     const Input& strides, const StridedSliceMasks& masks,
                     std::string_view name) {
  OpBuilder b(scope, "StridedSlice", name);
  Output in = b.input(input, "input");
  Output bb = index_input(b, begin, "begin");
  Output ee = b.input(end, "end", base_dtype(bb.dtype()));
  Output ss = b.input(strides, "strides", base_dtype(bb.dtype()));
  return strided_slice_in(b.scope(), in, bb, ee, ss, masks);
}

Output strided_slice_from_spec(const Scope& scope, const Input& input,
                               const std::vector<SliceItem>& spec, std::string_view name) {
  std::vector<int64_t> begin, end, strides;
  StridedSliceMasks m;
  int64_t index = 0;
  for (const SliceItem& s : spec) {
    const int64_t bit = int64_t{1} << index;
    switch (s.kind) {
      case SliceItem::kSlice:
        if (s.begin) {
          begin.push_back(*s.begin);
        } else {
          begin.push_back(0);
          m.begin_mask |= bit;
        }
        if (s.end) {
          end.push_back(*s.end);
        } else {
          end.push_back(0);
          m.end_mask |= bit;
        }
        strides.push_back(s.step.value_or(1));
        break;
      case SliceItem::kEllipsis:
        begin.push_back(0);
        end.push_back(0);
        strides.push_back(1);
        m.ellipsis_mask |= bit;
        break;
      case SliceItem::kNewAxis:
        begin.push_back(0);
        end.push_back(0);
        strides.push_back(1);
        m.new_axis_mask |= bit;
        break;
      case SliceItem::kIndex: {
        const int64_t i = s.begin.value_or(0);
        begin.push_back(i);
        end.push_back(i + 1);
        strides.push_back(1);
        m.shrink_axis_mask |= bit;
        break;
      }
    }
    ++index;
  }
  Scope os = scope.name_scope(name.empty() ? "strided_slice" : name);
  Output pb, pe, ps;
  if (!begin.empty()) {
    // stack(begin), stack(end), stack(strides): Consts `stack`, `stack_1`, `stack_2` (int64
    // when a value does not fit in int32).
    auto wide = [](const std::vector<int64_t>& v) {
      return !std::all_of(v.begin(), v.end(), fits_int32);
    };
    const bool any_wide = wide(begin) || wide(end) || wide(strides);
    pb = constant(os, ints_tensor(begin, any_wide), "stack");
    pe = constant(os, ints_tensor(end, any_wide), "stack");
    ps = constant(os, ints_tensor(strides, any_wide), "stack");
  } else {
    pb = pe = ps = constant(os, Tensor(DataType::kInt32, {0}), "Const");
  }
  // gen_array_ops.strided_slice(..., name=scope): the input converts inside the same scope.
  Output in = convert_to_tensor(os, input, "input");
  return strided_slice_in(os, in, pb, pe, ps, m);
}

Output gather(const Scope& scope, const Input& params, const Input& indices, int64_t axis,
              std::string_view name) {
  OpBuilder b(scope, "GatherV2", name);
  Output p = b.input(params, "params");
  Output i = index_input(b, indices, "indices");
  Output a = b.input(Tensor::scalar<int32_t>(static_cast<int32_t>(axis)), "axis");
  return b.attr("Tparams", base_dtype(p.dtype()))
      .attr("Tindices", base_dtype(i.dtype()))
      .attr("Taxis", base_dtype(a.dtype()))
      .attr("batch_dims", int64_t{0})
      .finish()
      .output(0);
}

Output one_hot(const Scope& scope, const Input& indices, const Input& depth,
               std::optional<Input> on_value, std::optional<Input> off_value, int64_t axis,
               std::optional<DataType> dtype, std::string_view name) {
  Scope os = scope.name_scope(name.empty() ? "one_hot" : name);
  std::optional<DataType> on_dtype, off_dtype;
  // TF converts given values once just to read their dtypes (Consts `Const`, `Const_1`).
  if (on_value) on_dtype = base_dtype(convert_to_tensor(os, *on_value, "Const").dtype());
  if (off_value) off_dtype = base_dtype(convert_to_tensor(os, *off_value, "Const").dtype());
  DataType dt;
  if (on_dtype || off_dtype) {
    if (dtype) {
      if ((on_dtype && *on_dtype != *dtype) || (off_dtype && *off_dtype != *dtype))
        throw Error(Code::kTypeMismatch, fmt::format("dtype {} of on_value does not match "
                                                     "dtype parameter {}",
                                                     dtype_repr(on_dtype.value_or(*off_dtype)),
                                                     dtype_repr(*dtype)));
      dt = *dtype;
    } else {
      dt = on_dtype ? *on_dtype : *off_dtype;
    }
    if (on_dtype && off_dtype && *on_dtype != *off_dtype)
      throw Error(Code::kTypeMismatch,
                  fmt::format("dtype {} of on_value does not match dtype {} of off_value",
                              dtype_repr(*on_dtype), dtype_repr(*off_dtype)));
  } else {
    dt = dtype.value_or(DataType::kFloat);
  }
  Output on, off;
  if (!on_value) on = constant(os, Tensor::scalar<double>(1).cast(dt), "on_value");
  if (!off_value) off = constant(os, Tensor::scalar<double>(0).cast(dt), "off_value");
  // gen_array_ops.one_hot(indices, depth, on_value, off_value, axis, name=scope)
  std::vector<Output> ins;
  ins.push_back(convert_to_tensor(os, indices, "indices"));
  ins.push_back(convert_to_tensor(os, depth, "depth", DataType::kInt32));
  ins.push_back(on_value ? convert_to_tensor(os, *on_value, "on_value", dt) : on);
  ins.push_back(off_value ? convert_to_tensor(os, *off_value, "off_value", dt) : off);
  const Attr attrs[] = {
      {"axis", axis}, {"T", dt}, {"TI", base_dtype(ins[0].dtype())}};
  return create(os, "OneHot", os.name_scope_string(), ins, attrs).output(0);
}

Output range(const Scope& scope, const Input& start, const Input& limit, const Input& delta,
             std::optional<DataType> dtype, std::string_view name) {
  Scope os = scope.name_scope(name.empty() ? "Range" : name);
  Output s = convert_to_tensor(os, start, "start", dtype);
  Output l = convert_to_tensor(os, limit, "limit", dtype);
  Output d = convert_to_tensor(os, delta, "delta", dtype);
  DataType t = dtype.value_or(DataType::kInvalid);
  if (!dtype) {
    auto rank_of = [](DataType x) {
      switch (base_dtype(x)) {
        case DataType::kInt32: return 0;
        case DataType::kInt64: return 1;
        case DataType::kFloat: return 2;
        case DataType::kDouble: return 3;
        default: return -1;
      }
    };
    t = base_dtype(s.dtype());
    for (const Output& o : {l, d})
      if (rank_of(o.dtype()) > rank_of(t)) t = base_dtype(o.dtype());
    auto cast = [&](Output& o) {
      if (base_dtype(o.dtype()) == t) return;
      // math_ops.cast: a Cast op named "Cast".
      const Output ins[] = {o};
      const Attr attrs[] = {
          {"SrcT", base_dtype(o.dtype())}, {"DstT", t}, {"Truncate", false}};
      o = create(os, "Cast", "Cast", ins, attrs).output(0);
    };
    cast(s);
    cast(l);
    cast(d);
  }
  const Output ins[] = {s, l, d};
  const Attr attrs[] = {{"Tidx", t}};
  return create(os, "Range", os.name_scope_string(), ins, attrs).output(0);
}

Output range(const Scope& scope, const Input& limit) { return range(scope, 0, limit); }

std::pair<Output, Output> broadcast_gradient_args(const Scope& scope, const Input& s0,
                                                  const Input& s1, std::string_view name) {
  OpBuilder b(scope, "BroadcastGradientArgs", name);
  Output a = index_input(b, s0, "s0");
  b.input(s1, "s1", base_dtype(a.dtype()));
  Operation op = b.attr("T", base_dtype(a.dtype())).finish();
  return {op.output(0), op.output(1)};
}

std::optional<Tensor> constant_value(const Output& t) {
  if (auto v = internal::eval_int(t, 0)) return internal::to_tensor(*v);
  if (t.valid() && t.op().type() == "Const") {
    auto v = t.op().attr("value");
    if (v && std::holds_alternative<Tensor>(*v)) return std::get<Tensor>(*v);
  }
  return std::nullopt;
}

Output dynamic_stitch(const Scope& scope, const std::vector<Input>& indices,
                      const std::vector<Input>& data, std::string_view name) {
  if (indices.empty() || indices.size() != data.size())
    throw Error(Code::kInvalidArgument,
                fmt::format("List argument 'data' to 'DynamicStitch' Op with length {} must "
                            "match length {} of argument 'indices'.",
                            data.size(), indices.size()));
  OpBuilder b(scope, "DynamicStitch", name);
  for (size_t i = 0; i < indices.size(); ++i) {
    Output t = b.input(indices[i], "indices_" + std::to_string(i), DataType::kInt32);
    if (base_dtype(t.dtype()) != DataType::kInt32)
      throw Error(Code::kTypeMismatch,
                  fmt::format("Input 'indices' of 'DynamicStitch' Op has type {} that does not "
                              "match expected type of int32.",
                              dtype_name(base_dtype(t.dtype()))));
  }
  DataType t = DataType::kInvalid;
  for (const Input& d : data)
    if (d.is_tensor()) {
      t = base_dtype(d.tensor().dtype());
      break;
    }
  for (size_t i = 0; i < data.size(); ++i) {
    std::optional<DataType> want;
    if (t != DataType::kInvalid) want = t;
    Output x = b.input(data[i], "data_" + std::to_string(i), want);
    if (t == DataType::kInvalid) t = base_dtype(x.dtype());
    if (base_dtype(x.dtype()) != t)
      throw Error(Code::kTypeMismatch,
                  fmt::format("Tensors in list passed to 'data' of 'DynamicStitch' Op have "
                              "types that don't all match."));
  }
  return b.attr("N", static_cast<int64_t>(indices.size())).attr("T", t).finish().output(0);
}

std::pair<Output, Output> setdiff1d(const Scope& scope, const Input& x, const Input& y,
                                    DataType index_dtype, std::string_view name) {
  if (index_dtype != DataType::kInt32 && index_dtype != DataType::kInt64)
    throw Error(Code::kTypeMismatch,
                fmt::format("Value passed to parameter 'out_idx' has DataType {} not in list of "
                            "allowed values: int32, int64",
                            dtype_name(index_dtype)));
  OpBuilder b(scope, "ListDiff", name);
  Output xx = b.input(x, "x");
  Output yy = b.input(y, "y", base_dtype(xx.dtype()));
  if (base_dtype(yy.dtype()) != base_dtype(xx.dtype()))
    throw Error(Code::kTypeMismatch,
                fmt::format("Input 'y' of 'ListDiff' Op has type {} that does not match type {} "
                            "of argument 'x'.",
                            dtype_name(base_dtype(yy.dtype())), dtype_name(base_dtype(xx.dtype()))));
  Operation op = b.attr("T", base_dtype(xx.dtype())).attr("out_idx", index_dtype).finish();
  return {op.output(0), op.output(1)};
}

std::vector<Output> split_v(const Scope& scope, const Input& value, const Input& size_splits,
                            const Input& axis, int64_t num_split, std::string_view name) {
  // array_ops.split: size_splits goes through convert_to_tensor before the op's scope opens.
  Output sizes = size_splits.is_tensor() ? size_splits.tensor()
                                         : convert_to_tensor(scope, size_splits, "Const");
  if (num_split < 0) {
    const PartialShape ss = sizes.shape();
    if (!ss.known_rank() || ss.rank() != 1 || ss.dim(0) < 0)
      throw Error(Code::kInvalidArgument,
                  fmt::format("Cannot infer num from shape {}", ss.to_string()));
    num_split = ss.dim(0);
  }
  OpBuilder b(scope, "SplitV", name.empty() ? std::string_view("split") : name);
  Output v = b.input(value, "value");
  b.add(sizes);
  b.input(axis, "split_dim", DataType::kInt32);
  return b.attr("num_split", num_split)
      .attr("T", base_dtype(v.dtype()))
      .attr("Tlen", base_dtype(sizes.dtype()))
      .finish()
      .outputs();
}

Output invert_permutation(const Scope& scope, const Input& x, std::string_view name) {
  OpBuilder b(scope, "InvertPermutation", name);
  Output p = index_input(b, x, "x");
  return b.attr("T", base_dtype(p.dtype())).finish().output(0);
}

}  // namespace scopeflow::ops
