#include "node/node_stats.hpp"

#include <nlohmann/json.hpp>

#include "link/fault_injection.hpp"

// nlohmann's NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE, for ordered_json: the
// counters print in the order their structs declare them.
#define MOSAIC_COUNTERS_TO_JSON(Type, ...)                                            \
  inline void to_json(nlohmann::ordered_json& nlohmann_json_j, const Type& nlohmann_json_t) { \
    NLOHMANN_JSON_EXPAND(NLOHMANN_JSON_PASTE(NLOHMANN_JSON_TO, __VA_ARGS__))          \
  }

namespace mosaic {

MOSAIC_COUNTERS_TO_JSON(ControlStats, port, clients, connections, requests, errors, dropped_clients)
namespace tun {
MOSAIC_COUNTERS_TO_JSON(TunStats, read, read_malformed, read_unused, written, write_malformed, write_failed, no_device)
}
namespace tcp {
MOSAIC_COUNTERS_TO_JSON(TcpStats, listening, open, finished, accepted, connected, connect_failed, reads, writes,
                        bytes_read, bytes_written, failed)
}
namespace legacy {
MOSAIC_COUNTERS_TO_JSON(LegacyStats, sent, send_failed, received, malformed, no_adapter)
}

std::string NodeStats::to_json(int indent) const {
  nlohmann::ordered_json j;
  j["addr"] = addr;
  j["received"] = received;
  j["sent"] = sent;
  j["malformed"] = malformed;
  j["unroutable"] = unroutable;
  j["calls_rejected"] = calls_rejected;
  j["filtered"] = filtered;
  j["blocked"] = blocked;
  j["retransmits"] = retransmits;
  j["duplicates"] = duplicates;
  j["gave_up"] = gave_up;
  j["outstanding"] = outstanding;
  j["derivations"] = derivations;
  j["uptime_s"] = uptime_s;
  nlohmann::ordered_json m = nlohmann::ordered_json::object();
  for (const auto& [predicate, counts] : messages) m[predicate] = {{"sent", counts.sent}, {"received", counts.received}};
  j["messages"] = m;
  // The optional parts, each field by name in declaration order (the macros below).
  if (control) j["control"] = *control;
  if (tun) j["tun"] = *tun;
  if (tcp) j["tcp"] = *tcp;
  if (legacy) j["legacy"] = *legacy;
  if (indent < 0) return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  return j.dump(indent, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

void add_fault_counts(NodeStats& stats, const FaultInjection& faults) {
  stats.received += faults.dropped_arriving();
  stats.filtered += faults.filtered();
  stats.blocked += faults.blocked();
}

}  // namespace mosaic
