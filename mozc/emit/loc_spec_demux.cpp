// The program-specific half of LocSpecDemux: which overlays route ov::x (each
// through OverlaySendWrap into its ov.send), and which addresses are this
// node's (multi-homing). The engine decides local / network / overlay.
#include "emit/emit_context.hpp"

namespace mozc {

void emit_loc_spec_demux(EmitContext& cx) {
  CppWriter& w = cx.w;
  if (cx.plan.has_role(PredRole::OverlaySend)) {
    w.line("");
    w.line("// OverlaySendWrap: a tuple for ov::x becomes the local event ov.send(x, packet).");
    w.open("bool to_overlay(const Addr& dest, Packet& packet) {");
    for (const auto& [name, p] : cx.plan.predicates) {
      if (p.role != PredRole::OverlaySend) continue;
      w.open("if (dest.overlay_name() == " + cpp_string_literal(p.overlay) + ") {");
      w.line("wrap<" + tuple_type(name) + ">(dest, std::move(packet));");
      w.line("return true;");
      w.close("}");
    }
    w.line("return false;");
    w.close("}");
  }
  if (cx.plan.has_role(PredRole::OverlayLocalAddr)) {
    w.line("");
    w.line("// This node's addresses: its IP address, and ov::X for each row X of ov.localAddr.");
    w.open("bool is_local(const Addr& a) const {");
    w.line("if (a == rt_->local_addr()) return true;");
    w.line("if (!a.is_overlay()) return false;");
    for (const auto& [name, p] : cx.plan.predicates) {
      if (p.role != PredRole::OverlayLocalAddr) continue;
      w.open("if (a.overlay_name() == " + cpp_string_literal(p.overlay) + ") {");
      w.line(tuple_type(name) + " t;");
      w.line("return convert(a.inner(), " + field_of("t", 0) + ") && " + table_member(name) + ".find(t.key()) != nullptr;");
      w.close("}");
    }
    w.line("return false;");
    w.close("}");
  }
}

}  // namespace mozc
