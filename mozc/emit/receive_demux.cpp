// The program-specific half of ReceiveDemux: the strands each predicate's
// tuples start, in the plan's order (on an event, on a new row, when a row
// goes), and the admission of calls into a CView's bounded context table.
#include "emit/emit_context.hpp"

namespace mozc {

namespace {

std::string calls(const Plan& plan, const std::vector<Dispatch>& list) {
  std::string out;
  for (const auto& d : list) {
    std::string sign = d.sign == 0 ? "" : d.sign > 0 ? ", 1" : ", -1";
    out += (out.empty() ? "" : " ") + std::string("strand_") + plan.strands[d.strand].id + "(t" + sign + ");";
  }
  return out;
}

// A context table holding pending(N) calls keeps no new one: the new call
// fails at once, counted, and becomes the when_full event (the same fields as
// the row). A refresh or replacement of a stored key is no new call.
void admit(EmitContext& cx, const std::string& name, const PredInfo& info) {
  CppWriter& w = cx.w;
  w.open("bool admit(const " + tuple_type(name) + "& t) {");
  w.line("if (" + table_member(name) + ".size() < " + std::to_string(info.max_size) + " || " + table_member(name) +
         ".find(t.key())) return true;");
  w.line("rt_->dropped(Drop::CallRejected, " +
         cpp_string_literal(name + " holds " + std::to_string(info.max_size) + " pending calls (the view's pending(N))") + ");");
  if (!info.when_full.empty()) {
    std::string fields;
    for (size_t i = 0; i < info.arity; ++i) fields += (i ? ", " : "") + field_of("t", static_cast<int>(i));
    w.line("deliver(" + tuple_type(info.when_full) + "{" + fields + "}, Op::Insert, nullptr);");
  }
  w.line("return false;");
  w.close("}");
}

// A built-in view's call goes to its runtime element (TcpOp::Read for
// tcp.read), which answers with the return or fail tuple (Engine::tcp_call).
void builtin_call(CppWriter& w, const std::string& name, const PredicatePlan& p) {
  const std::string& view = p.builtin->view;
  std::string op = view.substr(view.find('.') + 1);
  op[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(op[0])));
  w.line("void on(const " + tuple_type(name) + "& t) { tcp_call<" + tuple_type(p.builtin->ret) + ", " +
         tuple_type(p.builtin->fail) + ">(TcpOp::" + op + ", t); }");
}

}  // namespace

void emit_receive_demux(EmitContext& cx) {
  CppWriter& w = cx.w;
  const Plan& plan = cx.plan;
  w.line("");
  w.line("// ReceiveDemux: the strands each predicate's tuples start.");
  for (const auto& [name, p] : plan.predicates) {
    const std::string t = tuple_type(name);
    if (p.role == PredRole::BuiltinCall) {
      builtin_call(w, name, p);
      continue;
    }
    if (!p.on_insert.empty())
      w.line("void " + std::string(p.stored ? "inserted" : "on") + "(const " + t + "& t) { " + calls(plan, p.on_insert) + " }");
    if (!p.on_remove.empty()) w.line("void removed(const " + t + "& t) { " + calls(plan, p.on_remove) + " }");
    if (p.role == PredRole::ContextTable) admit(cx, name, *p.info);
  }
}

}  // namespace mozc
