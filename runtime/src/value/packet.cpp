#include "mosaic/packet.hpp"

#include "mosaic/codec.hpp"

namespace mosaic {

std::string_view Packet::predicate() const {
  const std::string& b = bytes();
  Reader r(b);
  uint32_t n;
  if (!r.u32(n) || n > r.remaining()) return {};
  return std::string_view(b).substr(sizeof n, n);  // in place, as Reader::bytes would have copied it
}

}  // namespace mosaic
