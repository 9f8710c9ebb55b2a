#include "link/sim/sim_network.hpp"

#include <boost/asio/post.hpp>

namespace mosaic {

bool SimNetwork::bind(const Addr& local, SimTransport& transport, std::string& error) {
  if (!local.is_ip()) {
    error = "not an IP:port address";
    return false;
  }
  if (!bound_.emplace(local, &transport).second) {
    error = "address already in use";
    return false;
  }
  return true;
}

void SimNetwork::carry(const Addr& from, const Addr& dest, std::string_view datagram) {
  // The receiver is looked up on arrival: one closed meanwhile gets nothing.
  boost::asio::post(io_, [this, from, dest, copy = std::string(datagram)] {
    auto it = bound_.find(dest);
    if (it == bound_.end() || !it->second->on_datagram_) return;
    ++delivered_;
    it->second->on_datagram_(from, copy);
  });
}

bool SimTransport::open(const Addr& local, std::string& error) {
  if (bound_) {
    error = "already open";
    return false;
  }
  if (!network_.bind(local, *this, error)) return false;
  local_ = local;
  bound_ = true;
  return true;
}

bool SimTransport::send(const Addr& dest, std::string_view datagram) {
  if (!bound_) return false;
  network_.carry(local_, dest, datagram);
  return true;
}

void SimTransport::close() {
  if (!bound_) return;
  network_.unbind(local_);
  bound_ = false;
  on_datagram_ = nullptr;
}

}  // namespace mosaic
