#include "mosaic/builtins.hpp"

#include <openssl/evp.h>

#include <chrono>
#include <stdexcept>

#include "builtins/process_rng.hpp"
#include "mosaic/value.hpp"

namespace mosaic::builtins {

double f_now() {
  auto since_epoch = std::chrono::system_clock::now().time_since_epoch();
  return std::chrono::duration<double>(since_epoch).count();
}

int64_t f_rand() { return static_cast<int64_t>(process_rng()() >> 1); }

double f_drand() {
  // 53 random bits fill a double's mantissa exactly, so 1.0 is never returned.
  return static_cast<double>(process_rng()() >> 11) * 0x1.0p-53;
}

Id f_randID() {
  unsigned char bytes[20];
  for (int i = 0; i < 20; i += 4) {
    uint64_t r = process_rng()();
    for (int j = 0; j < 4; ++j) bytes[i + j] = static_cast<unsigned char>(r >> (8 * j));
  }
  return Id::from_bytes(bytes);
}

bool f_coinFlip(double p) { return f_drand() < p; }

Id sha1_of(std::string_view text) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  if (EVP_Digest(text.data(), text.size(), digest, &length, EVP_sha1(), nullptr) != 1 || length != 20) {
    throw std::runtime_error("SHA-1 is not available from OpenSSL");
  }
  return Id::from_bytes(digest);
}

namespace {

// The hops of a source route ov::[a, b, ...]; null when `a` is not one.
const Value::List* route_of(const Addr& a) {
  if (!a.is_overlay()) return nullptr;
  const auto* hops = std::get_if<Value::List>(&a.inner().v);
  if (!hops) return nullptr;
  for (const Value& hop : *hops) {
    if (!std::holds_alternative<Addr>(hop.v)) return nullptr;
  }
  return hops;
}

}  // namespace

std::string f_ovName(const Addr& a) { return a.overlay_name(); }

Addr f_ovAddr(const Addr& a) {
  if (!a.is_overlay()) return Addr();
  const auto* inner = std::get_if<Addr>(&a.inner().v);
  return inner ? *inner : Addr();
}

Id f_ovId(const Addr& a) {
  Id id;
  if (!a.is_overlay() || !convert(a.inner(), id)) return Id();
  return id;
}

std::string f_ovStr(const Addr& a) {
  if (!a.is_overlay()) return "";
  const auto* inner = std::get_if<std::string>(&a.inner().v);
  return inner ? *inner : "";
}

Addr f_routeHead(const Addr& a) {
  const Value::List* hops = route_of(a);
  return hops && !hops->empty() ? std::get<Addr>(hops->front().v) : Addr();
}

Addr f_routeTail(const Addr& a) {
  const Value::List* hops = route_of(a);
  if (!hops || hops->empty()) return Addr();
  return Addr::overlay(a.overlay_name(), Value{Value::List(hops->begin() + 1, hops->end())});
}

bool f_isIp(const Addr& a) { return a.is_ip(); }

}  // namespace mosaic::builtins
