#!/usr/bin/env bash
# Installs (when missing) the Debian packages the network-namespace tests
# (tests/netns) need: ip and ss, ping, iptables, iperf3, curl, setpriv, sysctl;
# microsocks (the third-party proxy netns.preload checks the library against)
# and openvpn (the legacy overlay of netns.legacy_bridge). Run as root;
# tests/netns/netns.py runs it when a tool is missing, so CI never skips.
set -euo pipefail
exec "$(dirname "$0")/install-packages.sh" iproute2 iputils-ping iptables iperf3 curl util-linux procps microsocks openvpn
