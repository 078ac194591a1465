// Static shapes that may be partly or wholly unknown, printed as TensorFlow 1.15 prints them.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <string>
#include <vector>

#include <absl/container/inlined_vector.h>

namespace scopeflow {

/// A shape known up to rank and dimensions: TF's TensorShape in Python. A dimension of -1 is
/// unknown (prints `?`); an unknown rank prints `<unknown>`. A value type; cheap to copy for
/// rank <= 4.
///
///   PartialShape({-1, 3}).to_string()   // "(?, 3)"
///   PartialShape::unknown().to_string() // "<unknown>"
class PartialShape {
 public:
  using Dims = absl::InlinedVector<int64_t, 4>;

  /// A scalar (rank 0).
  PartialShape() = default;
  PartialShape(std::initializer_list<int64_t> dims) : known_rank_(true), dims_(dims) {}
  explicit PartialShape(const std::vector<int64_t>& dims)
      : known_rank_(true), dims_(dims.begin(), dims.end()) {}
  explicit PartialShape(Dims dims) : known_rank_(true), dims_(std::move(dims)) {}

  static PartialShape unknown() {
    PartialShape s;
    s.known_rank_ = false;
    return s;
  }
  static PartialShape unknown_of_rank(int rank) { return PartialShape(Dims(rank, -1)); }

  bool known_rank() const { return known_rank_; }
  /// Rank, or -1 when unknown.
  int rank() const { return known_rank_ ? static_cast<int>(dims_.size()) : -1; }
  const Dims& dims() const { return dims_; }
  int64_t dim(int i) const { return dims_[i]; }
  bool fully_defined() const;
  /// Product of the dimensions; -1 when not fully defined.
  int64_t num_elements() const;

  /// TF's TensorShape.is_compatible_with: unknown parts match anything.
  bool compatible_with(const PartialShape& other) const;
  /// TF's TensorShape.merge_with; throws Error(kInvalidArgument) when incompatible.
  PartialShape merge_with(const PartialShape& other) const;

  /// "(2,)", "(?, 3)", "()", "<unknown>"
  std::string to_string() const;
  /// As a list: "[2, 3]", "[None, 3]" (TF's as_list); "<unknown>" for unknown rank.
  std::string to_list_string() const;

  bool operator==(const PartialShape& o) const {
    return known_rank_ == o.known_rank_ && dims_ == o.dims_;
  }
  bool operator!=(const PartialShape& o) const { return !(*this == o); }

 private:
  bool known_rank_ = true;
  Dims dims_;
};

}  // namespace scopeflow
