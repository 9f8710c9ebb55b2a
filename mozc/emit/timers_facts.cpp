// The program's periodic timers and the facts written in it.
#include <sstream>

#include "ast/printer.hpp"
#include "emit/emit_context.hpp"

namespace mozc {

namespace {

std::string one_line(const std::string& s) {
  std::string out;
  for (char c : s) out += (c == '\n' || c == '\r') ? ' ' : c;
  return out;
}

}  // namespace

void emit_timers_and_facts(EmitContext& cx) {
  CppWriter& w = cx.w;
  const Plan& plan = cx.plan;
  std::string specs;
  for (size_t i = 0; i < plan.timers.size(); ++i) {
    std::ostringstream period;
    period << plan.timers[i].period;
    std::string ps = period.str();
    if (ps.find_first_of(".e") == std::string::npos) ps += ".0";
    specs += (i ? ", " : "") + std::string("{") + ps + ", " + std::to_string(plan.timers[i].count) + "}";
  }
  w.line("std::vector<PeriodicSpec> periodics() const override { return {" + specs + "}; }");
  w.open("void fire_periodic(size_t timer, int64_t event_id) override {");
  w.line("switch (timer) {");
  for (const auto& s : plan.strands)
    if (s.timer >= 0) w.line("  case " + std::to_string(s.timer) + ": strand_" + s.id + "(event_id); break;");
  w.line("  default: (void)event_id; break;");
  w.line("}");
  w.close("}");

  // Facts written in the program: each node keeps those located at itself.
  w.open("void start() override {");
  if (plan.has_role(PredRole::RuntimeAddr))
    w.line("enqueue(" + tuple_type("localAddr") + "{rt_->local_addr()}, Op::Insert);  // the runtime's, not the rules'");
  for (const Rule* r : plan.facts) {
    std::string vals;
    for (size_t i = 0; i < r->head.args.size(); ++i) vals += (i ? ", " : "") + cx.exprs.emit(*r->head.args[i]);
    std::string t = tuple_type(r->head.pred) + "{" + vals + "}";
    w.line("// " + r->origin + ": " + comment_text(one_line(r->source_text)));
    if (r->head.at) {
      w.line("if (" + cx.exprs.emit(*r->head.at) + " == rt_->local_addr()) enqueue(" + t + ", Op::Insert);");
    } else if (r->head.ndlog_located) {
      w.open("if (" + tuple_type(r->head.pred) + " t{" + vals + "}; " + field_of("t", 0) + " == rt_->local_addr()) {");
      w.line("enqueue(std::move(t), Op::Insert);");
      w.close("}");
    } else {
      w.line("enqueue(" + t + ", Op::Insert);");
    }
  }
  w.close("}");
}

}  // namespace mozc
