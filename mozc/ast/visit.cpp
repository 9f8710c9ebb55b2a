#include "ast/visit.hpp"

namespace mozc {

void add_variables(const Expr& e, std::set<std::string>& out) {
  if (e.kind == ExprKind::Var) out.insert(e.text);
  for (const auto& a : e.args) add_variables(*a, out);
}

void add_variables(const Atom& a, std::set<std::string>& out) {
  for (const auto& x : a.args) add_variables(*x, out);
  if (a.at) add_variables(*a.at, out);
}

void add_variables(const BodyTerm& t, std::set<std::string>& out) {
  if (t.kind == BodyTerm::Kind::Atom) return add_variables(t.atom, out);
  if (t.kind == BodyTerm::Kind::Assign) out.insert(t.var);
  add_variables(*t.expr, out);
}

namespace {

void collect_uses(const Expr& e, std::vector<const Expr*>& out) {
  if (e.kind == ExprKind::Var) out.push_back(&e);
  for (const auto& a : e.args) collect_uses(*a, out);
}

}  // namespace

std::vector<const Expr*> variable_uses(const Expr& e) {
  std::vector<const Expr*> out;
  collect_uses(e, out);
  return out;
}

std::vector<std::string> variables_in_order(const BodyTerm& t) {
  std::vector<const Expr*> uses;
  if (t.kind == BodyTerm::Kind::Atom) {
    if (t.atom.at) collect_uses(*t.atom.at, uses);
    for (const auto& a : t.atom.args) collect_uses(*a, uses);
  } else {
    collect_uses(*t.expr, uses);
  }
  std::vector<std::string> out;
  if (t.kind == BodyTerm::Kind::Assign) out.push_back(t.var);
  for (const Expr* e : uses) out.push_back(e->text);
  return out;
}

}  // namespace mozc
