# lsm-doctor built with CMake against nixpkgs' libraries:
#   nix-build -E 'with import <nixpkgs> { }; callPackage ./nixos/package.nix { }'
{
  lib,
  stdenv,
  cmake,
  pkg-config,
  cli11,
  fmt,
  tomlplusplus,
  nlohmann_json,
  audit,
  systemd,
  lz4,
  zstd,
  xz,
  zlib,
  catch2,
  python3,
  mandoc,
  clang-tools,
  nix,
  doCheck ? false,
}:

stdenv.mkDerivation {
  pname = "lsm-doctor";
  version = "0.1.0";

  src = lib.cleanSource ../.;

  nativeBuildInputs = [
    cmake
    pkg-config
  ];
  buildInputs = [
    cli11
    fmt
    tomlplusplus
    nlohmann_json # the JSON of nix eval (lsm-doctor nixos plan)
    audit # libaudit and libauparse
    systemd # libsystemd: sd-journal, sd-bus
    lz4 # compressed journal objects (the journal file reader)
    zstd
    xz
    zlib
  ];

  # The test suite wants Catch2 v2, a Python with jsonschema, mandoc,
  # clang-format and nix-instantiate; off by default, on with doCheck = true.
  cmakeFlags = [ (lib.cmakeBool "LSMD_TESTS" doCheck) ];
  inherit doCheck;
  nativeCheckInputs = lib.optionals doCheck [
    catch2
    (python3.withPackages (ps: [ ps.jsonschema ]))
    mandoc
    clang-tools
    nix
  ];
  # The live tests need a running host kernel; the sandbox has none.
  checkPhase = ''
    runHook preCheck
    ctest --output-on-failure -LE 'live|vm'
    runHook postCheck
  '';

  meta = {
    description = "Finds and fixes stacked-LSM audit failures (bpf before AppArmor/SELinux on Linux 6.18+)";
    platforms = lib.platforms.linux;
    mainProgram = "lsm-doctor";
  };
}
