// Type inference by unification. Every variable, predicate field and
// expression gets a type term; uses unify them. Literals are flexible until
// context decides: an integer literal may become int, float or id, a string
// literal string or addr (so "127.0.0.1:9001" can be an address).
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "ast/type.hpp"
#include "check/builtins.hpp"

namespace mozc {

class TypeSolver {
 public:
  enum class Flex { Any, Numeric, Textual };
  using T = int;

  T fresh(Flex flex = Flex::Any);
  T make(TypeKind kind, std::vector<T> args = {});
  T from(const Type& t);                                   // Unknown leaves become fresh variables
  T instantiate(const TypeTerm& term, std::vector<T>& vars);  // for builtin signatures

  // False when the two cannot be the same type (nothing is changed then).
  bool unify(T a, T b);
  // The type as far as it is known; unresolved flexible literals take their
  // default (int, string); other unresolved parts stay Unknown.
  Type resolve(T t) const;
  TypeKind kind(T t) const;  // Unknown while unresolved

 private:
  struct Node {
    int parent;
    TypeKind kind;  // Unknown: a variable
    std::vector<T> args;
    Flex flex;
  };
  T find(T t) const;
  bool occurs(T var, T in) const;
  bool unify_step(T a, T b);
  void bind(T var, T to, Flex flex);  // records the old nodes in trail_
  mutable std::vector<Node> nodes_;
  std::vector<std::pair<T, Node>> trail_;
};

}  // namespace mozc
