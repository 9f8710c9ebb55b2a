// The control endpoint's protocol (--control), without sockets: one JSON
// object per line in, one per line out.
//   {"op":"insert","facts":"p(1). q(\"a\")."}  -> {"ok":true,"inserted":2}
//   {"op":"dump","table":"succ"}               -> {"ok":true,"table":"succ","rows":[[...], ...]}
//   {"op":"dump"}                              -> {"ok":true,"tables":{"T":[[...], ...], ...}}
//   {"op":"stats"}                             -> {"ok":true,"stats":{...the --stats object...}}
//   {"op":"watch","table":"succ","interval":0.5}
//        -> a dump line for the table now, then one whenever its rows change
//   {"op":"block","peer":"127.0.0.1:9002"}     -> {"ok":true,"blocked":["127.0.0.1:9002", ...]}
//   {"op":"unblock","peer":"127.0.0.1:9002"}   -> {"ok":true,"blocked":[...]} (no "peer": every one)
//   {"op":"delay","peer":"127.0.0.1:9002","ms":20} -> {"ok":true,"delays":{"127.0.0.1:9002":20, ...}} (ms 0: none)
// Anything wrong -> {"ok":false,"error":"..."}. A request's "id" (any JSON
// value) is echoed in its replies. Rows are in the --dump encoding.
#pragma once

#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "link/peer_filter.hpp"
#include "mosaic/program.hpp"
#include "node/node_stats.hpp"

namespace mosaic {

constexpr size_t kMaxControlLine = 1 << 20;     // bytes in one request line, newline excluded
constexpr double kMinWatchInterval = 0.05;      // seconds; smaller intervals are raised to this
constexpr double kMaxWatchInterval = 3600;      // seconds; larger ones are lowered to this
constexpr double kDefaultWatchInterval = 0.5;

struct ControlRequest {
  enum class Op { Insert, Dump, Stats, Watch, Block, Unblock, Delay };
  Op op = Op::Stats;
  std::string facts;                 // insert
  std::optional<std::string> table;  // dump (all tables if absent), watch (required)
  double interval = kDefaultWatchInterval;  // watch, within [kMinWatchInterval, kMaxWatchInterval]
  std::optional<Addr> peer;          // block and delay (required), unblock (every peer if absent)
  double delay_ms = 0;               // delay, within [0, PeerFilter::kMaxDelay s]
  std::string id;                    // the request's "id" as JSON text, "" if none
};

struct ParsedControlRequest {
  std::optional<ControlRequest> request;
  std::string error;  // when there is no request: what is wrong with the line
  std::string id;     // the "id" as JSON text, if the line was an object that had one
};

ParsedControlRequest parse_control_request(std::string_view line);

// {"ok":false[,"id":ID],"error":"MESSAGE"}
std::string control_error_reply(std::string_view message, const std::string& id = "");

// A watch in progress: the table and the rows the client saw last.
struct ControlWatch {
  std::string table;
  double interval = kDefaultWatchInterval;
  std::string id;
  std::string last_rows;
};

// Answers requests against one program. Runs on the node's event loop.
class ControlHandler {
 public:
  // `stats` gives the node's counters; `work_added` is called after facts
  // were inserted (the node then runs the program); `peers` is the node's
  // drop filter for block, unblock and delay (without one they are refused).
  ControlHandler(Program& program, std::function<NodeStats()> stats, std::function<void()> work_added,
                 PeerFilter* peers = nullptr)
      : program_(program), stats_(std::move(stats)), work_added_(std::move(work_added)), peers_(peers) {}

  struct Result {
    std::string reply;  // one JSON line, without the newline
    bool ok = false;
    std::optional<ControlWatch> watch;  // a watch request that was accepted
  };
  // Handles one request line (newline removed). Never throws.
  Result handle_line(std::string_view line);
  // The next line for a watch if its table's rows changed since the last one.
  std::optional<std::string> watch_update(ControlWatch& watch) const;

 private:
  Result handle(const ControlRequest& request);
  Result insert(const ControlRequest& request);
  Result dump(const ControlRequest& request) const;
  Result block(const ControlRequest& request);
  Result delay(const ControlRequest& request);
  // One table's rows on one line; nullopt (and `error`) if the program has no such table.
  std::optional<std::string> table_rows(const std::string& table, std::string& error) const;
  std::string table_reply(const std::string& table, const std::string& rows, const std::string& id) const;

  Program& program_;
  std::function<NodeStats()> stats_;
  std::function<void()> work_added_;
  PeerFilter* peers_;
};

}  // namespace mosaic
