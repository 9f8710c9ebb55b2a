// MOSAIC_IMPURE marks a Mozlog function whose value can differ between two
// calls with the same arguments (time, randomness, outside state):
//
//   MOSAIC_IMPURE double f_now();
//
// mozc reads the mark when it reads the declaration (built-ins at mozc's
// build, --functions headers at each compile) and then calls the function once
// per body match, after the rule's joins, instead of once per trigger. Unmarked
// functions are pure. Only Clang, which mozc reads headers with, sees the
// annotation; other compilers get nothing (GCC would warn about an unknown
// attribute).
#pragma once

#if __has_cpp_attribute(clang::annotate)
#define MOSAIC_IMPURE [[clang::annotate("mosaic::impure")]]
#else
#define MOSAIC_IMPURE
#endif
