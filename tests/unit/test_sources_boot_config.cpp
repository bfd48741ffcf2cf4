#include "sources/boot_config.h"

#include <catch2/catch.hpp>

using namespace lsmdoctor;

TEST_CASE("grub_default_cmdline: LINUX then LINUX_DEFAULT, shell quoting", "[sources][boot]") {
  int line = 0;
  CHECK(grub_default_cmdline("GRUB_TIMEOUT=5\n"
                             "GRUB_CMDLINE_LINUX_DEFAULT=\"quiet splash\"\n"
                             "GRUB_CMDLINE_LINUX='lsm=landlock,apparmor,bpf x=\"$(id)\"'\n",
                             line) == "lsm=landlock,apparmor,bpf x=\"$(id)\" quiet splash");
  CHECK(line == 3);
  // The last assignment wins; $GRUB_CMDLINE_LINUX references expand; a
  // trailing comment and `export` are shell syntax.
  CHECK(grub_default_cmdline(
            "GRUB_CMDLINE_LINUX=\"a\"\n"
            "export GRUB_CMDLINE_LINUX=\"$GRUB_CMDLINE_LINUX lsm=apparmor,bpf\" # x\n"
            "#GRUB_CMDLINE_LINUX=\"lsm=bpf\"\n",
            line) == "a lsm=apparmor,bpf");
  CHECK(line == 2);
  CHECK(grub_default_cmdline("GRUB_CMDLINE_LINUX=audit=1\n", line) == "audit=1");
  // A value that doubles itself line after line stays bounded.
  std::string doubling = "GRUB_CMDLINE_LINUX=\"xxxxxxxx\"\n";
  for (int i = 0; i < 64; ++i)
    doubling += "GRUB_CMDLINE_LINUX=\"$GRUB_CMDLINE_LINUX$GRUB_CMDLINE_LINUX\"\n";
  CHECK(grub_default_cmdline(doubling, line).size() == 1 << 16);
  CHECK(grub_default_cmdline("GRUB_TIMEOUT=5\n", line).empty());
  CHECK(line == 0);
}

TEST_CASE("bls_options: every options line, joined", "[sources][boot]") {
  int line = 0;
  CHECK(bls_options("title Fedora\noptions root=/dev/sda1 ro\nlinux /vmlinuz\n"
                    "options\tlsm=apparmor,bpf\noptionsx no\n",
                    line) == "root=/dev/sda1 ro lsm=apparmor,bpf");
  CHECK(line == 2);
  CHECK(bls_options("title x\n", line).empty());
  CHECK(line == 0);
}
