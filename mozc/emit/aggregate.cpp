// A table aggregate's function for one group: recomputes it from the current
// tables, or (incremental) adds or takes back one row's value. Then emits the
// new value when it changed, and deletes the old one when the group emptied.
#include "emit/emit_context.hpp"

namespace mozc {

namespace {

// The end of a group's aggregate function: `empty` says the group has no
// rows left, the local `acc` holds its value otherwise. Closes the function.
void publish_group(EmitContext& cx, const AggregatePlan& a, const std::string& empty) {
  CppWriter& w = cx.w;
  const Rule& r = *a.rule;
  const Expr& agg = *head_aggregate(r);
  const std::string last = "agg_" + a.id + "_last_";
  w.line("auto last = " + last + ".find(group);");
  std::string vals_new, vals_old;
  for (size_t i = 0; i < r.head.args.size(); ++i) {
    const Expr& f = *r.head.args[i];
    bool value = f.kind == ExprKind::Aggregate;
    std::string v = value ? "" : cx.exprs.emit(f);
    vals_new += (i ? ", " : "") + (value ? "acc." + agg.text + "()" : v);
    vals_old += (i ? ", " : "") + (value ? std::string("last->second") : v);
  }
  w.open("if (" + empty + ") {");
  w.line("if (last == " + last + ".end()) return;");
  if (a.head_stored) {
    w.line(tuple_type(r.head.pred) + " h{" + vals_old + "};");
    w.line(last + ".erase(last);");
    emit_head(cx, r, "h", HeadOp::Delete);
  } else {
    w.line(last + ".erase(last);");
  }
  w.line("return;");
  w.close("}");
  w.line("const auto value = acc." + agg.text + "();");
  w.line("if (last != " + last + ".end() && last->second == value) return;");
  w.line(last + "[group] = value;");
  w.line(tuple_type(r.head.pred) + " h{" + vals_new + "};");
  emit_head(cx, r, "h", HeadOp::Insert);
  w.close("}");
}

}  // namespace

void emit_aggregate(EmitContext& cx, const AggregatePlan& a) {
  CppWriter& w = cx.w;
  const Rule& r = *a.rule;
  const Expr& agg = *head_aggregate(r);
  const std::string arg_t = cpp_type(agg.args.empty() ? Type::of(TypeKind::Int) : r.var_types.at(agg.args[0]->text));
  std::string params, group_t, group_v;
  for (const auto& v : a.group_vars) {
    params += "const " + cpp_type(r.var_types.at(v)) + "& " + cpp_var(v) + ", ";
    group_t += (group_t.empty() ? "" : ", ") + cpp_type(r.var_types.at(v));
    group_v += (group_v.empty() ? "" : ", ") + cpp_var(v);
  }
  const std::string group = "const std::tuple<" + group_t + "> group{" + group_v + "};";
  w.line("");
  w.line("// aggregate of rule " + r.name + ": " + (a.incremental ? "update one group by one row" : "recompute one group"));
  if (a.incremental) {
    w.open("void agg_" + a.id + "(" + params + "const " + arg_t + "& x, int sign) {");
    w.line(group);
    w.line("auto& acc = agg_" + a.id + "_state_[group];");
    w.line("if (sign > 0) acc.add(x); else acc.remove(x);");
    w.line("const bool gone = acc.empty();  // (acc is not read again when gone)");
    w.line("if (gone) agg_" + a.id + "_state_.erase(group);");
    publish_group(cx, a, "gone");
    return;
  }
  if (!params.empty()) params.resize(params.size() - 2);
  w.open("void agg_" + a.id + "(" + params + ") {");
  w.line("Acc<" + arg_t + "> acc;");
  int rows = 0;
  int depth = emit_steps(cx, a.steps, a.live, rows);
  w.line("acc.add(" + (agg.args.empty() ? std::string("int64_t{1}") : cpp_var(agg.args[0]->text)) + ");");
  for (int i = 0; i < depth; ++i) w.close("}");
  w.line(group);
  publish_group(cx, a, "acc.empty()");
}

}  // namespace mozc
