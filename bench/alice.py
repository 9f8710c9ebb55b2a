#!/usr/bin/env python3
"""Figure 7 of the paper (§7.2): a download from Alice's laptop behind her home
gateway's NAT, over the composed overlay (i3 over sr, bridged with a private
RON, tun) and over direct IP (a port forward on the gateway), with the
gateway-Bob path failing for a window mid-download.

The network is tests/netns/alice_lab.py's: network namespaces, every address
in 198.18.0.0/15, six i3 servers on Chord, a RON of Bob, the gateway G and two
helpers. Bob's access link is shaped (tbf) to a wide-area rate. Bob fetches
the file with unmodified curl; the harness samples the output file's size for
throughput over time. Runs, in one session on one network:

  1. the scenario: at school (i3 alone), a move home behind the NAT during the
     download (Alice's node restarts; G activates the home composition on the
     running nodes), then the failure window; the download must complete byte
     for byte;
  2. Figure 7: at home, the same file over MOSAIC and over direct IP, each
     with the failure from FAIL_AT for FAIL_FOR seconds.

Reported: each run's time to complete, the throughput before the failure and
MOSAIC's overhead against direct IP, the longest stall of each (direct IP
waits out the failure and TCP's backoff; MOSAIC's RON goes around it).
Writes a throughput-over-time chart (PNG, gnuplot) and a JSON summary.
Exits 0 only if every download completed byte for byte.

    python3 bench/alice.py --quick     # < 4 minutes: smaller file, shorter failure
    python3 bench/alice.py             # the paper's 21 MB, failure at 30 s for 30 s

Needs root (namespaces). Installs what it needs (iproute2, iptables, curl,
gnuplot-nox) through scripts/install-packages.sh unless --no-install."""

import argparse
import os
import platform
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(ROOT, "tests", "netns"))
sys.path.insert(0, HERE)
from bench_common import binary_info, gnuplot_string, loadavg, log, write_json  # noqa: E402
from netns import Lab, TestFailure  # noqa: E402
from alice_lab import (ALICE_HOME, DIRECT_PORT, G_PUBLIC, HTTP_PORT, TUN, AliceLab, Download,  # noqa: E402
                       HttpFile)

PACKAGES = ["iproute2", "iptables", "iputils-ping", "curl", "gnuplot-nox"]
INSTALL_SCRIPT = os.path.join(ROOT, "scripts", "install-packages.sh")
MiB = 1024 * 1024

# Figure 7's file, Bob's link rate and failure window; the scenario's file, and
# when its failure comes (after the move, which comes after a quarter of the file).
FULL = {"mbit": 2, "size": 21 * MiB, "fail_at": 30.0, "fail_for": 30.0,
        "scenario_size": 8 * MiB, "scenario_fail_at": 16.0, "scenario_fail_for": 8.0}
QUICK = {"mbit": 8, "size": 8 * MiB, "fail_at": 3.0, "fail_for": 6.0,
         "scenario_size": 12 * MiB, "scenario_fail_at": 7.0, "scenario_fail_for": 6.0}


def run_download(lab, world, url, name, size_check, fail_at=None, fail_for=None, move_at=None, max_time=600):
    """One download by Bob's curl, with the failure (and the move) at the given
    times; returns its record."""
    dl = Download(lab, world.ns["b"], url, name, max_time=max_time)
    events = []
    if move_at is not None:
        dl.wait_bytes(move_at, 120, "the bytes before the move")
        events.append(("move", dl.elapsed()))
        world.move_alice_home()
    if fail_at is not None:
        while dl.elapsed() < fail_at and dl.process.alive():
            time.sleep(0.05)
        t = dl.elapsed()
        world.fail_g_bob(True)
        time.sleep(fail_for)
        world.fail_g_bob(False)
        events.append(("failure", t, dl.elapsed()))
    code = dl.finish(timeout=max_time)
    ok = code == 0 and dl.digest() == size_check.digest
    record = {"url": url, "completed": ok, "curl_exit": code, "seconds": round(dl.seconds, 2),
              "bytes": os.path.getsize(dl.out) if os.path.exists(dl.out) else 0,
              "events": events, "samples": [(round(t, 3), b) for t, b in dl.samples],
              "longest_stall_s": round(dl.longest_stall(), 2)}
    for event in events:
        if event[0] == "failure":
            record["stall_in_failure_s"] = round(dl.longest_stall(event[1], event[2] + 60), 2)
            record["mbps_before_failure"] = round(8 * dl.bytes_between(1.0, event[1]) / max(event[1] - 1.0, 0.1)
                                                  / 1e6, 2)
        if event[0] == "move":
            record["stall_across_move_s"] = round(dl.longest_stall(event[1], event[1] + 60), 2)
    return record


def throughput_series(samples, step=1.0):
    """Mbit/s in consecutive windows of `step` s from (time, bytes) samples."""
    out, t, last_b = [], step, 0
    if not samples:
        return out
    end = samples[-1][0]
    while t <= end + step:
        b = max((bb for tt, bb in samples if tt <= t), default=0)
        out.append((round(t, 2), round(8 * (b - last_b) / step / 1e6, 3)))
        last_b, t = b, t + step
    return out


def draw_chart(summary, path, workdir):
    runs = summary["figure7"]
    files = {}
    for key in ("mosaic", "direct"):
        files[key] = os.path.join(workdir, f"{key}.tsv")
        with open(files[key], "w") as f:
            for t, mbps in throughput_series(runs[key]["samples"]):
                f.write(f"{t}\t{mbps}\n")
    fail_at, fail_for = summary["config"]["fail_at"], summary["config"]["fail_for"]
    title = (f"Figure 7: {summary['config']['size'] / MiB:.0f} MiB download from behind a NAT, "
             f"G-Bob path failed {fail_at:.0f}-{fail_at + fail_for:.0f} s "
             f"(Bob's link {summary['config']['mbit']} Mbit/s; {platform.node()})")
    script = f"""
set terminal pngcairo size 1000,460 font ",10"
set output {gnuplot_string(path)}
set title {gnuplot_string(title)}
set xlabel "time since the download started (s)"
set ylabel "throughput (Mbit/s, 1 s windows)"
set grid
set key top right
set yrange [0:*]
set object 1 rect from {fail_at},graph 0 to {fail_at + fail_for},graph 1 fc rgb "#eeeeee" fs solid behind
plot {gnuplot_string(files['mosaic'])} using 1:2 with lines lw 2 lc rgb "#4477aa" \
       title {gnuplot_string(f"MOSAIC (done at {runs['mosaic']['seconds']:.0f} s)")}, \
     {gnuplot_string(files['direct'])} using 1:2 with lines lw 2 lc rgb "#cc6677" \
       title {gnuplot_string(f"direct IP (done at {runs['direct']['seconds']:.0f} s)")}
"""
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    result = subprocess.run(["gnuplot"], input=script, capture_output=True, text=True, timeout=60)
    if result.returncode != 0:
        return f"gnuplot exited with {result.returncode}: {result.stderr.strip()}"
    return None


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="a smaller file and a shorter failure (< 4 minutes)")
    ap.add_argument("--node", default=os.path.join(ROOT, "build", "overlays", "alice"),
                    help="the composition's node binary (default build/overlays/alice)")
    ap.add_argument("--json", default=None, help="the JSON summary (default bench/results/alice[_quick].json)")
    ap.add_argument("--chart", default=None, help="the PNG chart (default docs/alice_fig7.png, none with --quick)")
    ap.add_argument("--no-install", action="store_true", help="do not install missing packages")
    args = ap.parse_args()
    if os.geteuid() != 0:
        sys.exit("alice.py needs root (network namespaces): run it with sudo")
    if not os.access(args.node, os.X_OK):
        sys.exit(f"{args.node}: no node binary (cmake --build build --target alice)")
    if not args.no_install:
        subprocess.run([INSTALL_SCRIPT, *PACKAGES], check=True, timeout=600, stdout=sys.stderr)
    config = dict(QUICK if args.quick else FULL)
    args.json = args.json or os.path.join(HERE, "results", "alice_quick.json" if args.quick else "alice.json")
    if args.chart is None and not args.quick:
        args.chart = os.path.join(ROOT, "docs", "alice_fig7.png")

    summary = {"benchmark": "alice (paper Figure 7)", "quick": args.quick, "config": config,
               "host": platform.node(), "cpus": os.cpu_count(), "loadavg_start": loadavg(),
               "node": binary_info(args.node), "date": time.strftime("%Y-%m-%dT%H:%M:%S")}
    ok = True
    try:
        with Lab("ab") as lab:
            world = AliceLab(lab, args.node, log=log)
            world.build()
            world.shape_bob(config["mbit"])
            world.start_servers()
            world.start_ron()
            world.start_alice("school")
            world.activate("school")
            summary["connected_after_s"] = round(world.wait_connected(), 1)
            log(f"school: Bob reaches Alice over i3 ({summary['connected_after_s']} s after the nodes started)")

            tun_file = HttpFile(lab, world.ns["a"], TUN["alice"], HTTP_PORT, config["scenario_size"])
            url = f"http://{TUN['alice']}:{HTTP_PORT}/blob"
            log("1. the scenario: a download across the move home and a failure window")
            scenario = run_download(lab, world, url, "scenario.blob", tun_file, move_at=config["scenario_size"] // 4,
                                    fail_at=config["scenario_fail_at"], fail_for=config["scenario_fail_for"])
            summary["scenario"] = scenario
            log(f"   {'completed byte for byte' if scenario['completed'] else 'FAILED'} in {scenario['seconds']} s; "
                f"stall across the move {scenario.get('stall_across_move_s')} s, "
                f"in the failure {scenario.get('stall_in_failure_s')} s")
            ok &= scenario["completed"]
            lab.stop(tun_file.process)

            log("2. Figure 7 at home: MOSAIC, then direct IP, each with the G-Bob failure")
            fig_file = HttpFile(lab, world.ns["a"], TUN["alice"], HTTP_PORT, config["size"])
            mosaic = run_download(lab, world, url, "mosaic.blob", fig_file,
                                  fail_at=config["fail_at"], fail_for=config["fail_for"])
            log(f"   MOSAIC: {'completed' if mosaic['completed'] else 'FAILED'} in {mosaic['seconds']} s; "
                f"{mosaic.get('mbps_before_failure')} Mbit/s before the failure; "
                f"longest stall in the failure {mosaic.get('stall_in_failure_s')} s")
            lab.stop(fig_file.process)
            direct_file = HttpFile(lab, world.ns["a"], ALICE_HOME, DIRECT_PORT, config["size"])
            direct = run_download(lab, world, f"http://{G_PUBLIC}:{DIRECT_PORT}/blob", "direct.blob", direct_file,
                                  fail_at=config["fail_at"], fail_for=config["fail_for"])
            log(f"   direct IP: {'completed' if direct['completed'] else 'FAILED'} in {direct['seconds']} s; "
                f"{direct.get('mbps_before_failure')} Mbit/s before the failure; "
                f"longest stall {direct.get('stall_in_failure_s')} s")
            lab.stop(direct_file.process)
            summary["figure7"] = {"mosaic": mosaic, "direct": direct}
            ok &= mosaic["completed"] and direct["completed"]
            if mosaic.get("mbps_before_failure") and direct.get("mbps_before_failure"):
                summary["overhead_vs_direct"] = round(1 - mosaic["mbps_before_failure"] / direct["mbps_before_failure"], 3)
            summary["mosaic_finished_first"] = mosaic["seconds"] < direct["seconds"]
            summary["loadavg_end"] = loadavg()
            if args.chart:
                error = draw_chart(summary, args.chart, lab.workdir)
                if error:
                    log(f"chart: {error}")
                    ok = False
                else:
                    log(f"chart: {args.chart}")
            for name, p in list(world.nodes.items()):
                lab.stop(p)
    except TestFailure as e:
        log(f"FAILED: {e}")
        summary["error"] = str(e)
        ok = False
    summary["ok"] = ok
    write_json(args.json, summary)
    log(f"summary: {args.json}")
    if "figure7" in summary:
        m, d = summary["figure7"]["mosaic"], summary["figure7"]["direct"]
        print(f"| run | completed | seconds | Mbit/s before the failure | longest stall in the failure (s) |")
        print(f"| --- | --- | ---: | ---: | ---: |")
        for label, r in (("MOSAIC", m), ("direct IP", d)):
            print(f"| {label} | {'yes' if r['completed'] else 'NO'} | {r['seconds']} | "
                  f"{r.get('mbps_before_failure')} | {r.get('stall_in_failure_s')} |")
        print(f"\noverhead against direct IP before the failure: {100 * summary.get('overhead_vs_direct', 0):.0f}%; "
              f"MOSAIC finished {'first' if summary['mosaic_finished_first'] else 'second'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
