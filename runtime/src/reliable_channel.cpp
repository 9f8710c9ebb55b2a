#include "reliable_channel.hpp"

namespace mosaic {

std::string ReliableChannel::reliable_frame(const Addr& dest, std::string_view payload, double now) {
  uint64_t seq = ++last_seq_[dest];
  std::string frame = encode_frame(FrameKind::Reliable, incarnation_, seq, payload);
  retransmit_.add(dest, seq, frame, now);
  return frame;
}

std::string ReliableChannel::best_effort_frame(std::string_view payload) const {
  return encode_frame(FrameKind::BestEffort, incarnation_, 0, payload);
}

void ReliableChannel::on_ack(const Addr& from, const Frame& ack) {
  if (ack.incarnation != incarnation_) return;  // meant for an earlier run of this node
  retransmit_.acknowledge(from, ack.seq);
}

ReliableChannel::Receipt ReliableChannel::on_reliable(const Addr& from, const Frame& data) {
  bool first = seen_.first_time(from, data.incarnation, data.seq);
  if (!first) ++duplicates_;
  return {encode_frame(FrameKind::Ack, data.incarnation, data.seq), first};
}

}  // namespace mosaic
