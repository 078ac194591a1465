// Storage whose addresses never move: a bump arena for per-graph strings and arrays, and a
// segmented vector for nodes. Both are owned by one Graph and die with it.
#pragma once

#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <new>
#include <string_view>
#include <type_traits>
#include <vector>

namespace scopeflow::internal {

/// A bump allocator: allocations live until the arena is destroyed; objects that need a
/// destructor get it run then. Not thread-safe: its owner (the Graph) locks around it.
class Arena {
 public:
  Arena() = default;
  Arena(const Arena&) = delete;
  Arena& operator=(const Arena&) = delete;
  ~Arena() {
    for (auto it = dtors_.rbegin(); it != dtors_.rend(); ++it) it->fn(it->obj);
  }

  /// Blocks come from new[] and so are aligned for any fundamental type (align <= 16).
  void* allocate(size_t bytes, size_t align) {
    size_t p = (pos_ + align - 1) & ~(align - 1);
    if (!cur_ || p + bytes > cap_) {
      const size_t size = bytes > kBlock / 4 ? bytes : kBlock;
      // Not value-initialized: every allocation is constructed by its user.
      blocks_.push_back(std::unique_ptr<unsigned char[]>(new unsigned char[size]));
      cur_ = blocks_.back().get();
      cap_ = size;
      p = 0;
    }
    pos_ = p + bytes;
    used_ += bytes;
    return cur_ + p;
  }

  /// Copies `s` into the arena; the view lives as long as the arena.
  std::string_view store(std::string_view s) {
    if (s.empty()) return {};
    char* p = static_cast<char*>(allocate(s.size(), 1));
    std::memcpy(p, s.data(), s.size());
    return {p, s.size()};
  }

  /// Default-constructs n objects of T; T's destructor runs when the arena dies.
  template <typename T>
  T* make_array(size_t n) {
    if (n == 0) return nullptr;
    T* p = static_cast<T*>(allocate(sizeof(T) * n, alignof(T)));
    for (size_t i = 0; i < n; ++i) new (p + i) T();
    if constexpr (!std::is_trivially_destructible_v<T>) {
      for (size_t i = 0; i < n; ++i)
        dtors_.push_back({p + i, [](void* o) { static_cast<T*>(o)->~T(); }});
    }
    return p;
  }

  template <typename T, typename... Args>
  T* make(Args&&... args) {
    T* p = static_cast<T*>(allocate(sizeof(T), alignof(T)));
    new (p) T(std::forward<Args>(args)...);
    if constexpr (!std::is_trivially_destructible_v<T>)
      dtors_.push_back({p, [](void* o) { static_cast<T*>(o)->~T(); }});
    return p;
  }

  /// Bytes handed out (excluding block slack), for memory figures.
  size_t bytes_used() const { return used_; }

 private:
  static constexpr size_t kBlock = 64 * 1024;
  struct Dtor {
    void* obj;
    void (*fn)(void*);
  };
  std::vector<std::unique_ptr<unsigned char[]>> blocks_;
  unsigned char* cur_ = nullptr;
  size_t pos_ = 0, cap_ = 0, used_ = 0;
  std::vector<Dtor> dtors_;
};

/// An append-only vector whose elements never move: segment k holds 2^(k+6) elements, so
/// element i is found with one bit scan. Readers of existing elements need no lock.
template <typename T>
class StableVector {
 public:
  StableVector() = default;
  StableVector(const StableVector&) = delete;
  StableVector& operator=(const StableVector&) = delete;
  ~StableVector() {
    for (size_t i = 0; i < size_; ++i) at(i).~T();
    for (auto* s : segments_)
      if (s) ::operator delete(s, std::align_val_t(alignof(T)));
  }

  size_t size() const { return size_; }
  T& operator[](size_t i) { return at(i); }
  const T& operator[](size_t i) const { return const_cast<StableVector*>(this)->at(i); }

  template <typename... Args>
  T& emplace_back(Args&&... args) {
    auto [seg, off] = locate(size_);
    if (!segments_[seg])
      segments_[seg] = static_cast<T*>(
          ::operator new(sizeof(T) * (size_t{1} << (seg + kBase)), std::align_val_t(alignof(T))));
    T* p = new (segments_[seg] + off) T(std::forward<Args>(args)...);
    ++size_;
    return *p;
  }

 private:
  static constexpr int kBase = 6;
  static std::pair<size_t, size_t> locate(size_t i) {
    const size_t j = i + (size_t{1} << kBase);
    const int msb = 63 - std::countl_zero(static_cast<uint64_t>(j));
    return {static_cast<size_t>(msb - kBase), j - (size_t{1} << msb)};
  }
  T& at(size_t i) {
    auto [seg, off] = locate(i);
    return segments_[seg][off];
  }
  T* segments_[58] = {};
  size_t size_ = 0;
};

}  // namespace scopeflow::internal
