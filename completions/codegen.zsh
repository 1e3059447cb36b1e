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
'--color=[When to use colour \[default\: auto; config\: \`color\`\]]:COLOR:((auto\:"Colour on a terminal unless \`NO_COLOR\` is set, \`CLICOLOR=0\` or \`TERM=dumb\`; \`FORCE_COLOR\` or \`CLICOLOR_FORCE\` forces it, even into a pipe"
always\:""
never\:""))' \
'(--isolated)--config=[Read settings from this file (a \`codegen.toml\`, or a \`pyproject.toml\` with \`\[tool.codegen\]\`) instead of searching for one]:FILE:_files' \
'(-v --verbose)-q[Print nothing but errors; never draw progress bars]' \
'(-v --verbose)--quiet[Print nothing but errors; never draw progress bars]' \
'*-v[More log output (-v\: info, -vv\: debug, -vvv\: trace). \`RUST_LOG\` also works]' \
'*--verbose[More log output (-v\: info, -vv\: debug, -vvv\: trace). \`RUST_LOG\` also works]' \
'--isolated[Ignore every configuration file\: built-in defaults and flags only]' \
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
'-o+[Directory the node packages are written into (\`<DIR>/<name>/\`) \[default\: generated\]]:DIR:_files' \
'--output=[Directory the node packages are written into (\`<DIR>/<name>/\`) \[default\: generated\]]:DIR:_files' \
'-j+[Steps run in parallel inside a stage (default\: the number of cores)]:N:_default' \
'--jobs=[Steps run in parallel inside a stage (default\: the number of cores)]:N:_default' \
'*--ignore=[Warnings not to report, by code or prefix (\`CTR006\`, \`ONX008\`, \`CTR\`); errors are always reported]:CODES:(CTR SYN CMP STB QLT DOC TYP ONX SEC CTR001 CTR002 CTR003 CTR004 CTR005 CTR006 SYN001 SYN002 SYN003 CMP001 CMP002 CMP003 STB001 STB002 STB003 QLT001 QLT002 QLT003 QLT004 QLT005 DOC001 TYP001 TYP002 ONX001 ONX002 ONX003 ONX004 ONX005 ONX006 ONX007 ONX008 SEC001 SEC002 SEC003 SEC004 SEC005)' \
'--step-timeout=[Seconds one step (one contract'\''s stage), or the format command, may run before it is stopped and reported \[default\: 60; config\: \`\[generate\] step-timeout\`\]. Stage 5 gets the quorum'\''s deadline on top for each turn of its package'\''s files]:SECS:_default' \
'*--quality-select=[The rules stage 5 checks the generated code with, by code or prefix \[default\: all; config\: \`\[generate\] quality-select\`\]]:CODES:(ALL SYN CMP STB QLT DOC TYP ONX SEC SYN001 SYN002 SYN003 CMP001 CMP002 CMP003 STB001 STB002 STB003 QLT001 QLT002 QLT003 QLT004 QLT005 DOC001 TYP001 TYP002 ONX001 ONX002 ONX003 ONX004 ONX005 ONX006 ONX007 ONX008 SEC001 SEC002 SEC003 SEC004 SEC005)' \
'--trace=[Write a Chrome trace of the run (stages, and every step on its worker thread) to FILE; open it in Perfetto or \`chrome\://tracing\`]:FILE:_files' \
'--shard=[Take shard I of N (e.g. 2/4)\: a stable share of the contracts by name, for CI matrices; \`auto\` reads I and N from the CI'\''s parallel-job variables (GitLab \`CI_NODE_INDEX\`/ \`CI_NODE_TOTAL\`, \`CircleCI\` \`CIRCLE_NODE_INDEX\`/\`CIRCLE_NODE_TOTAL\`, Buildkite \`BUILDKITE_PARALLEL_JOB\`/\`BUILDKITE_PARALLEL_JOB_COUNT\`)]:I/N|auto:_default' \
'--output-format=[How to print the result on standard output \[default\: text\]]:OUTPUT_FORMAT:((text\:"Diagnostics and a summary on standard error"
json\:"One JSON document on standard output"
github\:"GitHub Actions workflow commands for errors and warnings, on standard output"
gitlab\:"A GitLab Code Quality report (a JSON array of issues) on standard output"))' \
'--templates=[Directory of \`*.tera\` files overriding built-in templates by name]:DIR:_files' \
'--package-prefix=[The dotted import path of the output directory (\`-o src/myproj/nodes --package-prefix myproj.nodes\`)\: module paths into each package start with it \[default\: derived from the \`__init__.py\` files above the output directory; config\: \`\[generate\] package-prefix\`\]]:PKG:_default' \
'--color=[When to use colour \[default\: auto; config\: \`color\`\]]:COLOR:((auto\:"Colour on a terminal unless \`NO_COLOR\` is set, \`CLICOLOR=0\` or \`TERM=dumb\`; \`FORCE_COLOR\` or \`CLICOLOR_FORCE\` forces it, even into a pipe"
always\:""
never\:""))' \
'(--isolated)--config=[Read settings from this file (a \`codegen.toml\`, or a \`pyproject.toml\` with \`\[tool.codegen\]\`) instead of searching for one]:FILE:_files' \
'--fail-fast[Stop at the first failing contract instead of finishing the others]' \
'--strict[Treat contract warnings (unknown keys that look like typos, ...) as errors]' \
'--timings[Print per-stage timings (p50/p95/p99 of step times) and the slowest steps]' \
'--check[Write nothing; exit 1 when any output is missing, modified or orphaned]' \
'--diff[With --check or --dry-run\: print the unified diff of every change]' \
'(--check)--dry-run[Write nothing; list what would be created, updated, unchanged or deleted]' \
'--force[Overwrite generated files that were edited by hand]' \
'--prune[Delete orphaned outputs (from contracts that are gone) whose bytes are still ours]' \
'--quorum[Also have the configured LLMs vote on every Python file (see \`codegen quorum check\`)]' \
'--require-quorum[With --quorum\: exit 2 when a verdict is inconclusive (too little weight answered)]' \
'--no-cache[With --quorum\: neither read nor write the cache of votes]' \
'(-v --verbose)-q[Print nothing but errors; never draw progress bars]' \
'(-v --verbose)--quiet[Print nothing but errors; never draw progress bars]' \
'*-v[More log output (-v\: info, -vv\: debug, -vvv\: trace). \`RUST_LOG\` also works]' \
'*--verbose[More log output (-v\: info, -vv\: debug, -vvv\: trace). \`RUST_LOG\` also works]' \
'--isolated[Ignore every configuration file\: built-in defaults and flags only]' \
'-h[Print help (see more with '\''--help'\'')]' \
'--help[Print help (see more with '\''--help'\'')]' \
'-V[Print version]' \
'--version[Print version]' \
'*::paths -- Contract files, or directories searched (recursively) for `*.yaml` and `*.yml` \[config\: `\[generate\] contracts`\]:_files' \
&& ret=0
;;
(validate)
_arguments "${_arguments_options[@]}" : \
'*--select=[Rules to check, by code or prefix (\`SYN001\`, \`ONX\`, \`ALL\`); replaces the default (all)]:CODES:(ALL SYN CMP STB QLT DOC TYP ONX SEC SYN001 SYN002 SYN003 CMP001 CMP002 CMP003 STB001 STB002 STB003 QLT001 QLT002 QLT003 QLT004 QLT005 DOC001 TYP001 TYP002 ONX001 ONX002 ONX003 ONX004 ONX005 ONX006 ONX007 ONX008 SEC001 SEC002 SEC003 SEC004 SEC005)' \
'*--extend-select=[Rules to check in addition to the selected ones]:CODES:(ALL SYN CMP STB QLT DOC TYP ONX SEC SYN001 SYN002 SYN003 CMP001 CMP002 CMP003 STB001 STB002 STB003 QLT001 QLT002 QLT003 QLT004 QLT005 DOC001 TYP001 TYP002 ONX001 ONX002 ONX003 ONX004 ONX005 ONX006 ONX007 ONX008 SEC001 SEC002 SEC003 SEC004 SEC005)' \
'*--ignore=[Rules not to check, by code or prefix]:CODES:(ALL SYN CMP STB QLT DOC TYP ONX SEC SYN001 SYN002 SYN003 CMP001 CMP002 CMP003 STB001 STB002 STB003 QLT001 QLT002 QLT003 QLT004 QLT005 DOC001 TYP001 TYP002 ONX001 ONX002 ONX003 ONX004 ONX005 ONX006 ONX007 ONX008 SEC001 SEC002 SEC003 SEC004 SEC005)' \
'*--exclude=[Skip paths matching this glob while walking directories; replaces the default excludes]:GLOB:_default' \
'*--extend-exclude=[Skip paths matching this glob, in addition to the default excludes]:GLOB:_default' \
'--stdin-filename=[Read the source from standard input, reporting it under this name]:NAME:_files' \
'--output-format=[How findings are printed on standard output \[default\: text\]]:OUTPUT_FORMAT:((text\:"\`path\:line\:col\: CODE message\`, one finding a line"
json\:"One JSON array of findings"
github\:"GitHub Actions workflow commands (\`\:\:error file=...\:\:message\`)"
junit\:"\`JUnit\` XML\: a test suite per file"
sarif\:"SARIF 2.1.0"
gitlab\:"A GitLab Code Quality report\: a JSON array of issues"))' \
'-j+[Files checked in parallel (default\: the number of cores)]:N:_default' \
'--jobs=[Files checked in parallel (default\: the number of cores)]:N:_default' \
'--color=[When to use colour \[default\: auto; config\: \`color\`\]]:COLOR:((auto\:"Colour on a terminal unless \`NO_COLOR\` is set, \`CLICOLOR=0\` or \`TERM=dumb\`; \`FORCE_COLOR\` or \`CLICOLOR_FORCE\` forces it, even into a pipe"
always\:""
never\:""))' \
'(--isolated)--config=[Read settings from this file (a \`codegen.toml\`, or a \`pyproject.toml\` with \`\[tool.codegen\]\`) instead of searching for one]:FILE:_files' \
'--no-respect-gitignore[Walk into what \`.gitignore\`, \`.ignore\` and git'\''s excludes leave out]' \
'--show-source[Show the offending source line under each finding (text format)]' \
'--statistics[Print the number of findings per rule instead of the findings]' \
'--exit-zero[Exit 0 even when there are error findings (usage and input errors still exit 2)]' \
'--warnings-as-errors[Treat warning findings as errors]' \
'--quorum[Also have the configured LLMs vote on every Python file (see \`codegen quorum check\`)]' \
'--require-quorum[With --quorum\: exit 2 when a verdict is inconclusive (too little weight answered)]' \
'--no-cache[With --quorum\: neither read nor write the cache of votes]' \
'(-v --verbose)-q[Print nothing but errors; never draw progress bars]' \
'(-v --verbose)--quiet[Print nothing but errors; never draw progress bars]' \
'*-v[More log output (-v\: info, -vv\: debug, -vvv\: trace). \`RUST_LOG\` also works]' \
'*--verbose[More log output (-v\: info, -vv\: debug, -vvv\: trace). \`RUST_LOG\` also works]' \
'--isolated[Ignore every configuration file\: built-in defaults and flags only]' \
'-h[Print help (see more with '\''--help'\'')]' \
'--help[Print help (see more with '\''--help'\'')]' \
'-V[Print version]' \
'--version[Print version]' \
'*::paths -- Python files, or directories searched for `*.py` and `*.pyi`; `-` reads standard input:_files' \
&& ret=0
;;
(rules)
_arguments "${_arguments_options[@]}" : \
'--output-format=[How the rules are printed]:OUTPUT_FORMAT:((text\:"A table, or the explanation of one rule"
json\:"JSON\: an array of rules, or one rule object"))' \
'--color=[When to use colour \[default\: auto; config\: \`color\`\]]:COLOR:((auto\:"Colour on a terminal unless \`NO_COLOR\` is set, \`CLICOLOR=0\` or \`TERM=dumb\`; \`FORCE_COLOR\` or \`CLICOLOR_FORCE\` forces it, even into a pipe"
always\:""
never\:""))' \
'(--isolated)--config=[Read settings from this file (a \`codegen.toml\`, or a \`pyproject.toml\` with \`\[tool.codegen\]\`) instead of searching for one]:FILE:_files' \
'(-v --verbose)-q[Print nothing but errors; never draw progress bars]' \
'(-v --verbose)--quiet[Print nothing but errors; never draw progress bars]' \
'*-v[More log output (-v\: info, -vv\: debug, -vvv\: trace). \`RUST_LOG\` also works]' \
'*--verbose[More log output (-v\: info, -vv\: debug, -vvv\: trace). \`RUST_LOG\` also works]' \
'--isolated[Ignore every configuration file\: built-in defaults and flags only]' \
'-h[Print help (see more with '\''--help'\'')]' \
'--help[Print help (see more with '\''--help'\'')]' \
'-V[Print version]' \
'--version[Print version]' \
'::code -- A rule code to explain, or a prefix to list (`ONX`); all rules when omitted:_default' \
&& ret=0
;;
(completions)
_arguments "${_arguments_options[@]}" : \
'--color=[When to use colour \[default\: auto; config\: \`color\`\]]:COLOR:((auto\:"Colour on a terminal unless \`NO_COLOR\` is set, \`CLICOLOR=0\` or \`TERM=dumb\`; \`FORCE_COLOR\` or \`CLICOLOR_FORCE\` forces it, even into a pipe"
always\:""
never\:""))' \
'(--isolated)--config=[Read settings from this file (a \`codegen.toml\`, or a \`pyproject.toml\` with \`\[tool.codegen\]\`) instead of searching for one]:FILE:_files' \
'(-v --verbose)-q[Print nothing but errors; never draw progress bars]' \
'(-v --verbose)--quiet[Print nothing but errors; never draw progress bars]' \
'*-v[More log output (-v\: info, -vv\: debug, -vvv\: trace). \`RUST_LOG\` also works]' \
'*--verbose[More log output (-v\: info, -vv\: debug, -vvv\: trace). \`RUST_LOG\` also works]' \
'--isolated[Ignore every configuration file\: built-in defaults and flags only]' \
'-h[Print help (see more with '\''--help'\'')]' \
'--help[Print help (see more with '\''--help'\'')]' \
'-V[Print version]' \
'--version[Print version]' \
':shell -- The shell to complete for:(bash elvish fish powershell zsh)' \
&& ret=0
;;
(templates)
_arguments "${_arguments_options[@]}" : \
'--color=[When to use colour \[default\: auto; config\: \`color\`\]]:COLOR:((auto\:"Colour on a terminal unless \`NO_COLOR\` is set, \`CLICOLOR=0\` or \`TERM=dumb\`; \`FORCE_COLOR\` or \`CLICOLOR_FORCE\` forces it, even into a pipe"
always\:""
never\:""))' \
'(--isolated)--config=[Read settings from this file (a \`codegen.toml\`, or a \`pyproject.toml\` with \`\[tool.codegen\]\`) instead of searching for one]:FILE:_files' \
'(-v --verbose)-q[Print nothing but errors; never draw progress bars]' \
'(-v --verbose)--quiet[Print nothing but errors; never draw progress bars]' \
'*-v[More log output (-v\: info, -vv\: debug, -vvv\: trace). \`RUST_LOG\` also works]' \
'*--verbose[More log output (-v\: info, -vv\: debug, -vvv\: trace). \`RUST_LOG\` also works]' \
'--isolated[Ignore every configuration file\: built-in defaults and flags only]' \
'-h[Print help (see more with '\''--help'\'')]' \
'--help[Print help (see more with '\''--help'\'')]' \
'-V[Print version]' \
'--version[Print version]' \
":: :_codegen__subcmd__templates_commands" \
"*::: :->templates" \
&& ret=0

    case $state in
    (templates)
        words=($line[1] "${words[@]}")
        (( CURRENT += 1 ))
        curcontext="${curcontext%:*:*}:codegen-templates-command-$line[1]:"
        case $line[1] in
            (list)
_arguments "${_arguments_options[@]}" : \
'--templates=[Directory of \`*.tera\` files overriding built-in templates by name]:DIR:_files' \
'--color=[When to use colour \[default\: auto; config\: \`color\`\]]:COLOR:((auto\:"Colour on a terminal unless \`NO_COLOR\` is set, \`CLICOLOR=0\` or \`TERM=dumb\`; \`FORCE_COLOR\` or \`CLICOLOR_FORCE\` forces it, even into a pipe"
always\:""
never\:""))' \
'(--isolated)--config=[Read settings from this file (a \`codegen.toml\`, or a \`pyproject.toml\` with \`\[tool.codegen\]\`) instead of searching for one]:FILE:_files' \
'(-v --verbose)-q[Print nothing but errors; never draw progress bars]' \
'(-v --verbose)--quiet[Print nothing but errors; never draw progress bars]' \
'*-v[More log output (-v\: info, -vv\: debug, -vvv\: trace). \`RUST_LOG\` also works]' \
'*--verbose[More log output (-v\: info, -vv\: debug, -vvv\: trace). \`RUST_LOG\` also works]' \
'--isolated[Ignore every configuration file\: built-in defaults and flags only]' \
'-h[Print help (see more with '\''--help'\'')]' \
'--help[Print help (see more with '\''--help'\'')]' \
'-V[Print version]' \
'--version[Print version]' \
&& ret=0
;;
(eject)
_arguments "${_arguments_options[@]}" : \
'--color=[When to use colour \[default\: auto; config\: \`color\`\]]:COLOR:((auto\:"Colour on a terminal unless \`NO_COLOR\` is set, \`CLICOLOR=0\` or \`TERM=dumb\`; \`FORCE_COLOR\` or \`CLICOLOR_FORCE\` forces it, even into a pipe"
always\:""
never\:""))' \
'(--isolated)--config=[Read settings from this file (a \`codegen.toml\`, or a \`pyproject.toml\` with \`\[tool.codegen\]\`) instead of searching for one]:FILE:_files' \
'--force[Overwrite files that exist already]' \
'(-v --verbose)-q[Print nothing but errors; never draw progress bars]' \
'(-v --verbose)--quiet[Print nothing but errors; never draw progress bars]' \
'*-v[More log output (-v\: info, -vv\: debug, -vvv\: trace). \`RUST_LOG\` also works]' \
'*--verbose[More log output (-v\: info, -vv\: debug, -vvv\: trace). \`RUST_LOG\` also works]' \
'--isolated[Ignore every configuration file\: built-in defaults and flags only]' \
'-h[Print help (see more with '\''--help'\'')]' \
'--help[Print help (see more with '\''--help'\'')]' \
'-V[Print version]' \
'--version[Print version]' \
':dir -- Where the templates are written (created when missing):_files' \
&& ret=0
;;
(help)
_arguments "${_arguments_options[@]}" : \
":: :_codegen__subcmd__templates__subcmd__help_commands" \
"*::: :->help" \
&& ret=0

    case $state in
    (help)
        words=($line[1] "${words[@]}")
        (( CURRENT += 1 ))
        curcontext="${curcontext%:*:*}:codegen-templates-help-command-$line[1]:"
        case $line[1] in
            (list)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(eject)
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
;;
(init)
_arguments "${_arguments_options[@]}" : \
'--color=[When to use colour \[default\: auto; config\: \`color\`\]]:COLOR:((auto\:"Colour on a terminal unless \`NO_COLOR\` is set, \`CLICOLOR=0\` or \`TERM=dumb\`; \`FORCE_COLOR\` or \`CLICOLOR_FORCE\` forces it, even into a pipe"
always\:""
never\:""))' \
'(--isolated)--config=[Read settings from this file (a \`codegen.toml\`, or a \`pyproject.toml\` with \`\[tool.codegen\]\`) instead of searching for one]:FILE:_files' \
'(-v --verbose)-q[Print nothing but errors; never draw progress bars]' \
'(-v --verbose)--quiet[Print nothing but errors; never draw progress bars]' \
'*-v[More log output (-v\: info, -vv\: debug, -vvv\: trace). \`RUST_LOG\` also works]' \
'*--verbose[More log output (-v\: info, -vv\: debug, -vvv\: trace). \`RUST_LOG\` also works]' \
'--isolated[Ignore every configuration file\: built-in defaults and flags only]' \
'-h[Print help (see more with '\''--help'\'')]' \
'--help[Print help (see more with '\''--help'\'')]' \
'-V[Print version]' \
'--version[Print version]' \
'::dir -- The project directory (created when missing):_files' \
&& ret=0
;;
(new)
_arguments "${_arguments_options[@]}" : \
'-t+[The node type]:TYPE:(effect compute reducer orchestrator)' \
'--type=[The node type]:TYPE:(effect compute reducer orchestrator)' \
'-o+[Directory the contract is written into]:DIR:_files' \
'--output=[Directory the contract is written into]:DIR:_files' \
'--color=[When to use colour \[default\: auto; config\: \`color\`\]]:COLOR:((auto\:"Colour on a terminal unless \`NO_COLOR\` is set, \`CLICOLOR=0\` or \`TERM=dumb\`; \`FORCE_COLOR\` or \`CLICOLOR_FORCE\` forces it, even into a pipe"
always\:""
never\:""))' \
'(--isolated)--config=[Read settings from this file (a \`codegen.toml\`, or a \`pyproject.toml\` with \`\[tool.codegen\]\`) instead of searching for one]:FILE:_files' \
'(-v --verbose)-q[Print nothing but errors; never draw progress bars]' \
'(-v --verbose)--quiet[Print nothing but errors; never draw progress bars]' \
'*-v[More log output (-v\: info, -vv\: debug, -vvv\: trace). \`RUST_LOG\` also works]' \
'*--verbose[More log output (-v\: info, -vv\: debug, -vvv\: trace). \`RUST_LOG\` also works]' \
'--isolated[Ignore every configuration file\: built-in defaults and flags only]' \
'-h[Print help (see more with '\''--help'\'')]' \
'--help[Print help (see more with '\''--help'\'')]' \
'-V[Print version]' \
'--version[Print version]' \
':name -- The node'\''s name\: `auth gate`, `AuthGate` and `auth_gate` all give `node_auth_gate_<type>`:_default' \
&& ret=0
;;
(schema)
_arguments "${_arguments_options[@]}" : \
'--color=[When to use colour \[default\: auto; config\: \`color\`\]]:COLOR:((auto\:"Colour on a terminal unless \`NO_COLOR\` is set, \`CLICOLOR=0\` or \`TERM=dumb\`; \`FORCE_COLOR\` or \`CLICOLOR_FORCE\` forces it, even into a pipe"
always\:""
never\:""))' \
'(--isolated)--config=[Read settings from this file (a \`codegen.toml\`, or a \`pyproject.toml\` with \`\[tool.codegen\]\`) instead of searching for one]:FILE:_files' \
'(-v --verbose)-q[Print nothing but errors; never draw progress bars]' \
'(-v --verbose)--quiet[Print nothing but errors; never draw progress bars]' \
'*-v[More log output (-v\: info, -vv\: debug, -vvv\: trace). \`RUST_LOG\` also works]' \
'*--verbose[More log output (-v\: info, -vv\: debug, -vvv\: trace). \`RUST_LOG\` also works]' \
'--isolated[Ignore every configuration file\: built-in defaults and flags only]' \
'-h[Print help (see more with '\''--help'\'')]' \
'--help[Print help (see more with '\''--help'\'')]' \
'-V[Print version]' \
'--version[Print version]' \
&& ret=0
;;
(config)
_arguments "${_arguments_options[@]}" : \
'--output-format=[How the configuration is printed]:OUTPUT_FORMAT:((text\:"TOML, each value followed by a comment naming its source"
json\:"JSON\: the settings file used, and each key with its value and source"))' \
'--color=[When to use colour \[default\: auto; config\: \`color\`\]]:COLOR:((auto\:"Colour on a terminal unless \`NO_COLOR\` is set, \`CLICOLOR=0\` or \`TERM=dumb\`; \`FORCE_COLOR\` or \`CLICOLOR_FORCE\` forces it, even into a pipe"
always\:""
never\:""))' \
'(--isolated)--config=[Read settings from this file (a \`codegen.toml\`, or a \`pyproject.toml\` with \`\[tool.codegen\]\`) instead of searching for one]:FILE:_files' \
'(-v --verbose)-q[Print nothing but errors; never draw progress bars]' \
'(-v --verbose)--quiet[Print nothing but errors; never draw progress bars]' \
'*-v[More log output (-v\: info, -vv\: debug, -vvv\: trace). \`RUST_LOG\` also works]' \
'*--verbose[More log output (-v\: info, -vv\: debug, -vvv\: trace). \`RUST_LOG\` also works]' \
'--isolated[Ignore every configuration file\: built-in defaults and flags only]' \
'-h[Print help (see more with '\''--help'\'')]' \
'--help[Print help (see more with '\''--help'\'')]' \
'-V[Print version]' \
'--version[Print version]' \
&& ret=0
;;
(quorum)
_arguments "${_arguments_options[@]}" : \
'--color=[When to use colour \[default\: auto; config\: \`color\`\]]:COLOR:((auto\:"Colour on a terminal unless \`NO_COLOR\` is set, \`CLICOLOR=0\` or \`TERM=dumb\`; \`FORCE_COLOR\` or \`CLICOLOR_FORCE\` forces it, even into a pipe"
always\:""
never\:""))' \
'(--isolated)--config=[Read settings from this file (a \`codegen.toml\`, or a \`pyproject.toml\` with \`\[tool.codegen\]\`) instead of searching for one]:FILE:_files' \
'(-v --verbose)-q[Print nothing but errors; never draw progress bars]' \
'(-v --verbose)--quiet[Print nothing but errors; never draw progress bars]' \
'*-v[More log output (-v\: info, -vv\: debug, -vvv\: trace). \`RUST_LOG\` also works]' \
'*--verbose[More log output (-v\: info, -vv\: debug, -vvv\: trace). \`RUST_LOG\` also works]' \
'--isolated[Ignore every configuration file\: built-in defaults and flags only]' \
'-h[Print help (see more with '\''--help'\'')]' \
'--help[Print help (see more with '\''--help'\'')]' \
'-V[Print version]' \
'--version[Print version]' \
":: :_codegen__subcmd__quorum_commands" \
"*::: :->quorum" \
&& ret=0

    case $state in
    (quorum)
        words=($line[1] "${words[@]}")
        (( CURRENT += 1 ))
        curcontext="${curcontext%:*:*}:codegen-quorum-command-$line[1]:"
        case $line[1] in
            (check)
_arguments "${_arguments_options[@]}" : \
'--output-format=[How the result is printed]:OUTPUT_FORMAT:((text\:"One line per model"
json\:"JSON\: an array with one object per model"))' \
'--color=[When to use colour \[default\: auto; config\: \`color\`\]]:COLOR:((auto\:"Colour on a terminal unless \`NO_COLOR\` is set, \`CLICOLOR=0\` or \`TERM=dumb\`; \`FORCE_COLOR\` or \`CLICOLOR_FORCE\` forces it, even into a pipe"
always\:""
never\:""))' \
'(--isolated)--config=[Read settings from this file (a \`codegen.toml\`, or a \`pyproject.toml\` with \`\[tool.codegen\]\`) instead of searching for one]:FILE:_files' \
'(-v --verbose)-q[Print nothing but errors; never draw progress bars]' \
'(-v --verbose)--quiet[Print nothing but errors; never draw progress bars]' \
'*-v[More log output (-v\: info, -vv\: debug, -vvv\: trace). \`RUST_LOG\` also works]' \
'*--verbose[More log output (-v\: info, -vv\: debug, -vvv\: trace). \`RUST_LOG\` also works]' \
'--isolated[Ignore every configuration file\: built-in defaults and flags only]' \
'-h[Print help (see more with '\''--help'\'')]' \
'--help[Print help (see more with '\''--help'\'')]' \
'-V[Print version]' \
'--version[Print version]' \
&& ret=0
;;
(help)
_arguments "${_arguments_options[@]}" : \
":: :_codegen__subcmd__quorum__subcmd__help_commands" \
"*::: :->help" \
&& ret=0

    case $state in
    (help)
        words=($line[1] "${words[@]}")
        (( CURRENT += 1 ))
        curcontext="${curcontext%:*:*}:codegen-quorum-help-command-$line[1]:"
        case $line[1] in
            (check)
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
;;
(profile)
_arguments "${_arguments_options[@]}" : \
'--iterations=[Whole runs measured, for each setting tried]:N:_default' \
'--threshold=[An operation taking at least this share of the run is a hot path]:SHARE:_default' \
'--output-format=[How the profile is printed]:OUTPUT_FORMAT:((text\:"A table with a bar chart of shares, hot paths and recommendations"
json\:"One JSON document on standard output"))' \
'-j+[Parallel jobs to start from \[default\: the CPU count; config\: \`\[generate\] jobs\`\]]:N:_default' \
'--jobs=[Parallel jobs to start from \[default\: the CPU count; config\: \`\[generate\] jobs\`\]]:N:_default' \
'--templates=[Templates that override the built-in ones \[config\: \`\[generate\] templates\`\]]:DIR:_files' \
'--color=[When to use colour \[default\: auto; config\: \`color\`\]]:COLOR:((auto\:"Colour on a terminal unless \`NO_COLOR\` is set, \`CLICOLOR=0\` or \`TERM=dumb\`; \`FORCE_COLOR\` or \`CLICOLOR_FORCE\` forces it, even into a pipe"
always\:""
never\:""))' \
'(--isolated)--config=[Read settings from this file (a \`codegen.toml\`, or a \`pyproject.toml\` with \`\[tool.codegen\]\`) instead of searching for one]:FILE:_files' \
'--apply[Write the recommended settings into \`codegen.toml\` (comments and order kept)]' \
'--quorum[Also have the configured LLMs vote on every Python file (see \`codegen quorum check\`)]' \
'--require-quorum[With --quorum\: exit 2 when a verdict is inconclusive (too little weight answered)]' \
'--no-cache[With --quorum\: neither read nor write the cache of votes]' \
'(-v --verbose)-q[Print nothing but errors; never draw progress bars]' \
'(-v --verbose)--quiet[Print nothing but errors; never draw progress bars]' \
'*-v[More log output (-v\: info, -vv\: debug, -vvv\: trace). \`RUST_LOG\` also works]' \
'*--verbose[More log output (-v\: info, -vv\: debug, -vvv\: trace). \`RUST_LOG\` also works]' \
'--isolated[Ignore every configuration file\: built-in defaults and flags only]' \
'-h[Print help (see more with '\''--help'\'')]' \
'--help[Print help (see more with '\''--help'\'')]' \
'-V[Print version]' \
'--version[Print version]' \
'*::paths -- Contract files, or directories searched (recursively) for `*.yaml` and `*.yml` \[config\: `\[generate\] contracts`\]:_files' \
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
(validate)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(rules)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(completions)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(templates)
_arguments "${_arguments_options[@]}" : \
":: :_codegen__subcmd__help__subcmd__templates_commands" \
"*::: :->templates" \
&& ret=0

    case $state in
    (templates)
        words=($line[1] "${words[@]}")
        (( CURRENT += 1 ))
        curcontext="${curcontext%:*:*}:codegen-help-templates-command-$line[1]:"
        case $line[1] in
            (list)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(eject)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
        esac
    ;;
esac
;;
(init)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(new)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(schema)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(config)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(quorum)
_arguments "${_arguments_options[@]}" : \
":: :_codegen__subcmd__help__subcmd__quorum_commands" \
"*::: :->quorum" \
&& ret=0

    case $state in
    (quorum)
        words=($line[1] "${words[@]}")
        (( CURRENT += 1 ))
        curcontext="${curcontext%:*:*}:codegen-help-quorum-command-$line[1]:"
        case $line[1] in
            (check)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
        esac
    ;;
esac
;;
(profile)
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
'validate:Check Python files\: syntax as Python 3.12 judges it, then the rule catalogue' \
'rules:List the rules \`validate\` checks, or explain one' \
'completions:Print a shell completion script to standard output' \
'templates:List the templates, or write the built-in ones out to edit' \
'init:Start a project\: a commented \`codegen.toml\` and one example contract per node type' \
'new:Write one minimal contract for a new node' \
'schema:Print the JSON Schema (draft 2020-12) of the contract format' \
'config:Print the resolved configuration and where each value comes from' \
'quorum:The AI quorum\: check that each configured model answers' \
'profile:Run generate over and over into a scratch directory\: where the time goes, and the settings that measurably make it faster' \
'help:Print this message or the help of the given subcommand(s)' \
    )
    _describe -t commands 'codegen commands' commands "$@"
}
(( $+functions[_codegen__subcmd__completions_commands] )) ||
_codegen__subcmd__completions_commands() {
    local commands; commands=()
    _describe -t commands 'codegen completions commands' commands "$@"
}
(( $+functions[_codegen__subcmd__config_commands] )) ||
_codegen__subcmd__config_commands() {
    local commands; commands=()
    _describe -t commands 'codegen config commands' commands "$@"
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
'validate:Check Python files\: syntax as Python 3.12 judges it, then the rule catalogue' \
'rules:List the rules \`validate\` checks, or explain one' \
'completions:Print a shell completion script to standard output' \
'templates:List the templates, or write the built-in ones out to edit' \
'init:Start a project\: a commented \`codegen.toml\` and one example contract per node type' \
'new:Write one minimal contract for a new node' \
'schema:Print the JSON Schema (draft 2020-12) of the contract format' \
'config:Print the resolved configuration and where each value comes from' \
'quorum:The AI quorum\: check that each configured model answers' \
'profile:Run generate over and over into a scratch directory\: where the time goes, and the settings that measurably make it faster' \
'help:Print this message or the help of the given subcommand(s)' \
    )
    _describe -t commands 'codegen help commands' commands "$@"
}
(( $+functions[_codegen__subcmd__help__subcmd__completions_commands] )) ||
_codegen__subcmd__help__subcmd__completions_commands() {
    local commands; commands=()
    _describe -t commands 'codegen help completions commands' commands "$@"
}
(( $+functions[_codegen__subcmd__help__subcmd__config_commands] )) ||
_codegen__subcmd__help__subcmd__config_commands() {
    local commands; commands=()
    _describe -t commands 'codegen help config commands' commands "$@"
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
(( $+functions[_codegen__subcmd__help__subcmd__init_commands] )) ||
_codegen__subcmd__help__subcmd__init_commands() {
    local commands; commands=()
    _describe -t commands 'codegen help init commands' commands "$@"
}
(( $+functions[_codegen__subcmd__help__subcmd__new_commands] )) ||
_codegen__subcmd__help__subcmd__new_commands() {
    local commands; commands=()
    _describe -t commands 'codegen help new commands' commands "$@"
}
(( $+functions[_codegen__subcmd__help__subcmd__profile_commands] )) ||
_codegen__subcmd__help__subcmd__profile_commands() {
    local commands; commands=()
    _describe -t commands 'codegen help profile commands' commands "$@"
}
(( $+functions[_codegen__subcmd__help__subcmd__quorum_commands] )) ||
_codegen__subcmd__help__subcmd__quorum_commands() {
    local commands; commands=(
'check:Call each configured model once; report which answer, how fast, and why not' \
    )
    _describe -t commands 'codegen help quorum commands' commands "$@"
}
(( $+functions[_codegen__subcmd__help__subcmd__quorum__subcmd__check_commands] )) ||
_codegen__subcmd__help__subcmd__quorum__subcmd__check_commands() {
    local commands; commands=()
    _describe -t commands 'codegen help quorum check commands' commands "$@"
}
(( $+functions[_codegen__subcmd__help__subcmd__rules_commands] )) ||
_codegen__subcmd__help__subcmd__rules_commands() {
    local commands; commands=()
    _describe -t commands 'codegen help rules commands' commands "$@"
}
(( $+functions[_codegen__subcmd__help__subcmd__schema_commands] )) ||
_codegen__subcmd__help__subcmd__schema_commands() {
    local commands; commands=()
    _describe -t commands 'codegen help schema commands' commands "$@"
}
(( $+functions[_codegen__subcmd__help__subcmd__templates_commands] )) ||
_codegen__subcmd__help__subcmd__templates_commands() {
    local commands; commands=(
'list:Each template and whether it is built in or overridden' \
'eject:Write the built-in templates into DIR, to edit and use with \`--templates DIR\`' \
    )
    _describe -t commands 'codegen help templates commands' commands "$@"
}
(( $+functions[_codegen__subcmd__help__subcmd__templates__subcmd__eject_commands] )) ||
_codegen__subcmd__help__subcmd__templates__subcmd__eject_commands() {
    local commands; commands=()
    _describe -t commands 'codegen help templates eject commands' commands "$@"
}
(( $+functions[_codegen__subcmd__help__subcmd__templates__subcmd__list_commands] )) ||
_codegen__subcmd__help__subcmd__templates__subcmd__list_commands() {
    local commands; commands=()
    _describe -t commands 'codegen help templates list commands' commands "$@"
}
(( $+functions[_codegen__subcmd__help__subcmd__validate_commands] )) ||
_codegen__subcmd__help__subcmd__validate_commands() {
    local commands; commands=()
    _describe -t commands 'codegen help validate commands' commands "$@"
}
(( $+functions[_codegen__subcmd__init_commands] )) ||
_codegen__subcmd__init_commands() {
    local commands; commands=()
    _describe -t commands 'codegen init commands' commands "$@"
}
(( $+functions[_codegen__subcmd__new_commands] )) ||
_codegen__subcmd__new_commands() {
    local commands; commands=()
    _describe -t commands 'codegen new commands' commands "$@"
}
(( $+functions[_codegen__subcmd__profile_commands] )) ||
_codegen__subcmd__profile_commands() {
    local commands; commands=()
    _describe -t commands 'codegen profile commands' commands "$@"
}
(( $+functions[_codegen__subcmd__quorum_commands] )) ||
_codegen__subcmd__quorum_commands() {
    local commands; commands=(
'check:Call each configured model once; report which answer, how fast, and why not' \
'help:Print this message or the help of the given subcommand(s)' \
    )
    _describe -t commands 'codegen quorum commands' commands "$@"
}
(( $+functions[_codegen__subcmd__quorum__subcmd__check_commands] )) ||
_codegen__subcmd__quorum__subcmd__check_commands() {
    local commands; commands=()
    _describe -t commands 'codegen quorum check commands' commands "$@"
}
(( $+functions[_codegen__subcmd__quorum__subcmd__help_commands] )) ||
_codegen__subcmd__quorum__subcmd__help_commands() {
    local commands; commands=(
'check:Call each configured model once; report which answer, how fast, and why not' \
'help:Print this message or the help of the given subcommand(s)' \
    )
    _describe -t commands 'codegen quorum help commands' commands "$@"
}
(( $+functions[_codegen__subcmd__quorum__subcmd__help__subcmd__check_commands] )) ||
_codegen__subcmd__quorum__subcmd__help__subcmd__check_commands() {
    local commands; commands=()
    _describe -t commands 'codegen quorum help check commands' commands "$@"
}
(( $+functions[_codegen__subcmd__quorum__subcmd__help__subcmd__help_commands] )) ||
_codegen__subcmd__quorum__subcmd__help__subcmd__help_commands() {
    local commands; commands=()
    _describe -t commands 'codegen quorum help help commands' commands "$@"
}
(( $+functions[_codegen__subcmd__rules_commands] )) ||
_codegen__subcmd__rules_commands() {
    local commands; commands=()
    _describe -t commands 'codegen rules commands' commands "$@"
}
(( $+functions[_codegen__subcmd__schema_commands] )) ||
_codegen__subcmd__schema_commands() {
    local commands; commands=()
    _describe -t commands 'codegen schema commands' commands "$@"
}
(( $+functions[_codegen__subcmd__templates_commands] )) ||
_codegen__subcmd__templates_commands() {
    local commands; commands=(
'list:Each template and whether it is built in or overridden' \
'eject:Write the built-in templates into DIR, to edit and use with \`--templates DIR\`' \
'help:Print this message or the help of the given subcommand(s)' \
    )
    _describe -t commands 'codegen templates commands' commands "$@"
}
(( $+functions[_codegen__subcmd__templates__subcmd__eject_commands] )) ||
_codegen__subcmd__templates__subcmd__eject_commands() {
    local commands; commands=()
    _describe -t commands 'codegen templates eject commands' commands "$@"
}
(( $+functions[_codegen__subcmd__templates__subcmd__help_commands] )) ||
_codegen__subcmd__templates__subcmd__help_commands() {
    local commands; commands=(
'list:Each template and whether it is built in or overridden' \
'eject:Write the built-in templates into DIR, to edit and use with \`--templates DIR\`' \
'help:Print this message or the help of the given subcommand(s)' \
    )
    _describe -t commands 'codegen templates help commands' commands "$@"
}
(( $+functions[_codegen__subcmd__templates__subcmd__help__subcmd__eject_commands] )) ||
_codegen__subcmd__templates__subcmd__help__subcmd__eject_commands() {
    local commands; commands=()
    _describe -t commands 'codegen templates help eject commands' commands "$@"
}
(( $+functions[_codegen__subcmd__templates__subcmd__help__subcmd__help_commands] )) ||
_codegen__subcmd__templates__subcmd__help__subcmd__help_commands() {
    local commands; commands=()
    _describe -t commands 'codegen templates help help commands' commands "$@"
}
(( $+functions[_codegen__subcmd__templates__subcmd__help__subcmd__list_commands] )) ||
_codegen__subcmd__templates__subcmd__help__subcmd__list_commands() {
    local commands; commands=()
    _describe -t commands 'codegen templates help list commands' commands "$@"
}
(( $+functions[_codegen__subcmd__templates__subcmd__list_commands] )) ||
_codegen__subcmd__templates__subcmd__list_commands() {
    local commands; commands=()
    _describe -t commands 'codegen templates list commands' commands "$@"
}
(( $+functions[_codegen__subcmd__validate_commands] )) ||
_codegen__subcmd__validate_commands() {
    local commands; commands=()
    _describe -t commands 'codegen validate commands' commands "$@"
}

if [ "$funcstack[1]" = "_codegen" ]; then
    _codegen "$@"
else
    compdef _codegen codegen
fi
