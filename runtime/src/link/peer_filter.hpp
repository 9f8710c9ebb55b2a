// The test drop filter for named peers (--block PEER, control ops block and
// unblock): every datagram from a blocked peer, and every datagram to one, is
// dropped at this node and counted. Blocking a peer at both ends fails the
// direct path between two nodes on 127.0.0.1 as a broken link would; reliable
// messages then behave as under loss (retransmitted, given up after
// --retry-for), and unblocking restores the path.
//
// It also delays datagrams to named peers (control op delay): on 127.0.0.1
// every link is as fast as every other, and tests of latency-driven choices
// (RON's routes, i3's trigger sampling) need links that differ.
#pragma once

#include <cstdint>
#include <map>
#include <set>
#include <vector>

#include "mosaic/addr.hpp"

namespace mosaic {

class PeerFilter {
 public:
  // Whether the set changed. Only "IP:port" addresses can be blocked (others are ignored).
  bool block(const Addr& peer);
  bool unblock(const Addr& peer);
  void unblock_all() { blocked_.clear(); }

  bool blocks(const Addr& peer) const { return !blocked_.empty() && blocked_.count(peer) > 0; }
  // True, and the drop counted, when a datagram from or to `peer` must be dropped.
  bool drop(const Addr& peer) {
    if (!blocks(peer)) return false;
    ++dropped_;
    return true;
  }

  std::vector<Addr> peers() const { return {blocked_.begin(), blocked_.end()}; }  // in address order
  uint64_t dropped() const { return dropped_; }

  // Datagrams to `peer` leave `seconds` late (0: on time again). False for a
  // peer that is not "IP:port" or a delay that is negative or over kMaxDelay.
  static constexpr double kMaxDelay = 10;
  bool set_delay(const Addr& peer, double seconds);
  double delay(const Addr& peer) const {
    if (delays_.empty()) return 0;
    auto it = delays_.find(peer);
    return it == delays_.end() ? 0 : it->second;
  }
  const std::map<Addr, double>& delays() const { return delays_; }

 private:
  std::map<Addr, double> delays_;
  std::set<Addr> blocked_;
  uint64_t dropped_ = 0;
};

}  // namespace mosaic
