#include "link/peer_filter.hpp"

namespace mosaic {

bool PeerFilter::block(const Addr& peer) { return peer.is_ip() && blocked_.insert(peer).second; }

bool PeerFilter::unblock(const Addr& peer) { return blocked_.erase(peer) > 0; }

bool PeerFilter::set_delay(const Addr& peer, double seconds) {
  if (!peer.is_ip() || !(seconds >= 0 && seconds <= kMaxDelay)) return false;
  if (seconds == 0) delays_.erase(peer);
  else delays_[peer] = seconds;
  return true;
}

}  // namespace mosaic
