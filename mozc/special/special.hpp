// The special predicates of paper §4.6 that are sugar over plain ones, rewritten
// before views and the checker see the program, so that every later stage
// knows them in one fixed shape.
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

}  // namespace mozc
