// The client side of a SOCKS5 CONNECT (RFC 1928), with username/password
// authentication (RFC 1929) when credentials are given, on a socket already
// connected to the proxy. Afterwards the socket carries the application's
// bytes to and from the destination.
#pragma once

#include <cstdint>
#include <string_view>

#include "bounded_io.hpp"
#include "ip_endpoint.hpp"

namespace mosaic::preload {

struct Socks5Credentials {
  std::string_view user;      // 1..255 bytes
  std::string_view password;  // 1..255 bytes
};

// Asks the proxy on `fd` to connect to `destination`. Returns 0 once the proxy
// reports success, with exactly the reply consumed; otherwise an errno value
// for connect(): the reply code's (socks5_reply_errno), EACCES when the proxy
// accepts none of our methods or refuses the credentials, ECONNREFUSED when it
// closes or does not speak SOCKS5, ETIMEDOUT when the deadline passes.
int socks5_connect(int fd, const IpEndpoint& destination, const Socks5Credentials* credentials,
                   const Deadline& deadline);

// The errno for connect() that a SOCKS5 reply code (REP, nonzero) stands for.
int socks5_reply_errno(std::uint8_t reply);

}  // namespace mosaic::preload
