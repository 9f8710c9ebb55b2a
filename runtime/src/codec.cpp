#include "mosaic/codec.hpp"

namespace mosaic {

void put(Writer& w, const Id& v) {
  unsigned char bytes[20];
  v.to_bytes(bytes);
  w.tag(Tag::Id);
  for (unsigned char b : bytes) w.u8(b);
}

bool get(Reader& r, Id& v) {
  if (!r.tag(Tag::Id)) return false;
  unsigned char bytes[20];
  for (unsigned char& b : bytes) {
    if (!r.u8(b)) return false;
  }
  v = Id::from_bytes(bytes);
  return true;
}

void put(Writer& w, const Addr& v) {
  w.tag(Tag::Addr);
  w.u8(static_cast<uint8_t>(v.kind()));
  if (v.kind() == Addr::Kind::Ip) {
    w.u32(v.host());
    w.u16(v.port());
  }
}

bool get(Reader& r, Addr& v) {
  uint8_t kind;
  if (!r.tag(Tag::Addr) || !r.u8(kind)) return false;
  switch (static_cast<Addr::Kind>(kind)) {
    case Addr::Kind::None:
      v = Addr();
      return true;
    case Addr::Kind::Ip: {
      uint32_t host;
      uint16_t port;
      if (!r.u32(host) || !r.u16(port)) return false;
      v = Addr::ip(host, port);
      return true;
    }
  }
  return false;  // a kind this runtime does not know
}

}  // namespace mosaic
