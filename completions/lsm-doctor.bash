# bash completion for lsm-doctor                           -*- shell-script -*-

_lsm_doctor()
{
    local cur prev words cword
    if declare -F _init_completion >/dev/null 2>&1; then
        _init_completion || return
    else
        cur=${COMP_WORDS[COMP_CWORD]}
        prev=${COMP_WORDS[COMP_CWORD - 1]}
        words=("${COMP_WORDS[@]}")
        cword=$COMP_CWORD
    fi

    local commands="check stack fix nixos explain collect"
    local input_opts="--root --snapshot --plan --dmesg --journal-file --journal-dir --boots --since
        --audit-log --audit-rules --knowledge --format --color --verbose -v --fail-on
        --help -h --version"

    case $prev in
        --root | --journal-dir | --knowledge)
            COMPREPLY=($(compgen -d -- "$cur"))
            return
            ;;
        --snapshot | --plan | --dmesg | --journal-file | --audit-log | --audit-rules | --config | -o | --output | \
            --from-json | --file)
            COMPREPLY=($(compgen -f -- "$cur"))
            return
            ;;
        --format)
            COMPREPLY=($(compgen -W "text json sarif junit prometheus" -- "$cur"))
            return
            ;;
        --color)
            COMPREPLY=($(compgen -W "auto always never" -- "$cur"))
            return
            ;;
        --fail-on)
            COMPREPLY=($(compgen -W "error warning never" -- "$cur"))
            return
            ;;
        --target)
            COMPREPLY=($(compgen -W "cmdline grub grubby systemd-boot nixos shell" -- "$cur"))
            return
            ;;
        --boots | --since | --flake)
            return
            ;;
    esac

    local i command=
    for ((i = 1; i < cword; i++)); do
        case ${words[i]} in
            check | stack | fix | nixos | explain | collect)
                command=${words[i]}
                [[ $command == nixos && ${words[i + 1]} == plan && $((i + 1)) -lt $cword ]] &&
                    command="nixos plan"
                break
                ;;
        esac
    done

    local opts=$input_opts
    [[ $command == check ]] && opts="$opts -o --output"
    [[ $command == check || -z $command ]] && opts="$opts --config --no-config"
    case $command in
        fix) opts="$opts --target" ;;
        nixos) opts="$opts -o --output --disable-audit" ;;
        "nixos plan") opts="-o --output --from-json --flake --file --help -h" ;;
        explain) opts="--list --help -h" ;;
        collect) opts="-o --output --redact --help -h" ;;
    esac

    if [[ $cur == -* ]]; then
        COMPREPLY=($(compgen -W "$opts" -- "$cur"))
    elif [[ -z $command ]]; then
        COMPREPLY=($(compgen -W "$commands" -- "$cur"))
    elif [[ $command == nixos ]]; then
        COMPREPLY=($(compgen -W "plan" -- "$cur"))
    elif [[ $command == explain ]]; then
        local ids
        ids=$("${words[0]}" explain --list 2>/dev/null | while read -r id _; do printf '%s\n' "$id"; done)
        COMPREPLY=($(compgen -W "$ids" -- "$cur"))
    fi
} &&
    complete -F _lsm_doctor lsm-doctor

# ex: filetype=sh
