#include "sources/hostname.h"

#include "parse/line_reader.h"
#include "sources/gather.h"

#include <cerrno>
#include <cstring>
#include <fmt/format.h>
#include <unistd.h>

namespace lsmdoctor {

Fact<std::string> gather_hostname(const std::string& root, bool live) {
  if (live) {
    char name[256] = {};
    if (::gethostname(name, sizeof name - 1) != 0)
      return Fact<std::string>::unknown(fmt::format("gethostname: {}", std::strerror(errno)),
                                        {"gethostname(2)"});
    return Fact<std::string>::known(name, {"gethostname(2)"});
  }
  std::string path = under_root(root, "/etc/hostname");
  auto text = read_small_file(path, 4096);
  if (!text)
    return Fact<std::string>::unknown(text.error().message, {path});
  std::size_t start = text->find_first_not_of(" \t\r\n");
  if (start == std::string::npos)
    return Fact<std::string>::unknown(fmt::format("{}: empty", path), {path});
  std::string name = text->substr(start, text->find_first_of(" \t\r\n", start) - start);
  return Fact<std::string>::known(std::move(name), {path, 1});
}

} // namespace lsmdoctor
