// libFuzzer target for the checkpoint readers: arbitrary bytes go through io::Table (the
// `.index` SSTable) and io::BundleReader (index + data file). Damage must surface as
// scopeflow::Error — kDataLoss for a damaged table — never as a crash, an out-of-bounds read or
// a huge allocation; every table that parses must rebuild to a table with the same entries.
//
// Build and run (clang; CMake block "checkpoint" in CMakeLists.txt):
//   cmake -S . -B build-fuzz -G Ninja -DSF_FUZZ=ON -DCMAKE_CXX_COMPILER=clang++ \
//         -DSF_PYTHON=OFF -DSF_BENCH=OFF
//   cmake --build build-fuzz --target checkpoint_fuzz
//   mkdir -p build-fuzz/ckpt-corpus
//   for f in ../shared/golden/*/*.index; do
//     cp "$f" "build-fuzz/ckpt-corpus/$(basename "$(dirname "$f")")"; done
//   ./build-fuzz/bin/checkpoint_fuzz build-fuzz/ckpt-corpus -max_total_time=60 -max_len=4096
//
// Input layout: the whole input is tried as a `.index`; then, when it is at least 2 bytes
// long, its first two bytes (little-endian) give how many of the remaining bytes form the
// `.index` and the rest becomes the data shard, and BundleReader reads every entry.
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "scopeflow/base/error.h"
#include "scopeflow/io/checkpoint.h"
#include "scopeflow/io/table.h"

namespace io = scopeflow::io;

namespace {

const std::string& fuzz_prefix() {
  static const std::string p = "/dev/shm/sf_checkpoint_fuzz_" + std::to_string(::getpid()) + "/c";
  return p;
}

void write_file(const std::string& path, std::string_view bytes) {
  std::FILE* f = std::fopen(path.c_str(), "wb");
  if (!f) std::abort();
  if (!bytes.empty() && std::fwrite(bytes.data(), 1, bytes.size(), f) != bytes.size()) std::abort();
  std::fclose(f);
}

void expect_code(const scopeflow::Error& e, std::initializer_list<scopeflow::Code> allowed) {
  for (scopeflow::Code c : allowed)
    if (e.code() == c) return;
  std::fprintf(stderr, "unexpected error code %s: %s\n", scopeflow::code_name(e.code()), e.what());
  std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  const std::string dir = fuzz_prefix().substr(0, fuzz_prefix().rfind('/'));
  std::string cmd = "mkdir -p " + dir;
  if (std::system(cmd.c_str()) != 0) std::abort();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  using scopeflow::Code;

  // The table alone: parse; what parses rebuilds to the same entries.
  try {
    const io::Table t = io::Table::parse(std::string(bytes), "fuzz.index");
    io::TableBuilder b;
    for (size_t i = 0; i < t.size(); ++i) b.add(t.key(i), t.value(i));
    const io::Table again = io::Table::parse(b.finish(), "rebuilt.index");
    if (again.size() != t.size()) std::abort();
    for (size_t i = 0; i < t.size(); ++i)
      if (again.key(i) != t.key(i) || again.value(i) != t.value(i)) std::abort();
    if (t.size() && t.find(t.key(t.size() - 1)) != t.size() - 1) std::abort();
  } catch (const scopeflow::Error& e) {
    expect_code(e, {Code::kDataLoss});
  }

  // A whole checkpoint: index and data shard on disk, every entry read.
  if (size < 2) return 0;
  const size_t index_size = (size_t(data[0]) | (size_t(data[1]) << 8)) % (size - 2 + 1);
  const std::string& prefix = fuzz_prefix();
  write_file(io::checkpoint_index_path(prefix), bytes.substr(2, index_size));
  write_file(io::checkpoint_data_path(prefix, 0, 1), bytes.substr(2 + index_size));
  try {
    const io::BundleReader r(prefix);
    (void)r.debug_string();
    for (const io::BundleEntry& e : r.entries()) {
      try {
        const scopeflow::Tensor t = r.read(e);
        if (t.shape() != e.shape) std::abort();
      } catch (const scopeflow::Error& err) {
        expect_code(
            err, {Code::kDataLoss, Code::kNotFound, Code::kUnimplemented, Code::kInvalidArgument});
      }
    }
  } catch (const scopeflow::Error& e) {
    expect_code(e, {Code::kDataLoss, Code::kNotFound, Code::kInvalidArgument});
  }
  return 0;
}
