// Initializers: each builds its ops in the scope get_variable gives it (`<var>/Initializer/`).
#include "scopeflow/ops/init_ops.h"

#include <cmath>
#include <cstring>

#include "scopeflow/base/error.h"
#include "scopeflow/base/messages.h"
#include "scopeflow/ops/ops.h"

namespace scopeflow::init {

namespace {
std::vector<int64_t> dims_of(const PartialShape& shape) {
  if (!shape.fully_defined())
    throw Error(Code::kInvalidArgument,
                "The initializer needs a fully defined shape, got " + shape.to_string());
  return std::vector<int64_t>(shape.dims().begin(), shape.dims().end());
}

// init_ops._compute_fans.
std::pair<double, double> fans(const std::vector<int64_t>& s) {
  if (s.empty()) return {1, 1};
  if (s.size() == 1) return {double(s[0]), double(s[0])};
  if (s.size() == 2) return {double(s[0]), double(s[1])};
  double receptive = 1;
  for (size_t i = 0; i + 2 < s.size(); ++i) receptive *= double(s[i]);
  return {std::floor(double(s[s.size() - 2]) * receptive),
          std::floor(double(s[s.size() - 1]) * receptive)};
}

Initializer make(Initializer::Fn fn) {
  Initializer i;
  i.fn = std::move(fn);
  return i;
}
}  // namespace

Initializer variance_scaling(double scale, const std::string& mode, const std::string& distribution,
                             std::optional<int64_t> seed) {
  if (scale <= 0) throw Error(Code::kInvalidArgument, messages::variance_scaling_scale());
  if (mode != "fan_in" && mode != "fan_out" && mode != "fan_avg")
    throw Error(Code::kInvalidArgument, messages::variance_scaling_mode(mode));
  if (distribution != "normal" && distribution != "truncated_normal" &&
      distribution != "untruncated_normal" && distribution != "uniform")
    throw Error(Code::kInvalidArgument, messages::variance_scaling_distribution(distribution));
  return make([=](const Scope& s, const PartialShape& shape, DataType dtype,
                  const PartitionInfo* part) -> Input {
    std::vector<int64_t> dims = dims_of(shape);
    auto [fan_in, fan_out] = fans(part ? part->full_shape : dims);
    double sc = scale;
    if (mode == "fan_in")
      sc /= std::max(1.0, fan_in);
    else if (mode == "fan_out")
      sc /= std::max(1.0, fan_out);
    else
      sc /= std::max(1.0, (fan_in + fan_out) / 2.0);
    if (distribution == "normal" || distribution == "truncated_normal")
      return ops::truncated_normal(s, dims, 0.0, std::sqrt(sc) / .87962566103423978, dtype, seed);
    if (distribution == "untruncated_normal")
      return ops::random_normal(s, dims, 0.0, std::sqrt(sc), dtype, seed);
    const double limit = std::sqrt(3.0 * sc);
    return ops::random_uniform(s, dims, -limit, limit, dtype, seed);
  });
}

Initializer glorot_uniform(std::optional<int64_t> seed) {
  return variance_scaling(1.0, "fan_avg", "uniform", seed);
}
Initializer glorot_normal(std::optional<int64_t> seed) {
  return variance_scaling(1.0, "fan_avg", "truncated_normal", seed);
}

Initializer zeros() {
  return make([](const Scope& s, const PartialShape& shape, DataType dtype,
                 const PartitionInfo*) -> Input { return ops::zeros(s, dims_of(shape), dtype); });
}
Initializer ones() {
  return make([](const Scope& s, const PartialShape& shape, DataType dtype,
                 const PartitionInfo*) -> Input { return ops::ones(s, dims_of(shape), dtype); });
}

Initializer constant(const Tensor& value) {
  return make([value](const Scope& s, const PartialShape& shape, DataType dtype,
                      const PartitionInfo*) -> Input {
    std::vector<int64_t> dims = dims_of(shape);
    const DataType t = base_dtype(dtype);
    Tensor src = value.dtype() == t || t == DataType::kString ? value : value.cast(t);
    Tensor out(t, dims);
    const int64_t n = out.num_elements(), m = src.num_elements();
    if (m > n && n > 0)
      throw Error(Code::kInvalidArgument,
                  messages::too_many_elements(std::to_string(n), std::to_string(m)));
    if (m == 0 && n > 0)
      throw Error(Code::kInvalidArgument,
                  messages::empty_constant_fill(PartialShape(dims).to_string()));
    // constant_v1: values in order, the last one repeated to fill the shape.
    for (int64_t i = 0; i < n; ++i) {
      const int64_t j = i < m ? i : m - 1;
      if (t == DataType::kString) {
        out.string_data()[i] = src.string_data()[j];
      } else {
        const int size = dtype_size(t);
        std::memcpy(static_cast<char*>(out.raw()) + i * size,
                    static_cast<const char*>(src.raw()) + j * size, size);
      }
    }
    return ops::constant(s, out, "Const");
  });
}

Initializer random_uniform(double minval, double maxval, std::optional<int64_t> seed) {
  return make([=](const Scope& s, const PartialShape& shape, DataType dtype,
                  const PartitionInfo*) -> Input {
    return ops::random_uniform(s, dims_of(shape), minval, maxval, dtype, seed);
  });
}
Initializer random_normal(double mean, double stddev, std::optional<int64_t> seed) {
  return make([=](const Scope& s, const PartialShape& shape, DataType dtype,
                  const PartitionInfo*) -> Input {
    return ops::random_normal(s, dims_of(shape), mean, stddev, dtype, seed);
  });
}
Initializer truncated_normal(double mean, double stddev, std::optional<int64_t> seed) {
  return make([=](const Scope& s, const PartialShape& shape, DataType dtype,
                  const PartitionInfo*) -> Input {
    return ops::truncated_normal(s, dims_of(shape), mean, stddev, dtype, seed);
  });
}

}  // namespace scopeflow::init
