#include "driver/toolchain.hpp"

#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <vector>

#include "mozc_build_paths.hpp"

extern char** environ;

namespace mozc {

namespace fs = std::filesystem;

namespace {

struct RuntimeLocation {
  std::vector<std::string> include_dirs;
  std::string library;
};

std::vector<std::string> split(const std::string& s, char sep) {
  std::vector<std::string> out;
  std::stringstream ss(s);
  for (std::string part; std::getline(ss, part, sep);)
    if (!part.empty()) out.push_back(part);
  return out;
}

}  // namespace

std::vector<std::string> module_dirs() {
  std::vector<std::string> dirs;
  if (const char* path = std::getenv("MOSAIC_MODULE_PATH")) dirs = split(path, ':');
  std::error_code ec;
  fs::path installed = fs::read_symlink("/proc/self/exe", ec).parent_path().parent_path() / "share/mosaic/modules";
  if (!ec && fs::exists(installed)) dirs.push_back(installed.string());
  else dirs.push_back(MOZC_BUILD_MODULE_DIR);
  return dirs;
}

namespace {

// An installed mozc finds the runtime at ../include and ../lib*; a build-tree
// mozc uses the paths CMake recorded. MOSAIC_INCLUDE_DIRS/MOSAIC_RUNTIME_LIB override both.
RuntimeLocation locate_runtime() {
  RuntimeLocation loc;
  if (const char* inc = std::getenv("MOSAIC_INCLUDE_DIRS")) loc.include_dirs = split(inc, ':');
  if (const char* lib = std::getenv("MOSAIC_RUNTIME_LIB")) loc.library = lib;
  if (!loc.include_dirs.empty() && !loc.library.empty()) return loc;

  std::error_code ec;
  fs::path prefix = fs::read_symlink("/proc/self/exe", ec).parent_path().parent_path();
  if (!ec && fs::exists(prefix / "include/mosaic/program.hpp")) {
    for (const char* libdir : {"lib", "lib64", "lib/x86_64-linux-gnu"}) {
      fs::path candidate = prefix / libdir / MOZC_RUNTIME_LIB_NAME;
      if (fs::exists(candidate)) {
        if (loc.include_dirs.empty()) loc.include_dirs = {(prefix / "include").string()};
        if (loc.library.empty()) loc.library = candidate.string();
        return loc;
      }
    }
  }
  if (loc.include_dirs.empty()) loc.include_dirs = split(MOZC_BUILD_INCLUDE_DIRS, ':');
  if (loc.library.empty()) loc.library = MOZC_BUILD_RUNTIME_LIB;
  return loc;
}

bool on_path(const std::string& program) {
  const char* path = std::getenv("PATH");
  if (!path) return false;
  for (const auto& dir : split(path, ':'))
    if (::access((fs::path(dir) / program).c_str(), X_OK) == 0) return true;
  return false;
}

int run(const std::vector<std::string>& argv) {
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  pid_t pid;
  if (posix_spawnp(&pid, args[0], nullptr, nullptr, args.data(), environ) != 0) return -1;
  int status = 0;
  if (waitpid(pid, &status, 0) < 0) return -1;
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

}  // namespace

bool build_executable(const std::string& cpp_source, const std::string& output, std::string& error) {
  RuntimeLocation rt = locate_runtime();
  if (!fs::exists(rt.library)) {
    error = "cannot find the MOSAIC runtime library (looked for " + rt.library + ")";
    return false;
  }
  char tmpl[] = "/tmp/mozc-XXXXXX";
  if (!::mkdtemp(tmpl)) {
    error = "cannot create a temporary directory";
    return false;
  }
  fs::path dir = tmpl;
  fs::path source = dir / (fs::path(output).filename().string() + ".cpp");
  {
    std::ofstream out(source);
    out << cpp_source;
  }
  fs::path partial = fs::path(output).string() + ".mozc-tmp";

  std::vector<std::string> cmd;
  const char* cxx = std::getenv("MOSAIC_CXX");
  if (!cxx && on_path("ccache")) cmd.push_back("ccache");
  cmd.push_back(cxx ? cxx : "c++");
  for (const char* flag : {"-std=c++20", "-O2"}) cmd.push_back(flag);
  for (const auto& inc : rt.include_dirs) cmd.push_back("-I" + inc);
  cmd.insert(cmd.end(), {source.string(), rt.library, "-lcrypto", "-pthread", "-o", partial.string()});

  int status = run(cmd);
  std::error_code ec;
  if (status != 0) {
    fs::remove(partial, ec);
    error = "the C++ compiler failed on the generated code (kept at " + source.string() + ")";
    return false;
  }
  fs::rename(partial, output, ec);
  if (ec) {
    fs::remove(partial, ec);
    error = "cannot write " + output;
    return false;
  }
  fs::remove_all(dir, ec);
  return true;
}

}  // namespace mozc
