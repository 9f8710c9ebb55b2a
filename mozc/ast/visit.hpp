// Walks over the AST that several stages need: the variables an expression,
// atom or body term mentions.
#pragma once

#include <set>
#include <string>
#include <vector>

#include "ast/ast.hpp"

namespace mozc {

// Adds the names of the variables in e (and its subexpressions) to out.
void add_variables(const Expr& e, std::set<std::string>& out);
// An atom's fields and its p@A location.
void add_variables(const Atom& a, std::set<std::string>& out);
// A body term's expressions; an assignment's target too.
void add_variables(const BodyTerm& t, std::set<std::string>& out);

// Each occurrence of a variable in e, in source order (for diagnostics that
// point at one).
std::vector<const Expr*> variable_uses(const Expr& e);

// The variables of a body term in order of appearance (p@A(X, A): A, X, A),
// repeats included, for rewrites whose output follows the source's order.
std::vector<std::string> variables_in_order(const BodyTerm& t);

}  // namespace mozc
