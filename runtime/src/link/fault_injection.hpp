// Faults injected on purpose between a node and its link, for tests: a random
// fraction of incoming datagrams dropped (--drop-rate, seeded by --seed), every
// outgoing one delayed (--delay-ms), and the PeerFilter's blocked and slow
// peers (--block, control ops block, unblock and delay). A Transport around
// another one, so the node above sees only a worse network and nothing below
// knows.
#pragma once

#include <boost/asio/io_context.hpp>
#include <cstdint>
#include <random>
#include <string>
#include <string_view>

#include "link/peer_filter.hpp"
#include "link/transport.hpp"

namespace mosaic {

class FaultInjection final : public Transport {
 public:
  struct Config {
    double drop_rate = 0;    // fraction of incoming datagrams to drop
    uint64_t drop_seed = 0;  // seeds the drop decisions
    double delay = 0;        // seconds every outgoing datagram waits, on top of its peer's delay
  };

  // `link` must outlive this; delayed datagrams wait on `io`.
  FaultInjection(boost::asio::io_context& io, Transport& link, Config config);

  bool open(const Addr& local, std::string& error) override;
  void start(Receive on_datagram) override;
  bool send(const Addr& dest, std::string_view datagram) override;
  void close() override;

  PeerFilter& peer_filter() { return peers_; }
  uint64_t filtered() const { return filtered_; }                  // dropped by the drop rate
  uint64_t blocked() const { return peers_.dropped(); }            // dropped from or to a blocked peer
  uint64_t dropped_arriving() const { return dropped_arriving_; }  // arrived, then dropped here (either reason)

 private:
  void arrive(const Addr& from, std::string_view datagram);

  boost::asio::io_context& io_;
  Transport& link_;
  Receive on_datagram_;
  PeerFilter peers_;
  double drop_rate_;
  double delay_;
  std::mt19937_64 drop_rng_;
  std::bernoulli_distribution drop_;
  bool open_ = false;  // delayed datagrams still waiting after close() are lost
  uint64_t filtered_ = 0, dropped_arriving_ = 0;
};

}  // namespace mosaic
