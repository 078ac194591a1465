// Kernels of the checkpoint ops (TF's kernels/save_restore_v2_ops.cc): SaveV2, RestoreV2,
// MergeV2Checkpoints, ShardedFilename, on io::BundleWriter / io::BundleReader.
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <numeric>

#include "scopeflow/io/checkpoint.h"
#include "scopeflow/runtime/kernel.h"

namespace scopeflow::runtime::internal {

namespace {

constexpr int kFixedInputs = 3;  // prefix, tensor_names, shape_and_slices

const std::string& scalar_string(const Tensor& t) { return t.string_data()[0]; }

// TF's ValidateInputs (save_restore_v2_ops.cc), same texts.
void validate_inputs(bool is_save, KernelContext& ctx) {
  const Tensor& prefix = ctx.input(0);
  const Tensor& names = ctx.input(1);
  const Tensor& slices = ctx.input(2);
  if (prefix.num_elements() != 1)
    fail(Code::kInvalidArgument,
         fmt::format("Input prefix should have a single element, got {} instead.",
                     prefix.num_elements()));
  if (names.shape().size() != 1 || slices.shape().size() != 1)
    fail(Code::kInvalidArgument,
         fmt::format("Input tensor_names and shape_and_slices should be an 1-D tensors, got {} "
                     "and {} instead.",
                     io::tf_shape_string(names.shape()), io::tf_shape_string(slices.shape())));
  if (names.num_elements() != slices.num_elements())
    fail(Code::kInvalidArgument,
         fmt::format("tensor_names and shape_and_slices have different number of elements: {} "
                     "vs. {}",
                     names.num_elements(), slices.num_elements()));
  if (is_save && ctx.num_inputs() != names.num_elements() + kFixedInputs)
    fail(Code::kInvalidArgument,
         fmt::format("Got {} tensor names but {} tensors.", names.num_elements(),
                     ctx.num_inputs() - kFixedInputs));
}

[[noreturn]] void slices_unsupported(std::string_view op, std::string_view name,
                                     std::string_view spec) {
  fail(Code::kUnimplemented,
       fmt::format("{}: tensor {} has shape_and_slices \"{}\"; saving and restoring slices of "
                   "partitioned variables is not supported",
                   op, name, spec));
}

void save_v2(KernelContext& ctx) {
  validate_inputs(true, ctx);
  const std::string& prefix = scalar_string(ctx.input(0));
  const auto& names = ctx.input(1).string_data();
  const auto& slices = ctx.input(2).string_data();
  for (size_t i = 0; i < names.size(); ++i)
    if (!slices[i].empty()) slices_unsupported("SaveV2", names[i], slices[i]);
  io::BundleWriter writer(prefix);
  for (size_t i = 0; i < names.size(); ++i)
    writer.add(names[i], ctx.input(static_cast<int>(i) + kFixedInputs));
  writer.finish();
}

class RestoreV2Kernel : public OpKernel {
 public:
  explicit RestoreV2Kernel(Operation op) {
    auto v = op.attr("dtypes");
    if (v)
      if (const auto* d = std::get_if<std::vector<DataType>>(&*v)) dtypes_ = *d;
  }

  void compute(KernelContext& ctx) override {
    const Tensor& names_t = ctx.input(1);
    if (static_cast<size_t>(names_t.num_elements()) != dtypes_.size())
      fail(Code::kInvalidArgument, fmt::format("Got {} tensor names, but {} expected dtypes.",
                                               names_t.num_elements(), dtypes_.size()));
    validate_inputs(false, ctx);
    const std::string& prefix = scalar_string(ctx.input(0));
    const auto& names = names_t.string_data();
    const auto& slices = ctx.input(2).string_data();
    // TF falls back to its V1 reader when there is no `.index`; its error is what users see.
    if (!io::checkpoint_exists(prefix))
      fail(Code::kNotFound,
           fmt::format("Unsuccessful TensorSliceReader constructor: Failed to find any matching "
                       "files for {}",
                       prefix));
    const io::BundleReader reader(prefix);

    // Sorted by name, as TF reads them (locality in the index and data file).
    std::vector<size_t> order(names.size());
    std::iota(order.begin(), order.end(), size_t{0});
    std::sort(order.begin(), order.end(), [&](size_t a, size_t b) { return names[a] < names[b]; });

    std::string mismatched;
    for (size_t i : order) {
      const io::BundleEntry& e = reader.entry(names[i]);  // kNotFound "Key w not found..."
      if (e.dtype != dtypes_[i]) {
        if (!mismatched.empty()) mismatched += "\n";
        mismatched += fmt::format(
            "tensor_name = {}; expected dtype {} does not equal original "
            "dtype {}",
            names[i], io::tf_dtype_string(dtypes_[i]), io::tf_dtype_string(e.dtype));
      }
    }
    if (!mismatched.empty()) fail(Code::kInvalidArgument, mismatched);
    for (size_t i : order) {
      if (!slices[i].empty()) slices_unsupported("RestoreV2", names[i], slices[i]);
      const io::BundleEntry& e = reader.entry(names[i]);
      reader.check_entry(e);  // before allocating anything of the entry's shape
      // Last step's output buffer when nothing holds it: repeated restores reuse memory.
      Tensor& out = ctx.allocate_output(static_cast<int>(i), e.dtype, e.shape);
      reader.read_into(e, out);
    }
  }

 private:
  std::vector<DataType> dtypes_;
};

class MergeV2Kernel : public OpKernel {
 public:
  explicit MergeV2Kernel(Operation op) : delete_old_dirs_(attr_bool(op, "delete_old_dirs", true)) {}

  void compute(KernelContext& ctx) override {
    const Tensor& prefixes = ctx.input(0);
    const Tensor& dest = ctx.input(1);
    if (prefixes.shape().size() != 1)
      fail(Code::kInvalidArgument,
           fmt::format("Input checkpoint_prefixes should be an 1-D tensor, got {} instead.",
                       io::tf_shape_string(prefixes.shape())));
    if (!dest.shape().empty())
      fail(Code::kInvalidArgument,
           fmt::format("Input destination_prefix should be a scalar tensor, got {} instead.",
                       io::tf_shape_string(dest.shape())));
    const std::string& merged = scalar_string(dest);
    io::merge_bundles(prefixes.string_data(), merged);
    if (!delete_old_dirs_) return;
    const auto dir_of = [](const std::string& p) {
      const size_t s = p.rfind('/');
      return s == std::string::npos ? std::string(".") : p.substr(0, s);
    };
    const std::string merged_dir = dir_of(merged);
    for (const std::string& p : prefixes.string_data()) {
      const std::string d = dir_of(p);
      if (d != merged_dir) ::rmdir(d.c_str());  // best effort, as TF: only empty dirs go
    }
  }

 private:
  bool delete_old_dirs_;
};

void sharded_filename(KernelContext& ctx) {
  const std::string& base = scalar_string(ctx.input(0));
  const int32_t shard = ctx.input(1).data<int32_t>()[0];
  const int32_t num = ctx.input(2).data<int32_t>()[0];
  Tensor& out = ctx.allocate_output(0, DataType::kString, {});
  out.string_data()[0] = fmt::format("{}-{:05d}-of-{:05d}", base, shard, num);
}

template <typename K>
std::unique_ptr<OpKernel> make(Operation op) {
  return std::make_unique<K>(op);
}

}  // namespace

void register_io_kernels() {
  register_kernel_fn("SaveV2", &save_v2);
  register_kernel("RestoreV2", &make<RestoreV2Kernel>);
  register_kernel("MergeV2Checkpoints", &make<MergeV2Kernel>);
  register_kernel_fn("ShardedFilename", &sharded_filename);
}

}  // namespace scopeflow::runtime::internal
