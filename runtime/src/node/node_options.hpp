// The node command line, a contract that checks outside the project rely on:
//   BIN --addr HOST:PORT [--facts FILE] [--run-for SECONDS] [--dump FILE.json]
//       [--stats FILE.json] [--drop-rate P] [--delay-ms MS] [--seed N] [--retry-for SECONDS]
//       [--log-level error|warn|info|debug] [--until-idle]
//       [--control PORT [--control-file FILE]] [--block PEER ...]
//       [--tun NAME --tun-addr A.B.C.D/LEN [--tun-mtu N]] [--legacy IP:PORT] [--help]
// Each option also accepts the --name=value form.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "mosaic/addr.hpp"
#include "mosaic/log.hpp"

namespace mosaic {

struct NodeOptions {
  Addr addr;
  std::string facts_file;
  std::string dump_file;
  std::string stats_file;
  std::optional<double> run_for;  // seconds
  double drop_rate = 0;
  double delay = 0;  // --delay-ms, in seconds: every datagram sent waits this long
  std::optional<uint64_t> seed;
  double retry_for = 30;  // seconds
  LogLevel log_level = LogLevel::Warn;
  bool until_idle = false;
  std::optional<uint16_t> control_port;  // --control: TCP port on 127.0.0.1, 0 = any free one
  std::string control_file;              // --control-file: where to write the port chosen
  std::vector<Addr> blocked_peers;       // --block (repeatable): drop every datagram from or to these
  // The tun data plane (Tun::Rx / Tun::Tx): a device created, addressed and
  // brought up by the node, removed when it exits.
  std::string tun_name;             // --tun
  uint32_t tun_address = 0;         // --tun-addr, host byte order
  int tun_prefix_length = 0;
  std::optional<int> tun_mtu;       // --tun-mtu; default tun::kDefaultTunMtu
  bool tun_offload = true;          // --tun-offload on|off: TSO super-packets and checksum offload
  std::optional<Addr> legacy_udp;   // --legacy IP:PORT: the legacy overlay's adapter binds there
  bool help = false;
};

struct ParsedNodeOptions {
  NodeOptions options;
  std::string error;  // non-empty: the command line is wrong
};

ParsedNodeOptions parse_node_options(int argc, const char* const* argv);
std::string node_usage(std::string_view program);

}  // namespace mosaic
