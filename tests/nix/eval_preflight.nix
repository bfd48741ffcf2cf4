# nix-instantiate --eval --strict --json eval_preflight.nix --argstr values FILE
# --argstr package DIR: the preflight derivation of nixos/module.nix (its
# name, environment and build script) for the option values in FILE (JSON:
# boot.*, security.audit.*, programs.lsm-doctor.*), against a stub of the
# part of nixpkgs' lib and pkgs the module uses. No nixpkgs is needed.
{ values, package }:
let
  config = builtins.fromJSON (builtins.readFile values) // {
    programs.lsm-doctor = (builtins.fromJSON (builtins.readFile values)).programs.lsm-doctor // {
      inherit package;
    };
  };
  lib = import ./lib.nix // {
    mkIf = condition: content: {
      _type = "if";
      inherit condition content;
    };
    mkOption = option: option;
    mkEnableOption = description: { inherit description; };
    literalExpression = text: text;
    types = {
      bool = "bool";
      str = "str";
      path = "path";
      package = "package";
      nullOr = type: "nullOr ${type}";
      enum = values: "enum";
    };
    getExe = package: "${package}/bin/lsm-doctor";
    escapeShellArg = text: "'${builtins.replaceStrings [ "'" ] [ "'\\''" ] text}'";
  };
  pkgs = {
    runCommand = name: env: script: { inherit name env script; };
    callPackage = path: args: "unused";
  };
  module = import ../../nixos/module.nix { inherit config lib pkgs; };
in
builtins.head module.config.content.system.checks.content
