// libFuzzer target for the graph-file reader and the GraphDef/MetaGraphDef importers: any
// bytes must give a graph or a scopeflow::Error, never a crash, a leak or undefined behaviour.
// Needs clang >= 15 (std::source_location with libstdc++ 12; Debian: clang-16 and
// libclang-rt-16-dev):
//
//   CC=clang-16 CXX=clang++-16 cmake -S . -B build-fuzz -G Ninja \
//       -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSF_FUZZ=ON -DSF_PYTHON=OFF -DSF_BENCH=OFF
//   cmake --build build-fuzz --target graph_def_fuzz
//   mkdir -p build-fuzz/corpus
//   ./build-fuzz/bin/graph_def_fuzz -max_total_time=60 -rss_limit_mb=4096 \
//       -malloc_limit_mb=4096 build-fuzz/corpus ../shared/golden
//
// (new inputs go to the first directory; the golden files seed it, read only). Every input
// goes through the three readers: binary GraphDef, binary MetaGraphDef, and the file reader's
// detection (event file, text, binary).
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include <google/protobuf/stubs/logging.h>

#include "scopeflow/base/error.h"
#include "scopeflow/graph/graph.h"
#include "scopeflow/io/graph_def.h"
#include "scopeflow/io/graph_file.h"
#include "scopeflow/io/meta_graph.h"

namespace {
namespace sf = scopeflow;

template <typename F>
void guarded(F&& f) {
  try {
    f();
  } catch (const sf::Error&) {
    // Expected for malformed input: the reader and importers report, never crash.
  }
}
}  // namespace

// libprotobuf logs every string field with invalid UTF-8 it meets; the fuzzer makes many.
extern "C" int LLVMFuzzerInitialize(int*, char***) {
  google::protobuf::SetLogHandler(nullptr);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  const int n = static_cast<int>(size);
  guarded([&] {  // binary GraphDef straight into the importer, with a prefix
    tensorflow::GraphDef gd;
    if (!gd.ParseFromArray(data, n)) return;
    sf::Graph g;
    sf::io::import_graph_def(g, gd, {.prefix = "fuzz"});
    sf::io::to_graph_def(g, {.add_shapes = true});
  });
  guarded([&] {  // binary MetaGraphDef: graph, collections, variables
    tensorflow::MetaGraphDef meta;
    if (!meta.ParseFromArray(data, n)) return;
    sf::Graph g;
    sf::io::import_meta_graph(g, meta);
    sf::io::export_meta_graph(g);
  });
  guarded([&] {  // the file reader's detection: event file, text or binary
    sf::io::GraphFile f = sf::io::read_graph_bytes(bytes, "fuzz-input");
    sf::Graph g;
    if (f.meta_graph_def) {
      *f.meta_graph_def->mutable_graph_def() = std::move(f.graph_def);
      sf::io::import_meta_graph(g, *f.meta_graph_def);
    } else {
      sf::io::import_graph_def(g, f.graph_def);
    }
  });
  return 0;
}
