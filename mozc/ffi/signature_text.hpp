// Mozlog spelling of a signature, "(list<T>, T) -> bool", with type variables
// named after the C++ template parameters they come from.
#pragma once

#include <string>
#include <vector>

#include "check/builtins.hpp"

namespace mozc {

std::string type_term_text(const TypeTerm& term, const std::vector<std::string>& var_names);
std::string signature_text(const std::vector<TypeTerm>& params, const TypeTerm& result,
                           const std::vector<std::string>& var_names);

}  // namespace mozc
