// The embedded knowledge for the fuzz targets that need it: loaded once; a
// build whose embedded knowledge does not load aborts at the first input.
#pragma once

#include "core/knowledge.h"

#include <cstdlib>

namespace lsmdoctor::fuzz {

inline const Knowledge& knowledge() {
  static const Knowledge loaded = [] {
    auto k = builtin_knowledge();
    if (!k)
      std::abort();
    return std::move(k).value();
  }();
  return loaded;
}

} // namespace lsmdoctor::fuzz
