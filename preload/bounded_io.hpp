// Socket I/O for the few bytes of a proxy handshake, on the caller's socket
// whatever its O_NONBLOCK flag: every call waits with poll() and then uses
// MSG_DONTWAIT, so the fd's flags are never changed (another thread using the
// fd never sees them flip) and a deadline bounds the whole exchange.
// Functions return 0 or an errno value; they leave errno itself undefined.
#pragma once

#include <sys/socket.h>

#include <cstddef>
#include <cstdint>

namespace mosaic::preload {

// A point on CLOCK_MONOTONIC, or none. (clock_gettime rather than
// std::chrono::steady_clock: the library needs nothing from libstdc++.so.)
class Deadline {
 public:
  static Deadline never() { return Deadline{}; }
  static Deadline after_ms(std::int64_t limit);
  // For poll(): -1 without a bound, else the milliseconds left (0 once passed).
  int poll_timeout_ms() const;

 private:
  bool bounded_ = false;
  std::int64_t at_ms_ = 0;
};

using ConnectFunction = int (*)(int, const sockaddr*, socklen_t);

// Connects with `connect_fn` (the real connect) and, if the connection is in
// progress (non-blocking socket) or the call was interrupted, waits for it to
// complete. ETIMEDOUT when the deadline passes first.
int connect_by(ConnectFunction connect_fn, int fd, const sockaddr* addr, socklen_t len, const Deadline& deadline);

// Sends all `size` bytes (no SIGPIPE if the peer has gone).
int send_all(int fd, const void* data, std::size_t size, const Deadline& deadline);

// Receives exactly `size` bytes and not one more: what follows belongs to the
// application. ECONNRESET if the peer closes first.
int recv_exact(int fd, void* data, std::size_t size, const Deadline& deadline);

}  // namespace mosaic::preload
