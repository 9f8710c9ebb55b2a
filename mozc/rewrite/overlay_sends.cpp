// Overlay sends (paper §5.1, LocSpecDemux). A head addressed to an overlay
// node known at compile time,
//   a1 msg@fwd::K(S, T) :- ...
// becomes the overlay's send event carrying the tuple as its packet,
//   a1 fwd.send(K, msg(S, T)) :- ...
// so that the overlay's own data-plane rules forward it. Heads whose address
// is only known at run time (a variable of type addr) take the same path in
// the runtime's LocSpecDemux instead.
#include "rewrite/rewrite.hpp"

namespace mozc {

bool desugar_overlay_sends(CheckedProgram& cp, Diagnostics& diags) {
  bool ok = true;
  for (auto& r : cp.program.rules) {
    const ExprPtr where = r.head.location();
    if (!where || where->kind != ExprKind::OverlayAddr) continue;
    auto reject = [&](const std::string& why) {
      MOZC_DIAGNOSTIC(UnsendableToOverlayAddress, Error, "'{0}' cannot be sent to overlay address {1}::...: {2}");
      diags.emit(UnsendableToOverlayAddress, where->loc, r.head.pred, where->text, why);
      ok = false;
    };
    if (r.is_fact()) {
      reject("a fact in a program is kept by the node it names; derive the tuple in a rule instead");
      continue;
    }
    if (r.is_delete) {
      reject("deletions are not carried through overlays");
      continue;
    }
    bool aggregate = false;
    for (const auto& a : r.head.args) aggregate |= a->kind == ExprKind::Aggregate;
    if (aggregate) {
      reject("an aggregate is computed where its group lives; send the result with a second rule");
      continue;
    }
    auto packet = Expr::make(ExprKind::TupleCons, r.head.loc, r.head.pred, r.head.args);
    packet->type = Type::of(TypeKind::Tuple);
    Atom send;
    send.loc = r.head.loc;
    send.pred = send_predicate(where->text);
    send.args = {where->args[0], packet};
    r.head = std::move(send);
    if (r.derived_from.empty()) r.derived_from = r.name;
  }
  return ok;
}

}  // namespace mozc
