// The main() of every node binary (see node_options.hpp for the command line).
#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <malloc.h>

#include <csignal>
#include <cstdio>
#include <exception>
#include <functional>
#include <iostream>
#include <optional>

#include "builtins/process_rng.hpp"
#include "control/control_protocol.hpp"
#include "control/control_server.hpp"
#include "dump/atomic_file.hpp"
#include "dump/json_dump.hpp"
#include "facts/facts_file.hpp"
#include "link/fault_injection.hpp"
#include "link/udp/udp_transport.hpp"
#include "log/log_control.hpp"
#include "mosaic/program.hpp"
#include "node/node.hpp"
#include "node/node_options.hpp"
#include "tun/tun_device.hpp"
#include "tun/tun_rx.hpp"
#include "legacy/udp_substrate_adapter.hpp"

namespace mosaic {

namespace asio = boost::asio;

namespace {

// Writes --dump and --stats; returns false if either could not be written.
bool write_outputs(const NodeOptions& options, const Program& program, const std::function<NodeStats()>& stats) {
  bool ok = true;
  std::string error;
  if (!options.dump_file.empty()) {
    JsonDump dump;
    program.dump(dump);
    if (!write_file_atomically(options.dump_file, dump.text(), error)) {
      log(LogLevel::Error, error);
      ok = false;
    }
  }
  if (!options.stats_file.empty() && !write_file_atomically(options.stats_file, stats().to_json(), error)) {
    log(LogLevel::Error, error);
    ok = false;
  }
  return ok;
}

// glibc returns the top of the heap to the kernel as soon as 128 KiB are free
// there, and takes it back with brk and page faults on the next allocation: a
// tun node allocating and freeing 64 KiB packets spent a third of its time so
// (perf). Keep up to 64 MiB of freed heap instead; a node's working set is far
// smaller, so this only stops the churn.
void keep_freed_heap() {
  mallopt(M_TRIM_THRESHOLD, 64 << 20);
  mallopt(M_TOP_PAD, 4 << 20);
  mallopt(M_MMAP_THRESHOLD, 4 << 20);  // packet-sized blocks come from the heap, never from fresh mmaps
}

int run_node(const NodeOptions& options, Program& program) {
  keep_freed_heap();
  set_log_level(options.log_level);
  set_log_origin(options.addr.to_string());

  // Signals first, so that an early SIGTERM or SIGUSR1 waits for the loop instead of killing the process.
  asio::io_context io;
  asio::signal_set stop_signals(io, SIGINT, SIGTERM);
  asio::signal_set dump_signal(io, SIGUSR1);

  std::vector<Fact> facts;
  if (!options.facts_file.empty()) {
    if (std::string error = read_facts_file(options.facts_file, facts); !error.empty()) {
      std::cerr << error << "\n";
      return 1;
    }
  }

  uint64_t seed = options.seed.value_or(unpredictable_seed());
  seed_process_rng(seed);
  UdpTransport udp(io);
  FaultInjection::Config fault_config;
  fault_config.drop_rate = options.drop_rate;
  fault_config.drop_seed = seed ^ 0x5bd1e9955bd1e995ULL;  // its own stream, apart from f_rand's
  fault_config.delay = options.delay;
  FaultInjection faults(io, udp, fault_config);
  SteadyClock clock;
  NodeConfig config;
  config.addr = options.addr;
  config.retransmit.retry_for = options.retry_for;
  config.until_idle = options.until_idle;
  // The incarnation ignores --seed: a restarted node must look new even with the same seed.
  Node node(io, program, faults, clock, config, unpredictable_seed());
  if (std::string error; !node.bind(error)) {
    std::cerr << "error: cannot bind " << options.addr.to_string() << ": " << error << "\n";
    return 1;
  }

  // The tun device (--tun): Tun::Tx writes to it, Tun::Rx reads it. Opened
  // before the facts, which may already derive packets.
  tun::TunDevice tun_device;
  std::optional<tun::Rx> tun_rx;
  if (!options.tun_name.empty()) {
    tun::TunConfig tun_config;
    tun_config.name = options.tun_name;
    tun_config.address = options.tun_address;
    tun_config.prefix_length = options.tun_prefix_length;
    tun_config.mtu = options.tun_mtu.value_or(tun::kDefaultTunMtu);
    tun_config.vnet_hdr = options.tun_offload;
    tun_config.gso_max_size = tun::kMaxSuperPacket;
    if (tun::TunError error; !tun_device.open(tun_config, error)) {
      std::cerr << "error: --tun " << options.tun_name << ": " << error.message << "\n";
      return 1;
    }
    node.attach_tun(tun_device);
    tun_rx.emplace(io, tun_device, program, node.tun_stats(), [&] { node.schedule_run(); });
    log(LogLevel::Info, "tun device " + tun_device.name() + " up, mtu " + std::to_string(tun_device.mtu()) +
                            ", offloads " + tun::describe_offloads(tun_device.offloads()));
  }

  // The legacy overlay's adapter (--legacy): legacy.send goes to it, its deliveries come back.
  std::optional<legacy::UdpSubstrateAdapter> legacy_adapter;
  if (options.legacy_udp) {
    legacy_adapter.emplace(io, *options.legacy_udp, node.legacy_stats());
    if (std::string error; !legacy_adapter->open(error)) {
      std::cerr << "error: --legacy: " << error << "\n";
      return 1;
    }
    node.attach_legacy(*legacy_adapter);
    log(LogLevel::Info, "legacy overlay adapter: " + legacy_adapter->describe());
  }

  for (const Addr& peer : options.blocked_peers) faults.peer_filter().block(peer);
  program.attach(node);
  program.start();
  if (std::string error = insert_facts(options.facts_file, facts, program); !error.empty()) {
    std::cerr << error << "\n";
    return 1;
  }

  // The control endpoint, if asked for: requests are answered on this loop.
  std::optional<ControlServer> control;
  std::function<NodeStats()> stats = [&] {
    NodeStats s = node.stats();
    add_fault_counts(s, faults);
    if (control) s.control = control->stats();
    return s;
  };
  ControlHandler control_handler(program, stats, [&] { node.schedule_run(); }, &faults.peer_filter());
  if (options.control_port) {
    control.emplace(io, control_handler);
    if (std::string error; !control->open(*options.control_port, error)) {
      std::cerr << "error: cannot listen on 127.0.0.1:" << *options.control_port << " (--control): " << error << "\n";
      return 1;
    }
    if (std::string error; !options.control_file.empty() &&
                           !write_file_atomically(options.control_file, std::to_string(control->port()) + "\n", error)) {
      std::cerr << "error: " << error << "\n";
      return 1;
    }
    log(LogLevel::Info, "control endpoint on 127.0.0.1:" + std::to_string(control->port()));
    control->start();
  }

  stop_signals.async_wait([&](const boost::system::error_code& ec, int) {
    if (!ec) node.stop();
  });
  std::function<void()> await_dump_signal = [&] {
    dump_signal.async_wait([&](const boost::system::error_code& ec, int) {
      if (ec) return;
      write_outputs(options, program, stats);
      await_dump_signal();
    });
  };
  await_dump_signal();
  asio::steady_timer run_for(io);
  if (options.run_for) {
    run_for.expires_after(std::chrono::duration_cast<asio::steady_timer::duration>(
        std::chrono::duration<double>(*options.run_for)));
    run_for.async_wait([&](const boost::system::error_code& ec) {
      if (!ec) node.stop();
    });
  }

  log(LogLevel::Info, std::string("running ") + program.name() + " on " + options.addr.to_string());
  node.start();
  if (tun_rx) tun_rx->start();
  io.run();
  if (tun_rx) tun_rx->stop();

  if (auto idle = node.idle_after()) {
    std::printf("idle after %.3f s, %llu derivations\n", *idle,
                static_cast<unsigned long long>(program.derivations()));
    std::fflush(stdout);
  }
  if (control) {
    control->close();
    if (!options.control_file.empty()) std::remove(options.control_file.c_str());  // the port is no longer served
  }
  return write_outputs(options, program, stats) ? 0 : 1;
}

}  // namespace

int node_main(int argc, char** argv, std::unique_ptr<Program> program) {
  std::string name = argc > 0 && argv[0] ? argv[0] : "node";
  if (size_t slash = name.rfind('/'); slash != std::string::npos) name = name.substr(slash + 1);
  ParsedNodeOptions parsed = parse_node_options(argc, argv);
  if (parsed.options.help) {
    std::cout << node_usage(name);
    return 0;
  }
  if (!parsed.error.empty()) {
    std::cerr << name << ": " << parsed.error << "\n" << node_usage(name);
    return 2;
  }
  if (!program) {
    std::cerr << name << ": error: no program to run\n";
    return 1;
  }
  try {
    return run_node(parsed.options, *program);
  } catch (const std::exception& e) {
    std::cerr << name << ": error: " << e.what() << "\n";
    return 1;
  }
}

}  // namespace mosaic
