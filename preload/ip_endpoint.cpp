#include "ip_endpoint.hpp"

#include <cstring>

namespace mosaic::preload {

bool endpoint_from_sockaddr(const sockaddr* addr, socklen_t len, IpEndpoint& out) {
  if (addr == nullptr) return false;
  if (addr->sa_family == AF_INET && len >= sizeof(sockaddr_in)) {
    sockaddr_in in;
    std::memcpy(&in, addr, sizeof in);  // the caller's buffer need not be aligned for sockaddr_in
    out = {};
    out.family = AF_INET;
    out.v4 = in.sin_addr;
    out.port = ntohs(in.sin_port);
    return true;
  }
  if (addr->sa_family == AF_INET6 && len >= sizeof(sockaddr_in6)) {
    sockaddr_in6 in6;
    std::memcpy(&in6, addr, sizeof in6);
    out = {};
    out.port = ntohs(in6.sin6_port);
    if (IN6_IS_ADDR_V4MAPPED(&in6.sin6_addr)) {
      out.family = AF_INET;
      std::memcpy(&out.v4, &in6.sin6_addr.s6_addr[12], 4);
    } else {
      out.family = AF_INET6;
      out.v6 = in6.sin6_addr;
    }
    return true;
  }
  return false;
}

socklen_t endpoint_to_sockaddr(const IpEndpoint& endpoint, int socket_family, bool v6only, sockaddr_storage& out) {
  std::memset(&out, 0, sizeof out);
  if (socket_family == AF_INET && endpoint.family == AF_INET) {
    auto* in = reinterpret_cast<sockaddr_in*>(&out);
    in->sin_family = AF_INET;
    in->sin_addr = endpoint.v4;
    in->sin_port = htons(endpoint.port);
    return sizeof(sockaddr_in);
  }
  if (socket_family == AF_INET6 && (endpoint.family == AF_INET6 || !v6only)) {
    auto* in6 = reinterpret_cast<sockaddr_in6*>(&out);
    in6->sin6_family = AF_INET6;
    in6->sin6_port = htons(endpoint.port);
    if (endpoint.family == AF_INET6) {
      in6->sin6_addr = endpoint.v6;
    } else {
      in6->sin6_addr.s6_addr[10] = 0xff;
      in6->sin6_addr.s6_addr[11] = 0xff;
      std::memcpy(&in6->sin6_addr.s6_addr[12], &endpoint.v4, 4);
    }
    return sizeof(sockaddr_in6);
  }
  return 0;
}

bool is_local(const IpEndpoint& endpoint) {
  if (endpoint.family == AF_INET) {
    std::uint32_t host = ntohl(endpoint.v4.s_addr);
    return (host >> 24) == 127 || host == 0;  // 127.0.0.0/8, 0.0.0.0
  }
  return IN6_IS_ADDR_LOOPBACK(&endpoint.v6) || IN6_IS_ADDR_UNSPECIFIED(&endpoint.v6);
}

bool same_address(const IpEndpoint& a, const IpEndpoint& b) {
  if (a.family != b.family) return false;
  if (a.family == AF_INET) return a.v4.s_addr == b.v4.s_addr;
  return std::memcmp(&a.v6, &b.v6, sizeof a.v6) == 0;
}

}  // namespace mosaic::preload
