# The lsm-doctor plan of a NixOS configuration (lsm-doctor(1), PLAN FILES):
# what its next boot will run, from its option values. Builtins only, so
# that `lsm-doctor nixos plan` can apply it to any configuration
# (nix eval --json ... --apply) and module.nix to the one being built.
# security.lsm needs no key of its own: NixOS turns it into an lsm= among
# boot.kernelParams.
{
  config,
  configLsm ? null,
}:
let
  audit = config.security.audit;
in
{
  kernel = {
    release = config.boot.kernelPackages.kernel.modDirVersion;
    cmdline = builtins.concatStringsSep " " config.boot.kernelParams;
    config_lsm = configLsm;
  };
  audit = {
    # true, false or "lock" (enabled and immutable).
    enabled = audit.enable != false;
    backlog_limit = audit.backlogLimit;
    failure = audit.failureMode;
    rules = audit.rules;
  };
}
