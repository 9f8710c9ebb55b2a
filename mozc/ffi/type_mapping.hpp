// C++ types of a function's parameters and result, as Mozlog types.
//
//   int64_t -> int      double -> float      bool -> bool
//   std::string -> string       mosaic::Id -> id     mosaic::Addr -> addr
//   mosaic::Packet -> tuple     std::vector<T> -> list<T>
//   a template type parameter T -> a type variable
//
// Parameters are taken by value or by const reference; results by value.
// Anything else (int, float, pointers, non-const references, ...) has no
// Mozlog type: the mapping says why, so the reader can point at it.
#pragma once

#include <string>
#include <vector>

#include <clang/AST/ASTContext.h>
#include <clang/AST/Type.h>

#include "check/builtins.hpp"

namespace mozc {

struct MappedType {
  bool ok = false;
  TypeTerm term;
  std::string problem;  // when !ok: what is wrong, ready for a message
};

class TypeMapper {
 public:
  explicit TypeMapper(const clang::ASTContext& context) : context_(context) {}
  MappedType parameter(clang::QualType type) const;
  MappedType result(clang::QualType type) const;

 private:
  MappedType value(clang::QualType type) const;
  MappedType unsupported(clang::QualType type) const;
  MappedType list_of(clang::QualType element, clang::QualType whole) const;
  std::string spelled(clang::QualType type) const;
  const clang::ASTContext& context_;
};

}  // namespace mozc
