// The SOCKS5 built-ins (builtins.hpp): the byte-level half of overlays/socks,
// which keeps the protocol's decisions in its rules. Every function checks
// lengths itself: the bytes come from whoever connected.
#include <arpa/inet.h>

#include <array>
#include <optional>

#include "mosaic/builtins.hpp"

namespace mosaic::builtins {

namespace {

constexpr uint8_t kVersion = 5, kAuthVersion = 1;
constexpr uint8_t kNoAuth = 0x00, kUserPass = 0x02, kNoMethod = 0xff;
constexpr uint8_t kConnect = 1;
constexpr uint8_t kIpv4 = 1, kDomain = 3, kIpv6 = 4;
enum Reply : uint8_t { kSucceeded = 0, kFailure = 1, kNotAllowed = 2, kBadCommand = 7, kBadAddressType = 8 };
enum Stage : int64_t { kGreeting = 0, kAuth = 1, kRequest = 2 };

uint8_t at(const Bytes& b, size_t i) { return static_cast<uint8_t>(b.str()[i]); }

// The whole length of a message of `stage` whose first bytes are `b`, as far
// as they tell: the minimum to read next, or the complete length; -1 when
// they cannot start one.
int64_t wanted(int64_t stage, const Bytes& b) {
  const size_t n = b.size();
  switch (stage) {
    case kGreeting:  // VER NMETHODS METHODS...
      if (n >= 1 && at(b, 0) != kVersion) return -1;
      if (n < 2) return 2;
      return at(b, 1) == 0 ? -1 : 2 + at(b, 1);
    case kAuth:  // VER ULEN UNAME PLEN PASSWD
      if (n >= 1 && at(b, 0) != kAuthVersion) return -1;
      if (n < 2) return 2;
      if (at(b, 1) == 0) return -1;
      if (n < 3u + at(b, 1)) return 3 + at(b, 1);
      return at(b, 2 + at(b, 1)) == 0 ? -1 : 3 + at(b, 1) + at(b, 2 + at(b, 1));
    case kRequest:  // VER CMD RSV ATYP DST.ADDR DST.PORT
      if (n >= 1 && at(b, 0) != kVersion) return -1;
      if (n < 5) return 5;  // through the address's first byte (a domain name's length)
      switch (at(b, 3)) {
        case kIpv4: return 4 + 4 + 2;
        case kIpv6: return 4 + 16 + 2;
        case kDomain: return at(b, 4) == 0 ? -1 : 4 + 1 + at(b, 4) + 2;
        default: return 5;  // complete as far as we go: answered "address type not supported"
      }
  }
  return -1;
}

bool offers(const Bytes& greeting, uint8_t method) {
  for (size_t i = 2; i < greeting.size(); ++i)
    if (at(greeting, i) == method) return true;
  return false;
}

bool known_user(const Bytes& b, const std::vector<std::string>& users) {
  const std::string& s = b.str();
  const size_t ulen = at(b, 1), plen = at(b, 2 + ulen);
  std::string entry = s.substr(2, ulen) + ":" + s.substr(3 + ulen, plen);
  return std::find(users.begin(), users.end(), entry) != users.end();
}

// Whether `ip` lies in "net/len".
bool in_network(const Ip& ip, const std::string& entry) {
  size_t slash = entry.find('/');
  auto net = Ip::parse(entry.substr(0, slash));
  if (!net || net->is_v4() != ip.is_v4()) return false;
  int length = ip.is_v4() ? 32 : 128;
  if (slash != std::string::npos) {
    try {
      length = std::stoi(entry.substr(slash + 1));
    } catch (...) {
      return false;
    }
  }
  return ip.network(length) == net->network(length);
}

bool allowed(const std::string& host, const std::vector<std::string>& allow) {
  if (allow.empty()) return true;
  auto ip = Ip::parse(host);
  for (const auto& entry : allow) {
    if (ip ? in_network(*ip, entry) : entry == host) return true;
    if (!ip && entry.size() > 1 && entry[0] == '.' && host.size() > entry.size() &&
        host.compare(host.size() - entry.size(), entry.size(), entry) == 0)
      return true;
  }
  return false;
}

Bytes reply(uint8_t code) {
  const uint8_t r[] = {kVersion, code, 0, kIpv4, 0, 0, 0, 0, 0, 0};
  return Bytes(r, sizeof r);
}

// Why a complete request is refused (kSucceeded: it is not).
Reply refusal(const Bytes& b, const std::vector<std::string>& allow) {
  if (at(b, 1) != kConnect) return kBadCommand;
  const uint8_t type = at(b, 3);
  if (type != kIpv4 && type != kIpv6 && type != kDomain) return kBadAddressType;
  return allowed(f_socksHost(b), allow) ? kSucceeded : kNotAllowed;
}

}  // namespace

Bytes f_bytesConcat(const Bytes& a, const Bytes& b) {
  if (a.empty()) return b;
  if (b.empty()) return a;
  return Bytes(a.str() + b.str());
}

int64_t f_socksNeed(int64_t stage, const Bytes& message) {
  if (!message.empty() && at(message, 0) == 0xff) return -1;
  int64_t whole = wanted(stage, message);
  if (whole < 0) return -1;
  // A message is read in pieces of at most `whole`; more than that is malformed.
  return whole >= static_cast<int64_t>(message.size()) ? whole - static_cast<int64_t>(message.size()) : -1;
}

int64_t f_socksNext(int64_t stage, const Bytes& message, const std::vector<std::string>& users,
                    const std::vector<std::string>& allow) {
  if (f_socksNeed(stage, message) != 0) return -1;
  switch (stage) {
    case kGreeting:
      if (users.empty()) return offers(message, kNoAuth) ? kRequest : -1;
      return offers(message, kUserPass) ? kAuth : -1;
    case kAuth: return known_user(message, users) ? kRequest : -1;
    case kRequest: return refusal(message, allow) == kSucceeded ? 3 : -1;
  }
  return -1;
}

Bytes f_socksReply(int64_t stage, const Bytes& message, const std::vector<std::string>& users,
                   const std::vector<std::string>& allow) {
  const bool complete = f_socksNeed(stage, message) == 0;
  const int64_t next = complete ? f_socksNext(stage, message, users, allow) : -1;
  switch (stage) {
    case kGreeting: {
      uint8_t method = next == kRequest ? kNoAuth : next == kAuth ? kUserPass : kNoMethod;
      const uint8_t r[] = {kVersion, method};
      return Bytes(r, sizeof r);
    }
    case kAuth: {
      const uint8_t r[] = {kAuthVersion, uint8_t(next == kRequest ? 0 : 1)};
      return Bytes(r, sizeof r);
    }
    default: return reply(complete ? refusal(message, allow) : kFailure);
  }
}

std::string f_socksHost(const Bytes& b) {
  if (f_socksNeed(kRequest, b) != 0 || b.size() < 5) return "";
  const auto* p = reinterpret_cast<const unsigned char*>(b.str().data()) + 4;
  char text[INET6_ADDRSTRLEN] = {};
  switch (at(b, 3)) {
    case kIpv4: return inet_ntop(AF_INET, p, text, sizeof text) ? text : "";
    case kIpv6: return inet_ntop(AF_INET6, p, text, sizeof text) ? text : "";
    case kDomain: return b.str().substr(5, at(b, 4));
  }
  return "";
}

int64_t f_socksPort(const Bytes& b) {
  if (f_socksNeed(kRequest, b) != 0 || b.size() < 7) return 0;
  return at(b, b.size() - 2) << 8 | at(b, b.size() - 1);
}

bool f_socksAllowed(const std::string& host, const std::vector<std::string>& allow) { return allowed(host, allow); }

Bytes f_socksConnectReply(bool connected) { return reply(connected ? kSucceeded : kFailure); }

}  // namespace mosaic::builtins
