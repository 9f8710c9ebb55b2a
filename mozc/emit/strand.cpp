// One function per strand: bind the trigger's fields, run the join steps in
// the plan's order (key lookup, index lookup or scan; assignments and
// selections as soon as their variables are bound), and hand each result to
// LocSpecDemux — or to the aggregate the strand feeds. Only the variables the
// plan lists as live are bound. Rows are named r1, r2, ... within each strand.
#include <sstream>

#include "ast/printer.hpp"
#include "emit/emit_context.hpp"

namespace mozc {

namespace {

// The rule's source, once, above its first strand; a rule that a rewrite
// split in several shows its source above the first of them.
void rule_comment(EmitContext& cx, const Rule& r) {
  const bool shown = !cx.sources_shown.insert(r.origin).second;
  cx.w.line("// rule " + r.name + " @ " + r.origin + (r.derived_from.empty() ? "" : " (rewritten from rule " + r.derived_from +
                                                                                (shown ? ", shown above)" : ")")));
  std::istringstream src(r.source_text);
  if (!shown)
    for (std::string line; std::getline(src, line);) cx.w.line("//   " + comment_text(line));
  if (!r.derived_from.empty()) cx.w.line("// as: " + comment_text(rule_str(r)));
}

int join(EmitContext& cx, const Step& st, const std::set<std::string>& live, int& rows) {
  CppWriter& w = cx.w;
  const std::string row = "r" + std::to_string(++rows);
  const std::string& pred = st.atom->pred;
  const std::string t = tuple_type(pred), table = table_member(pred);
  std::string vals;
  for (size_t i = 0; i < st.lookup_values.size(); ++i) vals += (i ? ", " : "") + cx.exprs.emit(*st.lookup_values[i]);
  int depth = 1;
  switch (st.kind) {
    case Step::Kind::KeyLookup:
      w.open("if (const " + t + "* " + row + " = " + table + ".find(" + t + "::Key{" + vals + "})) {");
      break;
    case Step::Kind::IndexLookup: {
      std::string ix = cpp_ident(pred) + "_ix" + std::to_string(st.index);
      w.open("for (auto [it, end] = " + table + ".lookup<" + std::to_string(st.index) + ">(" + ix + "::Key{" + vals +
             "}); it != end; ++it) {");
      w.line("const " + t + "* " + row + " = &it->second->row;");
      break;
    }
    default:
      w.open("for (const auto& [key, entry] : " + table + ".rows()) {");
      w.line("const " + t + "* " + row + " = &entry.row;");
      break;
  }
  if (!st.bind_local.empty() && live.count(st.bind_local))
    w.line("const Addr& " + cpp_var(st.bind_local) + " = rt_->local_addr();");
  bool uses_row = !st.checks.empty();
  for (const auto& b : st.binds) {
    if (!live.count(b.var)) continue;
    w.line("const auto& " + cpp_var(b.var) + " = " + field_of("*" + row, b.field) + ";");
    uses_row = true;
  }
  std::string cond;
  for (const auto& c : st.checks)
    cond += (cond.empty() ? "" : " && ") + field_of("*" + row, c.field) + " == " + cx.exprs.emit(*c.value);
  if (st.check_local) cond += (cond.empty() ? "" : " && ") + cx.exprs.emit(*st.check_local) + " == rt_->local_addr()";
  if (!cond.empty()) {
    w.open("if (" + cond + ") {");
    ++depth;
  }
  if (!uses_row) w.line("(void)" + row + ";");
  return depth;
}

void close_blocks(CppWriter& w, int depth) {
  for (int i = 0; i < depth; ++i) w.close("}");
}

}  // namespace

int emit_steps(EmitContext& cx, const std::vector<Step>& steps, const std::set<std::string>& live, int& rows) {
  int depth = 0;
  for (const auto& st : steps) {
    switch (st.kind) {
      case Step::Kind::Assign:
        if (live.count(st.var)) cx.w.line("const auto " + cpp_var(st.var) + " = " + cx.exprs.emit(*st.expr) + ";");
        break;
      case Step::Kind::Filter:
        cx.w.open("if (" + cx.exprs.emit(*st.expr) + ") {");
        ++depth;
        break;
      default:
        depth += join(cx, st, live, rows);
    }
  }
  return depth;
}

void emit_head(EmitContext& cx, const Rule& r, const std::string& h, HeadOp op) {
  std::string dest = "nullptr";
  if (r.head.ndlog_located) {
    dest = "&" + field_of(h, 0);
  } else if (r.head.at) {
    cx.w.line("const Addr dest = " + cx.exprs.emit(*r.head.at) + ";");
    dest = "&dest";
  }
  cx.w.line("++derivations_;");
  if (op == HeadOp::DeleteAtOnce) cx.w.line("delete_row(" + h + ");");
  else cx.w.line("deliver(std::move(" + h + "), Op::" + (op == HeadOp::Insert ? "Insert" : "Delete") + ", " + dest + ");");
}

void emit_strand(EmitContext& cx, const Strand& s) {
  CppWriter& w = cx.w;
  const Rule& r = *s.rule;
  const std::set<std::string>& live = s.live;
  w.line("");
  if (s.first_of_rule) rule_comment(cx, r);
  w.line("// strand " + s.id + ": rule " + r.name + ", on " + s.trigger->pred + ", " + mode_name(s.mode));
  const std::string trigger = tuple_type(s.trigger->pred);
  if (s.timer >= 0) w.open("void strand_" + s.id + "(int64_t trigger_event) {");
  else if (s.mode == StrandMode::AggregateDelta) w.open("void strand_" + s.id + "(const " + trigger + "& d, int sign) {");  // +1: row added, -1: gone
  else w.open("void strand_" + s.id + "(const " + trigger + "& d) {");
  if (s.timer >= 0 && !s.trigger_binds.empty() && live.count(s.trigger_binds[0].var))
    w.line("const int64_t " + cpp_var(s.trigger_binds[0].var) + " = trigger_event;");
  else if (s.timer >= 0) w.line("(void)trigger_event;");
  if (!s.trigger_bind_local.empty() && live.count(s.trigger_bind_local))
    w.line("const Addr& " + cpp_var(s.trigger_bind_local) + " = rt_->local_addr();");
  if (s.timer < 0) {
    bool uses_d = !s.trigger_checks.empty();
    for (const auto& b : s.trigger_binds) {
      if (!live.count(b.var)) continue;
      w.line("const auto& " + cpp_var(b.var) + " = " + field_of("d", b.field) + ";");
      uses_d = true;
    }
    for (const auto& c : s.trigger_checks) w.line("if (!(" + field_of("d", c.field) + " == " + cx.exprs.emit(*c.value) + ")) return;");
    if (s.trigger_check_local) w.line("if (!(" + cx.exprs.emit(*s.trigger_check_local) + " == rt_->local_addr())) return;");
    if (!uses_d) w.line("(void)d;");
  }
  int rows = 0;
  if (s.mode == StrandMode::AggregateGroups) {
    const AggregatePlan& a = cx.plan.aggregates.at(s.aggregate);
    std::string group;
    for (const auto& v : a.group_vars) group += (group.empty() ? "" : ", ") + cpp_var(v);
    if (s.steps.empty()) {  // the trigger alone names the one group it touches
      w.line("agg_" + a.id + "(" + group + ");");
    } else {
      std::string group_t;
      for (const auto& v : a.group_vars) group_t += (group_t.empty() ? "" : ", ") + cpp_type(r.var_types.at(v));
      w.line("std::vector<std::tuple<" + group_t + ">> groups;");
      if (s.recompute_trigger_group) w.line("groups.emplace_back(" + group + ");");
      int depth = emit_steps(cx, s.steps, live, rows);
      w.line("groups.emplace_back(" + group + ");");
      close_blocks(w, depth);
      w.line("std::sort(groups.begin(), groups.end());");
      w.line("groups.erase(std::unique(groups.begin(), groups.end()), groups.end());");
      w.line("for (const auto& g : groups) std::apply([this](const auto&... k) { agg_" + a.id + "(k...); }, g);");
    }
  } else if (s.mode == StrandMode::AggregateDelta) {
    const AggregatePlan& a = cx.plan.aggregates.at(s.aggregate);
    const Expr& agg = *head_aggregate(r);
    std::string args;
    for (const auto& v : a.group_vars) args += cpp_var(v) + ", ";
    int depth = emit_steps(cx, s.steps, live, rows);
    w.line("agg_" + a.id + "(" + args + (agg.args.empty() ? "int64_t{1}" : cpp_var(agg.args[0]->text)) + ", sign);");
    close_blocks(w, depth);
  } else if (s.mode == StrandMode::AggregateEvent) {
    // One firing's results, grouped by the head's other fields.
    const Expr& agg = *head_aggregate(r);
    const PredInfo& head = cx.info(r.head.pred);
    std::string key_t, key_v, head_v;
    int k = 0;
    for (size_t i = 0; i < r.head.args.size(); ++i) {
      const Expr& f = *r.head.args[i];
      if (f.kind == ExprKind::Aggregate) {
        head_v += (i ? ", " : "") + std::string("acc.") + agg.text + "()";
        continue;
      }
      key_t += (key_t.empty() ? "" : ", ") + cpp_type(head.types[i]);
      key_v += (key_v.empty() ? "" : ", ") + cx.exprs.emit(f);
      head_v += (i ? ", " : "") + std::string("std::get<") + std::to_string(k++) + ">(g)";
    }
    Type arg_t = agg.args.empty() ? Type::of(TypeKind::Int) : r.var_types.at(agg.args[0]->text);
    w.line("std::map<std::tuple<" + key_t + ">, Acc<" + cpp_type(arg_t) + ">> results;");
    int depth = emit_steps(cx, s.steps, live, rows);
    w.line("results[std::tuple<" + key_t + ">{" + key_v + "}].add(" + (agg.args.empty() ? "int64_t{1}" : cpp_var(agg.args[0]->text)) + ");");
    close_blocks(w, depth);
    w.open("for (const auto& [g, acc] : results) {");
    w.line(tuple_type(r.head.pred) + " h{" + head_v + "};");
    emit_head(cx, r, "h", HeadOp::Insert);
    w.close("}");
  } else {
    int depth = emit_steps(cx, s.steps, live, rows);
    std::string vals;
    for (size_t i = 0; i < r.head.args.size(); ++i) vals += (i ? ", " : "") + cx.exprs.emit(*r.head.args[i]);
    w.line(tuple_type(r.head.pred) + " h{" + vals + "};");
    emit_head(cx, r, "h", s.head_op);
    close_blocks(w, depth);
  }
  w.close("}");
}

}  // namespace mozc
