// Static types of Mozlog attributes.
#pragma once

#include <string>
#include <vector>

namespace mozc {

// Tuple: a nested tuple (packet). Bytes: raw bytes (an IP packet under `tun`).
// Ip: an IPv4 or IPv6 address, not a node (no port). Socket: a TCP socket of
// the node that holds it (tcp.* views), never sent to another.
enum class TypeKind { Unknown, Int, Float, Bool, String, Id, Addr, List, Tuple, Bytes, Ip, Socket };

struct Type {
  TypeKind kind = TypeKind::Unknown;
  std::vector<Type> args;  // List: the element type

  static Type of(TypeKind k) { return Type{k, {}}; }
  static Type list(Type elem) { return Type{TypeKind::List, {std::move(elem)}}; }
  bool known() const;  // no Unknown anywhere inside
  bool operator==(const Type&) const = default;
  std::string str() const;  // Mozlog spelling: int, list<addr>, ...
};

}  // namespace mozc
