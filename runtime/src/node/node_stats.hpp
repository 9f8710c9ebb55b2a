// The counters a node reports with --stats (and on SIGUSR1).
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>

#include "legacy/legacy_adapter.hpp"
#include "tcp/tcp_stats.hpp"
#include "tun/tun_stats.hpp"

namespace mosaic {

// The control endpoint's counters (--control), reported as "control": {...}.
struct ControlStats {
  uint16_t port = 0;
  uint64_t clients = 0;          // connected now
  uint64_t connections = 0;      // accepted since start
  uint64_t requests = 0;         // request lines handled
  uint64_t errors = 0;           // error replies: malformed JSON, unknown op, bad fields, oversized lines, ...
  uint64_t dropped_clients = 0;  // disconnected for an oversized line or too much unread output
};

// Tuple messages of one predicate: handed to the network by the program (one
// per message, whatever retransmissions and acks it took), and delivered to the
// program from the network (first copies only, decoded successfully).
struct MessageCounts {
  uint64_t sent = 0;
  uint64_t received = 0;
};
using MessageCountsByPredicate = std::map<std::string, MessageCounts, std::less<>>;

struct NodeStats {
  std::string addr;
  uint64_t received = 0;     // datagrams read from the socket, whatever became of them
  uint64_t sent = 0;         // datagrams written: data, retransmissions and acks
  uint64_t malformed = 0;    // frames, tuple messages or overlay packets that failed to decode
  uint64_t unroutable = 0;   // tuples for an overlay address the program could not route
  uint64_t calls_rejected = 0;  // CView calls refused at once: pending(N) calls of their call site waited
  uint64_t filtered = 0;     // datagrams dropped on purpose by --drop-rate
  uint64_t blocked = 0;      // datagrams dropped from or to a blocked peer (--block, control op block)
  uint64_t retransmits = 0;
  uint64_t duplicates = 0;   // reliable data that arrived again and was not delivered
  uint64_t gave_up = 0;      // reliable messages never acknowledged within --retry-for
  uint64_t outstanding = 0;  // reliable messages awaiting an ack now
  uint64_t derivations = 0;  // Program::derivations()
  double uptime_s = 0;
  MessageCountsByPredicate messages;     // reported as "messages": {"pred": {"sent": N, "received": M}, ...}
  std::optional<ControlStats> control;  // only with --control
  std::optional<tun::TunStats> tun;      // with --tun, or once a tun tuple reached a node without one
  std::optional<tcp::TcpStats> tcp;      // once the program made a tcp.* call
  std::optional<legacy::LegacyStats> legacy;  // with --legacy, or once a legacy.send reached a node without it

  // Indented over several lines with a newline at the end (the --stats file),
  // or with indent < 0 on one line without a newline.
  std::string to_json(int indent = 2) const;
};

class FaultInjection;
// The drops of the FaultInjection below a node, added to the node's own counters:
// filtered and blocked, and the datagrams it dropped on arrival, which the
// socket did receive.
void add_fault_counts(NodeStats& stats, const FaultInjection& faults);

}  // namespace mosaic
