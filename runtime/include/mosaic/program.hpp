// The one header that generated node programs include.
//
// A compiled Mozlog program is a subclass of Program: typed structs, tables
// and strands, all generated. The runtime library (Boost.Asio event loop, UDP
// transport, timers, command line) drives it through this interface and offers
// it the services of Runtime. Heavy headers stay inside the runtime library so
// that each overlay compiles in seconds.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "mosaic/addr.hpp"
#include "mosaic/aggregate.hpp"
#include "mosaic/bytes.hpp"
#include "mosaic/codec.hpp"
#include "mosaic/hash.hpp"
#include "mosaic/id.hpp"
#include "mosaic/literal.hpp"
#include "mosaic/log.hpp"
#include "mosaic/packet.hpp"
#include "mosaic/table.hpp"
#include "mosaic/tcp.hpp"
#include "mosaic/value.hpp"

namespace mosaic {

// Tuple messages as generated code encodes them: [op:u8][predicate:bytes][tagged fields...].
// The runtime frames them (sequence numbers, acks) and never looks inside.
enum class Op : uint8_t { Insert = 1, Delete = 2 };

// Why a program dropped a tuple on its own (the network layer counts its own drops).
enum class Drop : uint8_t {
  Unroutable,       // LocSpecDemux: an overlay the program does not define, or an inner
                    // address of the wrong type for it, or a delete sent to an overlay
  MalformedPacket,  // OverlayRecvUnwrap: a nested tuple that does not decode here
  CallRejected,     // a CView call made while pending(N) calls of its call site wait:
                    // its context row is not kept, and the call fails at once
};

// What a node offers its program.
class Runtime {
 public:
  virtual ~Runtime() = default;
  virtual const Addr& local_addr() const = 0;
  // Seconds on the node's monotonic clock; lifetimes are measured with it.
  virtual double now() const = 0;
  // Sends one tuple message to another node: reliably (acknowledged and
  // retransmitted, duplicates suppressed) unless `best_effort`.
  virtual void send(const Addr& dest, std::string message, bool best_effort) = 0;
  // Tun::Tx: writes one IP packet to this node's tun device (dropped and
  // counted when the node has none, or the packet is malformed).
  virtual void tun_write(const Bytes& packet) = 0;
  // The TCP elements: calls of the tcp.* views (mosaic/tcp.hpp).
  virtual TcpService& tcp() = 0;
  // legacy.send(Dest, Packet): the legacy overlay's adapter carries the packet
  // to its node `dest` (dropped and counted without an adapter).
  virtual void legacy_send(const Value& dest, const Packet& packet) = 0;
  // A tuple the program could not route or decode was dropped (counted in
  // --stats, logged at debug level with `detail`).
  virtual void dropped(Drop why, std::string_view detail) = 0;
};

struct PeriodicSpec {
  double period;  // seconds
  int64_t count;  // number of firings; 0 = forever
};

class Program {
 public:
  virtual ~Program() = default;

  virtual const char* name() const = 0;
  void attach(Runtime& rt) { rt_ = &rt; }

  // One timer per distinct periodic(E, T[, C]) the rules use.
  virtual std::vector<PeriodicSpec> periodics() const = 0;
  virtual void fire_periodic(size_t timer, int64_t event_id) = 0;

  // Inserts the ground facts written in the program itself.
  virtual void start() = 0;
  // Inserts a fact from a --facts file as if derived here (sent on if located
  // elsewhere). Returns "" or an error message.
  virtual std::string insert_fact(const std::string& predicate, const std::vector<Value>& args) = 0;
  // Decodes a tuple message from the network and queues it. Returns false, and
  // changes nothing, when the message is malformed.
  virtual bool receive(std::string_view message) = 0;

  // Tun::Rx: one IP packet read from the node's tun device, as a tun(Packet)
  // event. False when no rule of the program reads tun (the default, for
  // programs written by hand).
  virtual bool tun_received(Bytes&&) { return false; }
  // A packet the legacy overlay delivered here, as a legacy.recv(Packet)
  // event. False when the program has no legacy data plane.
  virtual bool legacy_received(std::string&&) { return false; }

  // Processes at most `budget` queued tuples; returns whether work remains.
  virtual bool run(size_t budget) = 0;
  // Removes rows whose lifetime has ended (and lets rules see the deletions).
  virtual void expire() = 0;
  virtual void dump(JsonSink& sink) const = 0;

  uint64_t derivations() const { return derivations_; }

 protected:
  Runtime* rt_ = nullptr;
  uint64_t derivations_ = 0;  // head tuples produced by strands
};

// The main() of every node binary: parses the node command line, runs the
// event loop, writes dumps. Returns the process exit status.
int node_main(int argc, char** argv, std::unique_ptr<Program> program);

}  // namespace mosaic
