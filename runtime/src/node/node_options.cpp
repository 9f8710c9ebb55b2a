#include "node/node_options.hpp"

#include <netdb.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <charconv>
#include <cmath>
#include <functional>
#include <map>

#include "link/peer_filter.hpp"
#include "mosaic/ip.hpp"
#include "log/log_control.hpp"

namespace mosaic {

namespace {

std::optional<double> parse_seconds(std::string_view text) {
  double v;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size() || !std::isfinite(v) || v < 0) {
    return std::nullopt;
  }
  return v;
}

std::optional<uint64_t> parse_unsigned(std::string_view text) {
  uint64_t v;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return v;
}

// HOST:PORT with HOST an IPv4 literal, localhost, or a name resolved to its
// first IPv4 address (a node is known by an address, so the name is resolved
// once, here).
std::optional<Addr> parse_host_port(std::string_view text, std::string& error) {
  if (auto addr = Addr::parse(text)) return addr;
  auto colon = text.rfind(':');
  if (colon == std::string_view::npos || colon == 0) {
    error = "expects HOST:PORT (a.b.c.d:port, localhost:port or hostname:port)";
    return std::nullopt;
  }
  std::string host(text.substr(0, colon));
  addrinfo hints{};
  hints.ai_family = AF_INET;
  hints.ai_socktype = SOCK_DGRAM;
  addrinfo* found = nullptr;
  if (int rc = getaddrinfo(host.c_str(), nullptr, &hints, &found); rc != 0 || !found) {
    error = "cannot resolve host '" + host + "' to an IPv4 address (" + gai_strerror(rc) + ")";
    return std::nullopt;
  }
  char ip[INET_ADDRSTRLEN] = {};
  inet_ntop(AF_INET, &reinterpret_cast<sockaddr_in*>(found->ai_addr)->sin_addr, ip, sizeof ip);
  freeaddrinfo(found);
  auto addr = Addr::parse(std::string(ip) + std::string(text.substr(colon)));
  if (!addr) error = "expects HOST:PORT with a port from 1 to 65535";
  return addr;
}

// Stores an option's value; returns "" or what is wrong with the value.
using Setter = std::function<std::string(NodeOptions&, std::string_view)>;

const std::map<std::string_view, Setter>& options_with_values() {
  static const std::map<std::string_view, Setter> table = {
      {"--addr",
       [](NodeOptions& o, std::string_view v) -> std::string {
         std::string error;
         auto addr = parse_host_port(v, error);
         if (!addr) return error;
         o.addr = *addr;
         return "";
       }},
      {"--facts", [](NodeOptions& o, std::string_view v) { o.facts_file = v; return std::string(); }},
      {"--dump", [](NodeOptions& o, std::string_view v) { o.dump_file = v; return std::string(); }},
      {"--stats", [](NodeOptions& o, std::string_view v) { o.stats_file = v; return std::string(); }},
      {"--run-for",
       [](NodeOptions& o, std::string_view v) -> std::string {
         o.run_for = parse_seconds(v);
         return o.run_for ? "" : "expects a number of seconds";
       }},
      {"--retry-for",
       [](NodeOptions& o, std::string_view v) -> std::string {
         auto s = parse_seconds(v);
         if (!s) return "expects a number of seconds";
         o.retry_for = *s;
         return "";
       }},
      {"--drop-rate",
       [](NodeOptions& o, std::string_view v) -> std::string {
         auto p = parse_seconds(v);
         if (!p || *p > 1) return "expects a fraction between 0 and 1";
         o.drop_rate = *p;
         return "";
       }},
      {"--delay-ms",
       [](NodeOptions& o, std::string_view v) -> std::string {
         auto ms = parse_seconds(v);  // any non-negative number
         if (!ms || *ms > PeerFilter::kMaxDelay * 1000) return "expects milliseconds from 0 to 10000";
         o.delay = *ms / 1000;
         return "";
       }},
      {"--seed",
       [](NodeOptions& o, std::string_view v) -> std::string {
         o.seed = parse_unsigned(v);
         return o.seed ? "" : "expects a non-negative integer";
       }},
      {"--control",
       [](NodeOptions& o, std::string_view v) -> std::string {
         auto port = parse_unsigned(v);
         if (!port || *port > 65535) return "expects a TCP port (0 for any free port)";
         o.control_port = static_cast<uint16_t>(*port);
         return "";
       }},
      {"--control-file", [](NodeOptions& o, std::string_view v) { o.control_file = v; return std::string(); }},
      {"--block",
       [](NodeOptions& o, std::string_view v) -> std::string {
         auto peer = Addr::parse(v);
         if (!peer) return "expects the IP:PORT of a peer";
         o.blocked_peers.push_back(*peer);
         return "";
       }},
      {"--tun",
       [](NodeOptions& o, std::string_view v) -> std::string {
         // IFNAMSIZ - 1 bytes; no '/', ':' or blanks (the kernel's dev_valid_name).
         if (v.empty() || v.size() > 15 || v == "." || v == ".." ||
             v.find_first_of("/: \t\n") != std::string_view::npos)
           return "expects an interface name of 1 to 15 characters without '/', ':' or blanks";
         o.tun_name = v;
         return "";
       }},
      {"--tun-addr",
       [](NodeOptions& o, std::string_view v) -> std::string {
         const char* expected = "expects an IPv4 address and prefix length, A.B.C.D/LEN";
         size_t slash = v.find('/');
         if (slash == std::string_view::npos) return expected;
         auto ip = Ip::parse(v.substr(0, slash));
         auto len = parse_unsigned(v.substr(slash + 1));
         if (!ip || !ip->is_v4() || !len || *len < 1 || *len > 32) return expected;
         o.tun_address = ip->v4_host_order();
         o.tun_prefix_length = static_cast<int>(*len);
         return "";
       }},
      {"--tun-mtu",
       [](NodeOptions& o, std::string_view v) -> std::string {
         auto mtu = parse_unsigned(v);
         if (!mtu || *mtu < 576 || *mtu > 65535) return "expects an MTU from 576 to 65535";
         o.tun_mtu = static_cast<int>(*mtu);
         return "";
       }},
      {"--tun-offload",
       [](NodeOptions& o, std::string_view v) -> std::string {
         if (v != "on" && v != "off") return "expects on or off";
         o.tun_offload = v == "on";
         return "";
       }},
      {"--legacy",
       [](NodeOptions& o, std::string_view v) -> std::string {
         auto a = Addr::parse(v);
         if (!a) return "expects the IP:PORT of this node in the legacy overlay's network";
         o.legacy_udp = *a;
         return "";
       }},
      {"--log-level",
       [](NodeOptions& o, std::string_view v) -> std::string {
         auto level = log_level_named(v);
         if (!level) return "expects error, warn, info or debug";
         o.log_level = *level;
         return "";
       }},
  };
  return table;
}

}  // namespace

ParsedNodeOptions parse_node_options(int argc, const char* const* argv) {
  ParsedNodeOptions out;
  bool have_addr = false;
  for (int i = 1; i < argc; ++i) {
    std::string_view arg = argv[i];
    if (arg == "--help" || arg == "-h") {
      out.options.help = true;
      return out;
    }
    if (arg == "--until-idle") {
      out.options.until_idle = true;
      continue;
    }
    std::string_view name = arg.substr(0, arg.find('='));
    auto option = options_with_values().find(name);
    if (option == options_with_values().end()) {
      out.error = "unknown argument '" + std::string(arg) + "'";
      return out;
    }
    std::string_view value;
    if (name.size() < arg.size()) {
      value = arg.substr(name.size() + 1);
    } else if (i + 1 < argc) {
      value = argv[++i];
    } else {
      out.error = std::string(name) + " needs a value";
      return out;
    }
    if (std::string problem = option->second(out.options, value); !problem.empty()) {
      out.error = std::string(name) + " " + problem + ", not '" + std::string(value) + "'";
      return out;
    }
    if (name == "--addr") have_addr = true;
  }
  if (!have_addr) {
    out.error = "--addr is required";
  } else if (!out.options.control_file.empty() && !out.options.control_port) {
    out.error = "--control-file needs --control";
  } else if (out.options.tun_name.empty() && (out.options.tun_prefix_length || out.options.tun_mtu)) {
    out.error = "--tun-addr and --tun-mtu need --tun";
  } else if (!out.options.tun_name.empty() && !out.options.tun_prefix_length) {
    out.error = "--tun needs --tun-addr A.B.C.D/LEN";
  }
  return out;
}

std::string node_usage(std::string_view program) {
  return "usage: " + std::string(program) +
         " --addr HOST:PORT [options]\n"
         "\n"
         "Runs one node of a compiled Mozlog program.\n"
         "\n"
         "  --addr HOST:PORT      UDP address to listen on and to be known by (required);\n"
         "                        HOST: an IPv4 address, localhost, or a name (resolved once)\n"
         "  --facts FILE          ground facts to insert at startup, in Mozlog syntax\n"
         "  --run-for SECONDS     stop after this long (default: run until SIGINT/SIGTERM)\n"
         "  --dump FILE.json      write every materialized table here on stop and on SIGUSR1\n"
         "  --stats FILE.json     write network and evaluation counters here on stop and on SIGUSR1\n"
         "  --drop-rate P         drop this fraction of incoming datagrams (testing)\n"
         "  --delay-ms MS         every datagram sent leaves this much late (testing)\n"
         "  --seed N              seed the random functions and --drop-rate\n"
         "  --retry-for SECONDS   give up a reliable message unacknowledged this long (default 30)\n"
         "  --log-level LEVEL     error, warn (default), info or debug\n"
         "  --until-idle          stop once there is no work and nothing awaits an ack\n"
         "  --control PORT        answer JSON requests on TCP 127.0.0.1:PORT (0: any free port)\n"
         "  --control-file FILE   write the control port chosen here, atomically, once listening\n"
         "  --block PEER          drop every datagram from or to IP:PORT PEER (testing; repeatable)\n"
         "  --tun NAME            create tun device NAME for the program's tun predicate (needs\n"
         "                        CAP_NET_ADMIN); it is removed when the node exits\n"
         "  --tun-addr A.B.C.D/LEN  the device's address and prefix (required with --tun)\n"
         "  --tun-mtu N           the device's MTU (default 1408: tunnelled packets fit a 1500-byte path)\n"
         "  --legacy IP:PORT      carry legacy.send tuples as UDP inside an IP-based legacy overlay's\n"
         "                        network (an OpenVPN tunnel, say), bound to this node's address there\n"
         "  --tun-offload on|off  TCP segmentation offload on the device (default on): up to 64 KiB\n"
         "                        per packet read, each sent as one (IP-fragmented) UDP datagram\n"
         "  --help                show this message\n";
}

}  // namespace mosaic
