#include "emit/cpp_expr.hpp"

#include <stdexcept>

#include "check/builtins.hpp"

namespace mozc {

std::string cpp_type(const Type& t) {
  switch (t.kind) {
    case TypeKind::Int: return "int64_t";
    case TypeKind::Float: return "double";
    case TypeKind::Bool: return "bool";
    case TypeKind::String: return "std::string";
    case TypeKind::Id: return "mosaic::Id";
    case TypeKind::Addr: return "mosaic::Addr";
    case TypeKind::Tuple: return "mosaic::Packet";
    case TypeKind::Bytes: return "mosaic::Bytes";
    case TypeKind::Ip: return "mosaic::Ip";
    case TypeKind::Socket: return "mosaic::Socket";
    case TypeKind::List: return "std::vector<" + cpp_type(t.args.at(0)) + ">";
    case TypeKind::Unknown: break;
  }
  throw std::logic_error("emit: untyped value reached the emitter");
}

std::string cpp_var(const std::string& v) { return "v_" + v; }

std::string cpp_ident(const std::string& pred) {
  std::string out;
  for (char c : pred) out += c == '.' ? std::string("__") : std::string(1, c);
  return out;
}

std::string cpp_tuple_struct(const std::string& pred) { return "Tuple_" + cpp_ident(pred); }

std::string cpp_string_literal(const std::string& s) {
  std::string out = "\"";
  for (unsigned char c : s) {
    if (c == '"' || c == '\\') out += '\\', out += static_cast<char>(c);
    else if (c == '\n') out += "\\n";
    else if (c == '\t') out += "\\t";
    else if (c < 0x20 || c >= 0x7f) {
      char buf[8];
      snprintf(buf, sizeof buf, "\\%03o", c);
      out += buf;
    } else out += static_cast<char>(c);
  }
  return out + "\"";
}

std::string LiteralPool::intern(const Type& type, const std::string& init_expr) {
  std::string key = type.str() + "|" + init_expr;
  auto it = by_key_.find(key);
  if (it != by_key_.end()) return it->second;
  std::string name = "k" + std::to_string(decls_.size());
  decls_.push_back("const " + cpp_type(type) + " " + name + " = " + init_expr + ";");
  by_key_[key] = name;
  return name;
}

std::vector<std::string> LiteralPool::declarations() const { return decls_; }

std::string ExprEmitter::emit(const Expr& e) {
  switch (e.kind) {
    case ExprKind::Var: return cpp_var(e.text);
    case ExprKind::Int:
    case ExprKind::Float:
    case ExprKind::String:
    case ExprKind::Bool:
    case ExprKind::IdLit: return literal(e);
    case ExprKind::List: {
      std::string out = cpp_type(e.type) + "{";
      for (size_t i = 0; i < e.args.size(); ++i) out += (i ? ", " : "") + emit(*e.args[i]);
      return out + "}";
    }
    case ExprKind::Call: {
      // Built-ins by their name (generated code uses mosaic::builtins); the
      // user's by their qualified C++ name.
      const Signature* sig = find_function(e.text);
      std::string out = (sig && !sig->cpp_name.empty() ? sig->cpp_name : e.text) + "(";
      for (size_t i = 0; i < e.args.size(); ++i) out += (i ? ", " : "") + emit(*e.args[i]);
      return out + ")";
    }
    case ExprKind::Unary: {
      std::string x = emit(*e.args[0]);
      if (e.text == "!") return "(!" + x + ")";
      if (e.type.kind == TypeKind::Int) return "op_neg(" + x + ")";
      if (e.type.kind == TypeKind::Id) return "(mosaic::Id{} - " + x + ")";
      return "(-" + x + ")";
    }
    case ExprKind::Binary: return binary(e);
    case ExprKind::Interval:
      return "in_interval(" + emit(*e.args[0]) + ", " + emit(*e.args[1]) + ", " + emit(*e.args[2]) + ", " +
             (e.lo_closed ? "true" : "false") + ", " + (e.hi_closed ? "true" : "false") + ")";
    case ExprKind::OverlayAddr: {
      std::string make = "mosaic::Addr::overlay(" + cpp_string_literal(e.text) + ", mosaic::to_value(" + emit(*e.args[0]) + "))";
      return e.is_constant() ? pool_.intern(e.type, make) : make;
    }
    case ExprKind::TupleCons: {  // OverlaySendWrap: the tuple, encoded as a packet
      std::string out = cpp_tuple_struct(e.text) + "{";
      for (size_t i = 0; i < e.args.size(); ++i) out += (i ? ", " : "") + emit(*e.args[i]);
      return out + "}.pack()";
    }
    case ExprKind::Wildcard:
    case ExprKind::Result:
    case ExprKind::Aggregate: break;
  }
  throw std::logic_error("emit: unexpected expression");
}

std::string ExprEmitter::literal(const Expr& e) {
  const std::string& t = e.text;
  switch (e.type.kind) {
    case TypeKind::Int: return "int64_t{" + t + "}";
    case TypeKind::Float: {
      bool has_point = t.find_first_of(".eE") != std::string::npos;
      return "double{" + t + (has_point ? "" : ".0") + "}";
    }
    case TypeKind::Bool: return t;
    case TypeKind::String: return pool_.intern(e.type, cpp_string_literal(t));
    case TypeKind::Addr: return pool_.intern(e.type, "*mosaic::Addr::parse(" + cpp_string_literal(t) + ")");
    case TypeKind::Ip: return pool_.intern(e.type, "*mosaic::Ip::parse(" + cpp_string_literal(t) + ")");
    case TypeKind::Bytes: return pool_.intern(e.type, "*mosaic::Bytes::parse_hex(" + cpp_string_literal(t) + ")");
    case TypeKind::Id:
      if (e.kind == ExprKind::IdLit) return pool_.intern(e.type, "*mosaic::Id::from_hex(\"" + t + "\")");
      return pool_.intern(e.type, "mosaic::Id::from_int(" + t + ")");
    default: break;
  }
  throw std::logic_error("emit: literal of unexpected type " + e.type.str());
}

std::string ExprEmitter::binary(const Expr& e) {
  const std::string& op = e.text;
  std::string l = emit(*e.args[0]);
  std::string r = emit(*e.args[1]);
  TypeKind k = e.args[0]->type.kind;
  // Integer arithmetic wraps and never traps (division by zero yields 0).
  if (k == TypeKind::Int) {
    static const std::map<std::string, std::string> safe = {
        {"+", "op_add"}, {"-", "op_sub"}, {"*", "op_mul"}, {"/", "op_div"},
        {"%", "op_mod"}, {"<<", "op_shl"}, {">>", "op_shr"}};
    if (auto it = safe.find(op); it != safe.end()) return it->second + "(" + l + ", " + r + ")";
  }
  return "(" + l + " " + op + " " + r + ")";
}

}  // namespace mozc
