// The datagram link a node sends through and receives from (the paper's
// Network in/out). A UDP socket (link/udp) on real nodes, an in-process
// network (link/sim) in tests; a wrapper such as link/fault_injection is a
// Transport around another one, and so will be tun, TCP and authenticated
// links. Datagrams go to an "IP:port" Addr, fit in one UDP payload, and may be
// lost or reordered: reliability is reliable/'s job.
#pragma once

#include <functional>
#include <string>
#include <string_view>

#include "mosaic/addr.hpp"

namespace mosaic {

class Transport {
 public:
  using Receive = std::function<void(const Addr& from, std::string_view datagram)>;

  virtual ~Transport() = default;

  // Binds to `local`; on failure returns false and says why.
  virtual bool open(const Addr& local, std::string& error) = 0;
  // Calls `on_datagram` on the event loop for every datagram that arrives, until close().
  virtual void start(Receive on_datagram) = 0;
  // False if the link could not take the datagram now (it is lost, as on any network).
  virtual bool send(const Addr& dest, std::string_view datagram) = 0;
  virtual void close() = 0;
};

}  // namespace mosaic
