// Prints the syntax tree back as Mozlog source (--emit=rules) or as an
// indented tree (--emit=ast).
#pragma once

#include <ostream>
#include <string>

#include "ast/ast.hpp"

namespace mozc {

std::string expr_str(const Expr& e);
std::string atom_str(const Atom& a);
std::string rule_str(const Rule& r);
std::string materialize_str(const Materialize& m);
void print_source(std::ostream& out, const Program& p);
void print_tree(std::ostream& out, const Program& p, const SourceManager& sources);

}  // namespace mozc
