#include "node_stats.hpp"

#include <nlohmann/json.hpp>

namespace mosaic {

std::string NodeStats::to_json() const {
  nlohmann::ordered_json j;
  j["addr"] = addr;
  j["received"] = received;
  j["sent"] = sent;
  j["malformed"] = malformed;
  j["unroutable"] = unroutable;
  j["filtered"] = filtered;
  j["retransmits"] = retransmits;
  j["duplicates"] = duplicates;
  j["gave_up"] = gave_up;
  j["outstanding"] = outstanding;
  j["derivations"] = derivations;
  j["uptime_s"] = uptime_s;
  return j.dump(2) + "\n";
}

}  // namespace mosaic
