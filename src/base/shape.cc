// PartialShape: compatibility, merging and TF 1.15's printed forms.
#include "scopeflow/base/shape.h"

#include "scopeflow/base/error.h"
#include "scopeflow/base/messages.h"

namespace scopeflow {

bool PartialShape::fully_defined() const {
  if (!known_rank_) return false;
  for (int64_t d : dims_)
    if (d < 0) return false;
  return true;
}

int64_t PartialShape::num_elements() const {
  if (!fully_defined()) return -1;
  int64_t n = 1;
  for (int64_t d : dims_) n *= d;
  return n;
}

bool PartialShape::compatible_with(const PartialShape& other) const {
  if (!known_rank_ || !other.known_rank_) return true;
  if (dims_.size() != other.dims_.size()) return false;
  for (size_t i = 0; i < dims_.size(); ++i)
    if (dims_[i] >= 0 && other.dims_[i] >= 0 && dims_[i] != other.dims_[i]) return false;
  return true;
}

PartialShape PartialShape::merge_with(const PartialShape& other) const {
  if (!known_rank_) return other;
  if (!other.known_rank_) return *this;
  if (!compatible_with(other))
    throw Error(Code::kInvalidArgument,
                messages::shapes_not_compatible(to_string(), other.to_string()));
  Dims d = dims_;
  for (size_t i = 0; i < d.size(); ++i)
    if (d[i] < 0) d[i] = other.dims_[i];
  return PartialShape(std::move(d));
}

std::string PartialShape::to_string() const {
  if (!known_rank_) return "<unknown>";
  std::string s = "(";
  for (size_t i = 0; i < dims_.size(); ++i) {
    if (i) s += ", ";
    s += dims_[i] < 0 ? "?" : std::to_string(dims_[i]);
  }
  if (dims_.size() == 1) s += ",";
  s += ")";
  return s;
}

std::string PartialShape::to_list_string() const {
  if (!known_rank_) return "<unknown>";
  std::string s = "[";
  for (size_t i = 0; i < dims_.size(); ++i) {
    if (i) s += ", ";
    s += dims_[i] < 0 ? "None" : std::to_string(dims_[i]);
  }
  return s + "]";
}

}  // namespace scopeflow
