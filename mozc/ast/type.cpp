#include "ast/type.hpp"

namespace mozc {

bool Type::known() const {
  if (kind == TypeKind::Unknown) return false;
  for (const auto& a : args)
    if (!a.known()) return false;
  return true;
}

std::string Type::str() const {
  switch (kind) {
    case TypeKind::Unknown: return "?";
    case TypeKind::Int: return "int";
    case TypeKind::Float: return "float";
    case TypeKind::Bool: return "bool";
    case TypeKind::String: return "string";
    case TypeKind::Id: return "id";
    case TypeKind::Addr: return "addr";
    case TypeKind::Tuple: return "tuple";
    case TypeKind::Bytes: return "bytes";
    case TypeKind::Ip: return "ip";
    case TypeKind::Socket: return "socket";
    case TypeKind::List: return "list<" + (args.empty() ? std::string("?") : args[0].str()) + ">";
  }
  return "?";
}

}  // namespace mozc
