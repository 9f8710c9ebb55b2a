// The library's only exported symbol: connect(). Loaded with LD_PRELOAD, it
// comes before libc's in symbol lookup, so a dynamically linked program's TCP
// connects land here; what is not redirected goes on to the next connect
// (libc's) unchanged.
#include <dlfcn.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <pthread.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>

#include "bounded_io.hpp"
#include "ip_endpoint.hpp"
#include "proxy_config.hpp"
#include "socks5_client.hpp"

namespace mosaic::preload {
namespace {

// How long a non-blocking connect may block its caller for the proxy's
// connect and handshake (the application expected not to wait at all).
constexpr int kNonBlockingLimitMs = 10'000;

ConnectFunction next_connect = nullptr;
pthread_once_t next_connect_once = PTHREAD_ONCE_INIT;

void find_next_connect() {
  next_connect = reinterpret_cast<ConnectFunction>(::dlsym(RTLD_NEXT, "connect"));
}

int real_connect(int fd, const sockaddr* addr, socklen_t len) {
  ::pthread_once(&next_connect_once, find_next_connect);  // not a static local: see proxy_config()
  if (next_connect != nullptr) return next_connect(fd, addr, len);
  return static_cast<int>(::syscall(SYS_connect, fd, addr, len));  // no libc connect after us: ask the kernel
}

int socket_option(int fd, int level, int name) {
  int value = -1;
  socklen_t len = sizeof value;
  return ::getsockopt(fd, level, name, &value, &len) == 0 ? value : -1;
}

// A TCP socket of the destination's family: UDP, SCTP, MPTCP, raw and
// mismatched calls keep their own semantics.
bool is_tcp_socket(int fd, int family) {
  return socket_option(fd, SOL_SOCKET, SO_TYPE) == SOCK_STREAM &&
         socket_option(fd, SOL_SOCKET, SO_PROTOCOL) == IPPROTO_TCP &&
         socket_option(fd, SOL_SOCKET, SO_DOMAIN) == family;
}

// Drops whatever connection the failed attempt left (to the proxy, or one in
// progress), so the socket is unconnected again as after a failed direct connect.
void disconnect(int fd) {
  sockaddr unspec{};
  unspec.sa_family = AF_UNSPEC;
  int saved = errno;
  real_connect(fd, &unspec, sizeof unspec);
  errno = saved;
}

// How long this connect may take. A non-blocking socket is connected and
// handshaken here, within a bound, and reported connected at once: a legal
// outcome of a non-blocking connect, and the only one that lets the handshake
// finish before the application writes. A blocking socket waits as a direct
// connect would: for its SO_SNDTIMEO if it has one, else as long as it takes.
Deadline deadline_for(int fd) {
  int flags = ::fcntl(fd, F_GETFL);
  if (flags >= 0 && (flags & O_NONBLOCK)) return Deadline::after_ms(kNonBlockingLimitMs);
  timeval timeout{};
  socklen_t len = sizeof timeout;
  if (::getsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, &len) == 0 && (timeout.tv_sec > 0 || timeout.tv_usec > 0))
    return Deadline::after_ms(std::int64_t{timeout.tv_sec} * 1000 + (timeout.tv_usec + 999) / 1000);
  return Deadline::never();
}

int redirect(int fd, const sockaddr* proxy, socklen_t proxy_len, const IpEndpoint& destination,
             const ProxyConfig& config) {
  Deadline deadline = deadline_for(fd);
  int err = connect_by(real_connect, fd, proxy, proxy_len, deadline);
  if (err == EISCONN || err == EALREADY) return err;  // an earlier connect owns this socket: leave it alone
  if (err == 0) {
    Socks5Credentials credentials = config.credentials();
    err = socks5_connect(fd, destination, config.has_credentials ? &credentials : nullptr, deadline);
  }
  if (err != 0) disconnect(fd);
  return err;
}

}  // namespace
}  // namespace mosaic::preload

extern "C" __attribute__((visibility("default"))) int connect(int fd, const sockaddr* addr, socklen_t len) noexcept {
  using namespace mosaic::preload;
  IpEndpoint destination;
  if (!endpoint_from_sockaddr(addr, len, destination)) return real_connect(fd, addr, len);
  int saved_errno = errno;  // a successful connect leaves errno alone; so must every path here
  const ProxyConfig& config = proxy_config();
  int family = addr->sa_family;
  // Loopback stays on this host, and the proxy itself must be reached directly.
  if (!config.enabled || is_local(destination) || same_address(destination, config.proxy) ||
      !is_tcp_socket(fd, family)) {
    errno = saved_errno;
    return real_connect(fd, addr, len);
  }
  bool v6only = family == AF_INET6 && socket_option(fd, IPPROTO_IPV6, IPV6_V6ONLY) == 1;
  sockaddr_storage proxy;
  socklen_t proxy_len = endpoint_to_sockaddr(config.proxy, family, v6only, proxy);
  if (proxy_len == 0) {  // this socket cannot reach the proxy's family: connect as if not loaded
    errno = saved_errno;
    return real_connect(fd, addr, len);
  }
  if (int err = redirect(fd, reinterpret_cast<sockaddr*>(&proxy), proxy_len, destination, config)) {
    errno = err;
    return -1;
  }
  errno = saved_errno;
  return 0;
}
