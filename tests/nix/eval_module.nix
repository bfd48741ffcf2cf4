# nix-instantiate --eval --strict --json eval_module.nix --arg module FILE:
# the attribute set a generated module defines, evaluated against lib.nix.
{ module }:
(import module) {
  lib = import ./lib.nix;
  config = { };
  # The kernel package sets a module may name (boot.kernelPackages), each
  # evaluating to its own name.
  pkgs = builtins.listToAttrs (
    map (name: {
      inherit name;
      value = name;
    }) [ "linuxPackages_6_1" "linuxPackages_6_6" "linuxPackages_6_12" ]
  );
}
