// The pipe tcp.splice moves data through, socket -> pipe -> socket, inside
// the kernel. Pooled by the TCP elements: setting one up at 1 MiB costs
// more than a call's rules.
#pragma once

#include <fcntl.h>
#include <unistd.h>

#include <cstddef>

namespace mosaic::tcp {

struct SplicePipe {
  static constexpr size_t kWanted = 1 << 20;  // 1 MiB where the system allows (fs.pipe-max-size)

  int read_end = -1, write_end = -1;
  size_t size = 64 * 1024;  // the kernel's default, until F_SETPIPE_SZ says otherwise

  SplicePipe() = default;
  SplicePipe(const SplicePipe&) = delete;
  SplicePipe& operator=(const SplicePipe&) = delete;
  ~SplicePipe() {
    if (read_end >= 0) ::close(read_end);
    if (write_end >= 0) ::close(write_end);
  }
  bool open() {
    int fds[2];
    if (::pipe2(fds, O_NONBLOCK | O_CLOEXEC) != 0) return false;
    read_end = fds[0], write_end = fds[1];
    int got = ::fcntl(write_end, F_SETPIPE_SZ, static_cast<int>(kWanted));
    if (got > 0) size = static_cast<size_t>(got);
    return true;
  }
};

}  // namespace mosaic::tcp
