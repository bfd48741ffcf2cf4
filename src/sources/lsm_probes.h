// Per-module probes: each module's own files (under a root) and, on a live
// host, the Landlock, BPF and LSM system calls.
#pragma once

#include "core/knowledge.h"
#include "core/probe_facts.h"

#include <string>

namespace lsmdoctor {

// Probes every module. `live` allows system calls; otherwise only files
// under `root` are read and syscall-only answers are unknown with a reason.
ProbeFacts probe_lsms(const std::string& root, bool live, const Knowledge& knowledge);

// Parses /sys/kernel/security/apparmor/profiles ("name (mode)" lines) into a
// status line such as "12 profiles: 10 enforce, 2 complain".
std::string apparmor_profiles_status(const std::string& text);
// The bracketed mode of /sys/kernel/security/lockdown: "none [integrity] confidentiality".
std::string lockdown_mode(const std::string& text);
// Decodes the buffer of lsm_get_self_attr(2): struct lsm_ctx entries.
std::vector<SelfContext> parse_lsm_ctx_buffer(const unsigned char* data, std::size_t size,
                                              const Knowledge& knowledge);

} // namespace lsmdoctor
