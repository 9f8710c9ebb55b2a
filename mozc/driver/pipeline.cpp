#include "driver/pipeline.hpp"

#include <filesystem>
#include <sstream>

#include "ast/printer.hpp"
#include "check/checker.hpp"
#include "check/views.hpp"
#include "driver/toolchain.hpp"
#include "emit/cpp_emitter.hpp"
#include "parse/parser.hpp"
#include "rewrite/rewrite.hpp"

namespace mozc {

std::string program_name(const Options& options) {
  return std::filesystem::path(options.inputs.front()).stem().string();
}

bool compile(const Options& options, Compilation& c) {
  Program parsed = parse_program(options.inputs, c.sources, c.diags, module_dirs());
  if (c.diags.has_errors()) return false;
  if (!check_views(parsed, c.diags)) return false;
  ViewOptions views;
  views.tail_calls = options.cview_tail_calls;
  views.inline_views = options.cview_inline;
  views.local_shortcut = options.cview_shortcut;
  expand_views(parsed, views);

  c.checked = check(std::move(parsed), c.diags);
  if (!c.checked) return false;
  if (options.action == Action::EmitAst) {
    std::ostringstream out;
    print_tree(out, c.checked->program, c.sources);
    c.text = out.str();
    return true;
  }

  if (!rewrite(*c.checked, c.diags)) return false;  // the last stage that can reject a program
  if (options.action == Action::Check) return true;
  if (options.action == Action::EmitRules) {
    std::ostringstream out;
    print_source(out, c.checked->program);
    c.text = out.str();
    return true;
  }

  c.plan = plan_program(*c.checked);
  if (options.action == Action::EmitDataflow) c.text = emit_dataflow(*c.checked, c.plan, program_name(options));
  else c.text = emit_cpp(*c.checked, c.plan, program_name(options));
  return true;
}

}  // namespace mozc
