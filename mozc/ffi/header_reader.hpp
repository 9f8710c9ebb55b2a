// The ffi stage: reads C++ headers with Clang's libTooling and finds the
// Mozlog functions they declare (see FunctionRule) with their signatures.
// Clang's own errors in the headers, declarations whose types have no Mozlog
// type, templates C++ could not deduce from a call, and overloads come back as
// located messages; nothing is printed.
#pragma once

#include "ffi/header_reading.hpp"

namespace mozc {

HeaderReading read_headers(const HeaderReadRequest& request);

}  // namespace mozc
