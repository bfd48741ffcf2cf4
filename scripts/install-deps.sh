#!/bin/sh
# Installs what lsm-doctor needs to build and to run its tests on Debian
# bookworm (or newer). Run as root.
set -eu
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends \
  build-essential cmake pkg-config ccache \
  libcli11-dev libfmt-dev libtomlplusplus-dev catch2 zlib1g-dev nlohmann-json3-dev \
  libaudit-dev libauparse-dev libsystemd-dev liblz4-dev libzstd-dev liblzma-dev systemd-journal-remote time \
  python3 python3-jsonschema nix-bin mandoc man-db clang-format \
  qemu-system-x86 busybox-static \
  prometheus libxml2-utils python3-junitparser \
  clang libclang-rt-14-dev \
  bash-completion zsh fish >/dev/null
# Benchmarks only: bench/audit_log.sh compares with ausearch (on a systemd host
# this package also enables auditd.service).
apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends auditd >/dev/null
