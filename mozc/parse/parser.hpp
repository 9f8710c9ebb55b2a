// Parses Mozlog files (following #include) into one Program. Syntax errors are
// reported and the parser resumes at the next statement, so one run reports many.
#pragma once

#include <string>
#include <vector>

#include "ast/ast.hpp"
#include "diag/diagnostics.hpp"

namespace mozc {

// `module_dirs`: where #include looks when the file is not next to its includer.
Program parse_program(const std::vector<std::string>& paths, SourceManager& sources, Diagnostics& diags,
                      const std::vector<std::string>& module_dirs = {});

// Rule names are scoped by file: a name used in several files becomes
// <file stem>_<name> in each (rule_scope.cpp). parse_program calls it.
void scope_rule_names(Program& program, const SourceManager& sources);

}  // namespace mozc
