// Rule names are scoped by file: overlays written apart may both name a rule
// r1 (the paper's Chord and RON do), and a program that includes both must
// still compile. Later stages name generated predicates, strands and C++
// functions after rules, so names are made unique here, right after parsing:
// a name used in more than one file becomes <file stem>_<name> in each.
// Two rules of one name in one file stay as they are: the checker rejects them.
#include <cctype>
#include <filesystem>
#include <map>
#include <set>

#include "parse/parser.hpp"

namespace mozc {

namespace {

std::string file_stem(const SourceManager& sources, int32_t file) {
  std::string stem = file < 0 ? "generated" : std::filesystem::path(sources.name(file)).stem().string();
  for (char& c : stem)
    if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
  return stem;
}

}  // namespace

void scope_rule_names(Program& program, const SourceManager& sources) {
  std::map<std::string, std::set<int32_t>> files_of;
  std::set<std::string> taken;
  for (const auto& r : program.rules) {
    files_of[r.name].insert(r.loc.file);
    taken.insert(r.name);
  }
  // One scoped name per (file, name): a duplicate within a file stays a duplicate.
  std::map<std::pair<int32_t, std::string>, std::string> scoped_names;
  for (auto& r : program.rules) {
    if (files_of[r.name].size() < 2) continue;
    auto [it, fresh] = scoped_names.try_emplace({r.loc.file, r.name});
    if (fresh) {
      std::string base = file_stem(sources, r.loc.file) + "_" + r.name, scoped = base;
      for (int n = 2; taken.count(scoped); ++n) scoped = base + "_" + std::to_string(n);
      taken.insert(scoped);
      it->second = scoped;
    }
    r.name = it->second;
  }
}

}  // namespace mozc
