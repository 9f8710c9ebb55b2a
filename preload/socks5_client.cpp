#include "socks5_client.hpp"

#include <cerrno>
#include <cstring>

namespace mosaic::preload {
namespace {

constexpr std::uint8_t kVersion = 0x05;
constexpr std::uint8_t kMethodNone = 0x00;
constexpr std::uint8_t kMethodPassword = 0x02;
constexpr std::uint8_t kNoAcceptableMethod = 0xff;
constexpr std::uint8_t kCommandConnect = 0x01;
constexpr std::uint8_t kAtypIpv4 = 0x01;
constexpr std::uint8_t kAtypDomain = 0x03;
constexpr std::uint8_t kAtypIpv6 = 0x04;

// A proxy that hangs up mid-handshake has refused the connection, as far as
// the application's connect() is concerned.
int as_connect_error(int err) {
  return (err == ECONNRESET || err == EPIPE) ? ECONNREFUSED : err;
}

int send_bytes(int fd, const std::uint8_t* data, std::size_t size, const Deadline& deadline) {
  return as_connect_error(send_all(fd, data, size, deadline));
}

int recv_bytes(int fd, std::uint8_t* data, std::size_t size, const Deadline& deadline) {
  return as_connect_error(recv_exact(fd, data, size, deadline));
}

int negotiate_method(int fd, const Socks5Credentials* credentials, const Deadline& deadline) {
  // Offer "no authentication" always, so a proxy that needs none still works when credentials are set.
  const std::uint8_t with_password[] = {kVersion, 2, kMethodNone, kMethodPassword};
  const std::uint8_t without[] = {kVersion, 1, kMethodNone};
  int err = credentials ? send_bytes(fd, with_password, sizeof with_password, deadline)
                        : send_bytes(fd, without, sizeof without, deadline);
  if (err) return err;
  std::uint8_t choice[2];
  if ((err = recv_bytes(fd, choice, sizeof choice, deadline))) return err;
  if (choice[0] != kVersion) return ECONNREFUSED;
  if (choice[1] == kMethodNone) return 0;
  if (choice[1] == kMethodPassword && credentials) {
    // RFC 1929: VER=1, ULEN, UNAME, PLEN, PASSWD; the reply's STATUS 0 is success.
    std::uint8_t request[3 + 255 + 255];
    std::size_t n = 0;
    request[n++] = 0x01;
    request[n++] = static_cast<std::uint8_t>(credentials->user.size());
    std::memcpy(request + n, credentials->user.data(), credentials->user.size());
    n += credentials->user.size();
    request[n++] = static_cast<std::uint8_t>(credentials->password.size());
    std::memcpy(request + n, credentials->password.data(), credentials->password.size());
    n += credentials->password.size();
    if ((err = send_bytes(fd, request, n, deadline))) return err;
    std::uint8_t status[2];
    if ((err = recv_bytes(fd, status, sizeof status, deadline))) return err;
    return status[1] == 0 ? 0 : EACCES;
  }
  return choice[1] == kNoAcceptableMethod || choice[1] == kMethodPassword ? EACCES : ECONNREFUSED;
}

int request_connect(int fd, const IpEndpoint& destination, const Deadline& deadline) {
  std::uint8_t request[4 + 16 + 2] = {kVersion, kCommandConnect, 0x00};
  std::size_t n = 3;
  if (destination.family == AF_INET) {
    request[n++] = kAtypIpv4;
    std::memcpy(request + n, &destination.v4, 4);
    n += 4;
  } else {
    request[n++] = kAtypIpv6;
    std::memcpy(request + n, &destination.v6, 16);
    n += 16;
  }
  request[n++] = static_cast<std::uint8_t>(destination.port >> 8);
  request[n++] = static_cast<std::uint8_t>(destination.port);
  return send_bytes(fd, request, n, deadline);
}

int read_reply(int fd, const Deadline& deadline) {
  // VER REP RSV ATYP, then BND.ADDR (length by ATYP) and BND.PORT. All of it
  // is read, and nothing beyond it: the next byte is the destination's.
  std::uint8_t head[4];
  if (int err = recv_bytes(fd, head, sizeof head, deadline)) return err;
  if (head[0] != kVersion) return ECONNREFUSED;
  if (head[1] != 0) return socks5_reply_errno(head[1]);
  std::size_t address_size = 0;
  if (head[3] == kAtypIpv4) {
    address_size = 4;
  } else if (head[3] == kAtypIpv6) {
    address_size = 16;
  } else if (head[3] == kAtypDomain) {
    std::uint8_t length;
    if (int err = recv_bytes(fd, &length, 1, deadline)) return err;
    address_size = length;
  } else {
    return ECONNREFUSED;  // cannot know where the reply ends
  }
  std::uint8_t rest[255 + 2];
  return recv_bytes(fd, rest, address_size + 2, deadline);
}

}  // namespace

int socks5_reply_errno(std::uint8_t reply) {
  switch (reply) {
    case 0x02: return EACCES;        // connection not allowed by ruleset
    case 0x03: return ENETUNREACH;   // network unreachable
    case 0x04: return EHOSTUNREACH;  // host unreachable
    case 0x05: return ECONNREFUSED;  // connection refused
    case 0x06: return ETIMEDOUT;     // TTL expired
    default: return ECONNREFUSED;    // general failure, unsupported command or address type, unassigned
  }
}

int socks5_connect(int fd, const IpEndpoint& destination, const Socks5Credentials* credentials,
                   const Deadline& deadline) {
  if (int err = negotiate_method(fd, credentials, deadline)) return err;
  if (int err = request_connect(fd, destination, deadline)) return err;
  return read_reply(fd, deadline);
}

}  // namespace mosaic::preload
