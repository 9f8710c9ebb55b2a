// The special predicates of paper §4.6, rewritten before views and the
// checker see the program, so that every later stage knows them in one fixed
// shape: tun's header fields are sugar over plain calls, and the tcp.* views
// are built in.
#pragma once

#include "ast/ast.hpp"
#include "diag/diagnostics.hpp"

namespace mozc {

// tun(Pkt[, Src, Dst, Proto, TTL]) becomes tun(Pkt) plus built-in calls on the
// packet: in a body, the header fields are read (f_ipSrc(Pkt), ...) and bound
// or compared; in a head, the header is rewritten (f_ipSetSrc(Pkt, Src), ...,
// checksums kept right) before the packet is sent to the tun device where the
// tuple lands. Returns false (with diagnostics) on a malformed tun atom.
bool desugar_tun_fields(Program& program, Diagnostics& diags);

// The name the compiler, the runtime and the docs use for it.
inline constexpr const char* kTunPredicate = "tun";

// The TCP predicates tcp.listen, tcp.accept, tcp.connect, tcp.read, tcp.write
// and tcp.close are views the runtime answers: for each one the program calls,
// a built-in ViewDef (ViewDef::builtin, fixed parameter types) is added for the
// CView expansion. Any other tcp.* name, and a def of one, is an error.
//
// With `fuse_relays` (--cview-opt=relay), the relay idiom
//   ..., tcp.read(A, Len, &P), tcp.write(B, P, &Size), ...
// where P is used nowhere else in the rule becomes one call of the internal
// view tcp.splice(A, B, Len, &Size), which moves the data from socket to
// socket inside the kernel (splice(2)) instead of through the node. The
// results are the same: Size as the write would answer it, 0 at the end of
// A's stream (passed on as a half-close), and a failed read ends the rule.
// Rules that read tcp.read.error or tcp.write.error keep their calls.
bool add_tcp_views(Program& program, Diagnostics& diags, bool fuse_relays);

inline constexpr const char* kTcpPrefix = "tcp.";

}  // namespace mozc
