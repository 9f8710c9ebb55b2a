// One hash functor for every Mozlog value type, and for the tuples of them
// that generated code uses as table keys and index keys.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <tuple>
#include <vector>

#include "mosaic/addr.hpp"
#include "mosaic/bytes.hpp"
#include "mosaic/id.hpp"
#include "mosaic/ip.hpp"
#include "mosaic/socket.hpp"
#include "mosaic/packet.hpp"

namespace mosaic {

// A strong 64-bit finalizer: table keys are often small, dense integers, and
// std::hash<int64_t> is the identity, which clusters badly once combined.
inline uint64_t mix64(uint64_t x) {
  x ^= x >> 32;
  x *= 0xd6e8feb86659fd93ULL;
  x ^= x >> 32;
  x *= 0xd6e8feb86659fd93ULL;
  x ^= x >> 32;
  return x;
}
inline size_t hash_mix(size_t seed, size_t h) { return mix64(seed + 0x9e3779b97f4a7c15ULL + h); }

inline size_t hash_value(int64_t v) { return mix64(static_cast<uint64_t>(v)); }
inline size_t hash_value(double v) { return std::hash<double>{}(v); }
inline size_t hash_value(bool v) { return v ? 1 : 2; }
inline size_t hash_value(const std::string& v) { return std::hash<std::string>{}(v); }
inline size_t hash_value(const Id& v) { return v.hash(); }
inline size_t hash_value(const Addr& v) { return v.hash(); }
inline size_t hash_value(const Packet& v) { return std::hash<std::string>{}(v.bytes()); }
inline size_t hash_value(const Bytes& v) { return std::hash<std::string>{}(v.str()); }
inline size_t hash_value(const Ip& v) { return v.hash(); }
inline size_t hash_value(const Socket& v) { return mix64(v.id); }
// Declared before either is defined so each can hash the other (lists of tuples, tuples of lists).
template <class T>
size_t hash_value(const std::vector<T>& v);
template <class... Ts>
size_t hash_value(const std::tuple<Ts...>& t);

template <class T>
size_t hash_value(const std::vector<T>& v) {
  size_t seed = v.size();
  for (const auto& x : v) seed = hash_mix(seed, hash_value(x));
  return seed;
}
template <class... Ts>
size_t hash_value(const std::tuple<Ts...>& t) {
  size_t seed = 0;
  std::apply([&](const auto&... x) { ((seed = hash_mix(seed, hash_value(x))), ...); }, t);
  return seed;
}

struct Hash {
  template <class T>
  size_t operator()(const T& v) const { return hash_value(v); }
};

}  // namespace mosaic
