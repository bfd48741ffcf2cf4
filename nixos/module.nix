# NixOS module for lsm-doctor itself:
#   imports = [ /path/to/lsm-doctor/nixos/module.nix ];
#   programs.lsm-doctor.enable = true;
# It installs the program, runs a check at every boot and logs the findings
# to the journal (journalctl -u lsm-doctor), can write Prometheus metrics for
# node_exporter's textfile collector on a timer, and judges the configuration
# being built before it can boot (lsm-doctor check --plan).
{
  config,
  lib,
  pkgs,
  ...
}:
let
  cfg = config.programs.lsm-doctor;
  exe = lib.getExe cfg.package;

  # The configuration being built, as the values of an lsm-doctor plan (see
  # plan.nix): what the next boot will run, not what runs now.
  planValues = import ./plan.nix {
    inherit config;
    configLsm = cfg.preflight.configLsm;
  };

  preflight =
    pkgs.runCommand "lsm-doctor-preflight"
      {
        planJson = builtins.toJSON planValues;
        passAsFile = [ "planJson" ];
      }
      ''
        # The doctor writes the plan itself, so its keys are the ones it reads.
        ${exe} nixos plan --from-json "$planJsonPath" -o plan.toml
        status=0
        ${exe} check --plan plan.toml --color never --fail-on ${cfg.preflight.failOn} || status=$?
        if [ "$status" = 1 ]; then
          ${
            if cfg.preflight.warnOnly then
              ''echo "lsm-doctor: the configuration has findings at or above ${cfg.preflight.failOn} (warnOnly: building anyway)" >&2''
            else
              ''echo "lsm-doctor: the configuration has findings at or above ${cfg.preflight.failOn}; set programs.lsm-doctor.preflight.warnOnly = true to build anyway" >&2; exit 1''
          }
        elif [ "$status" -gt 2 ]; then
          exit "$status"
        fi
        touch "$out"
      '';
in
{
  options.programs.lsm-doctor = {
    enable = lib.mkEnableOption "lsm-doctor, the doctor for stacked-LSM audit failures";

    package = lib.mkOption {
      type = lib.types.package;
      default = pkgs.callPackage ./package.nix { };
      defaultText = lib.literalExpression "pkgs.callPackage ./package.nix { }";
      description = "The lsm-doctor package.";
    };

    bootCheck.enable = lib.mkOption {
      type = lib.types.bool;
      default = true;
      description = ''
        Run `lsm-doctor check` once at every boot, after the audit daemon, and
        log its report to the journal (`journalctl -u lsm-doctor`). The unit
        fails when the doctor finds an error, so `systemctl --failed` shows it.
      '';
    };

    metrics = {
      enable = lib.mkEnableOption "Prometheus metrics for node_exporter's textfile collector";
      directory = lib.mkOption {
        type = lib.types.path;
        default = "/var/lib/prometheus-node-exporter-text-files";
        description = ''
          The textfile collector's directory (node_exporter's
          `--collector.textfile.directory`); lsm-doctor.prom is replaced there
          atomically.
        '';
      };
      interval = lib.mkOption {
        type = lib.types.str;
        default = "hourly";
        description = "How often to refresh the metrics (a systemd OnCalendar value).";
      };
    };

    preflight = {
      enable = lib.mkOption {
        type = lib.types.bool;
        default = true;
        description = ''
          Judge the configuration being built with `lsm-doctor check --plan`
          (kernel release, boot.kernelParams with security.lsm, audit
          settings and rules) and fail the build on findings at or above
          `failOn`, before the system can boot.
        '';
      };
      failOn = lib.mkOption {
        type = lib.types.enum [ "error" "warning" ];
        default = "error";
        description = "The lowest severity that fails the build.";
      };
      warnOnly = lib.mkOption {
        type = lib.types.bool;
        default = false;
        description = "Print the findings but build anyway.";
      };
      configLsm = lib.mkOption {
        type = lib.types.nullOr lib.types.str;
        default = null;
        example = "landlock,lockdown,yama,integrity,apparmor,bpf";
        description = "The kernel's CONFIG_LSM, when known: the order used when lsm= is absent.";
      };
    };
  };

  config = lib.mkIf cfg.enable {
    environment.systemPackages = [ cfg.package ];

    systemd.services.lsm-doctor = lib.mkIf cfg.bootCheck.enable {
      description = "lsm-doctor: check the LSM stack and audit";
      wantedBy = [ "multi-user.target" ];
      after = [ "auditd.service" "audit-rules-nixos.service" "systemd-journald.service" ];
      serviceConfig = {
        Type = "oneshot";
        RemainAfterExit = true;
        ExecStart = "${exe} check --color never --fail-on error";
        # 1: findings, 2: something could not be read; both are reports, not crashes.
        SuccessExitStatus = [ 2 ];
        StandardOutput = "journal";
      };
    };

    systemd.services.lsm-doctor-metrics = lib.mkIf cfg.metrics.enable {
      description = "lsm-doctor: Prometheus metrics for the textfile collector";
      after = [ "auditd.service" ];
      serviceConfig.Type = "oneshot";
      script = ''
        mkdir -p ${lib.escapeShellArg cfg.metrics.directory}
        tmp=${lib.escapeShellArg "${cfg.metrics.directory}/.lsm-doctor.prom"}.$$
        # Exit 2 (something could not be read) still writes every metric.
        ${exe} check --format prometheus --fail-on never >"$tmp" || [ "$?" -eq 2 ]
        mv -f "$tmp" ${lib.escapeShellArg "${cfg.metrics.directory}/lsm-doctor.prom"}
      '';
    };

    systemd.timers.lsm-doctor-metrics = lib.mkIf cfg.metrics.enable {
      wantedBy = [ "timers.target" ];
      timerConfig = {
        OnCalendar = cfg.metrics.interval;
        OnBootSec = "2min";
        Persistent = true;
      };
    };

    system.checks = lib.mkIf cfg.preflight.enable [ preflight ];
  };
}
