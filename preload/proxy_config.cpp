#include "proxy_config.hpp"

#include <arpa/inet.h>
#include <pthread.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace mosaic::preload {
namespace {

// value[from, to) (string_view::substr could throw, and nothing here may).
std::string_view slice(std::string_view value, std::size_t from, std::size_t to) {
  return {value.data() + from, to - from};
}

bool parse_port(std::string_view text, std::uint16_t& port) {
  if (text.empty() || text.size() > 5) return false;
  unsigned value = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return false;
    value = value * 10 + static_cast<unsigned>(c - '0');
  }
  if (value == 0 || value > 65535) return false;
  port = static_cast<std::uint16_t>(value);
  return true;
}

// inet_pton wants a terminated string; addresses are short, so a copy on the stack does.
bool parse_address(int family, std::string_view text, void* out) {
  char buffer[INET6_ADDRSTRLEN];
  if (text.empty() || text.size() >= sizeof buffer) return false;
  std::memcpy(buffer, text.data(), text.size());
  buffer[text.size()] = '\0';
  return ::inet_pton(family, buffer, out) == 1;
}

bool parse_proxy(std::string_view value, IpEndpoint& out) {
  std::string_view host;
  std::string_view port;
  int family = AF_INET;
  if (!value.empty() && value.front() == '[') {  // [IPv6]:PORT
    auto close = value.find("]:");
    if (close == std::string_view::npos) return false;
    host = slice(value, 1, close);
    port = slice(value, close + 2, value.size());
    family = AF_INET6;
  } else {  // IPv4:PORT; a bare IPv6 address has several colons and is refused here
    auto colon = value.find(':');
    if (colon == std::string_view::npos || value.find(':', colon + 1) != std::string_view::npos) return false;
    host = slice(value, 0, colon);
    port = slice(value, colon + 1, value.size());
  }
  sockaddr_storage storage{};
  if (family == AF_INET) {
    auto* in = reinterpret_cast<sockaddr_in*>(&storage);
    in->sin_family = AF_INET;
    if (!parse_address(AF_INET, host, &in->sin_addr)) return false;
  } else {
    auto* in6 = reinterpret_cast<sockaddr_in6*>(&storage);
    in6->sin6_family = AF_INET6;
    if (!parse_address(AF_INET6, host, &in6->sin6_addr)) return false;
  }
  // Through the sockaddr, so that [::ffff:a.b.c.d] normalizes to IPv4 like a destination does.
  if (!endpoint_from_sockaddr(reinterpret_cast<sockaddr*>(&storage), sizeof storage, out)) return false;
  return parse_port(port, out.port);
}

// One line whatever the value holds: control characters shown as '?', long values cut.
void report(const char* socks, const char* error) {
  char shown[81];
  std::size_t n = 0;
  for (const char* p = socks ? socks : ""; *p && n + 1 < sizeof shown; ++p)
    shown[n++] = (static_cast<unsigned char>(*p) < 0x20 || *p == 0x7f) ? '?' : *p;
  shown[n] = '\0';
  char line[256];
  int size = std::snprintf(line, sizeof line,
                           "libmosaic_preload: MOSAIC_SOCKS=\"%s\": %s; connections are not redirected\n", shown,
                           error);
  if (size > 0) {
    ssize_t ignored = ::write(STDERR_FILENO, line, std::strlen(line));
    (void)ignored;  // nothing to do if stderr is gone
  }
}

ProxyConfig loaded;
pthread_once_t load_once = PTHREAD_ONCE_INIT;

void load() {
  ProxyConfig config;
  const char* socks = std::getenv("MOSAIC_SOCKS");
  const char* error = nullptr;
  if (!parse_proxy_config(socks, std::getenv("MOSAIC_SOCKS_USER"), std::getenv("MOSAIC_SOCKS_PASS"), config, error)) {
    report(socks, error);
    config = ProxyConfig{};
  }
  loaded = config;
}

}  // namespace

bool parse_proxy_config(const char* socks, const char* user, const char* password, ProxyConfig& out,
                        const char*& error) {
  out = ProxyConfig{};
  if (socks == nullptr || *socks == '\0') return true;  // not configured: nothing to redirect, nothing to say
  if (!parse_proxy(socks, out.proxy)) {
    error = "expected IPv4:PORT or [IPv6]:PORT";
    return false;
  }
  std::string_view u = user ? user : "";
  std::string_view p = password ? password : "";
  if (!u.empty() || !p.empty()) {
    if (u.empty() || p.empty() || u.size() > 255 || p.size() > 255) {
      error = "MOSAIC_SOCKS_USER and MOSAIC_SOCKS_PASS go together, 1 to 255 bytes each";
      return false;
    }
    out.has_credentials = true;
    std::memcpy(out.user, u.data(), u.size());
    out.user_size = static_cast<std::uint8_t>(u.size());
    std::memcpy(out.password, p.data(), p.size());
    out.password_size = static_cast<std::uint8_t>(p.size());
  }
  out.enabled = true;
  return true;
}

const ProxyConfig& proxy_config() {
  // pthread_once rather than a function-local static or std::call_once, which
  // would make every preloaded program load libstdc++.so; same guarantee: one
  // load, and every thread sees it complete. Never written afterwards.
  ::pthread_once(&load_once, load);
  return loaded;
}

}  // namespace mosaic::preload
