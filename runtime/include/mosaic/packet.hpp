// A tuple carried as a value (Mozlog type `tuple`): what overlay data planes
// forward in ov.send(Dest, Packet) and deliver in ov.recv(Packet).
// It holds the tuple's encoding, [predicate:bytes][tagged fields...], so it
// can be forwarded, stored and compared without knowing its predicate, and is
// decoded only where it is delivered (OverlayRecvUnwrap).
//
// The encoding is immutable and shared between copies, as an overlay
// address's inner value is: a data plane's strands pass one packet (a tun
// super-packet of up to 64 KiB, say) from trigger to head to head without
// copying it each time.
#pragma once

#include <compare>
#include <memory>
#include <string>
#include <string_view>

namespace mosaic {

class Packet {
 public:
  Packet() = default;
  Packet(std::string bytes) : bytes_(std::make_shared<const std::string>(std::move(bytes))) {}  // NOLINT: implicit

  const std::string& bytes() const { return bytes_ ? *bytes_ : empty(); }

  // The predicate name at the front of the encoding; "" when malformed.
  std::string_view predicate() const;

  friend bool operator==(const Packet& a, const Packet& b) { return a.bytes_ == b.bytes_ || a.bytes() == b.bytes(); }
  friend std::strong_ordering operator<=>(const Packet& a, const Packet& b) { return a.bytes() <=> b.bytes(); }

 private:
  static const std::string& empty() {
    static const std::string none;
    return none;
  }
  std::shared_ptr<const std::string> bytes_;
};

}  // namespace mosaic
