#include "ffi/header_reader.hpp"

#include <algorithm>
#include <filesystem>
#include <map>
#include <set>

#include <clang/AST/ASTConsumer.h>
#include <clang/AST/Attr.h>
#include <clang/AST/DeclTemplate.h>
#include <clang/Basic/FileManager.h>
#include <clang/Frontend/CompilerInstance.h>
#include <clang/Frontend/FrontendAction.h>
#include <clang/Lex/PPCallbacks.h>
#include <clang/Lex/Preprocessor.h>
#include <clang/Tooling/Tooling.h>
#include <llvm/Support/VirtualFileSystem.h>

#include "ffi/signature_text.hpp"
#include "ffi/type_mapping.hpp"

namespace mozc {

namespace {

namespace fs = std::filesystem;

// Turns Clang source locations into positions mozc can show: a requested
// header under the name the user gave it, any other file under Clang's name.
class Positions {
 public:
  Positions(clang::FileManager& files, const HeaderReadRequest& request) : request_(request) {
    for (const auto& header : request.headers) {
      auto entry = files.getFile(fs::absolute(header).lexically_normal().string());
      headers_.push_back(entry ? *entry : nullptr);
    }
  }

  FilePosition at(const clang::SourceManager& sm, clang::SourceLocation loc) const {
    if (loc.isInvalid()) return {};
    loc = sm.getExpansionLoc(loc);
    const clang::FileEntry* entry = sm.getFileEntryForID(sm.getFileID(loc));
    if (!entry || sm.getFileID(loc) == sm.getMainFileID()) return {};
    return {name_of(entry), sm.getFileOffset(loc), true};
  }

  bool is_requested(const clang::FileEntry* entry) const {
    return entry && std::find(headers_.begin(), headers_.end(), entry) != headers_.end();
  }

  std::string name_of(const clang::FileEntry* entry) const {
    for (size_t i = 0; i < headers_.size(); ++i)
      if (headers_[i] == entry) return request_.headers[i];
    llvm::StringRef real = entry->tryGetRealPathName();
    return (real.empty() ? entry->getName() : real).str();
  }

 private:
  const HeaderReadRequest& request_;
  std::vector<const clang::FileEntry*> headers_;
};

// Clang's errors, each followed by its notes; warnings are not mozc's business.
class ErrorCollector : public clang::DiagnosticConsumer {
 public:
  ErrorCollector(const Positions& positions, std::vector<HeaderMessage>& out) : positions_(positions), out_(out) {}

  void HandleDiagnostic(clang::DiagnosticsEngine::Level level, const clang::Diagnostic& info) override {
    clang::DiagnosticConsumer::HandleDiagnostic(level, info);
    HeaderMessage::Kind kind;
    if (level == clang::DiagnosticsEngine::Error || level == clang::DiagnosticsEngine::Fatal) {
      kind = HeaderMessage::Kind::Error;
      in_error_ = true;
    } else if (level == clang::DiagnosticsEngine::Note && in_error_) {
      kind = HeaderMessage::Kind::Note;
    } else {
      if (level != clang::DiagnosticsEngine::Note) in_error_ = false;
      return;
    }
    llvm::SmallString<256> text;
    info.FormatDiagnostic(text);
    FilePosition where = info.hasSourceManager() ? positions_.at(info.getSourceManager(), info.getLocation()) : FilePosition{};
    out_.push_back({kind, where, text.str().str()});
  }

 private:
  const Positions& positions_;
  std::vector<HeaderMessage>& out_;
  bool in_error_ = false;
};

// Every non-system file the headers pull in: what a build must watch.
class FilesRead : public clang::PPCallbacks {
 public:
  FilesRead(const clang::SourceManager& sm, const Positions& positions, std::vector<std::string>& out)
      : sm_(sm), positions_(positions), out_(out) {}
  void FileChanged(clang::SourceLocation loc, FileChangeReason reason, clang::SrcMgr::CharacteristicKind kind,
                   clang::FileID) override {
    if (reason != EnterFile || kind != clang::SrcMgr::C_User) return;
    clang::FileID id = sm_.getFileID(loc);
    const clang::FileEntry* entry = sm_.getFileEntryForID(id);
    if (!entry || id == sm_.getMainFileID()) return;
    std::string name = positions_.name_of(entry);
    if (std::find(out_.begin(), out_.end(), name) == out_.end()) out_.push_back(name);
  }

 private:
  const clang::SourceManager& sm_;
  const Positions& positions_;
  std::vector<std::string>& out_;
};

// Walks the translation unit for the functions the rule selects.
class FunctionFinder {
 public:
  FunctionFinder(clang::ASTContext& context, const HeaderReadRequest& request, const Positions& positions,
                 HeaderReading& out)
      : context_(context), sm_(context.getSourceManager()), request_(request), positions_(positions),
        types_(context), out_(out) {}

  void run() {
    visit(context_.getTranslationUnitDecl());
    std::sort(out_.functions.begin(), out_.functions.end(),
              [](const DeclaredFunction& a, const DeclaredFunction& b) { return a.name < b.name; });
  }

 private:
  void visit(const clang::DeclContext* dc) {
    for (const clang::Decl* d : dc->decls()) {
      if (const auto* ns = llvm::dyn_cast<clang::NamespaceDecl>(d)) {
        if (!ns->isAnonymousNamespace()) visit(ns);
      } else if (const auto* linkage = llvm::dyn_cast<clang::LinkageSpecDecl>(d)) {
        visit(linkage);
      } else if (const auto* tmpl = llvm::dyn_cast<clang::FunctionTemplateDecl>(d)) {
        consider(*tmpl->getTemplatedDecl(), tmpl);
      } else if (const auto* fn = llvm::dyn_cast<clang::FunctionDecl>(d)) {
        if (fn->getTemplatedKind() == clang::FunctionDecl::TK_NonTemplate) consider(*fn, nullptr);
      }
    }
  }

  void consider(const clang::FunctionDecl& fn, const clang::FunctionTemplateDecl* tmpl) {
    if (!fn.getDeclName().isIdentifier() || !fn.getName().startswith("f_")) return;
    if (!positions_.is_requested(sm_.getFileEntryForID(sm_.getFileID(sm_.getExpansionLoc(fn.getLocation())))))
      return;
    const clang::Decl* canonical = tmpl ? static_cast<const clang::Decl*>(tmpl->getCanonicalDecl()) : fn.getCanonicalDecl();
    std::string name = fn.getNameAsString();
    auto [seen, fresh] = first_decl_.emplace(name, canonical);
    if (!fresh) {
      if (seen->second == canonical) return;  // a redeclaration, e.g. the definition after a declaration
      // Mozlog calls a function by its name alone, so a second f_x is a clash
      // wherever it is declared; the qualified names say which two collide.
      std::string first = "::" + llvm::cast<clang::NamedDecl>(seen->second)->getQualifiedNameAsString();
      std::string second = "::" + fn.getQualifiedNameAsString();
      if (first == second) {
        error(fn.getLocation(), "'" + name + "' is overloaded; a Mozlog function has exactly one signature");
        note(seen->second->getLocation(), "'" + name + "' is first declared here");
      } else {
        error(fn.getLocation(), "'" + second + "' and '" + first + "' are both '" + name +
                                    "' in Mozlog, which calls functions by their name alone; rename one");
        note(seen->second->getLocation(), "'" + first + "' is declared here");
      }
      return;
    }
    size_t errors_before = out_.messages.size();
    if (request_.rule == FunctionRule::StdlibBuiltins && enclosing_namespace(fn) != "mosaic::builtins")
      error(fn.getLocation(), "built-in '" + name + "' must be declared in namespace mosaic::builtins, "
                              "which generated code calls unqualified");
    if (fn.isVariadic()) error(fn.getLocation(), "'" + name + "' is variadic; a Mozlog function has a fixed arity");

    std::vector<std::string> var_names;
    std::vector<bool> is_type_param;
    if (tmpl) {
      for (const clang::NamedDecl* p : *tmpl->getTemplateParameters()) {
        const auto* type_param = llvm::dyn_cast<clang::TemplateTypeParmDecl>(p);
        bool usable = type_param && !type_param->isParameterPack();
        if (!usable)
          error(p->getLocation(), "template parameter '" + p->getNameAsString() + "' of '" + name +
                                      "' is not a type; only type parameters become Mozlog type variables");
        var_names.push_back(p->getNameAsString());
        is_type_param.push_back(usable);
      }
    }

    DeclaredFunction f;
    f.name = name;
    f.where = positions_.at(sm_, fn.getLocation());
    for (unsigned i = 0; i < fn.getNumParams(); ++i) {
      const clang::ParmVarDecl* p = fn.getParamDecl(i);
      MappedType m = types_.parameter(p->getType());
      if (!m.ok) error(p->getTypeSpecStartLoc(), "parameter " + std::to_string(i + 1) + " of '" + name + "': " + m.problem);
      f.signature.params.push_back(m.term);
    }
    MappedType result = types_.result(fn.getReturnType());
    if (!result.ok) {
      clang::SourceLocation at = fn.getReturnTypeSourceRange().getBegin();
      error(at.isValid() ? at : fn.getLocation(), "'" + name + "': " + result.problem);
    }
    f.signature.result = result.term;
    // C++ deduces a template's parameters from the arguments only.
    std::set<int> deducible;
    for (const auto& p : f.signature.params) collect_vars(p, deducible);
    for (size_t i = 0; i < var_names.size(); ++i)
      if (is_type_param[i] && !deducible.count(static_cast<int>(i)))
        error(tmpl->getTemplateParameters()->getParam(i)->getLocation(),
              "template parameter '" + var_names[i] + "' of '" + name +
                  "' appears in no parameter, so C++ cannot deduce it at a call");
    f.signature.impure = is_marked_impure(fn, name);
    if (out_.messages.size() != errors_before) return;

    f.signature.text = signature_text(f.signature.params, f.signature.result, var_names);
    if (request_.rule == FunctionRule::UserHeaders) f.signature.cpp_name = "::" + fn.getQualifiedNameAsString();
    out_.functions.push_back(std::move(f));
  }

  // MOSAIC_IMPURE (mosaic/impure.hpp) is [[clang::annotate("mosaic::impure")]].
  // Clang copies attributes onto later redeclarations, so the most recent one
  // has every mark the header gives. A misspelt mosaic:: mark is an error, not
  // a silently pure function.
  bool is_marked_impure(const clang::FunctionDecl& fn, const std::string& name) {
    bool impure = false;
    for (const auto* mark : fn.getMostRecentDecl()->specific_attrs<clang::AnnotateAttr>()) {
      llvm::StringRef text = mark->getAnnotation();
      if (text == "mosaic::impure") impure = true;
      else if (text.startswith("mosaic::"))
        error(mark->getLocation(), "unknown annotation '" + text.str() + "' on '" + name +
                                       "'; the one MOSAIC knows is mosaic::impure (MOSAIC_IMPURE)");
    }
    return impure;
  }

  static void collect_vars(const TypeTerm& t, std::set<int>& out) {
    if (t.var >= 0) out.insert(t.var);
    for (const auto& a : t.args) collect_vars(a, out);
  }

  static std::string enclosing_namespace(const clang::FunctionDecl& fn) {
    const auto* ns = llvm::dyn_cast<clang::NamespaceDecl>(fn.getDeclContext()->getEnclosingNamespaceContext());
    return ns ? ns->getQualifiedNameAsString() : "";
  }

  void error(clang::SourceLocation loc, std::string text) {
    out_.messages.push_back({HeaderMessage::Kind::Error, positions_.at(sm_, loc), std::move(text)});
  }
  void note(clang::SourceLocation loc, std::string text) {
    out_.messages.push_back({HeaderMessage::Kind::Note, positions_.at(sm_, loc), std::move(text)});
  }

  clang::ASTContext& context_;
  const clang::SourceManager& sm_;
  const HeaderReadRequest& request_;
  const Positions& positions_;
  TypeMapper types_;
  HeaderReading& out_;
  std::map<std::string, const clang::Decl*> first_decl_;
};

class FinderConsumer : public clang::ASTConsumer {
 public:
  FinderConsumer(const HeaderReadRequest& request, const Positions& positions, HeaderReading& out)
      : request_(request), positions_(positions), out_(out) {}
  void Initialize(clang::ASTContext& context) override { sm_ = &context.getSourceManager(); }
  // Bodies are checked in the requested headers only: an error there is the
  // user's, while <string> and friends parse in about half the time without theirs.
  bool shouldSkipFunctionBody(clang::Decl* d) override {
    if (!sm_) return true;
    clang::FileID file = sm_->getFileID(sm_->getExpansionLoc(d->getLocation()));
    return !positions_.is_requested(sm_->getFileEntryForID(file));
  }
  void HandleTranslationUnit(clang::ASTContext& context) override {
    // After Clang's own errors the declarations are not worth reading.
    if (context.getDiagnostics().hasErrorOccurred()) return;
    FunctionFinder(context, request_, positions_, out_).run();
  }

 private:
  const HeaderReadRequest& request_;
  const Positions& positions_;
  HeaderReading& out_;
  const clang::SourceManager* sm_ = nullptr;
};

class ReadAction : public clang::ASTFrontendAction {
 public:
  ReadAction(const HeaderReadRequest& request, const Positions& positions, HeaderReading& out)
      : request_(request), positions_(positions), out_(out) {}

 protected:
  bool BeginInvocation(clang::CompilerInstance& ci) override {
    // Only declarations matter: bodies outside the requested headers are
    // skipped (FinderConsumer::shouldSkipFunctionBody decides).
    ci.getFrontendOpts().SkipFunctionBodies = true;
    ci.getDiagnosticOpts().ShowCarets = false;  // no "N errors generated." on stderr: mozc reports them
    return true;
  }
  bool BeginSourceFileAction(clang::CompilerInstance& ci) override {
    ci.getPreprocessor().addPPCallbacks(std::make_unique<FilesRead>(ci.getSourceManager(), positions_, out_.files_read));
    return true;
  }
  std::unique_ptr<clang::ASTConsumer> CreateASTConsumer(clang::CompilerInstance&, llvm::StringRef) override {
    return std::make_unique<FinderConsumer>(request_, positions_, out_);
  }

 private:
  const HeaderReadRequest& request_;
  const Positions& positions_;
  HeaderReading& out_;
};

}  // namespace

HeaderReading read_headers(const HeaderReadRequest& request) {
  HeaderReading out;
  // One translation unit includes every header, so <string> and the like are parsed once.
  std::string main_source;
  for (const auto& header : request.headers) {
    std::error_code ec;
    if (!fs::is_regular_file(header, ec)) {
      out.messages.push_back({HeaderMessage::Kind::Error, {}, "cannot read the functions header '" + header + "'"});
      continue;
    }
    main_source += "#include \"" + fs::absolute(header).lexically_normal().string() + "\"\n";
  }
  if (!out.ok()) return out;

  const std::string main_name = "mozc-functions.cpp";
  auto overlay = llvm::makeIntrusiveRefCnt<llvm::vfs::OverlayFileSystem>(llvm::vfs::getRealFileSystem());
  auto memory = llvm::makeIntrusiveRefCnt<llvm::vfs::InMemoryFileSystem>();
  overlay->pushOverlay(memory);
  memory->addFile(main_name, 0, llvm::MemoryBuffer::getMemBufferCopy(main_source));
  auto files = llvm::makeIntrusiveRefCnt<clang::FileManager>(clang::FileSystemOptions(), overlay);

  // argv[0] tells Clang's driver where it is installed, hence where GCC's libstdc++ is.
  std::vector<std::string> args = {request.clang_executable.empty() ? "clang" : request.clang_executable, "-fsyntax-only", "-std=c++20", "-w", "-fno-color-diagnostics"};
  if (!request.resource_dir.empty()) args.insert(args.end(), {"-resource-dir", request.resource_dir});
  for (const auto& dir : request.include_dirs) args.push_back("-I" + dir);
  args.push_back(main_name);

  Positions positions(*files, request);
  ErrorCollector errors(positions, out.messages);
  clang::tooling::ToolInvocation invocation(args, std::make_unique<ReadAction>(request, positions, out), files.get());
  invocation.setDiagnosticConsumer(&errors);
  bool ran = invocation.run();
  if (!ran && out.ok())
    out.messages.push_back({HeaderMessage::Kind::Error, {}, "Clang could not read the functions headers"});
  return out;
}

}  // namespace mozc
