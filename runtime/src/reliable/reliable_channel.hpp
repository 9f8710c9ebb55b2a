// Reliable delivery over an unreliable datagram service, independent of
// sockets: it makes frames and reacts to frames, and the caller moves bytes.
//
// Sender: per-destination sequence numbers; every reliable frame stays
// outstanding until acknowledged (see RetransmitQueue). At most `window`
// frames per destination are in flight; later ones wait their turn, so that
// a burst does not overrun the receiver's socket buffer and turn into a storm
// of retransmissions. Giving up a message also gives up what waits behind it
// for the same destination: that peer has not answered for the whole retry time.
//
// Receiver: every reliable frame is acknowledged, duplicates included (the
// first ack may have been lost), and delivered only the first time (see
// DuplicateFilter), except one the receiver has no room to track yet: that one
// is left for the sender to retransmit.
//
// Best-effort frames are neither acknowledged, retransmitted nor deduplicated.
#pragma once

#include <cstdint>
#include <deque>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>

#include "mosaic/addr.hpp"
#include "mosaic/hash.hpp"
#include "reliable/duplicate_filter.hpp"
#include "reliable/retransmit_queue.hpp"
#include "reliable/wire.hpp"

namespace mosaic {

class ReliableChannel {
 public:
  struct Config {
    RetransmitPolicy retransmit;
    DuplicateFilter::Limits duplicates;
    size_t window = 1024;  // reliable frames in flight per destination
  };
  using Transmit = RetransmitQueue::Transmit;

  ReliableChannel(uint64_t incarnation, Config config)
      : incarnation_(incarnation), window_(config.window), retransmit_(config.retransmit), seen_(config.duplicates) {}

  // Sender side.
  void send_reliable(const Addr& dest, std::string_view payload, double now, const Transmit& transmit);
  std::string best_effort_frame(std::string_view payload) const;
  void on_ack(const Addr& from, const Frame& ack, double now, const Transmit& transmit);
  void poll(double now, const Transmit& transmit);

  // Receiver side, for a Reliable frame: the ack to send back (none if the
  // frame was refused), and whether to deliver the payload.
  struct Receipt {
    std::string ack;
    bool deliver;
  };
  Receipt on_reliable(const Addr& from, const Frame& data, double now);

  uint64_t incarnation() const { return incarnation_; }
  // Reliable messages not yet acknowledged: in flight or waiting for the window.
  size_t outstanding() const { return retransmit_.outstanding() + waiting_; }
  uint64_t retransmits() const { return retransmit_.retransmits(); }
  uint64_t gave_up() const { return retransmit_.gave_up() + gave_up_waiting_; }
  uint64_t duplicates() const { return duplicates_; }
  uint64_t refused() const { return refused_; }

 private:
  struct Peer {
    uint64_t last_seq = 0;
    size_t in_flight = 0;
    std::deque<std::pair<uint64_t, std::string>> waiting;  // (seq, frame), in seq order
    bool loss_reported = false;  // a give-up was logged, and no ack has come since
  };
  void launch(const Addr& dest, Peer& peer, std::string frame, uint64_t seq, double now, const Transmit& transmit);
  void release_waiting(const Addr& dest, Peer& peer, double now, const Transmit& transmit);

  uint64_t incarnation_;
  size_t window_;
  std::unordered_map<Addr, Peer, Hash> peers_;
  size_t waiting_ = 0;
  RetransmitQueue retransmit_;
  DuplicateFilter seen_;
  uint64_t gave_up_waiting_ = 0;
  uint64_t duplicates_ = 0;
  uint64_t refused_ = 0;
};

}  // namespace mosaic
