#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "node/node_options.hpp"

using namespace mosaic;

namespace {

ParsedNodeOptions parse(std::vector<const char*> args) {
  args.insert(args.begin(), "node");
  return parse_node_options(static_cast<int>(args.size()), args.data());
}

}  // namespace

TEST_CASE("node options: every option, in both spellings") {
  auto p = parse({"--addr", "127.0.0.1:9001", "--facts", "f.facts", "--run-for", "2.5", "--dump=d.json",
                  "--stats", "s.json", "--drop-rate", "0.25", "--delay-ms", "12.5", "--seed", "18446744073709551615",
                  "--retry-for=4", "--log-level", "debug", "--until-idle"});
  REQUIRE(p.error.empty());
  const NodeOptions& o = p.options;
  CHECK(o.addr == Addr::ip(0x7f000001u, 9001));
  CHECK(o.facts_file == "f.facts");
  REQUIRE(o.run_for);
  CHECK(*o.run_for == 2.5);
  CHECK(o.dump_file == "d.json");
  CHECK(o.stats_file == "s.json");
  CHECK(o.drop_rate == 0.25);
  CHECK(o.delay == 0.0125);
  REQUIRE(o.seed);
  CHECK(*o.seed == UINT64_MAX);
  CHECK(o.retry_for == 4);
  CHECK(o.log_level == LogLevel::Debug);
  CHECK(o.until_idle);
  CHECK_FALSE(o.help);
}

TEST_CASE("node options: --block, repeatable") {
  auto p = parse({"--addr", "127.0.0.1:9001", "--block", "127.0.0.1:9002", "--block=localhost:9003"});
  REQUIRE(p.error.empty());
  CHECK(p.options.blocked_peers == std::vector<Addr>{Addr::ip(0x7f000001u, 9002), Addr::ip(0x7f000001u, 9003)});
  CHECK(parse({"--addr", "127.0.0.1:9001"}).options.blocked_peers.empty());
  CHECK(parse({"--addr", "127.0.0.1:9001", "--block", "x"}).error == "--block expects the IP:PORT of a peer, not 'x'");
  CHECK(node_usage("n").find("--block PEER") != std::string::npos);
}

TEST_CASE("node options: defaults") {
  auto p = parse({"--addr=localhost:9001"});
  REQUIRE(p.error.empty());
  CHECK(p.options.addr == Addr::ip(0x7f000001u, 9001));
  CHECK_FALSE(p.options.run_for);
  CHECK_FALSE(p.options.seed);
  CHECK(p.options.drop_rate == 0);
  CHECK(p.options.delay == 0);
  CHECK(p.options.retry_for == 30);
  CHECK(p.options.log_level == LogLevel::Warn);
  CHECK_FALSE(p.options.until_idle);
}

TEST_CASE("node options: --help wins over everything else") {
  CHECK(parse({"--help"}).options.help);
  CHECK(parse({"--bogus", "--help"}).error.find("bogus") != std::string::npos);  // reported in order
  CHECK(parse({"--addr", "1.2.3.4:5", "--help"}).options.help);
}

TEST_CASE("node options: --addr takes a host name, resolved once to IPv4") {
  // "127.1" is resolved by the system resolver (inet_aton's short form), not Addr::parse.
  auto p = parse({"--addr", "127.1:9001"});
  REQUIRE(p.error.empty());
  CHECK(p.options.addr == Addr::ip(0x7f000001u, 9001));
  CHECK_FALSE(parse({"--addr", "127.1:70000"}).error.empty());
}

TEST_CASE("node options: wrong command lines are errors") {
  const std::vector<std::vector<const char*>> wrong = {
      {},
      {"--facts", "x"},
      {"--addr"},
      {"--addr", "127.0.0.1"},
      {"--addr", "127.0.0.1:0"},
      {"--addr", "1.2.3.4:5", "--run-for"},
      {"--addr", "1.2.3.4:5", "--run-for", "soon"},
      {"--addr", "1.2.3.4:5", "--run-for", "-1"},
      {"--addr", "1.2.3.4:5", "--run-for", "1s"},
      {"--addr", "1.2.3.4:5", "--drop-rate", "1.5"},
      {"--addr", "1.2.3.4:5", "--drop-rate", "nan"},
      {"--addr", "1.2.3.4:5", "--delay-ms", "-1"},
      {"--addr", "1.2.3.4:5", "--delay-ms", "10001"},
      {"--addr", "1.2.3.4:5", "--seed", "-3"},
      {"--addr", "1.2.3.4:5", "--seed", "18446744073709551616"},
      {"--addr", "1.2.3.4:5", "--retry-for", "inf"},
      {"--addr", "1.2.3.4:5", "--log-level", "loud"},
      {"--addr", "1.2.3.4:5", "extra"},
      {"--addr", "1.2.3.4:5", "--until-idle=yes"},
      {"--addr", "1.2.3.4:5", "-x"},
  };
  for (const auto& args : wrong) {
    std::string line;
    for (const char* a : args) line += std::string(a) + " ";
    CAPTURE(line);
    CHECK_FALSE(parse(args).error.empty());
  }
}

TEST_CASE("node usage names the program and every option") {
  std::string usage = node_usage("chord");
  CHECK(usage.rfind("usage: chord --addr HOST:PORT", 0) == 0);
  for (const char* option : {"--addr", "--facts", "--run-for", "--dump", "--stats", "--drop-rate", "--delay-ms",
                             "--seed", "--retry-for", "--log-level", "--until-idle", "--help"}) {
    CHECK(usage.find(option) != std::string::npos);
  }
}

TEST_CASE("node options: the tun device") {
  auto p = parse({"--addr", "198.18.0.1:7000", "--tun", "mz0", "--tun-addr", "198.19.0.1/24", "--tun-mtu=1400"});
  REQUIRE(p.error.empty());
  CHECK(p.options.tun_name == "mz0");
  CHECK(p.options.tun_address == 0xc6130001u);
  CHECK(p.options.tun_prefix_length == 24);
  REQUIRE(p.options.tun_mtu);
  CHECK(*p.options.tun_mtu == 1400);
  CHECK_FALSE(parse({"--addr", "198.18.0.1:7000", "--tun", "mz0", "--tun-addr", "198.19.0.1/32"}).options.tun_mtu);

  auto error = [](std::vector<const char*> args) {
    args.insert(args.begin(), {"--addr", "198.18.0.1:7000"});
    return parse(args).error;
  };
  CHECK(error({"--tun", "mz0"}) == "--tun needs --tun-addr A.B.C.D/LEN");
  CHECK(error({"--tun-addr", "198.19.0.1/24"}) == "--tun-addr and --tun-mtu need --tun");
  CHECK(error({"--tun", "a-name-too-long-for-linux", "--tun-addr", "198.19.0.1/24"}).find("1 to 15 characters") !=
        std::string::npos);
  CHECK(error({"--tun", "a/b", "--tun-addr", "198.19.0.1/24"}).find("--tun expects") == 0);
  for (const char* bad : {"198.19.0.1", "198.19.0.1/0", "198.19.0.1/33", "fd00::1/64", "198.19.0/24", "x/24"})
    CHECK_MESSAGE(error({"--tun", "mz0", "--tun-addr", bad}).find("--tun-addr expects an IPv4 address") == 0, bad);
  CHECK(error({"--tun", "mz0", "--tun-addr", "198.19.0.1/24", "--tun-mtu", "100"}).find("--tun-mtu expects") == 0);
}
