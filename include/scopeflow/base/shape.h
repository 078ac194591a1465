// Static shapes that may be partly or wholly unknown, printed as TensorFlow 1.15 prints them.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <memory>
#include <string>
#include <type_traits>
#include <vector>

namespace scopeflow {

/// Dimensions of a shape: up to four inline, more on the heap. A minimal vector of int64_t
/// (GCC 12 misreads absl::InlinedVector under -O3 -Werror, hence our own).
class Dims {
 public:
  Dims() = default;
  Dims(size_t n, int64_t value) { assign_fill(n, value); }
  Dims(std::initializer_list<int64_t> v) { assign_range(v.begin(), v.end()); }
  Dims(const int64_t* first, const int64_t* last) { assign_range(first, last); }
  template <typename It>
  requires(!std::is_integral_v<It>) Dims(It first, It last) {
    for (; first != last; ++first) push_back(static_cast<int64_t>(*first));
  }
  Dims(const Dims& o) { assign_range(o.begin(), o.end()); }
  Dims& operator=(const Dims& o) {
    if (this != &o) {
      size_ = 0;
      assign_range(o.begin(), o.end());
    }
    return *this;
  }
  Dims(Dims&& o) noexcept { *this = std::move(o); }
  Dims& operator=(Dims&& o) noexcept {
    if (this == &o) return *this;
    if (o.heap_) {
      heap_ = std::move(o.heap_);
      cap_ = o.cap_;
      size_ = o.size_;
    } else {
      heap_.reset();
      cap_ = kInline;
      size_ = 0;
      assign_range(o.begin(), o.end());
    }
    o.size_ = 0;
    o.cap_ = kInline;
    return *this;
  }

  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  int64_t* data() { return heap_ ? heap_.get() : inline_; }
  const int64_t* data() const { return heap_ ? heap_.get() : inline_; }
  int64_t& operator[](size_t i) { return data()[i]; }
  int64_t operator[](size_t i) const { return data()[i]; }
  const int64_t* begin() const { return data(); }
  const int64_t* end() const { return data() + size_; }
  int64_t* begin() { return data(); }
  int64_t* end() { return data() + size_; }
  void push_back(int64_t v) {
    if (size_ == cap_) grow(cap_ * 2);
    data()[size_++] = v;
  }
  bool operator==(const Dims& o) const {
    if (size_ != o.size_) return false;
    for (size_t i = 0; i < size_; ++i)
      if ((*this)[i] != o[i]) return false;
    return true;
  }
  bool operator!=(const Dims& o) const { return !(*this == o); }

 private:
  static constexpr size_t kInline = 4;
  void grow(size_t cap) {
    std::unique_ptr<int64_t[]> h(new int64_t[cap]);
    for (size_t i = 0; i < size_; ++i) h[i] = data()[i];
    heap_ = std::move(h);
    cap_ = cap;
  }
  void assign_fill(size_t n, int64_t v) {
    if (n > cap_) grow(n);
    for (size_t i = 0; i < n; ++i) data()[i] = v;
    size_ = n;
  }
  void assign_range(const int64_t* first, const int64_t* last) {
    const size_t n = static_cast<size_t>(last - first);
    if (n > cap_) grow(n);
    for (size_t i = 0; i < n; ++i) data()[i] = first[i];
    size_ = n;
  }
  int64_t inline_[kInline] = {0, 0, 0, 0};
  std::unique_ptr<int64_t[]> heap_;
  size_t size_ = 0;
  size_t cap_ = kInline;
};

/// A shape known up to rank and dimensions: TF's TensorShape in Python. A dimension of -1 is
/// unknown (prints `?`); an unknown rank prints `<unknown>`. A value type; cheap to copy for
/// rank <= 4.
///
///   PartialShape({-1, 3}).to_string()   // "(?, 3)"
///   PartialShape::unknown().to_string() // "<unknown>"
class PartialShape {
 public:
  using Dims = scopeflow::Dims;

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
