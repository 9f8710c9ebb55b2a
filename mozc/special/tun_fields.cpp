// tun(Pkt[, Src, Dst, Proto, TTL]) -> tun(Pkt) and calls on Pkt (special.hpp).
#include <set>
#include <string>

#include "ast/build.hpp"
#include "ast/visit.hpp"
#include "special/special.hpp"

namespace mozc {

namespace {

constexpr size_t kMaxTunFields = 5;  // Pkt, SrcIP, DestIP, Protocol, TTL
// The built-ins that read and rewrite header field i (1..4) of an IP packet.
constexpr const char* kGetters[] = {"f_ipSrc", "f_ipDst", "f_ipProto", "f_ipTtl"};
constexpr const char* kSetters[] = {"f_ipSetSrc", "f_ipSetDst", "f_ipSetProto", "f_ipSetTtl"};
constexpr const char* kPacketVar = "_tunPacket";

ExprPtr call(const char* fn, std::vector<ExprPtr> args, Loc loc) {
  return Expr::make(ExprKind::Call, loc, fn, std::move(args));
}

bool check_shape(const Atom& a, Diagnostics& diags) {
  MOZC_DIAGNOSTIC(TunArity, Error, "tun takes (Packet[, SrcIP, DestIP, Protocol, TTL]): 1 to 5 fields, not {0}");
  if (a.args.empty() || a.args.size() > kMaxTunFields) {
    diags.emit(TunArity, a.loc, a.args.size());
    return false;
  }
  MOZC_DIAGNOSTIC(TunNdlogLocated, Error, "tun has no location field; write tun@Node(Packet, ...) in a head");
  if (a.ndlog_located) {
    diags.emit(TunNdlogLocated, a.loc);
    return false;
  }
  return true;
}

// A body: tun(P, S, D) becomes tun(P), S := f_ipSrc(P), D := f_ipDst(P) — or
// S == f_ipSrc(P) where S is bound elsewhere in the body, and a constant field
// becomes a selection, f_ipProto(P) == 6.
bool desugar_body(Rule& r, Diagnostics& diags) {
  bool ok = true;
  for (size_t i = 0; i < r.body.size(); ++i) {
    if (r.body[i].kind != BodyTerm::Kind::Atom || r.body[i].atom.pred != kTunPredicate) continue;
    Atom& a = r.body[i].atom;
    if (!check_shape(a, diags)) {
      ok = false;
      continue;
    }
    if (a.args.size() == 1) continue;
    // Variables bound by some other term of the body: compared, not assigned.
    std::set<std::string> elsewhere;
    for (size_t j = 0; j < r.body.size(); ++j) {
      if (j == i) continue;
      if (r.body[j].kind == BodyTerm::Kind::Atom) add_variables(r.body[j].atom, elsewhere);
      else if (r.body[j].kind == BodyTerm::Kind::Assign) elsewhere.insert(r.body[j].var);
    }
    std::vector<BodyTerm> added;
    ExprPtr packet = a.args[0];
    if (!packet->is_var()) {
      ExprPtr fresh = Expr::make(ExprKind::Var, packet->loc, kPacketVar);
      if (packet->kind != ExprKind::Wildcard)
        added.push_back(cond_term(Expr::make(ExprKind::Binary, packet->loc, "==", {fresh, packet})));
      packet = fresh;
    }
    std::set<std::string> bound_here{packet->text};
    for (size_t f = 1; f < a.args.size(); ++f) {
      const ExprPtr& field = a.args[f];
      if (field->kind == ExprKind::Wildcard) continue;
      ExprPtr read = call(kGetters[f - 1], {packet}, field->loc);
      if (field->is_var() && !elsewhere.count(field->text) && bound_here.insert(field->text).second)
        added.push_back(assign_term(field->text, read));
      else
        added.push_back(cond_term(Expr::make(ExprKind::Binary, field->loc, "==", {field, read})));
    }
    a.args = {packet};
    r.body.insert(r.body.begin() + static_cast<std::ptrdiff_t>(i) + 1, added.begin(), added.end());
    i += added.size();
  }
  return ok;
}

// A head: tun@N(P, S, _, _, T) becomes tun@N(f_ipSetTtl(f_ipSetSrc(P, S), T));
// a field given as _ is left as the packet has it.
bool desugar_head(Rule& r, Diagnostics& diags) {
  Atom& h = r.head;
  if (h.pred != kTunPredicate) return true;
  if (!check_shape(h, diags)) return false;
  MOZC_DIAGNOSTIC(TunDeleted, Error, "tun is an action (a packet written to a tun device); it cannot be deleted");
  if (r.is_delete) {
    diags.emit(TunDeleted, h.loc);
    return false;
  }
  ExprPtr packet = h.args[0];
  for (size_t f = 1; f < h.args.size(); ++f) {
    if (h.args[f]->kind == ExprKind::Wildcard) continue;
    packet = call(kSetters[f - 1], {packet, h.args[f]}, h.args[f]->loc);
  }
  h.args = {packet};
  return true;
}

}  // namespace

bool desugar_tun_fields(Program& program, Diagnostics& diags) {
  bool ok = true;
  for (Rule& r : program.rules) {
    ok = desugar_head(r, diags) && ok;
    ok = desugar_body(r, diags) && ok;
  }
  return ok;
}

}  // namespace mozc
