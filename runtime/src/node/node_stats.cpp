#include "node/node_stats.hpp"

#include <nlohmann/json.hpp>

#include "link/fault_injection.hpp"

namespace mosaic {

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
  if (control) {
    nlohmann::ordered_json c;
    c["port"] = control->port;
    c["clients"] = control->clients;
    c["connections"] = control->connections;
    c["requests"] = control->requests;
    c["errors"] = control->errors;
    c["dropped_clients"] = control->dropped_clients;
    j["control"] = c;
  }
  if (tun) {
    nlohmann::ordered_json t;
    t["read"] = tun->read;
    t["read_malformed"] = tun->read_malformed;
    t["read_unused"] = tun->read_unused;
    t["written"] = tun->written;
    t["write_malformed"] = tun->write_malformed;
    t["write_failed"] = tun->write_failed;
    t["no_device"] = tun->no_device;
    j["tun"] = t;
  }
  if (tcp) {
    nlohmann::ordered_json t;
    t["listening"] = tcp->listening;
    t["open"] = tcp->open;
    t["finished"] = tcp->finished;
    t["accepted"] = tcp->accepted;
    t["connected"] = tcp->connected;
    t["connect_failed"] = tcp->connect_failed;
    t["reads"] = tcp->reads;
    t["writes"] = tcp->writes;
    t["bytes_read"] = tcp->bytes_read;
    t["bytes_written"] = tcp->bytes_written;
    t["failed"] = tcp->failed;
    j["tcp"] = t;
  }
  if (indent < 0) return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  return j.dump(indent, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

void add_fault_counts(NodeStats& stats, const FaultInjection& faults) {
  stats.received += faults.dropped_arriving();
  stats.filtered += faults.filtered();
  stats.blocked += faults.blocked();
}

}  // namespace mosaic
