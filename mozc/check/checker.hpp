// The check stage: names, arities, declarations, types, safety, placement of
// aggregates and events. Reports every problem it finds with a location.
#pragma once

#include <optional>

#include "check/program_info.hpp"
#include "diag/diagnostics.hpp"

namespace mozc {

// Annotates the program with types; nullopt if it has errors.
std::optional<CheckedProgram> check(Program program, Diagnostics& diags);

}  // namespace mozc
