// The legacy-overlay adapter interface (paper §5.4): how an overlay that is
// not written in Mozlog carries the tuples a program addresses to
// legacy::X, and hands back what it delivers.
//
// A program that includes stdlib/legacy.moz has the data plane of an overlay
// named `legacy` whose rules are not its own: LocSpecDemux turns a tuple for
// legacy::X into legacy.send(X, Packet) as for any overlay, and the node
// gives that to its Adapter (Runtime::legacy_send) instead of to rules.
// Whatever the legacy overlay delivers to this node comes back as
// legacy.recv(Packet), whose payload is unwrapped and goes on like any
// tuple (OverlayRecvUnwrap). Since legacy overlays run on IP, they bridge to
// Mozlog overlays (a source route sr::[legacy::X, "IP:port"]) or carry them
// as a substrate, never the other way round.
//
// An adapter:
//   * open(): joins the legacy overlay (binds its endpoint); false and a
//     message when it cannot, and the node exits;
//   * send(dest, packet): hands one packet (a tuple's encoding) to the legacy
//     overlay for node `dest`, the inner value of legacy::dest, of whatever
//     type that overlay names its nodes by; best effort, as the legacy
//     overlay delivers; never blocks the node;
//   * start(deliver): from then on calls deliver(packet) on the node's event
//     loop for every packet the legacy overlay delivers here.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "mosaic/value.hpp"

namespace mosaic::legacy {

// Reported under "legacy" in --stats.
struct LegacyStats {
  uint64_t sent = 0;         // packets handed to the legacy overlay
  uint64_t send_failed = 0;  // refused by it (no such node, buffer full)
  uint64_t received = 0;     // packets it delivered that the program took
  uint64_t malformed = 0;    // deliveries that were no packet of ours (dropped)
  uint64_t no_adapter = 0;   // legacy.send on a node started without an adapter (dropped)
};

class Adapter {
 public:
  using Deliver = std::function<void(std::string packet)>;
  virtual ~Adapter() = default;
  virtual bool open(std::string& error) = 0;
  virtual void send(const Value& dest, std::string_view packet) = 0;
  virtual void start(Deliver deliver) = 0;
  virtual std::string describe() const = 0;  // for the log: "udp 198.19.0.1:7100"
};

}  // namespace mosaic::legacy
