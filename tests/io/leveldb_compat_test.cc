// Our `.index` files open with Debian's LevelDB (an independent SSTable reader): its
// leveldb::Table::Open accepts them and its iterator yields our keys and values in order.
// Built as its own executable (leveldb_compat_test) so that only it links LevelDB; inside
// scopeflow_tests, which globs every tests/*_test.cc, this file compiles to nothing.
#ifdef SF_WITH_LEVELDB

#include <gtest/gtest.h>
#include <leveldb/env.h>
#include <leveldb/iterator.h>
#include <leveldb/options.h>
#include <leveldb/table.h>
#include <unistd.h>

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "scopeflow/base/tensor.h"
#include "scopeflow/io/checkpoint.h"
#include "scopeflow/io/table.h"
#include "scopeflow/proto/tensor_bundle.pb.h"

namespace scopeflow::io {
namespace {

namespace fs = std::filesystem;

struct Listed {
  std::vector<std::pair<std::string, std::string>> entries;
  std::string status;
};

// Every (key, value) of the table at `path`, as LevelDB reads it.
Listed leveldb_list(const std::string& path) {
  Listed out;
  leveldb::Env* env = leveldb::Env::Default();
  uint64_t size = 0;
  leveldb::Status s = env->GetFileSize(path, &size);
  if (!s.ok()) {
    out.status = s.ToString();
    return out;
  }
  leveldb::RandomAccessFile* file = nullptr;
  s = env->NewRandomAccessFile(path, &file);
  if (!s.ok()) {
    out.status = s.ToString();
    return out;
  }
  std::unique_ptr<leveldb::RandomAccessFile> file_owner(file);
  leveldb::Options options;
  leveldb::Table* table = nullptr;
  s = leveldb::Table::Open(options, file, size, &table);
  if (!s.ok()) {
    out.status = s.ToString();
    return out;
  }
  std::unique_ptr<leveldb::Table> table_owner(table);
  leveldb::ReadOptions ro;
  ro.verify_checksums = true;
  std::unique_ptr<leveldb::Iterator> it(table->NewIterator(ro));
  for (it->SeekToFirst(); it->Valid(); it->Next())
    out.entries.emplace_back(it->key().ToString(), it->value().ToString());
  out.status = it->status().ToString();
  return out;
}

fs::path temp_dir(const std::string& name) {
  fs::path d =
      fs::temp_directory_path() / ("sf_leveldb_" + name + "_" + std::to_string(::getpid()));
  fs::remove_all(d);
  fs::create_directories(d);
  return d;
}

TEST(LevelDbCompat, OpensOurCheckpointIndexAndIteratesItsKeys) {
  const fs::path dir = temp_dir("ckpt");
  const std::string prefix = (dir / "model.ckpt").string();
  {
    BundleWriter w(prefix);
    Tensor k(DataType::kFloat, {3, 2});
    for (int i = 0; i < 6; ++i) k.data<float>()[i] = 0.5f * static_cast<float>(i);
    w.add("dense/kernel", k);
    w.add("dense/bias", Tensor::vector<float>({1.f, 2.f}));
    w.add("global_step", Tensor::scalar<int64_t>(7));
    w.add("names", Tensor::strings({"a", "bc"}, {2}));
    w.finish();
  }
  const Listed got = leveldb_list(checkpoint_index_path(prefix));
  ASSERT_EQ(got.status, "OK");
  std::vector<std::string> keys;
  for (const auto& [k, v] : got.entries) keys.push_back(k);
  EXPECT_EQ(keys,
            (std::vector<std::string>{"", "dense/bias", "dense/kernel", "global_step", "names"}));
  // The values LevelDB hands back are our protos: the header, then each entry.
  tensorflow::BundleHeaderProto header;
  ASSERT_TRUE(header.ParseFromString(got.entries[0].second));
  EXPECT_EQ(header.num_shards(), 1);
  EXPECT_EQ(header.version().producer(), 1);
  tensorflow::BundleEntryProto kernel;
  ASSERT_TRUE(kernel.ParseFromString(got.entries[2].second));
  EXPECT_EQ(kernel.dtype(), tensorflow::DT_FLOAT);
  ASSERT_EQ(kernel.shape().dim_size(), 2);
  EXPECT_EQ(kernel.shape().dim(0).size(), 3);
  EXPECT_EQ(kernel.size(), 24);
  fs::remove_all(dir);
}

TEST(LevelDbCompat, OpensAManyBlockTable) {
  // Small blocks: many data blocks and index entries with shortened separator keys.
  TableBuilder b(TableOptions{.block_size = 128, .restart_interval = 16});
  std::vector<std::pair<std::string, std::string>> want;
  for (int i = 0; i < 1000; ++i) {
    std::string k = "scope_" + std::to_string(1000 + i) + "/weights";
    std::string v(static_cast<size_t>(i % 50), static_cast<char>('a' + i % 26));
    b.add(k, v);
    want.emplace_back(std::move(k), std::move(v));
  }
  const fs::path dir = temp_dir("blocks");
  const std::string path = (dir / "t.index").string();
  {
    const std::string bytes = b.finish();
    std::FILE* f = std::fopen(path.c_str(), "wb");
    ASSERT_NE(f, nullptr);
    std::fwrite(bytes.data(), 1, bytes.size(), f);
    std::fclose(f);
  }
  const Listed got = leveldb_list(path);
  ASSERT_EQ(got.status, "OK");
  EXPECT_EQ(got.entries, want);
  fs::remove_all(dir);
}

TEST(LevelDbCompat, GoldenIndexesListTheSameKeysInBothReaders) {
  const fs::path golden = SF_GOLDEN_DIR;
  int n = 0;
  for (const char* rel :
       {"houseprices_dropout_cond/model.ckpt.index", "packt_mlp9_adam_saver/my-model.index",
        "tflite_dense_twice/model.ckpt.index", "neuro_linear_dense3d/checkpoint.index"}) {
    const fs::path p = golden / rel;
    if (!fs::exists(p)) continue;
    ++n;
    const Listed got = leveldb_list(p.string());
    ASSERT_EQ(got.status, "OK") << rel;
    const Table ours = Table::open(p.string());
    ASSERT_EQ(got.entries.size(), ours.size()) << rel;
    for (size_t i = 0; i < ours.size(); ++i) {
      EXPECT_EQ(got.entries[i].first, ours.key(i)) << rel;
      EXPECT_EQ(got.entries[i].second, ours.value(i)) << rel;
    }
  }
  if (n == 0) GTEST_SKIP() << "no golden files at " << golden;
}

}  // namespace
}  // namespace scopeflow::io

#endif  // SF_WITH_LEVELDB
