// The tuple type of every predicate, one line each (the codec, key and
// conversions come from mosaic::Tuple), and the secondary indexes the plan chose.
#include "emit/emit_context.hpp"

namespace mozc {

void emit_tuple_types(EmitContext& cx) {
  for (const auto& [name, p] : cx.plan.predicates) {
    const PredInfo& info = *p.info;
    std::string keys, fields;
    if (p.stored)
      for (size_t i = 0; i < info.keys.size(); ++i) keys += (i ? ", " : "") + std::to_string(info.keys[i]);
    for (size_t i = 0; i < info.arity; ++i) fields += ", " + cpp_type(info.types[i]);
    // A struct of its own, not an alias: the program's containers and
    // functions then carry this short, internal name rather than the
    // template's (each character of the predicate name mangled).
    cx.w.line("// " + name + ": " + role_name(p.role) + (info.generated ? ", made by a rewrite" : ""));
    cx.w.line("struct " + tuple_type(name) + " : Tuple<" + cpp_string_literal(name) + ", Keys<" + keys + ">" + fields +
              "> { using Tuple::Tuple; };");
    for (size_t ix = 0; ix < p.indexes.size(); ++ix) {
      std::string positions;
      for (int f : p.indexes[ix]) positions += ", " + std::to_string(f);
      cx.w.line("using " + cpp_ident(name) + "_ix" + std::to_string(ix) + " = Index<" + tuple_type(name) + positions + ">;");
    }
  }
}

}  // namespace mozc
