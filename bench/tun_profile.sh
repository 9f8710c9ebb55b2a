#!/usr/bin/env bash
# tun_profile.sh NODE [perf] — one MozTun pair between two fresh namespaces,
# iperf3 for 8 s through it, ping RTT after; with "perf", `perf record -g` of
# both nodes for 6 s of the transfer (perf.A.data, perf.B.data in the current
# directory). The quick loop behind docs/performance.md's "Where the speed came
# from" table; NODE_ARGS adds node options (e.g. NODE_ARGS="--tun-offload off").
# As root. Addresses 198.18.0.1-2 (veth) and 198.19.0.1-2 (tun), in namespaces
# named after this script's PID; everything started is stopped by PID and the
# namespaces are removed on exit. Bounded: iperf3 runs 8 s, every wait polls
# at most 5 s, and the whole script runs under `timeout 60`.
set -u
# The watchdog: this script again under timeout(1), whose SIGTERM runs the cleanup below.
[ -n "${TUN_PROFILE_WATCHED:-}" ] || TUN_PROFILE_WATCHED=1 exec timeout 60 "$0" "$@"
NODE=$(readlink -f "${1:?usage: tun_profile.sh NODE [perf]}"); MODE=${2:-}
A=tpA$$; B=tpB$$; WORK=$(mktemp -d); PIDS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; done
  wait 2>/dev/null
  ip netns del "$A" 2>/dev/null; ip netns del "$B" 2>/dev/null; rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 1' TERM INT
poll() { for _ in $(seq 50); do "$@" >/dev/null 2>&1 && return 0; sleep 0.1; done; echo "timed out: $*" >&2; exit 1; }

ip netns add "$A" && ip netns add "$B" || exit 1
ip link add tpvA netns "$A" type veth peer name tpvB netns "$B"
ip -n "$A" addr add 198.18.0.1/24 dev tpvA; ip -n "$A" link set tpvA up; ip -n "$A" link set lo up
ip -n "$B" addr add 198.18.0.2/24 dev tpvB; ip -n "$B" link set tpvB up; ip -n "$B" link set lo up
echo 'tunRoute("198.19.0.2", "198.18.0.2:7000").' > "$WORK/A.facts"
echo 'tunRoute("198.19.0.1", "198.18.0.1:7000").' > "$WORK/B.facts"
# shellcheck disable=SC2086  # NODE_ARGS is a list of options
ip netns exec "$A" "$NODE" --addr 198.18.0.1:7000 --facts "$WORK/A.facts" --tun mz0 --tun-addr 198.19.0.1/24 ${NODE_ARGS:-} & NA=$!; PIDS+=($NA)
# shellcheck disable=SC2086
ip netns exec "$B" "$NODE" --addr 198.18.0.2:7000 --facts "$WORK/B.facts" --tun mz0 --tun-addr 198.19.0.2/24 ${NODE_ARGS:-} & NB=$!; PIDS+=($NB)
poll ip netns exec "$A" ping -c1 -W1 198.19.0.2
ip netns exec "$B" iperf3 -s -1 -B 198.19.0.2 >/dev/null 2>&1 & PIDS+=($!)
poll sh -c "ip netns exec $B ss -ltn | grep -q :5201"
if [ "$MODE" = perf ]; then
  perf record -F 999 -g -o perf.A.data -p "$NA" -- sleep 6 >/dev/null 2>&1 & PIDS+=($!)
  perf record -F 999 -g -o perf.B.data -p "$NB" -- sleep 6 >/dev/null 2>&1 & PIDS+=($!)
fi
ip netns exec "$A" iperf3 -c 198.19.0.2 -t 8 | grep -E "receiver"
ip netns exec "$A" ping -c 20 -i 0.05 -q 198.19.0.2 | tail -1
