#include "packet_reject.hpp"

namespace mosaic::tun {

std::string_view to_string(PacketReject reason) {
  switch (reason) {
    case PacketReject::Truncated: return "truncated";
    case PacketReject::WrongVersion: return "wrong version";
    case PacketReject::BadHeaderLength: return "bad header length";
    case PacketReject::BadTotalLength: return "bad total length";
    case PacketReject::BadChecksum: return "bad header checksum";
  }
  return "unknown";
}

}  // namespace mosaic::tun
