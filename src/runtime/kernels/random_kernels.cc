// CPU kernels of the random ops: TF's Philox4x32-10 generator, advanced per step by 256
// 128-bit samples per output element (GuardedPhiloxRandom::ReserveRandomOutputs), and TF's
// distributions (uniform from the mantissa bits, Box-Muller normals, truncated normals by
// rejection beyond two standard deviations), so a (seed, seed2) pair gives TF's values.
#include <math.h>

#include <array>
#include <cmath>
#include <cstring>
#include <memory>

#include "scopeflow/runtime/kernel.h"
#include "scopeflow/runtime/session.h"

namespace scopeflow::runtime::internal {

namespace {

// Philox4x32 with 10 rounds (Salmon et al., "Parallel random numbers: as easy as 1, 2, 3").
class Philox {
 public:
  using Block = std::array<uint32_t, 4>;
  Philox() = default;
  Philox(uint64_t seed_lo, uint64_t seed_hi) {
    key_[0] = static_cast<uint32_t>(seed_lo);
    key_[1] = static_cast<uint32_t>(seed_lo >> 32);
    ctr_[2] = static_cast<uint32_t>(seed_hi);
    ctr_[3] = static_cast<uint32_t>(seed_hi >> 32);
  }
  Philox(Block ctr, std::array<uint32_t, 2> key) : ctr_(ctr), key_(key) {}

  Block operator()() {
    Block c = ctr_;
    std::array<uint32_t, 2> k = key_;
    for (int r = 0; r < 10; ++r) {
      if (r) {
        k[0] += 0x9E3779B9u;
        k[1] += 0xBB67AE85u;
      }
      const uint64_t p0 = uint64_t{0xD2511F53u} * c[0];
      const uint64_t p1 = uint64_t{0xCD9E8D57u} * c[2];
      c = {static_cast<uint32_t>(p1 >> 32) ^ c[1] ^ k[0], static_cast<uint32_t>(p1),
           static_cast<uint32_t>(p0 >> 32) ^ c[3] ^ k[1], static_cast<uint32_t>(p0)};
    }
    skip_one();
    return c;
  }

  // Advances the 128-bit counter by `count` blocks.
  void skip(uint64_t count) {
    const uint32_t lo = static_cast<uint32_t>(count);
    uint32_t hi = static_cast<uint32_t>(count >> 32);
    ctr_[0] += lo;
    if (ctr_[0] < lo) ++hi;
    ctr_[1] += hi;
    if (ctr_[1] < hi && ++ctr_[2] == 0) ++ctr_[3];
  }

 private:
  void skip_one() {
    if (++ctr_[0] == 0 && ++ctr_[1] == 0 && ++ctr_[2] == 0) ++ctr_[3];
  }
  Block ctr_{};
  std::array<uint32_t, 2> key_{};
};

// One 32-bit sample at a time from a Philox (TF's SingleSampleAdapter).
class SingleSamples {
 public:
  explicit SingleSamples(Philox* g) : g_(g) {}
  uint32_t operator()() {
    if (used_ == 4) {
      block_ = (*g_)();
      used_ = 0;
    }
    return block_[used_++];
  }

 private:
  Philox* g_;
  Philox::Block block_{};
  int used_ = 4;
};

float uint32_to_float(uint32_t x) {
  const uint32_t bits = (127u << 23) | (x & 0x7fffffu);
  float f;
  std::memcpy(&f, &bits, sizeof(f));
  return f - 1.0f;
}

double uint64_to_double(uint32_t x0, uint32_t x1) {
  const uint64_t man = (static_cast<uint64_t>(x0 & 0xfffffu) << 32) | x1;
  const uint64_t bits = (uint64_t{1023} << 52) | man;
  double d;
  std::memcpy(&d, &bits, sizeof(d));
  return d - 1.0;
}

void box_muller(uint32_t x0, uint32_t x1, float* f0, float* f1) {
  float u1 = uint32_to_float(x0);
  if (u1 < 1.0e-7f) u1 = 1.0e-7f;
  const float v1 = static_cast<float>(2.0f * M_PI * uint32_to_float(x1));
  const float u2 = std::sqrt(-2.0f * std::log(u1));
  ::sincosf(v1, f0, f1);
  *f0 *= u2;
  *f1 *= u2;
}

void box_muller(uint32_t x0, uint32_t x1, uint32_t x2, uint32_t x3, double* d0, double* d1) {
  double u1 = uint64_to_double(x0, x1);
  if (u1 < 1.0e-7) u1 = 1.0e-7;
  const double v1 = 2 * M_PI * uint64_to_double(x2, x3);
  const double u2 = std::sqrt(-2.0 * std::log(u1));
  ::sincos(v1, d0, d1);
  *d0 *= u2;
  *d1 *= u2;
}

// Groups of outputs per Philox block, by distribution and type.
template <typename T>
constexpr int group_size() {
  return sizeof(T) == 8 ? 2 : 4;
}

template <typename T>
void uniform_group(Philox& g, T* out) {
  const Philox::Block s = g();
  if constexpr (std::is_same_v<T, float>) {
    for (int i = 0; i < 4; ++i) out[i] = uint32_to_float(s[i]);
  } else {
    for (int i = 0; i < 2; ++i) out[i] = uint64_to_double(s[2 * i], s[2 * i + 1]);
  }
}

template <typename T>
void normal_group(Philox& g, T* out) {
  const Philox::Block s = g();
  if constexpr (std::is_same_v<T, float>) {
    box_muller(s[0], s[1], &out[0], &out[1]);
    box_muller(s[2], s[3], &out[2], &out[3]);
  } else {
    box_muller(s[0], s[1], s[2], s[3], &out[0], &out[1]);
  }
}

template <typename T>
void truncated_group(SingleSamples& g, T* out) {
  int n = 0;
  while (true) {
    T v[2];
    if constexpr (std::is_same_v<T, float>) {
      const uint32_t x0 = g(), x1 = g();
      box_muller(x0, x1, &v[0], &v[1]);
    } else {
      const uint32_t x0 = g(), x1 = g(), x2 = g(), x3 = g();
      box_muller(x0, x1, x2, x3, &v[0], &v[1]);
    }
    for (int i = 0; i < 2; ++i) {
      if (std::abs(v[i]) < T(2)) {
        out[n++] = v[i];
        if (n == group_size<T>()) return;
      }
    }
  }
}

enum class Dist { kUniform, kNormal, kTruncated, kUniformInt };

// TF's PhiloxRandomOp / RandomUniformIntOp over a GuardedPhiloxRandom.
class RandomKernel : public OpKernel {
 public:
  RandomKernel(Operation op, Dist dist)
      : dist_(dist),
        seed_(attr_int(op, "seed")),
        seed2_(attr_int(op, "seed2")),
        dtype_(attr_type(op, dist == Dist::kUniformInt ? "Tout" : "dtype")),
        type_(op.type()) {}

  void compute(KernelContext& ctx) override {
    std::vector<int64_t> shape = shape_of(ctx.input(0));
    int64_t n = 1;
    for (int64_t d : shape) n *= d;
    if (dist_ == Dist::kUniformInt) {
      for (int k = 1; k <= 2; ++k)
        if (!ctx.input(k).shape().empty())
          fail(Code::kInvalidArgument,
               std::string(k == 1 ? "minval" : "maxval") + " must be 0-D, got shape " +
                   shape_string(ctx.input(k).shape()));
    }
    if (dtype_ != DataType::kFloat && dtype_ != DataType::kDouble &&
        !(dist_ == Dist::kUniformInt &&
          (dtype_ == DataType::kInt32 || dtype_ == DataType::kInt64)))
      fail(Code::kInvalidArgument, "No OpKernel was registered to support Op '" + type_ +
                                       "' with dtype " + dtype_name(dtype_));
    Tensor& out = ctx.allocate_output(0, dtype_, shape);
    if (n == 0) return;
    if (!initialized_) {
      uint64_t s1 = static_cast<uint64_t>(seed_), s2 = static_cast<uint64_t>(seed2_);
      if (seed_ == 0 && seed2_ == 0) {
        s1 = ctx.session().fresh_seed();
        s2 = ctx.session().fresh_seed();
      }
      gen_ = Philox(s1, s2);
      initialized_ = true;
    }
    // GuardedPhiloxRandom::ReserveRandomOutputs(n, 256).
    Philox base = gen_;
    gen_.skip(static_cast<uint64_t>(n) * 256);
    switch (dtype_) {
      case DataType::kFloat:
        fill(base, out.data<float>(), n);
        break;
      case DataType::kDouble:
        fill(base, out.data<double>(), n);
        break;
      case DataType::kInt32:
        fill_int(base, out.data<int32_t>(), n, ctx.input(1).data<int32_t>()[0],
                 ctx.input(2).data<int32_t>()[0]);
        break;
      default:
        fill_int(base, out.data<int64_t>(), n, ctx.input(1).data<int64_t>()[0],
                 ctx.input(2).data<int64_t>()[0]);
        break;
    }
  }

 private:
  static std::vector<int64_t> shape_of(const Tensor& t) {
    if (t.shape().size() != 1)
      fail(Code::kInvalidArgument,
           "shape must be a vector of {int32,int64}, got shape " + shape_string(t.shape()));
    std::vector<int64_t> shape(static_cast<size_t>(t.num_elements()));
    for (size_t i = 0; i < shape.size(); ++i) {
      shape[i] = t.dtype() == DataType::kInt64 ? t.data<int64_t>()[i] : t.data<int32_t>()[i];
      if (shape[i] < 0)
        fail(Code::kInvalidArgument, "Dimension " + std::to_string(shape[i]) + " must be >= 0");
    }
    return shape;
  }

  template <typename T>
  void fill(Philox base, T* data, int64_t n) {
    constexpr int kGroup = group_size<T>();
    T buf[kGroup];
    if (dist_ == Dist::kTruncated) {
      // Each group restarts from its own region of the stream (FillPhiloxRandomTask with
      // variable samples per output): 256 blocks per output element of the group.
      constexpr uint64_t kSkipPerGroup = kGroup * 256 / 4;
      for (int64_t g = 0, off = 0; off < n; ++g, off += kGroup) {
        Philox gen = base;
        gen.skip(static_cast<uint64_t>(g) * kSkipPerGroup);
        SingleSamples single(&gen);
        truncated_group(single, buf);
        std::memcpy(data + off, buf, sizeof(T) * std::min<int64_t>(kGroup, n - off));
      }
      return;
    }
    for (int64_t off = 0; off < n; off += kGroup) {
      if (dist_ == Dist::kUniform)
        uniform_group(base, buf);
      else
        normal_group(base, buf);
      std::memcpy(data + off, buf, sizeof(T) * std::min<int64_t>(kGroup, n - off));
    }
  }

  template <typename T>
  void fill_int(Philox base, T* data, int64_t n, T lo, T hi) {
    if (!(lo < hi))
      fail(Code::kInvalidArgument, "Need minval < maxval, got " + std::to_string(lo) +
                                       " >= " + std::to_string(hi));
    using U = std::make_unsigned_t<T>;
    const U range = static_cast<U>(hi) - static_cast<U>(lo);
    for (int64_t off = 0; off < n;) {
      const Philox::Block s = base();
      if constexpr (sizeof(T) == 4) {
        for (int i = 0; i < 4 && off < n; ++i, ++off)
          data[off] = lo + static_cast<T>(s[i] % range);
      } else {
        for (int i = 0; i < 2 && off < n; ++i, ++off) {
          const uint64_t bits = s[2 * i] | (static_cast<uint64_t>(s[2 * i + 1]) << 32);
          data[off] = lo + static_cast<T>(bits % range);
        }
      }
    }
  }

  Dist dist_;
  int64_t seed_, seed2_;
  DataType dtype_;
  std::string type_;
  bool initialized_ = false;
  Philox gen_;
};

template <Dist D>
std::unique_ptr<OpKernel> make(Operation op) {
  return std::make_unique<RandomKernel>(op, D);
}

}  // namespace

// For tests: the Philox4x32-10 block for a counter and key.
std::array<uint32_t, 4> philox4x32_10(std::array<uint32_t, 4> ctr, std::array<uint32_t, 2> key) {
  Philox p(ctr, key);
  return p();
}

void register_random_kernels() {
  register_kernel("RandomUniform", &make<Dist::kUniform>);
  register_kernel("RandomStandardNormal", &make<Dist::kNormal>);
  register_kernel("TruncatedNormal", &make<Dist::kTruncated>);
  register_kernel("RandomUniformInt", &make<Dist::kUniformInt>);
}

}  // namespace scopeflow::runtime::internal
