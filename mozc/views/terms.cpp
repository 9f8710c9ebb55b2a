#include "views/terms.hpp"

#include <sstream>

#include "ast/build.hpp"

namespace mozc::views {

std::string ident(const std::string& s) {
  std::string out;
  for (char c : s) out += c == '.' ? '_' : c;
  return out;
}

ExprPtr var(const std::string& name, Loc loc) { return Expr::make(ExprKind::Var, loc, name); }
ExprPtr wildcard(Loc loc) { return Expr::make(ExprKind::Wildcard, loc, "_"); }

// A copy of e located at loc (every subexpression too).
ExprPtr relocated(const Expr& e, Loc loc) {
  ExprPtr out = std::make_shared<Expr>(e);
  out->loc = loc;
  for (auto& a : out->args) a = relocated(*a, loc);
  return out;
}

std::string number_text(double v) {
  std::ostringstream ss;
  ss << v;
  std::string s = ss.str();
  if (s.find_first_of(".e") == std::string::npos) s += ".0";
  return s;
}

BodyTerm atom_term(Atom a) {
  BodyTerm t;
  t.kind = BodyTerm::Kind::Atom;
  t.loc = a.loc;
  t.atom = std::move(a);
  return t;
}

BodyTerm assign(const std::string& v, ExprPtr e) { return assign_term(v, std::move(e)); }

BodyTerm cond(ExprPtr e) { return cond_term(std::move(e)); }

Atom make_atom(const std::string& pred, std::vector<ExprPtr> args, Loc loc, ExprPtr at) {
  Atom a;
  a.loc = loc;
  a.pred = pred;
  a.args = std::move(args);
  a.at = std::move(at);
  return a;
}

}  // namespace mozc::views
