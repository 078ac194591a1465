// NameTable: TF 1.15's unique_name with case folding, made linear by a per-key scan hint.
#include "scopeflow/naming/name_table.h"

#include <algorithm>
#include <charconv>
#include <cstring>

namespace scopeflow {

namespace {
// Lower-cases the ASCII letters of eight bytes at once (SWAR): a byte gets 0x20 added when it
// lies in 'A'..'Z'; other bytes, including non-ASCII ones, are left alone.
inline uint64_t fold8(uint64_t x) {
  constexpr uint64_t kOnes = 0x0101010101010101ull;
  const uint64_t heptets = x & (0x7f * kOnes);
  const uint64_t ge_a = heptets + ((0x80 - 'A') * kOnes);
  const uint64_t gt_z = heptets + ((0x7f - 'Z') * kOnes);
  const uint64_t upper = ~x & (ge_a ^ gt_z) & (0x80 * kOnes);
  return x | (upper >> 2);
}

inline uint64_t load8(const char* p) {
  uint64_t v;
  std::memcpy(&v, p, 8);
  return v;
}

inline uint64_t load4(const char* p) {
  uint32_t v;
  std::memcpy(&v, p, 4);
  return v;
}

// The bytes of s[i..] (fewer than 8 remain) as one word. Longer strings re-read the last
// eight bytes (overlapping); equal strings always produce equal words, which is all the hash
// and the comparison need.
inline uint64_t tail_word(std::string_view s, size_t i) {
  const size_t n = s.size();
  if (n >= 8) return load8(s.data() + n - 8);
  if (n >= 4) return load4(s.data()) | (load4(s.data() + n - 4) << 32);
  uint64_t v = 0;
  for (size_t k = 0; k < n; ++k)
    v |= static_cast<uint64_t>(static_cast<unsigned char>(s[k])) << (8 * k);
  return v;
}

inline uint64_t mix(uint64_t h, uint64_t v) {
  h ^= v;
  h *= 0x9E3779B97F4A7C15ull;
  return h ^ (h >> 29);
}
}  // namespace

namespace {
// The hash runs over whole 8-byte words first, seeded independently of the length, so that
// name + "_N" can continue from the state reached after name's whole words (scan() hashes
// each candidate suffix without re-reading the prefix).
inline uint64_t words_state(std::string_view s, size_t words, uint64_t h = 0, size_t from = 0) {
  for (size_t w = from; w < words; ++w) h = mix(h, fold8(load8(s.data() + 8 * w)));
  return h;
}

inline uint32_t finish(uint64_t h, std::string_view s) {
  const size_t i = s.size() / 8 * 8;
  if (i < s.size()) h = mix(h, fold8(tail_word(s, i)));
  h = mix(h, s.size());
  // Final avalanche (murmur3's fmix64): the table uses the low 7 bits as a tag.
  h ^= h >> 33;
  h *= 0xFF51AFD7ED558CCDull;
  h ^= h >> 33;
  h *= 0xC4CEB9FE1A85EC53ull;
  h ^= h >> 33;
  return static_cast<uint32_t>(h);
}
}  // namespace

uint32_t NameTable::fold_hash(std::string_view s) {
  return finish(words_state(s, s.size() / 8), s);
}

bool NameTable::fold_equal(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  if (std::memcmp(a.data(), b.data(), a.size()) == 0) return true;  // the usual case
  size_t i = 0;
  for (; i + 8 <= a.size(); i += 8)
    if (fold8(load8(a.data() + i)) != fold8(load8(b.data() + i))) return false;
  return i == a.size() || fold8(tail_word(a, i)) == fold8(tail_word(b, i));
}

std::string_view NameTable::unique(std::string_view name, bool mark_as_used, uint32_t node) {
  // Hashed once, used for every probe below; scan() continues from `words` for candidates.
  const uint64_t words = words_state(name, name.size() / 8);
  const Key key{name.data(), static_cast<uint32_t>(name.size()), finish(words, name)};
  if (!mark_as_used) {
    auto it = map_.find(key);
    if (it == map_.end() || it->second.count == 0) return arena_->store(name);
    return scan(it->second, name, words, /*mark_as_used=*/false, node);
  }
  // At most one key is inserted below; reserving first keeps entry references stable.
  map_.reserve(map_.size() + 1);
  // One probe: insert the name if it is new, else find its entry.
  bool inserted = false;
  auto it = map_.lazy_emplace(key, [&](const auto& ctor) {
    inserted = true;
    ctor(store(key), Entry{1, 1, node});
  });
  if (inserted) return it->first.view();
  Entry& e = it->second;
  const uint32_t i = e.count;
  e.count = i + 1;
  return scan(e, name, words, /*mark_as_used=*/true, node);
}

std::string_view NameTable::scan(Entry& base, std::string_view name, uint64_t prefix_state,
                                 bool mark_as_used, uint32_t node) {
  // TF scans name_1, name_2, ... from the counter for the first free key. Keys only ever get
  // added, so a scan's result stays a lower bound for later scans of the same base: `hint`.
  const uint32_t i = mark_as_used ? base.count - 1 : base.count;
  uint32_t j = std::max(i, base.hint);
  scratch_.assign(name);
  scratch_ += '_';
  const size_t base_len = scratch_.size();
  const size_t prefix_words = name.size() / 8;
  // The candidate's key, hashing only what follows name's whole words.
  auto candidate_key = [&]() {
    const std::string_view c(scratch_);
    return Key{c.data(), static_cast<uint32_t>(c.size()),
               finish(words_state(c, c.size() / 8, prefix_state, prefix_words), c)};
  };
  char digits[16];
  if (!mark_as_used) {
    for (;; ++j) {
      scratch_.resize(base_len);
      auto [end, ec] = std::to_chars(digits, digits + sizeof digits, j);
      scratch_.append(digits, end);
      if (!map_.contains(candidate_key())) break;
    }
    base.hint = j;
    return arena_->store(scratch_);
  }
  // Probe and insert in one step. unique() reserved room for one more key, so the single
  // insertion below cannot rehash and `base` stays valid.
  std::string_view result;
  for (;; ++j) {
    scratch_.resize(base_len);
    auto [end, ec] = std::to_chars(digits, digits + sizeof digits, j);
    scratch_.append(digits, end);
    const Key candidate = candidate_key();
    bool inserted = false;
    auto it = map_.lazy_emplace(candidate, [&](const auto& ctor) {
      inserted = true;
      ctor(store(candidate), Entry{1, 1, node});
    });
    if (inserted) {
      result = it->first.view();
      break;
    }
  }
  base.hint = j + 1;
  return result;
}

bool NameTable::bind_node(std::string_view name, uint32_t node) {
  auto it = map_.find(key_of(name));
  if (it == map_.end() || it->first.view() != name || it->second.node != kNoNode) return false;
  it->second.node = node;
  return true;
}

uint32_t NameTable::node_of(std::string_view name) const {
  auto it = map_.find(key_of(name));
  if (it == map_.end() || it->first.view() != name) return kNoNode;
  return it->second.node;
}

}  // namespace scopeflow
