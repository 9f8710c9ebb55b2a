// A TCP socket (Mozlog type `socket`): what tcp.listen, tcp.accept and
// tcp.connect return and the other tcp.* views take. It names an open socket
// of the node that made it and means nothing anywhere else: mozc rejects
// rules that would send one to another node, and should one be encoded after
// all, every decoder refuses it (the datagram is dropped as malformed).
//
// Handles are never reused within a process, so a stale handle in a table
// names no socket rather than somebody else's.
#pragma once

#include <compare>
#include <cstdint>
#include <string>

namespace mosaic {

struct Socket {
  std::uint64_t id = 0;  // 0: no socket

  std::string to_string() const { return "socket:" + std::to_string(id); }
  friend bool operator==(const Socket&, const Socket&) = default;
  friend auto operator<=>(const Socket&, const Socket&) = default;
};

}  // namespace mosaic
