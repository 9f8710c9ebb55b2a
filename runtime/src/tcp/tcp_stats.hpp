// What the TCP elements count (reported under "tcp" in --stats, once a
// program has made a tcp.* call).
#pragma once

#include <cstdint>

namespace mosaic::tcp {

struct TcpStats {
  uint64_t listening = 0;       // listening sockets open now
  uint64_t open = 0;            // connections open now
  uint64_t finished = 0;        // connections closed by the runtime: both directions had ended
  uint64_t accepted = 0;        // connections accepted since start
  uint64_t connected = 0;       // connections made since start
  uint64_t connect_failed = 0;  // tcp.connect calls that failed (refused, unreachable, no such name, time limit)
  uint64_t bytes_read = 0;
  uint64_t bytes_written = 0;
  uint64_t reads = 0;           // tcp.read calls answered
  uint64_t writes = 0;          // tcp.write calls answered
  uint64_t failed = 0;          // calls of any tcp.* view that failed
};

}  // namespace mosaic::tcp
