// Checkpoint ops (TF's core/ops/io_ops.cc): SaveV2, RestoreV2, MergeV2Checkpoints,
// ShardedFilename.
#include <fmt/format.h>

#include "scopeflow/ops/op_registry.h"

namespace scopeflow::internal {

namespace {

// tensor_names and shape_and_slices: vectors of `n` elements (when known).
void check_names_and_slices(ShapeContext& c, int64_t n) {
  for (int i = 1; i <= 2; ++i) {
    const PartialShape s = c.with_rank(c.input_shape(i), 1);
    if (s.known_rank() && s.dim(0) >= 0 && s.dim(0) != n)
      c.fail(fmt::format("Dimension must be {} but is {}", n, s.dim(0)));  // TF's WithValue
  }
}

// SaveV2(prefix, tensor_names, shape_and_slices, tensors...): no outputs.
void save_v2_shape(ShapeContext& c) {
  c.with_rank(c.input_shape(0), 0);
  check_names_and_slices(c, c.num_inputs() - 3);
}

// RestoreV2(prefix, tensor_names, shape_and_slices) -> one tensor per `dtypes`, of unknown
// shape (TF infers shapes only from non-empty slice specs, which the Saver never writes).
void restore_v2_shape(ShapeContext& c) {
  const AttrValue* a = c.attr("dtypes");
  const auto* dtypes = a ? std::get_if<std::vector<DataType>>(a) : nullptr;
  if (!dtypes) c.fail("RestoreV2 needs a list(type) attr `dtypes`");
  c.with_rank(c.input_shape(0), 0);
  check_names_and_slices(c, static_cast<int64_t>(dtypes->size()));
  for (size_t i = 0; i < dtypes->size(); ++i)
    c.set_output(static_cast<int>(i), (*dtypes)[i], PartialShape::unknown());
}

// MergeV2Checkpoints(checkpoint_prefixes, destination_prefix): no outputs.
void merge_v2_shape(ShapeContext& c) {
  c.with_rank(c.input_shape(0), 1);
  c.with_rank(c.input_shape(1), 0);
}

// ShardedFilename(basename, shard, num_shards) -> "<basename>-00001-of-00004".
void sharded_filename_shape(ShapeContext& c) { c.set_output(0, DataType::kString, PartialShape()); }

}  // namespace

void register_io_ops() {
  register_op({"SaveV2", &save_v2_shape, 0, /*stateful=*/true});
  register_op({"RestoreV2", &restore_v2_shape, 0, /*stateful=*/true});
  register_op({"MergeV2Checkpoints", &merge_v2_shape, 0, /*stateful=*/true});
  register_op({"ShardedFilename", &sharded_filename_shape});
}

}  // namespace scopeflow::internal
