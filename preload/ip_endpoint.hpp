// An IP address and port in one normalized form, so that the redirect decision
// and the SOCKS request need not care which family the caller's socket has:
// an IPv4-mapped IPv6 address (::ffff:a.b.c.d) is the IPv4 address it maps.
#pragma once

#include <netinet/in.h>
#include <sys/socket.h>

#include <cstdint>

namespace mosaic::preload {

struct IpEndpoint {
  int family = AF_UNSPEC;  // AF_INET or AF_INET6 once filled
  in_addr v4{};
  in6_addr v6{};
  std::uint16_t port = 0;  // host byte order
};

// Reads an AF_INET or AF_INET6 socket address; false for other families or a short length.
bool endpoint_from_sockaddr(const sockaddr* addr, socklen_t len, IpEndpoint& out);

// The endpoint as an address for a socket of `socket_family`: IPv4 on an IPv6
// socket becomes v4-mapped (unless `v6only`). Returns the length, or 0 when the
// families cannot meet (IPv6 on an IPv4 socket, or IPv4 on a v6-only socket).
socklen_t endpoint_to_sockaddr(const IpEndpoint& endpoint, int socket_family, bool v6only, sockaddr_storage& out);

// Loopback or unspecified (which Linux connects to the local host): such
// destinations are this host's own services and stay direct.
bool is_local(const IpEndpoint& endpoint);

// Whether the two endpoints have the same address (ports ignored).
bool same_address(const IpEndpoint& a, const IpEndpoint& b);

}  // namespace mosaic::preload
