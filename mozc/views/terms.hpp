// The pieces the CView expansion builds its generated rules from.
#pragma once

#include <string>
#include <vector>

#include "ast/ast.hpp"

namespace mozc::views {

inline constexpr const char* kQid = "_qid";  // the call a view rule serves
inline constexpr const char* kRet = "_ret";  // where that call's answer goes

// A name usable in a generated identifier: dots become underscores.
std::string ident(const std::string& s);
ExprPtr var(const std::string& name, Loc loc);
ExprPtr wildcard(Loc loc);
// A copy of e located at loc (every subexpression too).
ExprPtr relocated(const Expr& e, Loc loc);
// A float literal's text: always with a '.' or an exponent.
std::string number_text(double v);
BodyTerm atom_term(Atom a);
BodyTerm assign(const std::string& v, ExprPtr e);
BodyTerm cond(ExprPtr e);
Atom make_atom(const std::string& pred, std::vector<ExprPtr> args, Loc loc, ExprPtr at = nullptr);

}  // namespace mozc::views
