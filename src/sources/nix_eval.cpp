#include "sources/nix_eval.h"

#include "parse/line_reader.h"

#include <cctype>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <fmt/format.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

namespace lsmdoctor {
namespace {

// A flake's host names: nixosConfigurations attribute names as people write
// them. Anything else is refused rather than quoted into an attribute path.
bool plain_name(const std::string& name) {
  if (name.empty())
    return false;
  for (char c : name)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.'))
      return false;
  return true;
}

} // namespace

std::vector<std::string> nix_plan_command_for_file(const std::string& file) {
  // The path arrives as a string (--argstr), never as Nix text.
  std::string expr = fmt::format(
      "{{ configuration }}: ({}) {{ config = (import <nixpkgs/nixos> {{ configuration = "
      "/. + configuration; }}).config; }}",
      kNixosPlanExpression);
  std::string absolute = file;
  if (absolute.empty() || absolute.front() != '/') {
    char cwd[4096];
    if (::getcwd(cwd, sizeof cwd) != nullptr)
      absolute = std::string(cwd) + "/" + file;
  }
  return {"nix-instantiate", "--eval",        "--strict", "--json", "--expr", expr,
          "--argstr",        "configuration", absolute};
}

Result<std::vector<std::string>> nix_plan_command_for_flake(const std::string& flake) {
  std::size_t hash = flake.rfind('#');
  if (hash == std::string::npos || !plain_name(flake.substr(hash + 1)))
    return make_error(fmt::format("--flake {}: give REF#HOST, HOST a name of "
                                  "nixosConfigurations (letters, digits, '-', '_', '.')",
                                  flake));
  std::string installable = fmt::format("{}#nixosConfigurations.\"{}\".config",
                                        flake.substr(0, hash), flake.substr(hash + 1));
  std::string apply = fmt::format("config: ({}) {{ inherit config; }}", kNixosPlanExpression);
  return std::vector<std::string>{"nix",
                                  "--extra-experimental-features",
                                  "nix-command flakes",
                                  "eval",
                                  "--json",
                                  installable,
                                  "--apply",
                                  apply};
}

Result<std::string> read_json_input(const std::string& path, std::size_t limit) {
  if (path != "-")
    return read_small_file(path, limit);
  std::string out;
  char buf[65536];
  while (true) {
    ssize_t n = ::read(STDIN_FILENO, buf, sizeof buf);
    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0)
      return make_error(fmt::format("standard input: {}", std::strerror(errno)));
    if (n == 0)
      return out;
    if (out.size() + static_cast<std::size_t>(n) > limit)
      return make_error(fmt::format("standard input: larger than {} bytes; refused", limit));
    out.append(buf, static_cast<std::size_t>(n));
  }
}

Result<std::string> run_command_output(const std::vector<std::string>& argv, std::size_t limit) {
  int pipe_fds[2];
  if (::pipe2(pipe_fds, O_CLOEXEC) != 0)
    return make_error(fmt::format("{}: pipe: {}", argv.front(), std::strerror(errno)));
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, pipe_fds[1], STDOUT_FILENO);
  std::vector<char*> args;
  for (const auto& a : argv)
    args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  pid_t pid = 0;
  int spawned = ::posix_spawnp(&pid, args[0], &actions, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  ::close(pipe_fds[1]);
  if (spawned != 0) {
    ::close(pipe_fds[0]);
    return make_error(fmt::format("cannot run {}: {}", argv.front(), std::strerror(spawned)));
  }
  std::string out;
  bool too_large = false;
  char buf[65536];
  while (true) {
    ssize_t n = ::read(pipe_fds[0], buf, sizeof buf);
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0)
      break;
    if (out.size() + static_cast<std::size_t>(n) > limit) {
      too_large = true;
      break;
    }
    out.append(buf, static_cast<std::size_t>(n));
  }
  ::close(pipe_fds[0]);
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (too_large)
    return make_error(
        fmt::format("{}: more than {} bytes of output; refused", argv.front(), limit));
  if (WIFSIGNALED(status))
    return make_error(fmt::format("{} was killed by signal {}", argv.front(), WTERMSIG(status)));
  if (WEXITSTATUS(status) != 0)
    return make_error(fmt::format("{} exited with status {} (its messages are above)", argv.front(),
                                  WEXITSTATUS(status)));
  return out;
}

} // namespace lsmdoctor
