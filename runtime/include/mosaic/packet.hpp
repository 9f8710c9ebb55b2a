// A tuple carried as a value (Mozlog type `tuple`): what overlay data planes
// forward in ov.send(Dest, Packet) and deliver in ov.recv(Packet).
// It holds the tuple's encoding, [predicate:bytes][tagged fields...], so it
// can be forwarded, stored and compared without knowing its predicate, and is
// decoded only where it is delivered (OverlayRecvUnwrap).
#pragma once

#include <compare>
#include <string>
#include <string_view>

namespace mosaic {

struct Packet {
  std::string bytes;

  // The predicate name at the front of the encoding; "" when malformed.
  std::string_view predicate() const;

  friend bool operator==(const Packet&, const Packet&) = default;
  friend auto operator<=>(const Packet&, const Packet&) = default;
};

}  // namespace mosaic
