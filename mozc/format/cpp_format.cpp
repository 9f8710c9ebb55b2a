#include "format/cpp_format.hpp"

#include <clang/Format/Format.h>
#include <clang/Tooling/Core/Replacement.h>

namespace mozc {

namespace {

clang::format::FormatStyle generated_code_style() {
  using clang::format::FormatStyle;
  FormatStyle style = clang::format::getGoogleStyle(FormatStyle::LK_Cpp);
  style.Standard = FormatStyle::LS_Cpp20;
  style.ColumnLimit = 100;
  style.DerivePointerAlignment = false;
  style.PointerAlignment = FormatStyle::PAS_Left;
  // Rule comments quote the Mozlog source line by line: never rewrap them.
  style.ReflowComments = false;
  // The runtime header comes first on purpose; user headers follow in command-line order.
  style.SortIncludes = FormatStyle::SI_Never;
  style.IncludeStyle.IncludeBlocks = clang::tooling::IncludeStyle::IBS_Preserve;
  style.AllowShortFunctionsOnASingleLine = FormatStyle::SFS_Inline;
  style.AllowShortBlocksOnASingleLine = FormatStyle::SBS_Never;
  return style;
}

}  // namespace

bool format_cpp(const std::string& code, std::string& formatted, std::string& error) {
  static const clang::format::FormatStyle style = generated_code_style();
  clang::tooling::Replacements edits =
      clang::format::reformat(style, code, {clang::tooling::Range(0, static_cast<unsigned>(code.size()))}, "generated.cpp");
  llvm::Expected<std::string> result = clang::tooling::applyAllReplacements(code, edits);
  if (!result) {
    error = llvm::toString(result.takeError());
    return false;
  }
  formatted = std::move(*result);
  return true;
}

}  // namespace mozc
