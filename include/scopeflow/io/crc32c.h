// CRC32C (Castagnoli), and the masked form TensorFlow stores in event files, table blocks and
// checkpoint entries.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace scopeflow::io {

/// CRC32C of `n` bytes, continuing from `crc` (0 to start). Uses the SSE4.2 crc32
/// instruction when the CPU has it, else a table (slicing by 8).
uint32_t crc32c_extend(uint32_t crc, const void* data, size_t n);
inline uint32_t crc32c(const void* data, size_t n) { return crc32c_extend(0, data, n); }
inline uint32_t crc32c(std::string_view s) { return crc32c_extend(0, s.data(), s.size()); }

/// TF's masking: a CRC stored beside data that may itself contain CRCs is rotated and offset,
/// so that a CRC of a CRC does not come out trivially.
constexpr uint32_t kCrcMaskDelta = 0xa282ead8u;
constexpr uint32_t mask_crc(uint32_t crc) { return ((crc >> 15) | (crc << 17)) + kCrcMaskDelta; }
constexpr uint32_t unmask_crc(uint32_t masked) {
  const uint32_t rot = masked - kCrcMaskDelta;
  return (rot >> 17) | (rot << 15);
}

}  // namespace scopeflow::io
