// A program's tables (each with the indexes its joins use, its lifetime, size
// and eviction policy) and the state of its table aggregates.
#include "emit/emit_context.hpp"

namespace mozc {

namespace {

std::string table_type(const std::string& pred, const PredicatePlan& p) {
  std::string out = "Table<" + tuple_type(pred);
  for (size_t ix = 0; ix < p.indexes.size(); ++ix) out += ", " + cpp_ident(pred) + "_ix" + std::to_string(ix);
  return out + ">";
}

std::string group_type(const AggregatePlan& a) {
  std::string out;
  for (const auto& v : a.group_vars) out += (out.empty() ? "" : ", ") + cpp_type(a.rule->var_types.at(v));
  return "std::tuple<" + out + ">";
}

}  // namespace

void emit_tables(EmitContext& cx) {
  std::string members;
  for (const auto& [name, p] : cx.plan.predicates) {
    if (!p.stored) continue;
    const PredInfo& info = *p.info;
    std::string life = info.lifetime < 0 ? "kInfinity" : std::to_string(info.lifetime);
    std::string size = info.max_size < 0 ? "kUnbounded" : std::to_string(info.max_size);
    std::string policy;
    if (info.evict != Evict::Oldest) {
      // evict max(F): the greater F goes first; evict min(F): the lesser.
      std::string t = tuple_type(name), fa = field_of("a", info.evict_field), fb = field_of("b", info.evict_field);
      policy = ", [](const " + t + "& a, const " + t + "& b) { return " + (info.evict == Evict::Max ? fb + " < " + fa : fa + " < " + fb) +
               "; }";
    }
    cx.w.line(table_type(name, p) + " " + table_member(name) + "{" + life + ", " + size + policy + "};");
    members += (members.empty() ? "" : ", ") + table_member(name);
  }
  cx.w.line("MOSAIC_TABLES(" + members + ")");
  for (const auto& a : cx.plan.aggregates) {
    const Expr& agg = *head_aggregate(*a.rule);
    std::string arg_t = cpp_type(agg.args.empty() ? Type::of(TypeKind::Int) : a.rule->var_types.at(agg.args[0]->text));
    std::string value_t = cpp_type(cx.info(a.rule->head.pred).types[a.agg_field]);
    cx.w.line("std::unordered_map<" + group_type(a) + ", " + value_t + ", Hash> agg_" + a.id + "_last_;");
    if (a.incremental) {
      bool ordered = agg.text == "min" || agg.text == "max";
      cx.w.line("std::unordered_map<" + group_type(a) + ", RunningAcc<" + arg_t + ", " + (ordered ? "true" : "false") +
                ">, Hash> agg_" + a.id + "_state_;");
    }
  }
}

}  // namespace mozc
