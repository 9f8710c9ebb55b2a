// Where redirected connections go: the SOCKS5 proxy named by MOSAIC_SOCKS
// ("IP:PORT" or "[IPv6]:PORT") and, optionally, the credentials in
// MOSAIC_SOCKS_USER and MOSAIC_SOCKS_PASS. Read once per process.
#pragma once

#include <cstdint>
#include <string_view>

#include "ip_endpoint.hpp"
#include "socks5_client.hpp"

namespace mosaic::preload {

struct ProxyConfig {
  bool enabled = false;  // false: MOSAIC_SOCKS unset, empty or malformed; every connect goes direct
  IpEndpoint proxy;
  bool has_credentials = false;
  char user[255] = {};
  std::uint8_t user_size = 0;
  char password[255] = {};
  std::uint8_t password_size = 0;

  Socks5Credentials credentials() const {
    return {{user, user_size}, {password, password_size}};
  }
};

// Parses the three variables' values (null: unset). On a malformed value,
// returns false with `error` naming the problem in a few words.
bool parse_proxy_config(const char* socks, const char* user, const char* password, ProxyConfig& out,
                        const char*& error);

// This process's configuration, parsed on first use (thread-safe). A malformed
// value is reported in one line on stderr, once, and disables redirection:
// the program then runs as if the library were not loaded.
const ProxyConfig& proxy_config();

}  // namespace mosaic::preload
