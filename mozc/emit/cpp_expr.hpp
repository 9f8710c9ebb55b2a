// C++ spellings of Mozlog types and expressions, for the emitter. Literals
// that cost something to build (strings, ids, addresses) are hoisted into
// program members once, through the literal pool.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "ast/ast.hpp"

namespace mozc {

std::string cpp_type(const Type& t);
std::string cpp_var(const std::string& mozlog_var);  // S -> v_S
std::string cpp_ident(const std::string& pred);      // ron.RT -> ron__RT
// The struct of a predicate's tuples; capitalized so no predicate name can
// clash with a C++ type (size_t, int64_t, ...).
std::string cpp_tuple_struct(const std::string& pred);  // ron.RT -> Tuple_ron__RT
std::string cpp_string_literal(const std::string& s);

class LiteralPool {
 public:
  // The member name holding this literal (created on first use).
  std::string intern(const Type& type, const std::string& init_expr);
  // Member declarations, in creation order.
  std::vector<std::string> declarations() const;

 private:
  std::map<std::string, std::string> by_key_;
  std::vector<std::string> decls_;
};

class ExprEmitter {
 public:
  explicit ExprEmitter(LiteralPool& pool) : pool_(pool) {}
  std::string emit(const Expr& e);

 private:
  std::string literal(const Expr& e);
  std::string binary(const Expr& e);
  LiteralPool& pool_;
};

}  // namespace mozc
