// A running node: the Runtime a Program sees, on one Boost.Asio event loop.
// It feeds the program datagrams and timer events, and keeps the program's
// work flowing in bounded slices (Program::run) so that the loop stays
// responsive while a burst of derivations is processed.
#pragma once

#include <boost/asio/io_context.hpp>
#include <cstdint>
#include <chrono>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "mosaic/program.hpp"
#include "node_stats.hpp"
#include "peer_filter.hpp"
#include "reliable_channel.hpp"
#include "repeating_timer.hpp"
#include "udp_transport.hpp"

namespace mosaic {

struct NodeConfig {
  Addr addr;
  double drop_rate = 0;      // fraction of incoming datagrams to drop, for tests
  uint64_t drop_seed = 0;    // seeds the drop decisions
  RetransmitPolicy retransmit;
  bool until_idle = false;   // stop when there is nothing left to do
};

class Node final : public Runtime {
 public:
  Node(boost::asio::io_context& io, Program& program, NodeConfig config, uint64_t incarnation);

  bool bind(std::string& error);
  // Starts receiving, the timers and the program's first run; call after
  // Program::start() and the --facts.
  void start();
  void stop();

  const Addr& local_addr() const override { return config_.addr; }
  double now() const override;
  void send(const Addr& dest, std::string message, bool best_effort) override;
  void dropped(Drop why, std::string_view detail) override;

  NodeStats stats() const;
  // Peers whose datagrams this node drops both ways (--block, control op block).
  PeerFilter& peer_filter() { return peers_; }
  // Runs the program soon, if it is not about to run anyway: after work was
  // added from outside the loop's own events (facts from the control endpoint).
  void schedule_run();
  // With --until-idle: the uptime at which the node found itself idle.
  std::optional<double> idle_after() const { return idle_after_; }

 private:
  void on_datagram(const Addr& from, std::string_view datagram);
  void deliver(std::string_view payload);
  void transmit(const Addr& dest, std::string_view frame);
  ReliableChannel::Transmit transmitter();
  void run_slice();
  void stop_if_idle();
  void add_timer(double period, int64_t count, std::function<void()> tick);

  boost::asio::io_context& io_;
  Program& program_;
  NodeConfig config_;
  std::chrono::steady_clock::time_point started_at_;
  UdpTransport transport_;
  PeerFilter peers_;
  ReliableChannel channel_;
  std::vector<std::unique_ptr<RepeatingTimer>> timers_;
  std::mt19937_64 drop_rng_;
  std::bernoulli_distribution drop_;

  bool running_ = false;
  bool run_queued_ = false;
  int64_t next_event_id_ = 1;
  std::optional<double> idle_after_;
  uint64_t received_ = 0, sent_ = 0, malformed_ = 0, filtered_ = 0, unroutable_ = 0, calls_rejected_ = 0;
  MessageCountsByPredicate messages_;  // tuple messages sent and delivered, per predicate
};

}  // namespace mosaic
