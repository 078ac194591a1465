// Registration (shape functions) and builders of the nn ops: MatMul and the batch products,
// BiasAdd and the activations, softmax and the cross entropies, L2Loss, the reductions and
// ArgMax/ArgMin, Conv2D and the pools, and the gradient ops of all of them.
#include "scopeflow/ops/nn_ops.h"

#include <fmt/format.h>

#include <set>

#include "scopeflow/base/error.h"
#include "scopeflow/graph/graph.h"

namespace scopeflow::internal {

namespace {

using Dims = PartialShape::Dims;

// TF's InferenceContext::Merge on two dimensions (-1 = unknown).
int64_t merge_dim(const ShapeContext& c, int64_t a, int64_t b) {
  if (a >= 0 && b >= 0 && a != b)
    c.fail(fmt::format("Dimensions must be equal, but are {} and {}", a, b));
  return a >= 0 ? a : b;
}

PartialShape with_rank_at_least(const ShapeContext& c, const PartialShape& s, int rank) {
  if (s.known_rank() && s.rank() < rank)
    c.fail(fmt::format("Shape must be at least rank {} but is rank {}", rank, s.rank()));
  return s;
}

PartialShape with_rank_at_most(const ShapeContext& c, const PartialShape& s, int rank) {
  if (s.known_rank() && s.rank() > rank)
    c.fail(fmt::format("Shape must be at most rank {} but is rank {}", rank, s.rank()));
  return s;
}


// As ShapeContext::fail, for shape functions that read input `i`'s value: TF then adds
// " and with computed input tensors: input[i] = <v0 v1>" to the context.
[[noreturn]] void fail_with_value(const ShapeContext& c, std::string_view detail, int i,
                                  const std::vector<int64_t>& values) {
  std::string shapes;
  for (int k = 0; k < c.num_inputs(); ++k) {
    if (k) shapes += ", ";
    shapes += shape_text(c.input_shape(k));
  }
  throw Error(Code::kInvalidArgument,
              fmt::format("{} for '{}' (op: '{}') with input shapes: {} and with computed input "
                          "tensors: input[{}] = <{}>.",
                          detail, c.op_name(), c.type(), shapes, i, fmt::join(values, " ")));
}

PartialShape subshape(const PartialShape& s, int begin, int end) {
  Dims d;
  for (int i = begin; i < end; ++i) d.push_back(s.dim(i));
  return PartialShape(std::move(d));
}

// ---- Matrix products ----

void matmul_shape(ShapeContext& c) {
  const PartialShape a = c.with_rank(c.input_shape(0), 2);
  const PartialShape b = c.with_rank(c.input_shape(1), 2);
  const bool ta = c.attr_bool("transpose_a"), tb = c.attr_bool("transpose_b");
  const int64_t rows = ta ? a.dim(1) : a.dim(0), cols = tb ? b.dim(0) : b.dim(1);
  merge_dim(c, ta ? a.dim(0) : a.dim(1), tb ? b.dim(1) : b.dim(0));
  c.set_output(0, c.input_dtype(0), PartialShape({rows, cols}));
}

template <bool kV2>
void batch_matmul_shape(ShapeContext& c) {
  const PartialShape a = with_rank_at_least(c, c.input_shape(0), 2);
  const PartialShape b = with_rank_at_least(c, c.input_shape(1), 2);
  const bool adj_x = c.attr_bool("adj_x"), adj_y = c.attr_bool("adj_y");
  const DataType t = c.input_dtype(0);
  if (!a.known_rank() || !b.known_rank()) {
    c.set_output(0, t, PartialShape::unknown());
    return;
  }
  const int ra = a.rank(), rb = b.rank();
  const int64_t rows = adj_x ? a.dim(ra - 1) : a.dim(ra - 2);
  const int64_t cols = adj_y ? b.dim(rb - 2) : b.dim(rb - 1);
  PartialShape batch;
  if constexpr (kV2) {
    merge_dim(c, adj_x ? a.dim(ra - 2) : a.dim(ra - 1), adj_y ? b.dim(rb - 1) : b.dim(rb - 2));
    batch = c.broadcast(subshape(a, 0, ra - 2), subshape(b, 0, rb - 2));
  } else {
    batch = c.merge(subshape(a, 0, ra - 2), subshape(b, 0, rb - 2));
    merge_dim(c, adj_x ? a.dim(ra - 2) : a.dim(ra - 1), adj_y ? b.dim(rb - 1) : b.dim(rb - 2));
  }
  Dims d(batch.dims().begin(), batch.dims().end());
  d.push_back(rows);
  d.push_back(cols);
  c.set_output(0, t, PartialShape(std::move(d)));
}

// ---- Activations and losses ----

void unchanged_shape(ShapeContext& c) { c.set_output(0, c.input_dtype(0), c.input_shape(0)); }

void merge_both_shape(ShapeContext& c) {
  c.set_output(0, c.input_dtype(0), c.merge(c.input_shape(0), c.input_shape(1)));
}

void unchanged_rank_at_least1_shape(ShapeContext& c) {
  c.set_output(0, c.input_dtype(0), with_rank_at_least(c, c.input_shape(0), 1));
}

bool is_nchw(const ShapeContext& c) { return c.attr_string("data_format") == "NCHW"; }

void bias_add_shape(ShapeContext& c) {
  const bool nchw = is_nchw(c);
  PartialShape in = c.input_shape(0);
  if (nchw && in.known_rank())
    in = with_rank_at_least(c, in, 3);
  else
    in = with_rank_at_least(c, in, 2);
  const PartialShape bias = c.with_rank(c.input_shape(1), 1);
  const DataType t = c.input_dtype(0);
  if (!in.known_rank()) {
    c.set_output(0, t, PartialShape::unknown());
    return;
  }
  Dims d(in.dims().begin(), in.dims().end());
  const int axis = nchw ? in.rank() - 3 : in.rank() - 1;
  d[axis] = merge_dim(c, d[axis], bias.dim(0));
  c.set_output(0, t, PartialShape(std::move(d)));
}

void bias_add_grad_shape(ShapeContext& c) {
  const PartialShape in = with_rank_at_least(c, c.input_shape(0), 2);
  const DataType t = c.input_dtype(0);
  if (!in.known_rank()) {
    c.set_output(0, t, PartialShape({-1}));
    return;
  }
  const int axis = is_nchw(c) ? in.rank() - 3 : in.rank() - 1;
  c.set_output(0, t, PartialShape({axis >= 0 ? in.dim(axis) : -1}));
}

void xent_shape(ShapeContext& c) {
  const DataType t = c.input_dtype(0);
  const PartialShape f = c.input_shape(0), l = c.input_shape(1);
  // Same shapes of rank 2: the common case (TF tries it first, then broadcasting).
  if ((!f.known_rank() || f.rank() == 2) && f.compatible_with(l) &&
      (!l.known_rank() || l.rank() == 2)) {
    const PartialShape in = c.merge(PartialShape::unknown_of_rank(2), c.merge(f, l));
    c.set_output(0, t, PartialShape({in.dim(0)}));
    c.set_output(1, t, in);
    return;
  }
  const PartialShape b = c.broadcast(f, l);
  if (!b.known_rank()) c.fail("Shape must be broadcasted with rank 2, but is rank is unknown.");
  if (b.rank() != 2) c.fail(fmt::format("Shape must be broadcasted with rank 2, but is rank {}", b.rank()));
  c.set_output(0, t, PartialShape({b.dim(0)}));
  c.set_output(1, t, b);
}

void sparse_xent_shape(ShapeContext& c) {
  const DataType t = c.input_dtype(0);
  const PartialShape f = c.with_rank(c.input_shape(0), 2);
  const PartialShape l = c.with_rank(c.input_shape(1), 1);
  const int64_t batch = merge_dim(c, f.dim(0), l.dim(0));
  c.set_output(0, t, PartialShape({batch}));
  c.set_output(1, t, PartialShape({batch, f.dim(1)}));
}

void scalar_shape(ShapeContext& c) { c.set_output(0, c.input_dtype(0), PartialShape()); }

// ---- Reductions ----

void reduction_shape(ShapeContext& c) {
  const PartialShape in = c.input_shape(0);
  with_rank_at_most(c, c.input_shape(1), 1);
  const bool keep = c.attr_bool("keep_dims");
  const DataType t = c.input_dtype(0);
  const auto axes = c.input_ints(1);
  if (!axes || !in.known_rank()) {
    c.set_output(0, t, keep && in.known_rank() ? PartialShape::unknown_of_rank(in.rank())
                                               : PartialShape::unknown());
    return;
  }
  const int rank = in.rank();
  std::set<int64_t> reduced;
  for (int64_t a : *axes) {
    if (a < -rank || a >= rank)
      fail_with_value(
          c, fmt::format("Invalid reduction dimension {} for input with {} dimensions.", a, rank),
          1, *axes);
    reduced.insert(a < 0 ? a + rank : a);
  }
  Dims d;
  for (int i = 0; i < rank; ++i) {
    if (reduced.count(i)) {
      if (keep) d.push_back(1);
    } else {
      d.push_back(in.dim(i));
    }
  }
  c.set_output(0, t, PartialShape(std::move(d)));
}

void arg_shape(ShapeContext& c) {
  c.with_rank(c.input_shape(1), 0);
  const PartialShape in = c.input_shape(0);
  DataType out_t = c.attr_type("output_type", DataType::kInt64);
  if (!in.known_rank()) {
    c.set_output(0, out_t, PartialShape::unknown());
    return;
  }
  const int rank = in.rank();
  if (rank <= 1) {
    c.set_output(0, out_t, PartialShape());
    return;
  }
  const auto dim = c.input_ints(1);
  if (!dim || dim->size() != 1) {
    c.set_output(0, out_t, PartialShape::unknown_of_rank(rank - 1));
    return;
  }
  int64_t axis = (*dim)[0];
  if (axis < -rank || axis >= rank)
    fail_with_value(c,
                    fmt::format("Dimension ({}) must be in the range [{}, {}), where {} is the "
                                "number of dimensions in the input.",
                                axis, -rank, rank, rank),
                    1, *dim);
  if (axis < 0) axis += rank;
  Dims d;
  for (int i = 0; i < rank; ++i)
    if (i != axis) d.push_back(in.dim(i));
  c.set_output(0, out_t, PartialShape(std::move(d)));
}

// ---- Convolution and pooling ----

// TF's GetWindowedOutputSizeFromDimsV2 on one spatial dimension.
int64_t windowed_size(const ShapeContext& c, int64_t in, int64_t window, int64_t dilation,
                      int64_t stride, const std::string& padding) {
  if (stride <= 0) c.fail(fmt::format("Stride must be > 0, but got {}", stride));
  if (dilation < 1) c.fail(fmt::format("Dilation rate must be >= 1, but got {}", dilation));
  if (in < 0) return -1;
  if (padding == "VALID") {
    if (window < 0) return -1;
    const int64_t eff = (window - 1) * dilation + 1;
    if (in < eff)
      c.fail(fmt::format("Negative dimension size caused by subtracting {} from {}", eff, in));
    return (in - eff + stride) / stride;
  }
  return (in + stride - 1) / stride;
}

// The (H, W, C) positions of a 4-D shape in `format` ("NHWC" or "NCHW").
struct Layout {
  int n, h, w, c;
};
Layout layout(const std::string& format) {
  return format == "NCHW" ? Layout{0, 2, 3, 1} : Layout{0, 1, 2, 3};
}

std::vector<int64_t> four_values(const ShapeContext& c, const char* attr, const char* what) {
  std::vector<int64_t> v = c.attr_ints(attr);
  if (v.size() != 4)
    c.fail(fmt::format("{} requires the {} attribute to contain 4 values, but got: {}", c.type(),
                       what, v.size()));
  return v;
}

PartialShape make4(const Layout& L, int64_t n, int64_t h, int64_t w, int64_t ch) {
  Dims d(4, -1);
  d[L.n] = n;
  d[L.h] = h;
  d[L.w] = w;
  d[L.c] = ch;
  return PartialShape(std::move(d));
}

void conv2d_shape(ShapeContext& c) {
  const PartialShape in = c.with_rank(c.input_shape(0), 4);
  const PartialShape f = c.with_rank(c.input_shape(1), 4);
  const std::vector<int64_t> strides = four_values(c, "strides", "stride");
  std::vector<int64_t> dil = c.attr_ints("dilations");
  if (dil.empty()) dil = {1, 1, 1, 1};
  if (dil.size() != 4)
    c.fail(fmt::format("Conv2D requires the dilations attribute to contain 4 values, but got: {}",
                       dil.size()));
  const Layout L = layout(c.attr_string("data_format"));
  const std::string padding = c.attr_string("padding");
  merge_dim(c, in.dim(L.c), f.dim(2));
  const int64_t oh = windowed_size(c, in.dim(L.h), f.dim(0), dil[L.h], strides[L.h], padding);
  const int64_t ow = windowed_size(c, in.dim(L.w), f.dim(1), dil[L.w], strides[L.w], padding);
  c.set_output(0, c.input_dtype(0), make4(L, in.dim(L.n), oh, ow, f.dim(3)));
}

void pool_shape(ShapeContext& c) {
  const PartialShape in = c.with_rank(c.input_shape(0), 4);
  const std::vector<int64_t> strides = four_values(c, "strides", "stride");
  const std::vector<int64_t> ksize = four_values(c, "ksize", "ksize");
  const Layout L = layout(c.attr_string("data_format"));
  const std::string padding = c.attr_string("padding");
  const int64_t oh = windowed_size(c, in.dim(L.h), ksize[L.h], 1, strides[L.h], padding);
  const int64_t ow = windowed_size(c, in.dim(L.w), ksize[L.w], 1, strides[L.w], padding);
  c.set_output(0, c.input_dtype(0), make4(L, in.dim(L.n), oh, ow, in.dim(L.c)));
}

// Backprop ops whose output shape is given by an int input (input_sizes, filter_sizes...).
template <int kSizes, int kValue>
void shape_from_input_shape(ShapeContext& c) {
  const PartialShape s = c.with_rank(c.input_as_shape(kSizes), 4);
  c.set_output(0, c.input_dtype(kValue), s);
}

void max_pool_grad_shape(ShapeContext& c) {
  c.set_output(0, c.input_dtype(0), c.with_rank(c.input_shape(0), 4));
}

}  // namespace

void register_nn_ops() {
  register_op({"MatMul", &matmul_shape});
  register_op({"BatchMatMul", &batch_matmul_shape<false>});
  register_op({"BatchMatMulV2", &batch_matmul_shape<true>});
  register_op({"BiasAdd", &bias_add_shape});
  register_op({"BiasAddGrad", &bias_add_grad_shape});
  for (const char* t : {"Relu", "Relu6", "Elu", "Sigmoid", "Tanh"})
    register_op({t, &unchanged_shape});
  for (const char* t : {"ReluGrad", "Relu6Grad", "EluGrad", "SigmoidGrad", "TanhGrad"})
    register_op({t, &merge_both_shape});
  register_op({"Softmax", &unchanged_rank_at_least1_shape});
  register_op({"LogSoftmax", &unchanged_rank_at_least1_shape});
  register_op({"SoftmaxCrossEntropyWithLogits", &xent_shape});
  register_op({"SparseSoftmaxCrossEntropyWithLogits", &sparse_xent_shape});
  register_op({"L2Loss", &scalar_shape});
  for (const char* t : {"Sum", "Mean", "Max", "Min", "Prod"}) register_op({t, &reduction_shape});
  register_op({"ArgMax", &arg_shape});
  register_op({"ArgMin", &arg_shape});
  register_op({"Conv2D", &conv2d_shape});
  register_op({"MaxPool", &pool_shape});
  register_op({"AvgPool", &pool_shape});
  register_op({"Conv2DBackpropInput", &shape_from_input_shape<0, 1>});
  register_op({"Conv2DBackpropFilter", &shape_from_input_shape<1, 0>});
  register_op({"MaxPoolGrad", &max_pool_grad_shape});
  register_op({"AvgPoolGrad", &shape_from_input_shape<0, 1>});
}

}  // namespace scopeflow::internal

namespace scopeflow::ops {

namespace {

Tensor int32_vector(const std::vector<int64_t>& v) {
  std::vector<int32_t> w(v.begin(), v.end());
  return Tensor::vector(w);
}

// An op named after the scope `os` (already opened by the caller).
Operation create_in(const Scope& os, std::string_view type, std::span<const Output> inputs,
                    std::span<const Attr> attrs) {
  return create(os, type, os.name_scope_string(), inputs, attrs);
}

Output unary(const Scope& scope, std::string_view type, const Input& x, std::string_view arg,
             std::string_view name) {
  OpBuilder b(scope, type, name);
  Output t = b.input(x, arg);
  return b.attr("T", t.dtype()).finish().output(0);
}

Output binary(const Scope& scope, std::string_view type, const Input& x, std::string_view ax,
              const Input& y, std::string_view ay, std::string_view name) {
  OpBuilder b(scope, type, name);
  Output t = b.input(x, ax);
  b.input(y, ay, t.dtype());
  return b.attr("T", t.dtype()).finish().output(0);
}

}  // namespace

// ---- Matrix products ----

Output matmul(const Scope& scope, const Input& a, const Input& b, bool transpose_a,
              bool transpose_b, std::string_view name) {
  Scope os = scope.name_scope(name.empty() ? "MatMul" : name);
  Output x = convert_to_tensor(os, a, "a");
  Output y = convert_to_tensor(os, b, "b", x.dtype());
  const PartialShape sa = x.shape(), sb = y.shape();
  const Output ins[] = {x, y};
  if (!sa.known_rank() || sa.rank() > 2 || !sb.known_rank() || sb.rank() > 2) {
    // BatchMatMulV2 has no transpose: TF conjugates (a no-op for reals) and uses adjoint.
    const Attr attrs[] = {{"T", x.dtype()}, {"adj_x", transpose_a}, {"adj_y", transpose_b}};
    return create_in(os, "BatchMatMulV2", ins, attrs).output(0);
  }
  const Attr attrs[] = {
      {"transpose_a", transpose_a}, {"transpose_b", transpose_b}, {"T", x.dtype()}};
  return create_in(os, "MatMul", ins, attrs).output(0);
}

namespace {
Output batch_mm(const Scope& scope, std::string_view type, const Input& x, const Input& y,
                bool adj_x, bool adj_y, std::string_view name) {
  OpBuilder b(scope, type, name);
  Output t = b.input(x, "x");
  b.input(y, "y", t.dtype());
  return b.attr("T", t.dtype()).attr("adj_x", adj_x).attr("adj_y", adj_y).finish().output(0);
}
}  // namespace

Output batch_mat_mul(const Scope& scope, const Input& x, const Input& y, bool adj_x, bool adj_y,
                     std::string_view name) {
  return batch_mm(scope, "BatchMatMul", x, y, adj_x, adj_y, name);
}
Output batch_mat_mul_v2(const Scope& scope, const Input& x, const Input& y, bool adj_x,
                        bool adj_y, std::string_view name) {
  return batch_mm(scope, "BatchMatMulV2", x, y, adj_x, adj_y, name);
}

// ---- Activations ----

Output bias_add(const Scope& scope, const Input& value, const Input& bias,
                std::string_view data_format, std::string_view name) {
  OpBuilder b(scope, "BiasAdd", name);
  Output v = b.input(value, "input");
  b.input(bias, "bias", v.dtype());
  return b.attr("T", v.dtype())
      .attr("data_format", std::string(data_format))
      .finish()
      .output(0);
}

Output relu(const Scope& scope, const Input& features, std::string_view name) {
  return unary(scope, "Relu", features, "features", name);
}
Output relu6(const Scope& scope, const Input& features, std::string_view name) {
  return unary(scope, "Relu6", features, "features", name);
}
Output elu(const Scope& scope, const Input& features, std::string_view name) {
  return unary(scope, "Elu", features, "features", name);
}
Output sigmoid(const Scope& scope, const Input& x, std::string_view name) {
  return unary(scope, "Sigmoid", x, "x", name);
}
Output tanh(const Scope& scope, const Input& x, std::string_view name) {
  return unary(scope, "Tanh", x, "x", name);
}

// ---- Softmax and losses ----

namespace {
Output softmax_op(const Scope& scope, std::string_view type, const Input& logits,
                  std::string_view name) {
  // TF's _softmax converts the logits before opening the op's scope.
  Output x = convert_to_tensor(scope, logits);
  OpBuilder b(scope, type, name);
  b.add(x);
  return b.attr("T", x.dtype()).finish().output(0);
}

std::pair<Output, Output> xent(const Scope& scope, std::string_view type, const Input& features,
                               const Input& labels, bool sparse, std::string_view name) {
  OpBuilder b(scope, type, name);
  Output f = b.input(features, "features");
  Output l = sparse ? b.input(labels, "labels") : b.input(labels, "labels", f.dtype());
  b.attr("T", f.dtype());
  if (sparse) b.attr("Tlabels", l.dtype());
  Operation op = b.finish();
  return {op.output(0), op.output(1)};
}
}  // namespace

Output softmax(const Scope& scope, const Input& logits, std::string_view name) {
  return softmax_op(scope, "Softmax", logits, name);
}
Output log_softmax(const Scope& scope, const Input& logits, std::string_view name) {
  return softmax_op(scope, "LogSoftmax", logits, name);
}
std::pair<Output, Output> softmax_cross_entropy_with_logits(const Scope& scope,
                                                            const Input& features,
                                                            const Input& labels,
                                                            std::string_view name) {
  return xent(scope, "SoftmaxCrossEntropyWithLogits", features, labels, false, name);
}
std::pair<Output, Output> sparse_softmax_cross_entropy_with_logits(const Scope& scope,
                                                                   const Input& features,
                                                                   const Input& labels,
                                                                   std::string_view name) {
  return xent(scope, "SparseSoftmaxCrossEntropyWithLogits", features, labels, true, name);
}
Output l2_loss(const Scope& scope, const Input& t, std::string_view name) {
  return unary(scope, "L2Loss", t, "t", name);
}

// ---- Reductions ----

Output reduction(const Scope& scope, std::string_view type, const Input& input,
                 const Input& reduction_indices, bool keep_dims, std::string_view name) {
  OpBuilder b(scope, type, name);
  Output x = b.input(input, "input");
  Output r = b.input(reduction_indices, "reduction_indices");
  return b.attr("keep_dims", keep_dims)
      .attr("T", x.dtype())
      .attr("Tidx", r.dtype())
      .finish()
      .output(0);
}

namespace {

// TF's _ReductionDims for axis=None: range(rank) as a Const when the rank is known, else
// range(0, rank(x)) built at run time.
Output all_dims(const Scope& scope, const Input& input) {
  if (input.is_tensor() && input.tensor().shape().known_rank()) {
    std::vector<int64_t> r(static_cast<size_t>(input.tensor().shape().rank()));
    for (size_t i = 0; i < r.size(); ++i) r[i] = static_cast<int64_t>(i);
    return constant(scope, int32_vector(r), "Const");
  }
  // array_ops.rank(x): name_scope "Rank"; a literal is converted inside it and its rank is a
  // Const named "Rank"; a tensor of unknown rank gets a Rank op.
  Output rank;
  {
    Scope rs = scope.name_scope("Rank");
    if (input.is_tensor()) {
      const Output ins[] = {input.tensor()};
      const Attr attrs[] = {{"T", input.tensor().dtype()}};
      rank = create_in(rs, "Rank", ins, attrs).output(0);
    } else {
      Output x = convert_to_tensor(rs, input);
      rank = constant(rs, Tensor::scalar<int32_t>(x.shape().rank()), rs.name_scope_string());
    }
  }
  Scope os = scope.name_scope("range");
  Output start = convert_to_tensor(os, Input(Tensor::scalar<int32_t>(0)), "start");
  Output delta = convert_to_tensor(os, Input(Tensor::scalar<int32_t>(1)), "delta");
  const Output ins[] = {start, rank, delta};
  const Attr attrs[] = {{"Tidx", DataType::kInt32}};
  return create_in(os, "Range", ins, attrs).output(0);
}

Output reduce(const Scope& scope, std::string_view type, const Input& input,
              const std::optional<std::vector<int64_t>>& axes, bool keep_dims,
              std::string_view name) {
  if (axes) return reduction(scope, type, input, Input(int32_vector(*axes)), keep_dims, name);
  Output dims = all_dims(scope, input);
  Output out = reduction(scope, type, input, dims, keep_dims, name);
  // _may_reduce_to_scalar.
  if (!keep_dims && !out.shape().fully_defined()) out.set_shape(PartialShape());
  return out;
}

}  // namespace

Output reduce_sum(const Scope& scope, const Input& input, std::optional<std::vector<int64_t>> axes,
                  bool keep_dims, std::string_view name) {
  return reduce(scope, "Sum", input, axes, keep_dims, name);
}
Output reduce_mean(const Scope& scope, const Input& input,
                   std::optional<std::vector<int64_t>> axes, bool keep_dims,
                   std::string_view name) {
  return reduce(scope, "Mean", input, axes, keep_dims, name);
}
Output reduce_max(const Scope& scope, const Input& input, std::optional<std::vector<int64_t>> axes,
                  bool keep_dims, std::string_view name) {
  return reduce(scope, "Max", input, axes, keep_dims, name);
}
Output reduce_min(const Scope& scope, const Input& input, std::optional<std::vector<int64_t>> axes,
                  bool keep_dims, std::string_view name) {
  return reduce(scope, "Min", input, axes, keep_dims, name);
}
Output reduce_prod(const Scope& scope, const Input& input,
                   std::optional<std::vector<int64_t>> axes, bool keep_dims,
                   std::string_view name) {
  return reduce(scope, "Prod", input, axes, keep_dims, name);
}

namespace {
Output arg_op(const Scope& scope, std::string_view type, const Input& input, int64_t axis,
              DataType output_type, std::string_view name) {
  OpBuilder b(scope, type, name);
  Output x = b.input(input, "input");
  Output d = b.input(Input(Tensor::scalar<int32_t>(static_cast<int32_t>(axis))), "dimension");
  return b.attr("T", x.dtype())
      .attr("Tidx", d.dtype())
      .attr("output_type", output_type)
      .finish()
      .output(0);
}
}  // namespace

Output argmax(const Scope& scope, const Input& input, int64_t axis, DataType output_type,
              std::string_view name) {
  return arg_op(scope, "ArgMax", input, axis, output_type, name);
}
Output argmin(const Scope& scope, const Input& input, int64_t axis, DataType output_type,
              std::string_view name) {
  return arg_op(scope, "ArgMin", input, axis, output_type, name);
}

// ---- Convolution and pooling ----

Output conv2d(const Scope& scope, const Input& input, const Input& filter,
              const std::vector<int64_t>& strides, std::string_view padding,
              std::string_view data_format, const std::vector<int64_t>& dilations,
              std::string_view name) {
  OpBuilder b(scope, "Conv2D", name);
  Output x = b.input(input, "input");
  b.input(filter, "filter", x.dtype());
  return b.attr("T", x.dtype())
      .attr("strides", strides)
      .attr("use_cudnn_on_gpu", true)
      .attr("padding", std::string(padding))
      .attr("explicit_paddings", std::vector<int64_t>{})
      .attr("data_format", std::string(data_format))
      .attr("dilations", dilations)
      .finish()
      .output(0);
}

namespace {
Output pool(const Scope& scope, std::string_view type, const Input& value,
            const std::vector<int64_t>& ksize, const std::vector<int64_t>& strides,
            std::string_view padding, std::string_view data_format, std::string_view name) {
  OpBuilder b(scope, type, name);
  Output x = b.input(value, "input");
  return b.attr("T", x.dtype())
      .attr("ksize", ksize)
      .attr("strides", strides)
      .attr("padding", std::string(padding))
      .attr("data_format", std::string(data_format))
      .finish()
      .output(0);
}
}  // namespace

Output max_pool(const Scope& scope, const Input& value, const std::vector<int64_t>& ksize,
                const std::vector<int64_t>& strides, std::string_view padding,
                std::string_view data_format, std::string_view name) {
  return pool(scope, "MaxPool", value, ksize, strides, padding, data_format, name);
}
Output avg_pool(const Scope& scope, const Input& value, const std::vector<int64_t>& ksize,
                const std::vector<int64_t>& strides, std::string_view padding,
                std::string_view data_format, std::string_view name) {
  return pool(scope, "AvgPool", value, ksize, strides, padding, data_format, name);
}

// ---- Gradient ops ----

Output relu_grad(const Scope& scope, const Input& gradients, const Input& features,
                 std::string_view name) {
  return binary(scope, "ReluGrad", gradients, "gradients", features, "features", name);
}
Output relu6_grad(const Scope& scope, const Input& gradients, const Input& features,
                  std::string_view name) {
  return binary(scope, "Relu6Grad", gradients, "gradients", features, "features", name);
}
Output elu_grad(const Scope& scope, const Input& gradients, const Input& outputs,
                std::string_view name) {
  return binary(scope, "EluGrad", gradients, "gradients", outputs, "outputs", name);
}
Output sigmoid_grad(const Scope& scope, const Input& y, const Input& dy, std::string_view name) {
  return binary(scope, "SigmoidGrad", y, "y", dy, "dy", name);
}
Output tanh_grad(const Scope& scope, const Input& y, const Input& dy, std::string_view name) {
  return binary(scope, "TanhGrad", y, "y", dy, "dy", name);
}
Output bias_add_grad(const Scope& scope, const Input& out_backprop, std::string_view data_format,
                     std::string_view name) {
  OpBuilder b(scope, "BiasAddGrad", name);
  Output x = b.input(out_backprop, "out_backprop");
  return b.attr("T", x.dtype())
      .attr("data_format", std::string(data_format))
      .finish()
      .output(0);
}

namespace {
Output conv_backprop(const Scope& scope, std::string_view type, const Input& a,
                     std::string_view an, const Input& bb, std::string_view bn,
                     const Input& out_backprop, const std::vector<int64_t>& strides,
                     std::string_view padding, std::string_view data_format,
                     const std::vector<int64_t>& dilations, std::string_view name) {
  OpBuilder b(scope, type, name);
  DataType t;
  if (type == "Conv2DBackpropInput") {
    b.input(a, an, DataType::kInt32);
    t = b.input(bb, bn).dtype();
  } else {
    t = b.input(a, an).dtype();
    b.input(bb, bn, DataType::kInt32);
  }
  b.input(out_backprop, "out_backprop", t);
  return b.attr("T", t)
      .attr("strides", strides)
      .attr("use_cudnn_on_gpu", true)
      .attr("padding", std::string(padding))
      .attr("explicit_paddings", std::vector<int64_t>{})
      .attr("data_format", std::string(data_format))
      .attr("dilations", dilations)
      .finish()
      .output(0);
}
}  // namespace

Output conv2d_backprop_input(const Scope& scope, const Input& input_sizes, const Input& filter,
                             const Input& out_backprop, const std::vector<int64_t>& strides,
                             std::string_view padding, std::string_view data_format,
                             const std::vector<int64_t>& dilations, std::string_view name) {
  return conv_backprop(scope, "Conv2DBackpropInput", input_sizes, "input_sizes", filter, "filter",
                       out_backprop, strides, padding, data_format, dilations, name);
}
Output conv2d_backprop_filter(const Scope& scope, const Input& input, const Input& filter_sizes,
                              const Input& out_backprop, const std::vector<int64_t>& strides,
                              std::string_view padding, std::string_view data_format,
                              const std::vector<int64_t>& dilations, std::string_view name) {
  return conv_backprop(scope, "Conv2DBackpropFilter", input, "input", filter_sizes,
                       "filter_sizes", out_backprop, strides, padding, data_format, dilations,
                       name);
}

Output max_pool_grad(const Scope& scope, const Input& orig_input, const Input& orig_output,
                     const Input& grad, const std::vector<int64_t>& ksize,
                     const std::vector<int64_t>& strides, std::string_view padding,
                     std::string_view data_format, std::string_view name) {
  OpBuilder b(scope, "MaxPoolGrad", name);
  Output x = b.input(orig_input, "orig_input");
  b.input(orig_output, "orig_output", x.dtype());
  b.input(grad, "grad", x.dtype());
  return b.attr("ksize", ksize)
      .attr("strides", strides)
      .attr("padding", std::string(padding))
      .attr("data_format", std::string(data_format))
      .attr("T", x.dtype())
      .finish()
      .output(0);
}

Output avg_pool_grad(const Scope& scope, const Input& orig_input_shape, const Input& grad,
                     const std::vector<int64_t>& ksize, const std::vector<int64_t>& strides,
                     std::string_view padding, std::string_view data_format,
                     std::string_view name) {
  OpBuilder b(scope, "AvgPoolGrad", name);
  b.input(orig_input_shape, "orig_input_shape", DataType::kInt32);
  Output g = b.input(grad, "grad");
  return b.attr("ksize", ksize)
      .attr("strides", strides)
      .attr("padding", std::string(padding))
      .attr("data_format", std::string(data_format))
      .attr("T", g.dtype())
      .finish()
      .output(0);
}

}  // namespace scopeflow::ops
