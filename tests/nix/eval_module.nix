# nix-instantiate --eval --strict --json eval_module.nix --arg module FILE:
# the attribute set a generated module defines, evaluated against lib.nix.
{ module }:
(import module) {
  lib = import ./lib.nix;
  config = { };
  pkgs = { };
}
