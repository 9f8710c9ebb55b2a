// The framing of every datagram between nodes:
//   'M' 'Z' | version u8 = 1 | kind u8 | incarnation u64 | seq u64 | payload
// (integers little-endian, as in the tuple codec). The payload is a tuple
// message produced by the Program; the runtime never looks inside it.
//
// For data frames, `incarnation` is the sender's (random per process start,
// so a restarted node is not taken for a sender of duplicates) and `seq` its
// sequence number towards this destination. An ack echoes both fields of the
// frame it acknowledges, so an ack meant for an earlier run of a restarted
// node cannot clear a message of the current run.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace mosaic {

enum class FrameKind : uint8_t { Reliable = 1, BestEffort = 2, Ack = 3 };

struct Frame {
  FrameKind kind;
  uint64_t incarnation;
  uint64_t seq;
  std::string_view payload;  // points into the decoded datagram; empty for acks
};

inline constexpr uint8_t kWireVersion = 1;
inline constexpr size_t kFrameHeaderSize = 20;
// The largest UDP payload over IPv4.
inline constexpr size_t kMaxDatagram = 65507;

std::string encode_frame(FrameKind kind, uint64_t incarnation, uint64_t seq, std::string_view payload = {});
// Checks size, magic, version and kind; an ack must have no payload and a data
// frame a non-empty one. Returns nullopt for anything else.
std::optional<Frame> decode_frame(std::string_view datagram);

}  // namespace mosaic
