#include "ffi/signature_text.hpp"

namespace mozc {

std::string type_term_text(const TypeTerm& term, const std::vector<std::string>& var_names) {
  if (term.var >= 0)
    return static_cast<size_t>(term.var) < var_names.size() ? var_names[term.var] : "T" + std::to_string(term.var);
  if (term.kind == TypeKind::List && !term.args.empty()) return "list<" + type_term_text(term.args[0], var_names) + ">";
  return Type::of(term.kind).str();
}

std::string signature_text(const std::vector<TypeTerm>& params, const TypeTerm& result,
                           const std::vector<std::string>& var_names) {
  std::string out = "(";
  for (size_t i = 0; i < params.size(); ++i) out += (i ? ", " : "") + type_term_text(params[i], var_names);
  return out + ") -> " + type_term_text(result, var_names);
}

}  // namespace mozc
