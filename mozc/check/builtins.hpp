// Signatures of the functions Mozlog programs call: the built-ins, read from
// the C++ declarations in stdlib/mosaic/builtins.hpp when mozc is built (see
// mozc/ffi), and the user's own, read from --functions headers per compile.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "ast/type.hpp"

namespace mozc {

// A signature over type variables: a type term whose Unknown-kind leaves are
// numbered variables (TypeTerm::var >= 0).
struct TypeTerm {
  TypeKind kind = TypeKind::Unknown;
  int var = -1;
  std::vector<TypeTerm> args;
};

struct Signature {
  std::vector<TypeTerm> params;
  TypeTerm result;
  std::string text;      // "(T, list<T>) -> list<T>", for messages
  std::string cpp_name;  // how generated code calls it; empty: the Mozlog name (built-ins)
  // Declared MOSAIC_IMPURE (f_now, f_rand, ...): two calls may differ, so the
  // planner calls it once per body match rather than once per trigger.
  bool impure = false;
};

using FunctionTable = std::map<std::string, Signature>;

// nullptr when `name` is not a built-in.
const Signature* find_builtin(const std::string& name);
const FunctionTable& builtins();

// Generated at build time from stdlib/mosaic/builtins.hpp (mozc_builtins_gen).
FunctionTable stdlib_builtin_signatures();

// The user's functions are known for the lifetime of one of these (one
// compilation): the checker's interface predates them, so they are found
// through find_function() rather than passed along.
class UserFunctionScope {
 public:
  explicit UserFunctionScope(const FunctionTable& functions);
  ~UserFunctionScope();
  UserFunctionScope(const UserFunctionScope&) = delete;
  UserFunctionScope& operator=(const UserFunctionScope&) = delete;

 private:
  const FunctionTable* previous_;
};

// A built-in, or else a user function of the current scope; nullptr if neither.
const Signature* find_function(const std::string& name);

}  // namespace mozc
