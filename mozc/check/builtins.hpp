// Signatures of the built-in functions. They mirror the C++ declarations in
// stdlib/mosaic/builtins.hpp, which generated code calls directly.
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
  std::string text;  // "(T, list<T>) -> list<T>", for messages
};

// nullptr when `name` is not a built-in.
const Signature* find_builtin(const std::string& name);
const std::map<std::string, Signature>& builtins();

}  // namespace mozc
