// The callee side of CView expansion: each view's rules instantiated once per
// instance (this.X renamed, the call's query id and return address added),
// and self-recursive tail calls that forward the original call.
#include <set>

#include "views/expander.hpp"
#include "views/terms.hpp"

namespace mozc::views {

void Expander::instantiate(const ViewDef& v, const std::string& prefix) {
  if (v.builtin) return builtin_instance(v, prefix);
  for (const auto& t : v.tables) {
    Materialize m = t;
    m.pred = renamed(prefix, t.pred);
    // Each call has its own rows: the query id and return address lead the key.
    std::vector<int> keys;
    if (!m.keys.empty()) {
      keys = {1, 2};
      for (int k : t.keys) keys.push_back(k + 2);
    }
    m.keys = keys;
    p_.tables.push_back(std::move(m));
  }
  for (const auto& s : v.schemas) {
    SchemaDecl d = s;
    d.pred = renamed(prefix, s.pred);
    d.types.insert(d.types.begin(), {Type::of(TypeKind::Id), Type::of(TypeKind::Addr)});
    p_.schemas.push_back(std::move(d));
  }
  std::vector<std::string> init = describe_call(v, prefix);
  for (const auto& r : v.rules) {
    for (const Atom* a : this_atoms(r)) {
      if (a->pred == "this.init" || a->pred == "this.return") continue;
      std::vector<std::string> fields(init.begin(), init.begin() + 2);
      for (size_t k = 0; k < a->args.size(); ++k)
        fields.push_back("field " + std::to_string(k + 1) + " of " + a->pred + " in view '" + v.name + "'");
      describe(renamed(prefix, a->pred), fields, v);
    }
  }
  for (const auto& r : v.rules) {
    Rule copy = r;
    copy.type_rank = depth_.at(v.name);
    copy.name = ident(prefix) + "_" + r.name;
    copy.derived_from = r.name + " of view " + v.name;
    copy.head = callee_atom(prefix, r.head, true);
    for (auto& t : copy.body)
      if (t.kind == BodyTerm::Kind::Atom) t.atom = callee_atom(prefix, t.atom, false);
    rule_instance_[copy.name] = {&v, prefix};
    work_.push_back(std::move(copy));
  }
}

// A built-in view has no rules: the runtime element named by the view takes
// its init tuples and answers each call with its return tuple or its fail
// tuple; the fields have the view's fixed types.
void Expander::builtin_instance(const ViewDef& v, const std::string& prefix) {
  auto schema = [&](const std::string& pred, std::vector<Type> types) {
    p_.schemas.push_back(SchemaDecl{v.loc, pred, std::move(types)});
  };
  std::vector<Type> init{Type::of(TypeKind::Id), Type::of(TypeKind::Addr)};
  init.insert(init.end(), v.input_types.begin(), v.input_types.end());
  schema(prefix + ".init", init);
  std::vector<Type> ret{Type::of(TypeKind::Id)};
  ret.insert(ret.end(), v.output_types.begin(), v.output_types.end());
  schema(prefix + ".return", ret);
  schema(prefix + ".fail", {Type::of(TypeKind::Id)});
  if (error_events_.insert(failure_event(v)).second) schema(failure_event(v), v.input_types);  // one per view, not per instance
  p_.builtin_calls[prefix + ".init"] = {v.name, prefix + ".return", prefix + ".fail"};

  describe(prefix + ".fail", {describe_call(v, prefix)[0]}, v);
}

std::vector<std::string> Expander::describe_call(const ViewDef& v, const std::string& prefix) {
  const std::string call = "a call of view '" + v.name + "'";
  std::vector<std::string> init{"the query id of " + call, "the caller's address in " + call};
  auto in = params(v, v.inputs, "input"), out = params(v, v.outputs, "result");
  init.insert(init.end(), in.begin(), in.end());
  describe(prefix + ".init", init, v);
  out.insert(out.begin(), init[0]);
  describe(prefix + ".return", out, v);
  describe(failure_event(v), in, v);
  return init;
}

std::string Expander::renamed(const std::string& prefix, const std::string& pred) { return prefix + "." + pred.substr(5); }

std::vector<const Atom*> Expander::this_atoms(const Rule& r) {
  std::vector<const Atom*> out;
  if (is_this(r.head.pred)) out.push_back(&r.head);
  for (const auto& t : r.body)
    if (t.kind == BodyTerm::Kind::Atom && is_this(t.atom.pred)) out.push_back(&t.atom);
  return out;
}

Atom Expander::callee_atom(const std::string& prefix, const Atom& a, bool head) {
  if (!is_this(a.pred)) return a;
  Atom out = a;
  out.pred = renamed(prefix, a.pred);
  if (head && a.pred == "this.return") {
    out.args.insert(out.args.begin(), var(kQid, a.loc));
    out.at = var(kRet, a.loc);
    return out;
  }
  out.args.insert(out.args.begin(), {var(kQid, a.loc), var(kRet, a.loc)});
  return out;
}

bool Expander::is_tail_call(const Rule& r, const std::vector<Call>& calls, const std::vector<BodyTerm>& after,
                            const ViewDef& own, const std::string& prefix) const {
  if (calls.size() != 1 || !after.empty() || calls[0].view != &own || r.head.pred != prefix + ".return") return false;
  const Atom& call = calls[0].atom;
  size_t n = own.inputs.size();
  std::set<std::string> seen;
  for (size_t k = 0; k < own.outputs.size(); ++k) {
    const Expr& out = *call.args[n + k]->args[0];
    const Expr& head = *r.head.args[k + 1];  // after the query id
    if (out.kind != ExprKind::Var || head.kind != ExprKind::Var || out.text != head.text || !seen.insert(out.text).second)
      return false;
  }
  return true;
}

void Expander::tail_call(Rule r, const Call& call, const std::string& prefix) {
  const ViewDef& v = *call.view;
  std::vector<ExprPtr> args{var(kQid, r.loc), var(kRet, r.loc)};
  for (size_t k = 0; k < v.inputs.size(); ++k) args.push_back(call.atom.args[k]);
  r.head = make_atom(prefix + ".init", std::move(args), call.atom.loc, call.atom.at);
  r.body = call.before;
  r.derived_from = r.name + " (tail call)";
  p_.rules.push_back(std::move(r));
}

}  // namespace mozc::views
