#include "ffi/type_mapping.hpp"

#include <clang/AST/DeclTemplate.h>

namespace mozc {

namespace {

TypeTerm term_of(TypeKind kind, std::vector<TypeTerm> args = {}) { return TypeTerm{kind, -1, std::move(args)}; }

bool is_std_record(const clang::NamedDecl* d, llvm::StringRef name) {
  return d && d->isInStdNamespace() && d->getIdentifier() && d->getName() == name;
}

const char* const kSupported =
    "Mozlog passes int64_t, double, bool, std::string, mosaic::Id, mosaic::Addr, mosaic::Ip, mosaic::Bytes, mosaic::Socket, "
    "mosaic::Packet, "
    "std::vector of those and template type parameters";

}  // namespace

std::string TypeMapper::spelled(clang::QualType type) const {
  return type.getAsString(context_.getPrintingPolicy());
}

MappedType TypeMapper::parameter(clang::QualType type) const {
  if (const auto* ref = type->getAs<clang::LValueReferenceType>()) {
    clang::QualType pointee = ref->getPointeeType();
    if (!pointee.isConstQualified())
      return {false, {}, "type '" + spelled(type) + "' is a non-const reference; Mozlog passes values (take it by value or const&)"};
    return value(pointee.getUnqualifiedType());
  }
  if (type->isRValueReferenceType())
    return {false, {}, "type '" + spelled(type) + "' is an rvalue reference; take it by value or const&"};
  return value(type.getUnqualifiedType());
}

MappedType TypeMapper::result(clang::QualType type) const {
  if (type->isVoidType()) return {false, {}, "a Mozlog function returns a value, not void"};
  if (type->isReferenceType())
    return {false, {}, "result type '" + spelled(type) + "' is a reference; return by value"};
  MappedType m = value(type.getUnqualifiedType());
  if (!m.ok) m.problem = "result " + m.problem;
  return m;
}

MappedType TypeMapper::value(clang::QualType type) const {
  if (const auto* param = type->getAs<clang::TemplateTypeParmType>()) {
    if (param->getDepth() != 0 || param->isParameterPack()) return unsupported(type);
    return {true, TypeTerm{TypeKind::Unknown, static_cast<int>(param->getIndex()), {}}, ""};
  }
  // A dependent std::vector<T>: a template specialization that is not yet a class.
  if (const auto* spec = type->getAs<clang::TemplateSpecializationType>(); spec && type->isDependentType()) {
    const clang::TemplateDecl* tmpl = spec->getTemplateName().getAsTemplateDecl();
    if (tmpl && is_std_record(tmpl->getTemplatedDecl(), "vector") && spec->getNumArgs() == 1 &&
        spec->getArg(0).getKind() == clang::TemplateArgument::Type)
      return list_of(spec->getArg(0).getAsType(), type);
    return unsupported(type);
  }
  clang::QualType canonical = type.getCanonicalType();
  if (const auto* builtin = canonical->getAs<clang::BuiltinType>()) {
    // int64_t is a typedef; compare with the target's 64-bit signed integer.
    if (context_.hasSameType(canonical, context_.getIntTypeForBitwidth(64, /*Signed=*/true)))
      return {true, term_of(TypeKind::Int), ""};
    switch (builtin->getKind()) {
      case clang::BuiltinType::Double: return {true, term_of(TypeKind::Float), ""};
      case clang::BuiltinType::Bool: return {true, term_of(TypeKind::Bool), ""};
      case clang::BuiltinType::Float:
      case clang::BuiltinType::LongDouble:
        return {false, {}, "type '" + spelled(type) + "' has no Mozlog type; use double (Mozlog's float)"};
      default:
        if (builtin->isInteger())
          return {false, {}, "type '" + spelled(type) + "' has no Mozlog type; use int64_t (Mozlog's int)"};
        return unsupported(type);
    }
  }
  if (const clang::CXXRecordDecl* record = canonical->getAsCXXRecordDecl()) {
    std::string name = record->getQualifiedNameAsString();
    if (name == "mosaic::Id") return {true, term_of(TypeKind::Id), ""};
    if (name == "mosaic::Addr") return {true, term_of(TypeKind::Addr), ""};
    if (name == "mosaic::Packet") return {true, term_of(TypeKind::Tuple), ""};
    if (name == "mosaic::Bytes") return {true, term_of(TypeKind::Bytes), ""};
    if (name == "mosaic::Ip") return {true, term_of(TypeKind::Ip), ""};
    if (name == "mosaic::Socket") return {true, term_of(TypeKind::Socket), ""};
    const auto* spec = llvm::dyn_cast<clang::ClassTemplateSpecializationDecl>(record);
    if (spec && is_std_record(spec, "basic_string") && spec->getTemplateArgs()[0].getAsType()->isCharType())
      return {true, term_of(TypeKind::String), ""};
    if (spec && is_std_record(spec, "basic_string_view"))
      return {false, {}, "type '" + spelled(type) + "' has no Mozlog type; use std::string or const std::string&"};
    if (spec && is_std_record(spec, "vector")) {
      const clang::TemplateArgumentList& args = spec->getTemplateArgs();
      bool default_allocator = args.size() == 2 && args[1].getKind() == clang::TemplateArgument::Type &&
                               is_std_record(args[1].getAsType()->getAsCXXRecordDecl(), "allocator");
      if (default_allocator) return list_of(args[0].getAsType(), type);
    }
  }
  if (canonical->isPointerType() && canonical->getPointeeType()->isCharType())
    return {false, {}, "type '" + spelled(type) + "' has no Mozlog type; use std::string or const std::string&"};
  return unsupported(type);
}

MappedType TypeMapper::list_of(clang::QualType element, clang::QualType whole) const {
  MappedType inner = value(element);
  if (!inner.ok) return {false, {}, "list type '" + spelled(whole) + "': element " + inner.problem};
  return {true, term_of(TypeKind::List, {inner.term}), ""};
}

MappedType TypeMapper::unsupported(clang::QualType type) const {
  return {false, {}, "type '" + spelled(type) + "' has no Mozlog type (" + kSupported + ")"};
}

}  // namespace mozc
