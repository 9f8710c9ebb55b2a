// tcp.close(Skt, &Closed): closes a connection or listener; the calls that
// wait on it fail. Closed is false when Skt names no open socket (closed
// twice, say): closing is idempotent, so that is no failure.
#include "tcp/tcp_elements.hpp"

namespace mosaic::tcp {

void Elements::close(Socket s, Done done) {
  TcpAnswer a;
  a.ok = true;
  if (SocketEntry* e = sockets_.find(s)) {
    if (e->listener) --stats_.listening;
    else --stats_.open;
    // What was written is the kernel's and still goes out before the FIN
    // (unless unread data is left: then the kernel resets the connection).
    a.flag = sockets_.remove(s);
  }
  answer_later(std::move(done), std::move(a));
}

}  // namespace mosaic::tcp
