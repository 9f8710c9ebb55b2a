// Reliable delivery over an unreliable datagram service, independent of
// sockets: it makes frames and reacts to frames, and the caller moves bytes.
// Sender: per-destination sequence numbers; every reliable frame stays
// outstanding until acknowledged (see RetransmitQueue). Receiver: every
// reliable frame is acknowledged, duplicates included (the first ack may have
// been lost), and delivered only the first time (see DuplicateFilter).
// Best-effort frames are neither acknowledged, retransmitted nor deduplicated.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>

#include "duplicate_filter.hpp"
#include "mosaic/addr.hpp"
#include "mosaic/hash.hpp"
#include "retransmit_queue.hpp"
#include "wire.hpp"

namespace mosaic {

class ReliableChannel {
 public:
  struct Config {
    RetransmitPolicy retransmit;
    size_t max_above_floor = 4096;
  };
  using Transmit = RetransmitQueue::Transmit;

  ReliableChannel(uint64_t incarnation, Config config)
      : incarnation_(incarnation), retransmit_(config.retransmit), seen_(config.max_above_floor) {}

  // Sender side. The returned frame is to be transmitted now.
  std::string reliable_frame(const Addr& dest, std::string_view payload, double now);
  std::string best_effort_frame(std::string_view payload) const;
  void on_ack(const Addr& from, const Frame& ack);
  void poll(double now, const Transmit& transmit) { retransmit_.poll(now, transmit); }

  // Receiver side, for a Reliable frame: the ack to send back, and whether to
  // deliver the payload.
  struct Receipt {
    std::string ack;
    bool deliver;
  };
  Receipt on_reliable(const Addr& from, const Frame& data);

  uint64_t incarnation() const { return incarnation_; }
  size_t outstanding() const { return retransmit_.outstanding(); }
  uint64_t retransmits() const { return retransmit_.retransmits(); }
  uint64_t gave_up() const { return retransmit_.gave_up(); }
  uint64_t duplicates() const { return duplicates_; }

 private:
  uint64_t incarnation_;
  std::unordered_map<Addr, uint64_t, Hash> last_seq_;
  RetransmitQueue retransmit_;
  DuplicateFilter seen_;
  uint64_t duplicates_ = 0;
};

}  // namespace mosaic
