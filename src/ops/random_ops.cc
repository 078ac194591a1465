// Registration (shape functions) of the random ops, and TF's get_seed.
#include "scopeflow/ops/random_ops.h"

namespace scopeflow {

namespace {

// TF's RandomShape: the output shape is the value of the shape input.
void random_shape(ShapeContext& c) {
  c.with_rank(c.input_shape(0), 1);
  c.set_output(0, c.attr_type("dtype", DataType::kFloat), c.input_as_shape(0));
}

void random_uniform_int_shape(ShapeContext& c) {
  c.with_rank(c.input_shape(0), 1);
  c.with_rank(c.input_shape(1), 0);
  c.with_rank(c.input_shape(2), 0);
  c.set_output(0, c.attr_type("Tout", c.input_dtype(1)), c.input_as_shape(0));
}

}  // namespace

namespace internal {

void register_random_ops() {
  register_op({"RandomUniform", &random_shape, 0, /*stateful=*/true});
  register_op({"RandomStandardNormal", &random_shape, 0, /*stateful=*/true});
  register_op({"TruncatedNormal", &random_shape, 0, /*stateful=*/true});
  register_op({"RandomUniformInt", &random_uniform_int_shape, 0, /*stateful=*/true});
}

}  // namespace internal

namespace ops {

std::pair<int64_t, int64_t> get_seed(const Graph& graph, std::optional<int64_t> op_seed) {
  constexpr int64_t kMaxInt32 = 2147483647;  // 2**31 - 1
  constexpr int64_t kDefaultGraphSeed = 87654321;
  // Python's `seed % _MAXINT32`: never negative.
  auto truncate = [](int64_t s) { return ((s % kMaxInt32) + kMaxInt32) % kMaxInt32; };
  std::pair<int64_t, int64_t> seeds;
  if (const std::optional<int64_t> global = graph.seed()) {
    const int64_t op = op_seed ? *op_seed : static_cast<int64_t>(graph.num_operations());
    seeds = {truncate(*global), truncate(op)};
  } else if (op_seed) {
    seeds = {kDefaultGraphSeed, truncate(*op_seed)};
  } else {
    return {0, 0};
  }
  if (seeds.first == 0 && seeds.second == 0) return {0, kMaxInt32};
  return seeds;
}

}  // namespace ops
}  // namespace scopeflow
