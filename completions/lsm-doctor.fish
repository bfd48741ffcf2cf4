# fish completion for lsm-doctor

set -l commands check stack fix nixos explain collect

function __lsm_doctor_check_ids
    set -l cmd (commandline -opc)[1]
    $cmd explain --list 2>/dev/null | string replace -r '^(\S+)\s+(.*)$' '$1\t$2'
end

complete -c lsm-doctor -f
complete -c lsm-doctor -n "not __fish_seen_subcommand_from $commands" -a check -d 'run every check (the default)'
complete -c lsm-doctor -n "not __fish_seen_subcommand_from $commands" -a stack -d 'show the LSM stack'
complete -c lsm-doctor -n "not __fish_seen_subcommand_from $commands" -a fix -d 'print the remediation for one target'
complete -c lsm-doctor -n "not __fish_seen_subcommand_from $commands" -a nixos -d 'write a NixOS module that applies the remediation'
complete -c lsm-doctor -n "not __fish_seen_subcommand_from $commands" -a explain -d 'explain a check id'
complete -c lsm-doctor -n "not __fish_seen_subcommand_from $commands" -a collect -d 'capture every input for offline replay'

# Input and output options (the top level, check, stack and fix).
set -l reads "not __fish_seen_subcommand_from explain collect plan"
complete -c lsm-doctor -n $reads -l root -r -a '(__fish_complete_directories)' -d 'read every file under DIR'
complete -c lsm-doctor -n $reads -l snapshot -r -F -d 'read a snapshot made by collect'
complete -c lsm-doctor -n $reads -l plan -r -F -d 'judge a planned configuration'
complete -c lsm-doctor -n $reads -l dmesg -r -F -d 'read the kernel log from FILE'
complete -c lsm-doctor -n $reads -l journal-file -r -F -d 'read this journal file'
complete -c lsm-doctor -n $reads -l journal-dir -r -a '(__fish_complete_directories)' -d 'read the journal files in DIR'
complete -c lsm-doctor -n $reads -l boots -x -d 'journal history: N boots'
complete -c lsm-doctor -n $reads -l since -x -d 'journal history: entries since TIME'
complete -c lsm-doctor -n $reads -l audit-log -r -F -d 'scan this audit.log'
complete -c lsm-doctor -n $reads -l audit-rules -r -F -d 'lint this audit rules file'
complete -c lsm-doctor -n $reads -l knowledge -r -a '(__fish_complete_directories)' -d 'override the built-in knowledge'
complete -c lsm-doctor -n $reads -l format -x -a 'text json sarif junit prometheus' -d 'output format'
complete -c lsm-doctor -n $reads -l color -x -a 'auto always never' -d 'colour'
complete -c lsm-doctor -n $reads -s v -l verbose -d 'show the evidence of passing checks too'
complete -c lsm-doctor -n $reads -l fail-on -x -a 'error warning never' -d 'exit 1 at or above this severity'
complete -c lsm-doctor -s h -l help -d 'print help'
complete -c lsm-doctor -n "not __fish_seen_subcommand_from $commands" -l version -d 'print the version'

complete -c lsm-doctor -n '__fish_seen_subcommand_from fix' -l target -x -a 'cmdline grub grubby systemd-boot nixos shell' -d 'where the fix is deployed'
complete -c lsm-doctor -n '__fish_seen_subcommand_from explain' -l list -d 'list every check'
complete -c lsm-doctor -n '__fish_seen_subcommand_from explain' -x -a '(__lsm_doctor_check_ids)'
complete -c lsm-doctor -n '__fish_seen_subcommand_from check' -s o -l output -r -F -d 'write the report to FILE'
set -l checks "not __fish_seen_subcommand_from stack fix explain collect"
complete -c lsm-doctor -n $checks -l config -r -F -d 'waivers and expectations from FILE (lsm-doctor.toml)'
complete -c lsm-doctor -n $checks -l no-config -d 'read no configuration file'
complete -c lsm-doctor -n '__fish_seen_subcommand_from collect' -s o -l output -r -F -d 'write FILE.tar or a new DIR'
complete -c lsm-doctor -n '__fish_seen_subcommand_from collect' -l redact -d 'replace host and user names'
complete -c lsm-doctor -n '__fish_seen_subcommand_from nixos; and not __fish_seen_subcommand_from plan' -a plan -d 'write the check --plan file of a NixOS configuration'
complete -c lsm-doctor -n '__fish_seen_subcommand_from nixos' -s o -l output -r -F -d 'write the module (or plan) to FILE'
complete -c lsm-doctor -n '__fish_seen_subcommand_from nixos; and not __fish_seen_subcommand_from plan' -l disable-audit -d 'last resort: also turn audit off'
complete -c lsm-doctor -n '__fish_seen_subcommand_from plan' -l from-json -r -F -d 'read the values of nixos/plan.nix as JSON'
complete -c lsm-doctor -n '__fish_seen_subcommand_from plan' -l flake -x -d 'evaluate nixosConfigurations.HOST of a flake (REF#HOST)'
complete -c lsm-doctor -n '__fish_seen_subcommand_from plan' -l file -r -F -d 'evaluate a configuration.nix'
