// What generated programs ask of the node's TCP elements (paper §4.6, §5.3):
// one call of a tcp.* view, answered once, later, from the event loop.
//
//   tcp.listen(Addr, &Listener)       a listening socket on "IP:port"
//   tcp.accept(Listener, &Skt, &Peer) the next connection, and who it is from
//   tcp.connect(Host, Port, &Skt)     a connection (Host: an IP or a DNS name)
//   tcp.read(Skt, Len, &Data)         what has arrived: at least a byte, at most
//                                     Len (Len 0: 256 KiB); end of stream or a
//                                     reset: empty Data, once (a read after that
//                                     fails; after a reset, writes fail too)
//   tcp.write(Skt, Data, &Size)       all of Data, Size once it is written;
//                                     empty Data: end of stream (half-close)
//   tcp.close(Skt, &Closed)           closes; calls waiting on it fail;
//                                     Closed is false for no open socket
//
// A call that cannot be done (refused, reset, unknown socket, a second read
// or write while one waits on the same socket) fails: the answer has ok
// false, and the call ends as failed (the view's `error` event; listen,
// accept, connect and write then go on with no socket or size -1).
//
// A connection whose two directions have ended (the end of the stream or an
// error, read and written) is closed by the runtime; a failed write ends both.
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include "mosaic/addr.hpp"
#include "mosaic/bytes.hpp"
#include "mosaic/socket.hpp"

namespace mosaic {

// Splice: the relay idiom (a read whose data only a write takes) fused by
// mozc --cview-opt=relay: tcp.splice(From, To, Len, &Size) moves what has
// arrived on From (up to 1 MiB, or Len) to To inside the kernel; Size as the
// write would answer (-1 when To failed), 0 at From's end (To half-closed).
enum class TcpOp : uint8_t { Listen, Accept, Connect, Read, Write, Close, Splice };

// The inputs of a call, by type (no view takes two of one type but splice's
// sockets, which come in order: from, to).
struct TcpArgs {
  Socket socket;
  Socket to;
  Addr addr;
  std::string host;
  int64_t number = 0;  // Port, Len
  Bytes data;
};

// The results of a call, by type (no view returns two of one type).
struct TcpAnswer {
  bool ok = false;
  std::string error;  // why it failed, for the log
  Socket socket;
  Addr peer;
  Bytes data;
  int64_t number = 0;  // Size
  bool flag = false;   // Closed
};

class TcpService {
 public:
  virtual ~TcpService() = default;
  // `done` is called exactly once, never from within call().
  virtual void call(TcpOp op, TcpArgs args, std::function<void(TcpAnswer&&)> done) = 0;
};

// Inputs and results between typed tuple fields and the by-type structs.
inline void tcp_arg(TcpArgs& a, const Socket& v) { (a.socket.id == 0 ? a.socket : a.to) = v; }
inline void tcp_arg(TcpArgs& a, const Addr& v) { a.addr = v; }
inline void tcp_arg(TcpArgs& a, const std::string& v) { a.host = v; }
inline void tcp_arg(TcpArgs& a, int64_t v) { a.number = v; }
inline void tcp_arg(TcpArgs& a, const Bytes& v) { a.data = v; }
inline void tcp_result(TcpAnswer& a, Socket& v) { v = a.socket; }
inline void tcp_result(TcpAnswer& a, Addr& v) { v = std::move(a.peer); }
inline void tcp_result(TcpAnswer& a, Bytes& v) { v = std::move(a.data); }
inline void tcp_result(TcpAnswer& a, int64_t& v) { v = a.number; }
inline void tcp_result(TcpAnswer& a, bool& v) { v = a.flag; }

}  // namespace mosaic
