// What reading C++ headers for Mozlog functions asks for and gives back.
// Free of Clang types: mozc itself sees only this, and the Clang libraries stay
// inside the reader (the generator and mozc's on-demand plugin).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "check/builtins.hpp"

namespace mozc {

// Which declarations are Mozlog functions. In every case: functions (or
// function templates) whose name starts with f_, declared at namespace scope
// outside anonymous namespaces, in one of the headers themselves (not in a file
// they include, so a user header may include <mosaic/builtins.hpp>). Helpers
// without the prefix (sha1_of, op_add, ...) are never functions of Mozlog.
enum class FunctionRule {
  // stdlib/mosaic/builtins.hpp: the f_ functions must be in namespace
  // mosaic::builtins, which generated code uses; they are called unqualified.
  StdlibBuiltins,
  // --functions headers: any named namespace (or none); generated code calls
  // them by their qualified name, ::ns::f_x.
  UserHeaders,
};

struct HeaderReadRequest {
  std::vector<std::string> headers;       // as the user spelled them
  std::vector<std::string> include_dirs;  // -I: the runtime's headers and the stdlib
  std::string resource_dir;               // Clang's builtin headers (clang -print-resource-dir)
  std::string clang_executable;           // the clang binary: its driver finds libstdc++ from there
  FunctionRule rule = FunctionRule::UserHeaders;
};

// A position in a file the reader read; `file` is a requested header as the
// user spelled it, or the path Clang used for any other file.
struct FilePosition {
  std::string file;
  uint32_t offset = 0;
  bool valid = false;  // false: no position (a problem of the whole run)
};

struct HeaderMessage {
  enum class Kind { Error, Note } kind = Kind::Error;
  FilePosition where;
  std::string text;
};

struct DeclaredFunction {
  std::string name;  // the Mozlog name, f_...
  Signature signature;
  FilePosition where;
};

struct HeaderReading {
  std::vector<DeclaredFunction> functions;  // sorted by name
  std::vector<HeaderMessage> messages;      // Clang's errors and the reader's; notes follow their error
  std::vector<std::string> files_read;      // the headers and every non-system file they include
  bool ok() const {
    for (const auto& m : messages)
      if (m.kind == HeaderMessage::Kind::Error) return false;
    return true;
  }
};

}  // namespace mozc
