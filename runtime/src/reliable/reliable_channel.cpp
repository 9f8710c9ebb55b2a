#include "reliable/reliable_channel.hpp"

#include <cstdio>
#include <string>

#include "mosaic/log.hpp"

namespace mosaic {

void ReliableChannel::send_reliable(const Addr& dest, std::string_view payload, double now,
                                    const Transmit& transmit) {
  Peer& peer = peers_[dest];
  uint64_t seq = ++peer.last_seq;
  std::string frame = encode_frame(FrameKind::Reliable, incarnation_, seq, payload);
  if (peer.in_flight < window_ && peer.waiting.empty()) {
    launch(dest, peer, std::move(frame), seq, now, transmit);
  } else {
    peer.waiting.emplace_back(seq, std::move(frame));
    ++waiting_;
  }
}

std::string ReliableChannel::best_effort_frame(std::string_view payload) const {
  return encode_frame(FrameKind::BestEffort, incarnation_, 0, payload);
}

void ReliableChannel::on_ack(const Addr& from, const Frame& ack, double now, const Transmit& transmit) {
  if (ack.incarnation != incarnation_) return;  // meant for an earlier run of this node
  if (!retransmit_.acknowledge(from, ack.seq)) return;
  Peer& peer = peers_[from];
  --peer.in_flight;
  peer.loss_reported = false;
  release_waiting(from, peer, now, transmit);
}

void ReliableChannel::poll(double now, const Transmit& transmit) {
  retransmit_.poll(now, transmit, [&](const Addr& dest) {
    Peer& peer = peers_[dest];
    --peer.in_flight;
    // Once per outage of a peer, not once per message lost to it.
    if (!peer.loss_reported) {
      peer.loss_reported = true;
      char seconds[32];
      std::snprintf(seconds, sizeof seconds, "%g", retransmit_.retry_for());
      log(LogLevel::Warn, "gave up delivering to " + dest.to_string() + ": no acknowledgement for " + seconds +
                              " s (" + std::to_string(peer.waiting.size()) + " queued messages dropped too)");
    }
    gave_up_waiting_ += peer.waiting.size();
    waiting_ -= peer.waiting.size();
    peer.waiting.clear();
  });
}

ReliableChannel::Receipt ReliableChannel::on_reliable(const Addr& from, const Frame& data, double now) {
  switch (seen_.check(from, data.incarnation, data.seq, now)) {
    case DuplicateFilter::Verdict::New:
      return {encode_frame(FrameKind::Ack, data.incarnation, data.seq), true};
    case DuplicateFilter::Verdict::Duplicate:
      ++duplicates_;
      return {encode_frame(FrameKind::Ack, data.incarnation, data.seq), false};
    case DuplicateFilter::Verdict::NoRoom:
      break;
  }
  ++refused_;
  return {"", false};
}

void ReliableChannel::launch(const Addr& dest, Peer& peer, std::string frame, uint64_t seq, double now,
                             const Transmit& transmit) {
  ++peer.in_flight;
  transmit(dest, frame);
  retransmit_.add(dest, seq, std::move(frame), now);
}

void ReliableChannel::release_waiting(const Addr& dest, Peer& peer, double now, const Transmit& transmit) {
  while (peer.in_flight < window_ && !peer.waiting.empty()) {
    auto [seq, frame] = std::move(peer.waiting.front());
    peer.waiting.pop_front();
    --waiting_;
    launch(dest, peer, std::move(frame), seq, now, transmit);
  }
}

}  // namespace mosaic
