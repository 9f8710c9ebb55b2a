#include "driver/user_functions.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>

#include "driver/clang_plugin.hpp"
#include "driver/toolchain.hpp"

namespace mozc {

namespace {

// Shows positions in the headers through mozc's own diagnostics, loading each
// file once.
class HeaderLocations {
 public:
  explicit HeaderLocations(SourceManager& sources) : sources_(sources) {}
  Loc at(const FilePosition& p) {
    if (!p.valid) return {};
    auto it = files_.find(p.file);
    if (it == files_.end()) it = files_.emplace(p.file, sources_.load(p.file)).first;
    return it->second ? Loc{*it->second, p.offset} : Loc{};
  }

 private:
  SourceManager& sources_;
  std::map<std::string, std::optional<int32_t>> files_;
};

// Fills in how generated code includes the headers: by file name, with their
// directories for -I. Two headers of one name could not both be included so.
bool header_include_names(const Options& options, Compilation& c) {
  std::map<std::string, std::pair<std::string, std::string>> by_name;  // file name -> (absolute, as given)
  for (const auto& header : options.function_headers) {
    std::filesystem::path path = std::filesystem::absolute(header).lexically_normal();
    std::string name = path.filename().string();
    if (name.find_first_of("\"\\\n") != std::string::npos) {  // #include "..." has no escapes
      c.diags.error({}, "the functions header '" + header + "' has a file name #include cannot spell; rename it");
      continue;
    }
    auto [seen, fresh] = by_name.emplace(name, std::make_pair(path.string(), header));
    if (!fresh) {
      if (seen->second.first != path.string())
        c.diags.error({}, "the functions headers '" + seen->second.second + "' and '" + header +
                              "' have the same file name; generated code includes headers by file name, so rename one");
      continue;
    }
    c.function_includes.push_back(name);
    std::string dir = path.parent_path().string();
    if (std::find(c.function_include_dirs.begin(), c.function_include_dirs.end(), dir) == c.function_include_dirs.end())
      c.function_include_dirs.push_back(dir);
  }
  return !c.diags.has_errors();
}

}  // namespace

bool read_user_functions(const Options& options, Compilation& c) {
  if (options.function_headers.empty()) return true;
  if (!header_include_names(options, c)) return false;
  std::string error;
  const ClangPluginApi* clang = load_clang_plugin(error);
  if (!clang) {
    c.diags.error({}, error);
    return false;
  }
  HeaderReadRequest request;
  request.headers = options.function_headers;
  request.include_dirs = runtime_include_dirs();
  request.resource_dir = clang_resource_dir();
  request.clang_executable = clang_executable();
  request.rule = FunctionRule::UserHeaders;
  HeaderReading reading = clang->read_headers(request);

  HeaderLocations locations(c.sources);
  for (const auto& m : reading.messages) {
    if (m.kind == HeaderMessage::Kind::Error) c.diags.error(locations.at(m.where), m.text);
    else c.diags.note(locations.at(m.where), m.text);
  }
  for (const auto& f : reading.functions) {
    if (const Signature* builtin = find_builtin(f.name)) {
      c.diags.error(locations.at(f.where), "'" + f.name + "' is a built-in function (" + f.name + builtin->text +
                                               "); give this one another name");
      continue;
    }
    c.user_functions[f.name] = f.signature;
  }
  c.function_files = reading.files_read;
  return !c.diags.has_errors();
}

bool check_function_sources(const Options& options, Compilation& c) {
  for (const auto& source : options.cpp_sources) {
    std::error_code ec;
    if (!std::filesystem::is_regular_file(source, ec) || !std::ifstream(source))
      c.diags.error({}, "cannot read the C++ source '" + source + "'");
  }
  return !c.diags.has_errors();
}

}  // namespace mozc
