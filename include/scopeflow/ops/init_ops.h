// TF's initializers (init_ops.py) as Initializer values for get_variable.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "scopeflow/base/tensor.h"
#include "scopeflow/graph/variable.h"

namespace scopeflow::init {

/// glorot_uniform_initializer: random_uniform(shape, -limit, limit), limit from fan_avg.
/// get_variable's default for floating types. Ops: `Initializer/random_uniform/...`.
Initializer glorot_uniform(std::optional<int64_t> seed = std::nullopt);
/// glorot_normal_initializer: truncated_normal with stddev from fan_avg.
Initializer glorot_normal(std::optional<int64_t> seed = std::nullopt);
/// zeros_initializer: tf.zeros (op `Initializer/zeros`). Default for ints, bools, strings.
Initializer zeros();
/// ones_initializer: tf.ones (op `Initializer/ones`).
Initializer ones();
/// constant_initializer(value): a Const of the requested shape (op `Initializer/Const`);
/// a scalar fills the shape; a shorter list is padded with its last element (TF 1.x).
Initializer constant(const Tensor& value);
Initializer random_uniform(double minval = 0.0, double maxval = 1.0,
                           std::optional<int64_t> seed = std::nullopt);
Initializer random_normal(double mean = 0.0, double stddev = 1.0,
                          std::optional<int64_t> seed = std::nullopt);
Initializer truncated_normal(double mean = 0.0, double stddev = 1.0,
                             std::optional<int64_t> seed = std::nullopt);
/// variance_scaling_initializer(scale, mode "fan_in"|"fan_out"|"fan_avg", distribution
/// "truncated_normal"|"untruncated_normal"|"uniform").
Initializer variance_scaling(double scale, const std::string& mode, const std::string& distribution,
                             std::optional<int64_t> seed = std::nullopt);

}  // namespace scopeflow::init
