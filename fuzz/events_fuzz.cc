// libFuzzer target for the event-file reader: arbitrary bytes go through RecordReader's
// framing checks and Event decoding. Damage must surface as scopeflow::Error(kDataLoss),
// never as a crash, a hang or a huge allocation; every record that reads back must re-frame to
// the same bytes.
//
// Build and run (clang):
//   cmake -S . -B build-fuzz -G Ninja -DSF_FUZZ=ON -DCMAKE_CXX_COMPILER=clang++ \
//         -DSF_PYTHON=OFF -DSF_BENCH=OFF
//   cmake --build build-fuzz --target events_fuzz
//   mkdir -p build-fuzz/corpus && cp ../shared/golden/*/events.* build-fuzz/corpus/
//   ./build-fuzz/bin/events_fuzz build-fuzz/corpus -max_total_time=60 -max_len=4096
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "scopeflow/base/error.h"
#include "scopeflow/io/events.h"
#include "scopeflow/io/record.h"

namespace io = scopeflow::io;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);

  // Framing alone: read every record; re-framing what was read gives the bytes back.
  {
    io::RecordReader r = io::RecordReader::from_bytes(bytes, "fuzz");
    std::string record, framed;
    try {
      while (r.read(record)) {
        framed.clear();
        io::append_record(framed, record);
        if (bytes.substr(r.record_offset(), framed.size()) != framed) std::abort();
      }
      if (r.offset() != size) std::abort();  // a clean end consumed everything
    } catch (const scopeflow::Error& e) {
      if (e.code() != scopeflow::Code::kDataLoss) std::abort();
    }
  }

  // Framing plus Event decoding, through the iterator interface.
  try {
    io::EventReader events = io::EventReader::from_bytes(bytes, "fuzz");
    for (const tensorflow::Event& e : events) {
      if (e.has_summary())
        for (const auto& v : e.summary().value()) (void)v.tag().size();
    }
  } catch (const scopeflow::Error& e) {
    if (e.code() != scopeflow::Code::kDataLoss) std::abort();
  }
  return 0;
}
