// mozc: the Mozlog compiler. Exit status: 0 success, 1 errors in the program
// (diagnostics on stderr, no output written), 2 usage errors.
#include <filesystem>
#include <fstream>
#include <iostream>
#include <set>

#include "driver/options.hpp"
#include "driver/pipeline.hpp"
#include "driver/make_escape.hpp"
#include "driver/toolchain.hpp"
#include "mozc_build_paths.hpp"

namespace {

// Writes through a temporary file so a failed run never leaves a partial output.
bool write_file(const std::string& path, const std::string& text) {
  std::string tmp = path + ".mozc-tmp";
  {
    std::ofstream out(tmp, std::ios::binary);
    if (!(out << text)) return false;
  }
  std::error_code ec;
  std::filesystem::rename(tmp, path, ec);
  if (ec) std::filesystem::remove(tmp, ec);
  return !ec;
}

// A failed compile leaves no output file, not even one from an earlier run
// (as GCC does), so a build never mistakes a stale output for a fresh one.
void remove_stale_output(const std::string& path) {
  std::error_code ec;
  if (!path.empty() && std::filesystem::is_regular_file(path, ec)) std::filesystem::remove(path, ec);
}

}  // namespace

int main(int argc, char** argv) {
  std::string error;
  auto options = mozc::parse_options(argc, argv, error);
  if (!options) {
    std::cerr << "mozc: " << error << "\n" << mozc::usage_text();
    return 2;
  }
  if (options->action == mozc::Action::Help) {
    std::cout << mozc::usage_text();
    return 0;
  }
  if (options->action == mozc::Action::Version) {
    std::cout << "mozc " << MOZC_VERSION << "\n";
    return 0;
  }

  mozc::Compilation c;
  bool ok = mozc::compile(*options, c);
  c.diags.print(std::cerr);
  if (!ok) {
    remove_stale_output(options->output);
    return 1;
  }
  if (options->action == mozc::Action::Check) return 0;

  std::string output = options->output;
  if (options->action == mozc::Action::Binary) {
    if (output.empty()) output = mozc::program_name(*options);
    if (!mozc::build_executable(c.text, options->cpp_sources, c.function_include_dirs, output, error)) {
      std::cerr << "mozc: error: " << error << "\n";
      remove_stale_output(output);
      return 1;
    }
  } else if (output.empty()) {
    std::cout << c.text;
  } else if (!write_file(output, c.text)) {
    std::cerr << "mozc: error: cannot write " << output << "\n";
    return 1;
  }

  if (!options->depfile.empty()) {
    std::string deps = mozc::escape_make(output.empty() ? "-" : output) + ":";
    // Every file read: Mozlog sources, the --functions headers and what they
    // include, and the C++ sources a binary is built from.
    std::vector<std::string> inputs = c.sources.paths();
    inputs.insert(inputs.end(), c.function_files.begin(), c.function_files.end());
    if (options->action == mozc::Action::Binary)
      inputs.insert(inputs.end(), options->cpp_sources.begin(), options->cpp_sources.end());
    std::set<std::string> listed;
    for (const auto& f : inputs)
      if (listed.insert(f).second) deps += " " + mozc::escape_make(f);
    if (!write_file(options->depfile, deps + "\n")) {
      std::cerr << "mozc: error: cannot write " << options->depfile << "\n";
      return 1;
    }
  }
  return 0;
}
