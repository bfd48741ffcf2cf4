// Kernel command-line parsing, following the kernel's own rules
// (lib/cmdline.c next_arg and kernel/params.c parse_args).
#pragma once

#include "core/facts.h"

#include <string>
#include <string_view>
#include <vector>

namespace lsmdoctor {

// Splits `text` into kernel parameters: words separated by white space, a
// double quote protects spaces, quotes around a value are removed, and a bare
// "--" ends the kernel's part (the rest belongs to init).
KernelCmdline parse_cmdline(std::string_view text);

// True when two parameter names are equal, treating '-' and '_' alike as the
// kernel does.
bool param_name_equal(std::string_view a, std::string_view b);

// Renders parameters back into a command line, quoting values that need it
// the way the kernel reads them back.
std::string format_cmdline(const std::vector<CmdlineParam>& params);
std::string format_param(const CmdlineParam& param);

} // namespace lsmdoctor
