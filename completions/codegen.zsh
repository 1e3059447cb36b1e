#compdef codegen

autoload -U is-at-least

_codegen() {
    typeset -A opt_args
    typeset -a _arguments_options
    local ret=1

    if is-at-least 5.2; then
        _arguments_options=(-s -S -C)
    else
        _arguments_options=(-s -C)
    fi

    local context curcontext="$curcontext" state line
    _arguments "${_arguments_options[@]}" : \
'--color=[When to use colour]:COLOR:((auto\:"Colour on a terminal, unless \`NO_COLOR\` is set or \`TERM=dumb\`"
always\:""
never\:""))' \
'(-v --verbose)-q[Print nothing but errors; never draw progress bars]' \
'(-v --verbose)--quiet[Print nothing but errors; never draw progress bars]' \
'*-v[More log output (-v\: info, -vv\: debug, -vvv\: trace). \`RUST_LOG\` also works]' \
'*--verbose[More log output (-v\: info, -vv\: debug, -vvv\: trace). \`RUST_LOG\` also works]' \
'-h[Print help (see more with '\''--help'\'')]' \
'--help[Print help (see more with '\''--help'\'')]' \
'-V[Print version]' \
'--version[Print version]' \
":: :_codegen_commands" \
"*::: :->codegen" \
&& ret=0
    case $state in
    (codegen)
        words=($line[1] "${words[@]}")
        (( CURRENT += 1 ))
        curcontext="${curcontext%:*:*}:codegen-command-$line[1]:"
        case $line[1] in
            (generate)
_arguments "${_arguments_options[@]}" : \
'-o+[Directory the node packages are written into (\`<DIR>/<name>/\`)]:DIR:_files' \
'--output=[Directory the node packages are written into (\`<DIR>/<name>/\`)]:DIR:_files' \
'-j+[Steps run in parallel inside a stage (default\: the number of cores)]:N:_default' \
'--jobs=[Steps run in parallel inside a stage (default\: the number of cores)]:N:_default' \
'--shard=[Take shard I of N (e.g. 2/4)\: a stable share of the contracts by name, for CI matrices]:I/N:_default' \
'--output-format=[How to print the result on standard output]:OUTPUT_FORMAT:((text\:"Diagnostics and a summary on standard error"
json\:"One JSON document on standard output"
github\:"GitHub Actions workflow commands for errors and warnings, on standard output"))' \
'--color=[When to use colour]:COLOR:((auto\:"Colour on a terminal, unless \`NO_COLOR\` is set or \`TERM=dumb\`"
always\:""
never\:""))' \
'--fail-fast[Stop at the first failing contract instead of finishing the others]' \
'--strict[Treat contract warnings (unknown keys that look like typos, ...) as errors]' \
'--timings[Print per-stage timings (p50/p95/p99 of step times) and the slowest steps]' \
'--check[Write nothing; exit 1 when any output is missing, modified or orphaned]' \
'--diff[With --check or --dry-run\: print the unified diff of every change]' \
'(--check)--dry-run[Write nothing; list what would be created, updated, unchanged or deleted]' \
'--force[Overwrite generated files that were edited by hand]' \
'--prune[Delete orphaned outputs (from contracts that are gone) whose bytes are still ours]' \
'(-v --verbose)-q[Print nothing but errors; never draw progress bars]' \
'(-v --verbose)--quiet[Print nothing but errors; never draw progress bars]' \
'*-v[More log output (-v\: info, -vv\: debug, -vvv\: trace). \`RUST_LOG\` also works]' \
'*--verbose[More log output (-v\: info, -vv\: debug, -vvv\: trace). \`RUST_LOG\` also works]' \
'-h[Print help (see more with '\''--help'\'')]' \
'--help[Print help (see more with '\''--help'\'')]' \
'-V[Print version]' \
'--version[Print version]' \
'*::paths -- Contract files, or directories searched (recursively) for `*.yaml` and `*.yml`:_files' \
&& ret=0
;;
(completions)
_arguments "${_arguments_options[@]}" : \
'--color=[When to use colour]:COLOR:((auto\:"Colour on a terminal, unless \`NO_COLOR\` is set or \`TERM=dumb\`"
always\:""
never\:""))' \
'(-v --verbose)-q[Print nothing but errors; never draw progress bars]' \
'(-v --verbose)--quiet[Print nothing but errors; never draw progress bars]' \
'*-v[More log output (-v\: info, -vv\: debug, -vvv\: trace). \`RUST_LOG\` also works]' \
'*--verbose[More log output (-v\: info, -vv\: debug, -vvv\: trace). \`RUST_LOG\` also works]' \
'-h[Print help (see more with '\''--help'\'')]' \
'--help[Print help (see more with '\''--help'\'')]' \
'-V[Print version]' \
'--version[Print version]' \
':shell -- The shell to complete for:(bash elvish fish powershell zsh)' \
&& ret=0
;;
(help)
_arguments "${_arguments_options[@]}" : \
":: :_codegen__subcmd__help_commands" \
"*::: :->help" \
&& ret=0

    case $state in
    (help)
        words=($line[1] "${words[@]}")
        (( CURRENT += 1 ))
        curcontext="${curcontext%:*:*}:codegen-help-command-$line[1]:"
        case $line[1] in
            (generate)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(completions)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(help)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
        esac
    ;;
esac
;;
        esac
    ;;
esac
}

(( $+functions[_codegen_commands] )) ||
_codegen_commands() {
    local commands; commands=(
'generate:Generate a node package from each contract' \
'completions:Print a shell completion script to standard output' \
'help:Print this message or the help of the given subcommand(s)' \
    )
    _describe -t commands 'codegen commands' commands "$@"
}
(( $+functions[_codegen__subcmd__completions_commands] )) ||
_codegen__subcmd__completions_commands() {
    local commands; commands=()
    _describe -t commands 'codegen completions commands' commands "$@"
}
(( $+functions[_codegen__subcmd__generate_commands] )) ||
_codegen__subcmd__generate_commands() {
    local commands; commands=()
    _describe -t commands 'codegen generate commands' commands "$@"
}
(( $+functions[_codegen__subcmd__help_commands] )) ||
_codegen__subcmd__help_commands() {
    local commands; commands=(
'generate:Generate a node package from each contract' \
'completions:Print a shell completion script to standard output' \
'help:Print this message or the help of the given subcommand(s)' \
    )
    _describe -t commands 'codegen help commands' commands "$@"
}
(( $+functions[_codegen__subcmd__help__subcmd__completions_commands] )) ||
_codegen__subcmd__help__subcmd__completions_commands() {
    local commands; commands=()
    _describe -t commands 'codegen help completions commands' commands "$@"
}
(( $+functions[_codegen__subcmd__help__subcmd__generate_commands] )) ||
_codegen__subcmd__help__subcmd__generate_commands() {
    local commands; commands=()
    _describe -t commands 'codegen help generate commands' commands "$@"
}
(( $+functions[_codegen__subcmd__help__subcmd__help_commands] )) ||
_codegen__subcmd__help__subcmd__help_commands() {
    local commands; commands=()
    _describe -t commands 'codegen help help commands' commands "$@"
}

if [ "$funcstack[1]" = "_codegen" ]; then
    _codegen "$@"
else
    compdef _codegen codegen
fi
