#include "ast/printer.hpp"

#include <sstream>

namespace mozc {

namespace {

std::string quote(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\', out += c;
    else if (c == '\n') out += "\\n";
    else if (c == '\t') out += "\\t";
    else out += c;
  }
  return out + "\"";
}

std::string join(const std::vector<ExprPtr>& xs) {
  std::string out;
  for (size_t i = 0; i < xs.size(); ++i) out += (i ? ", " : "") + expr_str(*xs[i]);
  return out;
}

std::string lifetime_str(double v) {
  if (v < 0) return "infinity";
  std::ostringstream ss;
  ss << v;
  return ss.str();
}

// An operand of an operator, parenthesized unless it is atomic, so that the
// printed program parses back to the same tree whatever the precedences.
// (A unary operator binds tighter than any binary one, so only another unary
// operator's operand needs it in parentheses: "-(-X)", not "--X".)
std::string operand_str(const Expr& x, bool of_unary = false) {
  bool compound = x.kind == ExprKind::Binary || x.kind == ExprKind::Interval || (of_unary && x.kind == ExprKind::Unary);
  return compound ? "(" + expr_str(x) + ")" : expr_str(x);
}

}  // namespace

std::string expr_str(const Expr& e) {
  switch (e.kind) {
    case ExprKind::Var: return e.text;
    case ExprKind::Wildcard: return "_";
    case ExprKind::Int:
    case ExprKind::Float:
    case ExprKind::Bool: return e.text;
    case ExprKind::String: return quote(e.text);
    case ExprKind::IdLit: return "0x" + e.text + "I";
    case ExprKind::List: return "[" + join(e.args) + "]";
    case ExprKind::Call: return e.text + "(" + join(e.args) + ")";
    case ExprKind::Unary: return e.text + operand_str(*e.args[0], true);
    case ExprKind::Binary: return operand_str(*e.args[0]) + " " + e.text + " " + operand_str(*e.args[1]);
    case ExprKind::Interval:
      return operand_str(*e.args[0]) + " in " + (e.lo_closed ? "[" : "(") + expr_str(*e.args[1]) + ", " +
             expr_str(*e.args[2]) + (e.hi_closed ? "]" : ")");
    case ExprKind::Aggregate: return e.text + "<" + (e.args.empty() ? "*" : expr_str(*e.args[0])) + ">";
    case ExprKind::OverlayAddr: return e.text + "::" + expr_str(*e.args[0]);
    case ExprKind::TupleCons: return e.text + "(" + join(e.args) + ")";
    case ExprKind::Result: return "&" + expr_str(*e.args[0]);
  }
  return "?";
}

std::string atom_str(const Atom& a) {
  std::string out = a.pred;
  if (a.at) out += "@" + expr_str(*a.at);
  out += "(";
  for (size_t i = 0; i < a.args.size(); ++i) {
    out += i ? ", " : "";
    if (i == 0 && a.ndlog_located) out += "@";
    out += expr_str(*a.args[i]);
  }
  return out + ")";
}

std::string rule_str(const Rule& r) {
  std::string out = r.name + " ";
  if (r.is_delete) out += "delete ";
  out += atom_str(r.head);
  if (!r.body.empty()) {
    out += " :- ";
    for (size_t i = 0; i < r.body.size(); ++i) {
      const auto& t = r.body[i];
      out += i ? ", " : "";
      if (t.kind == BodyTerm::Kind::Atom) out += atom_str(t.atom);
      else if (t.kind == BodyTerm::Kind::Assign) out += t.var + " := " + expr_str(*t.expr);
      else out += expr_str(*t.expr);
    }
  }
  return out + ".";
}

std::string materialize_str(const Materialize& m) {
  std::string out = "materialize(" + m.pred + ", " + lifetime_str(m.lifetime) + ", " +
                    (m.max_size < 0 ? "infinity" : std::to_string(m.max_size)) + ", keys(";
  for (size_t i = 0; i < m.keys.size(); ++i) out += (i ? "," : "") + std::to_string(m.keys[i]);
  out += ")";
  if (m.evict != Evict::Oldest)
    out += std::string(", evict ") + (m.evict == Evict::Max ? "max(" : "min(") + std::to_string(m.evict_field) + ")";
  return out + ").";
}

void print_source(std::ostream& out, const Program& p) {
  for (const auto& m : p.tables) {
    // What the syntax cannot say goes into the provenance comment, as for rules.
    if (!m.derived_from.empty()) {
      out << "/* from " << m.derived_from;
      if (m.reject_when_full)
        out << "; when full, no new row: " << (m.when_full.empty() ? std::string("the call fails") : m.when_full + "(...) instead");
      out << " */ ";
    }
    out << materialize_str(m) << "\n";
  }
  for (const auto& b : p.best_effort) out << "best_effort(" << b.pred << ").\n";
  for (const auto& s : p.schemas) {
    out << "schema " << s.pred << "(";
    for (size_t i = 0; i < s.types.size(); ++i) out << (i ? ", " : "") << s.types[i].str();
    out << ").\n";
  }
  out << "\n";
  for (const auto& r : p.rules) {
    if (!r.derived_from.empty()) out << "/* from " << r.derived_from << (r.at_once ? ", at once" : "") << " */ ";
    out << rule_str(r) << "\n";
  }
}

void print_tree(std::ostream& out, const Program& p, const SourceManager& sources) {
  auto where = [&](Loc loc) {
    if (!loc.valid()) return std::string("<generated>");
    LineCol lc = sources.line_col(loc);
    return sources.name(loc.file) + ":" + std::to_string(lc.line) + ":" + std::to_string(lc.col);
  };
  for (const auto& m : p.tables)
    out << "Materialize " << m.pred << " @ " << where(m.loc) << "\n  " << materialize_str(m) << "\n";
  for (const auto& s : p.schemas) out << "Schema " << s.pred << " @ " << where(s.loc) << "\n";
  for (const auto& b : p.best_effort) out << "BestEffort " << b.pred << " @ " << where(b.loc) << "\n";
  for (const auto& r : p.rules) {
    out << (r.is_fact() ? "Fact " : "Rule ") << r.name << (r.is_delete ? " (delete)" : "") << " @ "
        << where(r.loc) << "\n";
    out << "  Head " << atom_str(r.head) << "\n";
    for (const auto& t : r.body) {
      if (t.kind == BodyTerm::Kind::Atom) out << "  Atom " << atom_str(t.atom) << "\n";
      else if (t.kind == BodyTerm::Kind::Assign) out << "  Assign " << t.var << " := " << expr_str(*t.expr) << "\n";
      else out << "  Select " << expr_str(*t.expr) << "\n";
    }
    for (const auto& [v, ty] : r.var_types) out << "  Var " << v << ": " << ty.str() << "\n";
  }
}

bool Expr::is_constant() const {
  switch (kind) {
    case ExprKind::Int: case ExprKind::Float: case ExprKind::String: case ExprKind::Bool: case ExprKind::IdLit:
      return true;
    case ExprKind::List:
    case ExprKind::OverlayAddr:
    case ExprKind::TupleCons:
      for (const auto& a : args)
        if (!a->is_constant()) return false;
      return true;
    case ExprKind::Unary:
      return args[0]->is_constant();
    default: return false;
  }
}

}  // namespace mozc
