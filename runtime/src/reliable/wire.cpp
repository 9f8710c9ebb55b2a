#include "reliable/wire.hpp"

#include "mosaic/codec.hpp"

namespace mosaic {

namespace {
constexpr uint8_t kMagic0 = 'M', kMagic1 = 'Z';
}

std::string encode_frame(FrameKind kind, uint64_t incarnation, uint64_t seq, std::string_view payload) {
  Writer w;
  w.buffer().reserve(kFrameHeaderSize + payload.size());
  w.u8(kMagic0);
  w.u8(kMagic1);
  w.u8(kWireVersion);
  w.u8(static_cast<uint8_t>(kind));
  w.u64(incarnation);
  w.u64(seq);
  w.buffer().append(payload);
  return w.take();
}

std::optional<Frame> decode_frame(std::string_view datagram) {
  Reader r(datagram);
  uint8_t magic0, magic1, version, kind;
  Frame f{};
  if (!r.u8(magic0) || !r.u8(magic1) || !r.u8(version) || !r.u8(kind) || !r.u64(f.incarnation) || !r.u64(f.seq)) {
    return std::nullopt;
  }
  if (magic0 != kMagic0 || magic1 != kMagic1 || version != kWireVersion) return std::nullopt;
  f.payload = datagram.substr(kFrameHeaderSize);
  switch (static_cast<FrameKind>(kind)) {
    case FrameKind::Reliable:
    case FrameKind::BestEffort:
      if (f.payload.empty()) return std::nullopt;
      break;
    case FrameKind::Ack:
      if (!f.payload.empty()) return std::nullopt;
      break;
    default:
      return std::nullopt;
  }
  f.kind = static_cast<FrameKind>(kind);
  return f;
}

}  // namespace mosaic
