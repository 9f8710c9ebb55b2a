// What the checker learns about a program: every predicate's schema and
// storage, used by the later stages.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "ast/ast.hpp"

namespace mozc {

struct PredInfo {
  std::string name;
  size_t arity = 0;
  std::vector<Type> types;
  Loc first_use;
  bool materialized = false;
  double lifetime = -1;       // < 0: infinity
  int64_t max_size = -1;      // < 0: infinity
  std::vector<int> keys;      // 0-based key positions (all fields when none were given)
  Evict evict = Evict::Oldest;  // which row a full table evicts
  int evict_field = -1;       // 0-based, for Evict::Max and Evict::Min
  bool ndlog_located = false; // used as p(@A, ...): field 0 is where the tuple lives
  bool best_effort = false;   // sent without acknowledgements
  bool derived = false;       // appears in some rule head or fact
  bool generated = false;     // made by a rewrite
  bool immediate = false;     // local tuples skip the queue (CView local event shortcut)
  bool runtime_kept = false;  // localAddr: the runtime inserts its one row; no rule, fact or datagram may
  bool reject_when_full = false;  // a CView context table: see Materialize
  std::string when_full;
};

struct CheckedProgram {
  Program program;
  std::map<std::string, PredInfo> preds;  // ordered: deterministic output
};

inline bool is_periodic(const std::string& pred) { return pred == "periodic"; }

// An event is kept by no table: periodic, and every predicate not materialized.
inline bool is_event(const std::map<std::string, PredInfo>& preds, const std::string& pred) {
  return is_periodic(pred) || !preds.at(pred).materialized;
}

// Overlay data planes (paper §4.4): `ov.send(Dest, Packet)` and `ov.recv(Packet)`.
// Returns "ov" when `pred` is ov.<role> for a plain overlay name, else "".
inline std::string data_plane_overlay(const std::string& pred, const std::string& role) {
  size_t dot = pred.find('.');
  if (dot == std::string::npos || dot == 0 || pred.find('.', dot + 1) != std::string::npos) return "";
  return pred.substr(dot + 1) == role ? pred.substr(0, dot) : "";
}
inline std::string send_predicate(const std::string& overlay) { return overlay + ".send"; }

// The overlay whose data plane is not the program's rules but an adapter to
// an overlay not written in Mozlog (paper §5.4, stdlib/legacy.moz).
inline bool is_legacy_overlay(const std::string& overlay) { return overlay == "legacy"; }

// This node's own addresses (multi-homing, paper §4.3): `localAddr(A)` holds its
// IP address and is kept by the runtime; `ov.localAddr(X)` holds its addresses in
// overlay ov and is kept by ov's rules or facts. LocSpecDemux delivers a tuple
// addressed to any of them (A, or ov::X) here.
inline bool is_local_addr(const std::string& pred) { return pred == "localAddr"; }

// tun(Packet) (paper §4.6; the header fields are sugar, mozc/special): in a
// body, an event per packet read from the node's tun device (Tun::Rx); in a
// head, a packet written to the tun device where the tuple lands (Tun::Tx).
inline bool is_tun(const std::string& pred) { return pred == "tun"; }
inline std::string local_addr_overlay(const std::string& pred) { return data_plane_overlay(pred, "localAddr"); }

}  // namespace mozc
