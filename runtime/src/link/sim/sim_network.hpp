// An in-process network for deterministic tests: SimTransports bound to
// "IP:port" addresses on one SimNetwork exchange datagrams without sockets.
// Delivery is posted to the event loop, so a send never re-enters the
// receiver, and datagrams arrive in send order; none is lost (wrap a
// transport in a FaultInjection for that). A datagram to an address nobody
// holds is lost, as over UDP. The seed of a simulated network: latency and
// loss models can come later without changing the nodes above.
#pragma once

#include <boost/asio/io_context.hpp>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>

#include "link/transport.hpp"

namespace mosaic {

class SimTransport;

class SimNetwork {
 public:
  explicit SimNetwork(boost::asio::io_context& io) : io_(io) {}
  SimNetwork(const SimNetwork&) = delete;
  SimNetwork& operator=(const SimNetwork&) = delete;

  uint64_t delivered() const { return delivered_; }  // datagrams handed to a receiver

 private:
  friend class SimTransport;
  bool bind(const Addr& local, SimTransport& transport, std::string& error);
  void unbind(const Addr& local) { bound_.erase(local); }
  void carry(const Addr& from, const Addr& dest, std::string_view datagram);

  boost::asio::io_context& io_;
  std::map<Addr, SimTransport*> bound_;
  uint64_t delivered_ = 0;
};

class SimTransport final : public Transport {
 public:
  // `network` must outlive this.
  explicit SimTransport(SimNetwork& network) : network_(network) {}
  ~SimTransport() override { close(); }
  SimTransport(const SimTransport&) = delete;
  SimTransport& operator=(const SimTransport&) = delete;

  bool open(const Addr& local, std::string& error) override;
  void start(Receive on_datagram) override { on_datagram_ = std::move(on_datagram); }
  bool send(const Addr& dest, std::string_view datagram) override;
  void close() override;

 private:
  friend class SimNetwork;

  SimNetwork& network_;
  Addr local_;
  bool bound_ = false;
  Receive on_datagram_;
};

}  // namespace mosaic
