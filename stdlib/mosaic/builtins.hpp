// Built-in functions of Mozlog, as ordinary C++ declarations.
// Generated code calls them directly. mozc's table of built-in signatures is
// generated from this header when mozc is built (mozc_builtins_gen, see
// mozc/ffi/builtins_generator.cpp): declaring an f_ function here adds it.
#pragma once

#include <algorithm>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "mosaic/addr.hpp"
#include "mosaic/bytes.hpp"
#include "mosaic/id.hpp"
#include "mosaic/impure.hpp"
#include "mosaic/ip.hpp"
#include "mosaic/literal.hpp"
#include "mosaic/socket.hpp"

namespace mosaic::builtins {

// Time and randomness: impure, each call has its own value.
MOSAIC_IMPURE double f_now();      // wall-clock seconds since the epoch
MOSAIC_IMPURE int64_t f_rand();    // uniform non-negative 63-bit integer
MOSAIC_IMPURE double f_drand();    // uniform in [0, 1)
MOSAIC_IMPURE Id f_randID();       // uniform 160-bit id
MOSAIC_IMPURE bool f_coinFlip(double p);  // true with probability p

// Hashing: SHA-1 of the value's text (a string's characters, an address's
// "IP:port" or, for an overlay address, its literal form: fwd::0x1fI).
Id sha1_of(std::string_view text);
inline std::string text_of(const std::string& v) { return v; }
inline std::string text_of(const Addr& v) { return v.to_string(); }
inline std::string text_of(const Ip& v) { return v.to_string(); }  // "198.19.0.2", as i3_tun's keys hash it
template <class T>
std::string text_of(const T& v) { return to_literal(v); }
template <class T>
Id f_sha1(const T& v) { return sha1_of(text_of(v)); }
template <class T>
std::string f_tostr(const T& v) { return text_of(v); }

// Addresses. The parts of an overlay address ov::x, each the type's zero value
// when the address is not of that shape (an Ip address, or x of another type).
std::string f_ovName(const Addr& a);  // "ov"
Addr f_ovAddr(const Addr& a);         // x when an address: ron::"1.2.3.4:5" -> 1.2.3.4:5, ron::sr::[..] -> sr::[..]
Id f_ovId(const Addr& a);             // x when an id (or a non-negative int): fwd::0x1fI -> 0x1fI
std::string f_ovStr(const Addr& a);   // x when a string
// Source routes sr::[a, b, c]: an overlay address whose x is a list of addresses.
Addr f_routeHead(const Addr& a);  // a
Addr f_routeTail(const Addr& a);  // sr::[b, c]; Addr() for an empty route
bool f_isIp(const Addr& a);

// IP packets (the `tun` predicate's raw bytes; its header fields are these
// calls, see mozc/special). Readers return the zero value (0.0.0.0, 0) for
// bytes that are no IPv4 or IPv6 packet. Writers return the packet with one
// header field replaced and the IPv4 header checksum, and for addresses the
// TCP/UDP checksum, updated incrementally (RFC 1624); IPv6 packets likewise
// (no header checksum there; a TCP/UDP header right after the fixed header).
// Bytes that are no IP packet, and a value of the wrong family or range,
// leave the packet as it was.
Ip f_ipSrc(const Bytes& packet);
Ip f_ipDst(const Bytes& packet);
int64_t f_ipProto(const Bytes& packet);  // IPv4 protocol; IPv6 next header
int64_t f_ipTtl(const Bytes& packet);    // IPv4 TTL; IPv6 hop limit
Bytes f_ipSetSrc(const Bytes& packet, const Ip& src);
Bytes f_ipSetDst(const Bytes& packet, const Ip& dst);
Bytes f_ipSetProto(const Bytes& packet, int64_t protocol);  // the header only: the payload stays as it is
Bytes f_ipSetTtl(const Bytes& packet, int64_t ttl);
// The network of `ip` with a prefix of `length` bits (the rest cleared):
// f_ipNet("198.19.3.7", 16) is "198.19.0.0". For tun address mappings by prefix.
Ip f_ipNet(const Ip& ip, int64_t length);
int64_t f_bytesSize(const Bytes& b);
Bytes f_bytesConcat(const Bytes& a, const Bytes& b);

// Sockets (the tcp.* views). A failed tcp.listen, tcp.accept or tcp.connect
// goes on with no socket: f_isSocket tells.
inline Socket f_noSocket() { return Socket{}; }
inline bool f_isSocket(const Socket& s) { return s.id != 0; }

// SOCKS5 messages (RFC 1928, and RFC 1929 username/password), for
// overlays/socks. Stages: 0 the greeting (methods), 1 the username/password
// request, 2 the request (CONNECT). `users` holds "user:password" entries
// (empty: no authentication); `allow` the destinations an exit may connect
// to: networks ("198.18.2.0/24", "fd00::/8"), host names ("example.org") and
// name suffixes (".example.org"); empty: any.
// The bytes the stage's message still lacks: 0 when complete, -1 when it can
// never be one (wrong version, a zero length, a first byte 0xff).
int64_t f_socksNeed(int64_t stage, const Bytes& message);
// The stage after a complete (or malformed) message: 1 or 2 (read the next
// message), 3 (the request is a CONNECT to an allowed destination), -1
// (refused: answer with f_socksReply and close).
int64_t f_socksNext(int64_t stage, const Bytes& message, const std::vector<std::string>& users,
                    const std::vector<std::string>& allow);
// The server's answer to a message: the chosen method, the authentication
// status, or a refused request's reply (RFC 1928 §6 codes: 0x01 malformed,
// 0x02 not allowed, 0x07 command not supported, 0x08 address type not supported).
Bytes f_socksReply(int64_t stage, const Bytes& message, const std::vector<std::string>& users,
                   const std::vector<std::string>& allow);
// A request's destination: an IPv4 or IPv6 address as text, or the domain name.
std::string f_socksHost(const Bytes& request);
int64_t f_socksPort(const Bytes& request);
// Whether `host` (an address as text, or a name) is on the allow list.
bool f_socksAllowed(const std::string& host, const std::vector<std::string>& allow);
// The reply to a CONNECT once it is made (succeeded) or failed (0x01, general failure).
Bytes f_socksConnectReply(bool connected);

// Numbers.
inline double f_float(int64_t v) { return static_cast<double>(v); }
// Truncates toward zero; saturates out of range (and NaN is 0), since casting
// such a double to an integer is undefined behaviour in C++.
inline int64_t f_int(double v) {
  if (!(v == v)) return 0;
  if (v >= 9223372036854775807.0) return INT64_MAX;
  if (v <= -9223372036854775808.0) return INT64_MIN;
  return static_cast<int64_t>(v);
}
template <class T>
T f_min(const T& a, const T& b) { return b < a ? b : a; }
template <class T>
T f_max(const T& a, const T& b) { return a < b ? b : a; }

// Choice (Mozlog has no if-expression): a when c holds, else b. Both are evaluated.
template <class T>
T f_if(bool c, const T& a, const T& b) { return c ? a : b; }

// Lists (values, never shared: every function returns a new list).
template <class T>
std::vector<T> f_cons(const T& head, const std::vector<T>& tail) {
  std::vector<T> out;
  out.reserve(tail.size() + 1);
  out.push_back(head);
  out.insert(out.end(), tail.begin(), tail.end());
  return out;
}
template <class T>
std::vector<T> f_append(const std::vector<T>& list, const T& last) {
  std::vector<T> out = list;
  out.push_back(last);
  return out;
}
template <class T>
std::vector<T> f_concat(const std::vector<T>& a, const std::vector<T>& b) {
  std::vector<T> out = a;
  out.insert(out.end(), b.begin(), b.end());
  return out;
}
template <class T>
bool f_member(const std::vector<T>& list, const T& x) { return std::find(list.begin(), list.end(), x) != list.end(); }
template <class T>
int64_t f_size(const std::vector<T>& list) { return static_cast<int64_t>(list.size()); }
// The first/last element of an empty list is the type's zero value.
template <class T>
T f_car(const std::vector<T>& list) { return list.empty() ? T{} : list.front(); }
template <class T>
std::vector<T> f_cdr(const std::vector<T>& list) { return list.empty() ? list : std::vector<T>(list.begin() + 1, list.end()); }
template <class T>
T f_last(const std::vector<T>& list) { return list.empty() ? T{} : list.back(); }
template <class T>
std::vector<T> f_removeLast(const std::vector<T>& list) { return list.empty() ? list : std::vector<T>(list.begin(), list.end() - 1); }

// Ring intervals (`K in (N, S]` and the other bracket forms). When N == S the
// half-open and closed forms cover the whole ring and (N, N) all but N, as Chord needs.
template <class T>
bool in_interval(const T& k, const T& lo, const T& hi, bool lo_closed, bool hi_closed) {
  if (lo == hi) return (lo_closed || hi_closed) ? true : !(k == lo);
  bool above_lo = lo_closed ? !(k < lo) : lo < k;
  bool below_hi = hi_closed ? !(hi < k) : k < hi;
  return lo < hi ? (above_lo && below_hi) : (above_lo || below_hi);
}

}  // namespace mosaic::builtins

namespace mosaic::builtins {

// Integer operators as generated code uses them: two's-complement wrapping,
// and no traps (x / 0 and x % 0 are 0), so no input can crash a node.
inline int64_t op_add(int64_t a, int64_t b) { return static_cast<int64_t>(static_cast<uint64_t>(a) + static_cast<uint64_t>(b)); }
inline int64_t op_sub(int64_t a, int64_t b) { return static_cast<int64_t>(static_cast<uint64_t>(a) - static_cast<uint64_t>(b)); }
inline int64_t op_mul(int64_t a, int64_t b) { return static_cast<int64_t>(static_cast<uint64_t>(a) * static_cast<uint64_t>(b)); }
inline int64_t op_neg(int64_t a) { return op_sub(0, a); }
inline int64_t op_div(int64_t a, int64_t b) {
  if (b == 0) return 0;
  if (b == -1) return op_neg(a);
  return a / b;
}
inline int64_t op_mod(int64_t a, int64_t b) {
  if (b == 0 || b == -1) return 0;
  return a % b;
}
inline int64_t op_shl(int64_t a, int64_t n) { return n < 0 || n >= 64 ? 0 : static_cast<int64_t>(static_cast<uint64_t>(a) << n); }
inline int64_t op_shr(int64_t a, int64_t n) { return n < 0 || n >= 64 ? (a < 0 ? -1 : 0) : a >> n; }

}  // namespace mosaic::builtins
