#include "bounded_io.hpp"

#include <poll.h>
#include <time.h>

#include <cerrno>

namespace mosaic::preload {
namespace {

std::int64_t now_ms() {
  timespec now;
  ::clock_gettime(CLOCK_MONOTONIC, &now);
  return std::int64_t{now.tv_sec} * 1000 + now.tv_nsec / 1000000;
}

// Waits until `fd` reports one of `events` (or an error, which the next call reads).
int wait_ready(int fd, short events, const Deadline& deadline) {
  for (;;) {
    pollfd p{fd, events, 0};
    int n = ::poll(&p, 1, deadline.poll_timeout_ms());
    if (n > 0) return 0;
    if (n == 0) return ETIMEDOUT;
    if (errno != EINTR) return errno;  // a signal handler ran: wait for what is left
  }
}

}  // namespace

Deadline Deadline::after_ms(std::int64_t limit) {
  Deadline d;
  d.bounded_ = true;
  d.at_ms_ = now_ms() + limit;
  return d;
}

int Deadline::poll_timeout_ms() const {
  if (!bounded_) return -1;
  std::int64_t left = at_ms_ - now_ms();
  return left > 0 ? static_cast<int>(left) : 0;
}

int connect_by(ConnectFunction connect_fn, int fd, const sockaddr* addr, socklen_t len, const Deadline& deadline) {
  if (connect_fn(fd, addr, len) == 0) return 0;
  // EINPROGRESS: a non-blocking socket, or a blocking one whose SO_SNDTIMEO
  // ran out (then the deadline has passed too); EINTR: a signal arrived and
  // the kernel goes on connecting. The outcome arrives as writability plus SO_ERROR.
  if (errno != EINPROGRESS && errno != EINTR) return errno;
  if (int err = wait_ready(fd, POLLOUT, deadline)) return err;
  int err = 0;
  socklen_t err_len = sizeof err;
  if (::getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &err_len) != 0) return errno;
  return err;
}

int send_all(int fd, const void* data, std::size_t size, const Deadline& deadline) {
  auto* p = static_cast<const char*>(data);
  while (size > 0) {
    ssize_t n = ::send(fd, p, size, MSG_NOSIGNAL | MSG_DONTWAIT);
    if (n > 0) {
      p += n;
      size -= static_cast<std::size_t>(n);
    } else if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      if (int err = wait_ready(fd, POLLOUT, deadline)) return err;
    } else if (n < 0 && errno != EINTR) {
      return errno;
    }
  }
  return 0;
}

int recv_exact(int fd, void* data, std::size_t size, const Deadline& deadline) {
  auto* p = static_cast<char*>(data);
  while (size > 0) {
    ssize_t n = ::recv(fd, p, size, MSG_DONTWAIT);
    if (n > 0) {
      p += n;
      size -= static_cast<std::size_t>(n);
    } else if (n == 0) {
      return ECONNRESET;
    } else if (errno == EAGAIN || errno == EWOULDBLOCK) {
      if (int err = wait_ready(fd, POLLIN, deadline)) return err;
    } else if (errno != EINTR) {
      return errno;
    }
  }
  return 0;
}

}  // namespace mosaic::preload
