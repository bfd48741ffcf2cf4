// The blocks of for_each_line_block from a regular file mapped in memory
// (mmap), for line_reader.cpp.
#pragma once

#include "core/result.h"

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <sys/types.h>

namespace lsmdoctor {

// for_each_line_block on the regular file `fd` of `size` bytes from the file
// offset `start`, mapped rather than read: the same blocks, without the copy
// read(2) makes. nullopt when the file cannot be mapped (read it then).
std::optional<Result<std::uint64_t>>
mapped_line_blocks(int fd, const std::string& name, off_t start, off_t size,
                   const std::function<void(std::string_view block)>& on_block);

} // namespace lsmdoctor
