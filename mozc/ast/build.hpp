// Body terms as the rewrites before the checker build them (mozc/special,
// mozc/views): an assignment V := E and a selection.
#pragma once

#include <string>

#include "ast/ast.hpp"

namespace mozc {

inline BodyTerm assign_term(std::string var, ExprPtr e) {
  BodyTerm t;
  t.kind = BodyTerm::Kind::Assign;
  t.loc = e->loc;
  t.var = std::move(var);
  t.expr = std::move(e);
  return t;
}

inline BodyTerm cond_term(ExprPtr e) {
  BodyTerm t;
  t.kind = BodyTerm::Kind::Cond;
  t.loc = e->loc;
  t.expr = std::move(e);
  return t;
}

}  // namespace mozc
