// Saving and restoring a 100 MB V2 checkpoint (25 float tensors of 4 MB), in MB/s, next to a
// plain file copy of the same bytes: writing them from memory to a file, reading them back,
// and a read+write copy of one file to another. Both directions go through the page cache; the
// save is measured with and without fdatasync (BundleWriter's default syncs before renaming).
// The SaveV2/RestoreV2 rows run the same bytes through a Session (variables -> kernels).
#include <benchmark/benchmark.h>
#include <fcntl.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <random>
#include <string>
#include <vector>

#include "scopeflow/io/checkpoint.h"
#include "scopeflow/scopeflow.h"

namespace {

using namespace scopeflow;
namespace fs = std::filesystem;

constexpr int kTensors = 25;
constexpr int64_t kElements = 1 << 20;  // 4 MB of float32 each
constexpr double kTotalBytes = double(kTensors) * kElements * 4;

const fs::path& bench_dir() {
  static const fs::path d = [] {
    fs::path p = fs::temp_directory_path() / ("sf_ckpt_bench_" + std::to_string(::getpid()));
    fs::create_directories(p);
    return p;
  }();
  return d;
}

const std::vector<Tensor>& tensors() {
  static const std::vector<Tensor> t = [] {
    std::vector<Tensor> out;
    std::mt19937 gen(3);
    std::uniform_real_distribution<float> u(-1.f, 1.f);
    for (int i = 0; i < kTensors; ++i) {
      Tensor x(DataType::kFloat, {1024, kElements / 1024});
      for (int64_t j = 0; j < kElements; ++j) x.data<float>()[j] = u(gen);
      out.push_back(std::move(x));
    }
    return out;
  }();
  return t;
}

std::string key(int i) { return "layer_" + std::to_string(100 + i) + "/kernel"; }

void set_rate(benchmark::State& state) {
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * kTotalBytes));
  state.counters["MB/s"] = benchmark::Counter(kTotalBytes / 1e6 * double(state.iterations()),
                                              benchmark::Counter::kIsRate);
}

void save_once(const std::string& prefix, bool sync) {
  io::BundleWriter w(prefix, io::BundleWriterOptions{.sync = sync});
  for (int i = 0; i < kTensors; ++i) w.add(key(i), tensors()[static_cast<size_t>(i)]);
  w.finish();
}

void BM_Save(benchmark::State& state) {
  const bool sync = state.range(0) != 0;
  const std::string prefix = (bench_dir() / "model.ckpt").string();
  tensors();
  for (auto _ : state) save_once(prefix, sync);
  set_rate(state);
}
BENCHMARK(BM_Save)->Arg(0)->Arg(1)->ArgName("sync")->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_Restore(benchmark::State& state) {
  const std::string prefix = (bench_dir() / "model.ckpt").string();
  save_once(prefix, false);
  for (auto _ : state) {
    io::BundleReader r(prefix);
    for (const io::BundleEntry& e : r.entries()) benchmark::DoNotOptimize(r.read(e));
  }
  set_rate(state);
}
BENCHMARK(BM_Restore)->Unit(benchmark::kMillisecond)->UseRealTime();

// ---- the plain-file baselines ----

void write_all(int fd, const void* p, size_t n) {
  const char* c = static_cast<const char*>(p);
  while (n) {
    const ssize_t w = ::write(fd, c, n);
    if (w <= 0) std::abort();
    c += w;
    n -= static_cast<size_t>(w);
  }
}

void BM_PlainWrite(benchmark::State& state) {
  const bool sync = state.range(0) != 0;
  const std::string path = (bench_dir() / "plain.bin").string();
  tensors();
  for (auto _ : state) {
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    for (const Tensor& t : tensors()) write_all(fd, t.raw(), t.byte_size());
    if (sync) ::fdatasync(fd);
    ::close(fd);
  }
  set_rate(state);
}
BENCHMARK(BM_PlainWrite)
    ->Arg(0)
    ->Arg(1)
    ->ArgName("sync")
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

void BM_PlainRead(benchmark::State& state) {
  const std::string path = (bench_dir() / "plain.bin").string();
  {
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    for (const Tensor& t : tensors()) write_all(fd, t.raw(), t.byte_size());
    ::close(fd);
  }
  std::vector<Tensor> out;
  for (int i = 0; i < kTensors; ++i)
    out.emplace_back(DataType::kFloat, std::vector<int64_t>{kElements});
  for (auto _ : state) {
    const int fd = ::open(path.c_str(), O_RDONLY);
    for (Tensor& t : out) {
      size_t done = 0;
      while (done < t.byte_size()) {
        const ssize_t r = ::read(fd, static_cast<char*>(t.raw()) + done, t.byte_size() - done);
        if (r <= 0) std::abort();
        done += static_cast<size_t>(r);
      }
    }
    ::close(fd);
  }
  set_rate(state);
}
BENCHMARK(BM_PlainRead)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_PlainCopy(benchmark::State& state) {
  const std::string from = (bench_dir() / "plain.bin").string();
  const std::string to = (bench_dir() / "copy.bin").string();
  {
    const int fd = ::open(from.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    for (const Tensor& t : tensors()) write_all(fd, t.raw(), t.byte_size());
    ::close(fd);
  }
  std::vector<char> buf(1 << 20);
  for (auto _ : state) {
    const int in = ::open(from.c_str(), O_RDONLY);
    const int out = ::open(to.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    for (;;) {
      const ssize_t r = ::read(in, buf.data(), buf.size());
      if (r < 0) std::abort();
      if (r == 0) break;
      write_all(out, buf.data(), static_cast<size_t>(r));
    }
    ::close(in);
    ::close(out);
  }
  set_rate(state);
}
BENCHMARK(BM_PlainCopy)->Unit(benchmark::kMillisecond)->UseRealTime();

// ---- the same bytes through SaveV2 / RestoreV2 in a Session ----

struct SessionModel {
  Graph g;
  Scope root = Scope::root(g);
  Output prefix;
  Operation save, restore;
  std::unique_ptr<runtime::Session> sess;

  SessionModel() {
    std::vector<Output> vars;
    std::vector<std::string> names;
    for (int i = 0; i < kTensors; ++i) {
      names.push_back(key(i));
      vars.push_back(ops::variable_v2(root.name_scope("layer_" + std::to_string(100 + i)),
                                      PartialShape({1024, kElements / 1024}), DataType::kFloat,
                                      "kernel"));
    }
    Scope s = root.name_scope("save");
    prefix = ops::placeholder(s, DataType::kString, PartialShape({}), "Const");
    Output tn = ops::constant(s, Tensor::strings(names, {kTensors}), "tensor_names");
    Output ss = ops::constant(s, Tensor::strings(std::vector<std::string>(kTensors), {kTensors}),
                              "shape_and_slices");
    std::vector<Output> in{prefix, tn, ss};
    in.insert(in.end(), vars.begin(), vars.end());
    std::vector<Attr> attrs{{"dtypes", std::vector<DataType>(kTensors, DataType::kFloat)}};
    save = ops::create(s, "SaveV2", "SaveV2", in, attrs);
    std::vector<Output> rin{prefix, tn, ss};
    Operation r = ops::create(s, "RestoreV2", "RestoreV2", rin, attrs);
    std::vector<Operation> assigns;
    for (int i = 0; i < kTensors; ++i) assigns.push_back(ops::assign(s, vars[i], r.output(i)).op());
    restore = ops::create(s, "NoOp", "restore_all", {}, {}, assigns);
    sess = std::make_unique<runtime::Session>(g);
    for (int i = 0; i < kTensors; ++i)
      sess->run(ops::assign(root, vars[i], tensors()[static_cast<size_t>(i)]).op());
  }
};

SessionModel& session_model() {
  static SessionModel m;
  return m;
}

void BM_SessionSaveV2(benchmark::State& state) {
  SessionModel& m = session_model();
  const std::vector<runtime::Session::Feed> feed{
      {m.prefix, Tensor::strings({(bench_dir() / "session.ckpt").string()}, {})}};
  const std::vector<Operation> targets{m.save};
  for (auto _ : state) m.sess->run(feed, {}, targets);
  set_rate(state);
}
BENCHMARK(BM_SessionSaveV2)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_SessionRestoreV2(benchmark::State& state) {
  SessionModel& m = session_model();
  const std::vector<runtime::Session::Feed> feed{
      {m.prefix, Tensor::strings({(bench_dir() / "session.ckpt").string()}, {})}};
  m.sess->run(feed, {}, std::vector<Operation>{m.save});
  const std::vector<Operation> targets{m.restore};
  for (auto _ : state) m.sess->run(feed, {}, targets);
  set_rate(state);
}
BENCHMARK(BM_SessionRestoreV2)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  fs::remove_all(bench_dir());
  return 0;
}
