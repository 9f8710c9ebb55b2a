// A running node: the Runtime a Program sees, on one Boost.Asio event loop.
// It feeds the program datagrams and timer events, and keeps the program's
// work flowing in bounded slices (Program::run) so that the loop stays
// responsive while a burst of derivations is processed. Datagrams come and go
// through a Transport and time comes from a Clock, both the caller's: a UDP
// socket and the steady clock in node_main, an in-process network and a
// ManualClock in tests.
#pragma once

#include <boost/asio/io_context.hpp>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "link/transport.hpp"
#include "mosaic/program.hpp"
#include "node/clock.hpp"
#include "node/node_stats.hpp"
#include "node/repeating_timer.hpp"
#include "reliable/reliable_channel.hpp"
#include "legacy/legacy_adapter.hpp"
#include "tcp/tcp_elements.hpp"
#include "tun/tun_tx.hpp"

namespace mosaic {

struct NodeConfig {
  Addr addr;
  RetransmitPolicy retransmit;
  bool until_idle = false;  // stop when there is nothing left to do
};

class Node final : public Runtime {
 public:
  // `link` and `clock` must outlive the node.
  Node(boost::asio::io_context& io, Program& program, Transport& link, const Clock& clock, NodeConfig config,
       uint64_t incarnation);

  bool bind(std::string& error);
  // Starts receiving, the timers and the program's first run; call after
  // Program::start() and the --facts.
  void start();
  void stop();
  // Expires soft state and retransmits what is due by the Clock, then lets the
  // program run. A timer calls it every 0.1 s; a test on a ManualClock calls it
  // after advancing the clock (a timer's extra call at the same time does nothing).
  void housekeeping();

  const Addr& local_addr() const override { return config_.addr; }
  double now() const override;
  void send(const Addr& dest, std::string message, bool best_effort) override;
  void dropped(Drop why, std::string_view detail) override;
  void tun_write(const Bytes& packet) override { tun_tx_.write(packet); }
  TcpService& tcp() override { return tcp_; }
  void legacy_send(const Value& dest, const Packet& packet) override;

  // With --legacy: legacy.send goes to this adapter, and what it delivers to the program.
  void attach_legacy(legacy::Adapter& adapter);
  legacy::LegacyStats& legacy_stats() { return legacy_stats_; }

  // With --tun: Tun::Tx writes here (without one, tun tuples are counted as no_device).
  void attach_tun(tun::TunDevice& device) {
    tun_tx_ = tun::Tx(&device, tun_stats_);
    tun_attached_ = true;
  }
  tun::TunStats& tun_stats() { return tun_stats_; }

  // The node's own counters; a FaultInjection below it adds its drops (add_fault_counts).
  NodeStats stats() const;
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
  Transport& link_;
  const Clock& clock_;
  ReliableChannel channel_;
  std::vector<std::unique_ptr<RepeatingTimer>> timers_;

  bool running_ = false;
  bool run_queued_ = false;
  int64_t next_event_id_ = 1;
  std::optional<double> idle_after_;
  uint64_t received_ = 0, sent_ = 0, malformed_ = 0, unroutable_ = 0, calls_rejected_ = 0;
  MessageCountsByPredicate messages_;  // tuple messages sent and delivered, per predicate
  tun::TunStats tun_stats_;
  tun::Tx tun_tx_{nullptr, tun_stats_};
  bool tun_attached_ = false;
  tcp::Elements tcp_{io_, [this] { schedule_run(); }};
  legacy::Adapter* legacy_ = nullptr;
  legacy::LegacyStats legacy_stats_;
};

}  // namespace mosaic
