# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_codegen_global_optspecs
    string join \n q/quiet v/verbose color= config= isolated h/help V/version
end

function __fish_codegen_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_codegen_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_codegen_using_subcommand
    set -l cmd (__fish_codegen_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c codegen -n "__fish_codegen_needs_command" -l color -d 'When to use colour [default: auto; config: `color`]' -r -f -a "auto\t'Colour on a terminal, unless `NO_COLOR` is set or `TERM=dumb`'
always\t''
never\t''"
complete -c codegen -n "__fish_codegen_needs_command" -l config -d 'Read settings from this file (a `codegen.toml`, or a `pyproject.toml` with `[tool.codegen]`) instead of searching for one' -r -F
complete -c codegen -n "__fish_codegen_needs_command" -s q -l quiet -d 'Print nothing but errors; never draw progress bars'
complete -c codegen -n "__fish_codegen_needs_command" -s v -l verbose -d 'More log output (-v: info, -vv: debug, -vvv: trace). `RUST_LOG` also works'
complete -c codegen -n "__fish_codegen_needs_command" -l isolated -d 'Ignore every configuration file: built-in defaults and flags only'
complete -c codegen -n "__fish_codegen_needs_command" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c codegen -n "__fish_codegen_needs_command" -s V -l version -d 'Print version'
complete -c codegen -n "__fish_codegen_needs_command" -f -a "generate" -d 'Generate a node package from each contract'
complete -c codegen -n "__fish_codegen_needs_command" -f -a "validate" -d 'Check Python files: syntax as Python 3.12 judges it, then the rule catalogue'
complete -c codegen -n "__fish_codegen_needs_command" -f -a "rules" -d 'List the rules `validate` checks, or explain one'
complete -c codegen -n "__fish_codegen_needs_command" -f -a "completions" -d 'Print a shell completion script to standard output'
complete -c codegen -n "__fish_codegen_needs_command" -f -a "templates" -d 'List the templates, or write the built-in ones out to edit'
complete -c codegen -n "__fish_codegen_needs_command" -f -a "init" -d 'Start a project: a commented `codegen.toml` and one example contract per node type'
complete -c codegen -n "__fish_codegen_needs_command" -f -a "new" -d 'Write one minimal contract for a new node'
complete -c codegen -n "__fish_codegen_needs_command" -f -a "schema" -d 'Print the JSON Schema (draft 2020-12) of the contract format'
complete -c codegen -n "__fish_codegen_needs_command" -f -a "config" -d 'Print the resolved configuration and where each value comes from'
complete -c codegen -n "__fish_codegen_needs_command" -f -a "quorum" -d 'The AI quorum: check that each configured model answers'
complete -c codegen -n "__fish_codegen_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c codegen -n "__fish_codegen_using_subcommand generate" -s o -l output -d 'Directory the node packages are written into (`<DIR>/<name>/`) [default: generated]' -r -F
complete -c codegen -n "__fish_codegen_using_subcommand generate" -s j -l jobs -d 'Steps run in parallel inside a stage (default: the number of cores)' -r
complete -c codegen -n "__fish_codegen_using_subcommand generate" -l ignore -d 'Warnings not to report, by code or prefix (`CTR006`, `ONX008`, `CTR`); errors are always reported' -r
complete -c codegen -n "__fish_codegen_using_subcommand generate" -l trace -d 'Write a Chrome trace of the run (stages, and every step on its worker thread) to FILE; open it in Perfetto or `chrome://tracing`' -r -F
complete -c codegen -n "__fish_codegen_using_subcommand generate" -l shard -d 'Take shard I of N (e.g. 2/4): a stable share of the contracts by name, for CI matrices; `auto` reads I and N from the CI\'s parallel-job variables (GitLab `CI_NODE_INDEX`/ `CI_NODE_TOTAL`, `CircleCI` `CIRCLE_NODE_INDEX`/`CIRCLE_NODE_TOTAL`, Buildkite `BUILDKITE_PARALLEL_JOB`/`BUILDKITE_PARALLEL_JOB_COUNT`)' -r
complete -c codegen -n "__fish_codegen_using_subcommand generate" -l output-format -d 'How to print the result on standard output [default: text]' -r -f -a "text\t'Diagnostics and a summary on standard error'
json\t'One JSON document on standard output'
github\t'GitHub Actions workflow commands for errors and warnings, on standard output'
gitlab\t'A GitLab Code Quality report (a JSON array of issues) on standard output'"
complete -c codegen -n "__fish_codegen_using_subcommand generate" -l templates -d 'Directory of `*.tera` files overriding built-in templates by name' -r -F
complete -c codegen -n "__fish_codegen_using_subcommand generate" -l package-prefix -d 'The dotted import path of the output directory (`-o src/myproj/nodes --package-prefix myproj.nodes`): module paths into each package start with it [default: derived from the `__init__.py` files above the output directory; config: `[generate] package-prefix`]' -r
complete -c codegen -n "__fish_codegen_using_subcommand generate" -l color -d 'When to use colour [default: auto; config: `color`]' -r -f -a "auto\t'Colour on a terminal, unless `NO_COLOR` is set or `TERM=dumb`'
always\t''
never\t''"
complete -c codegen -n "__fish_codegen_using_subcommand generate" -l config -d 'Read settings from this file (a `codegen.toml`, or a `pyproject.toml` with `[tool.codegen]`) instead of searching for one' -r -F
complete -c codegen -n "__fish_codegen_using_subcommand generate" -l fail-fast -d 'Stop at the first failing contract instead of finishing the others'
complete -c codegen -n "__fish_codegen_using_subcommand generate" -l strict -d 'Treat contract warnings (unknown keys that look like typos, ...) as errors'
complete -c codegen -n "__fish_codegen_using_subcommand generate" -l timings -d 'Print per-stage timings (p50/p95/p99 of step times) and the slowest steps'
complete -c codegen -n "__fish_codegen_using_subcommand generate" -l check -d 'Write nothing; exit 1 when any output is missing, modified or orphaned'
complete -c codegen -n "__fish_codegen_using_subcommand generate" -l diff -d 'With --check or --dry-run: print the unified diff of every change'
complete -c codegen -n "__fish_codegen_using_subcommand generate" -l dry-run -d 'Write nothing; list what would be created, updated, unchanged or deleted'
complete -c codegen -n "__fish_codegen_using_subcommand generate" -l force -d 'Overwrite generated files that were edited by hand'
complete -c codegen -n "__fish_codegen_using_subcommand generate" -l prune -d 'Delete orphaned outputs (from contracts that are gone) whose bytes are still ours'
complete -c codegen -n "__fish_codegen_using_subcommand generate" -l quorum -d 'Also have the configured LLMs vote on every Python file (see `codegen quorum check`)'
complete -c codegen -n "__fish_codegen_using_subcommand generate" -l require-quorum -d 'With --quorum: exit 2 when a verdict is inconclusive (too little weight answered)'
complete -c codegen -n "__fish_codegen_using_subcommand generate" -l no-cache -d 'With --quorum: neither read nor write the cache of votes'
complete -c codegen -n "__fish_codegen_using_subcommand generate" -s q -l quiet -d 'Print nothing but errors; never draw progress bars'
complete -c codegen -n "__fish_codegen_using_subcommand generate" -s v -l verbose -d 'More log output (-v: info, -vv: debug, -vvv: trace). `RUST_LOG` also works'
complete -c codegen -n "__fish_codegen_using_subcommand generate" -l isolated -d 'Ignore every configuration file: built-in defaults and flags only'
complete -c codegen -n "__fish_codegen_using_subcommand generate" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c codegen -n "__fish_codegen_using_subcommand generate" -s V -l version -d 'Print version'
complete -c codegen -n "__fish_codegen_using_subcommand validate" -l select -d 'Rules to check, by code or prefix (`SYN001`, `ONX`, `ALL`); replaces the default (all)' -r
complete -c codegen -n "__fish_codegen_using_subcommand validate" -l extend-select -d 'Rules to check in addition to the selected ones' -r
complete -c codegen -n "__fish_codegen_using_subcommand validate" -l ignore -d 'Rules not to check, by code or prefix' -r
complete -c codegen -n "__fish_codegen_using_subcommand validate" -l exclude -d 'Skip paths matching this glob while walking directories; replaces the default excludes' -r
complete -c codegen -n "__fish_codegen_using_subcommand validate" -l extend-exclude -d 'Skip paths matching this glob, in addition to the default excludes' -r
complete -c codegen -n "__fish_codegen_using_subcommand validate" -l stdin-filename -d 'Read the source from standard input, reporting it under this name' -r -F
complete -c codegen -n "__fish_codegen_using_subcommand validate" -l output-format -d 'How findings are printed on standard output [default: text]' -r -f -a "text\t'`path:line:col: CODE message`, one finding a line'
json\t'One JSON array of findings'
github\t'GitHub Actions workflow commands (`::error file=...::message`)'
junit\t'`JUnit` XML: a test suite per file'
sarif\t'SARIF 2.1.0'
gitlab\t'A GitLab Code Quality report: a JSON array of issues'"
complete -c codegen -n "__fish_codegen_using_subcommand validate" -s j -l jobs -d 'Files checked in parallel (default: the number of cores)' -r
complete -c codegen -n "__fish_codegen_using_subcommand validate" -l color -d 'When to use colour [default: auto; config: `color`]' -r -f -a "auto\t'Colour on a terminal, unless `NO_COLOR` is set or `TERM=dumb`'
always\t''
never\t''"
complete -c codegen -n "__fish_codegen_using_subcommand validate" -l config -d 'Read settings from this file (a `codegen.toml`, or a `pyproject.toml` with `[tool.codegen]`) instead of searching for one' -r -F
complete -c codegen -n "__fish_codegen_using_subcommand validate" -l no-respect-gitignore -d 'Walk into what `.gitignore`, `.ignore` and git\'s excludes leave out'
complete -c codegen -n "__fish_codegen_using_subcommand validate" -l show-source -d 'Show the offending source line under each finding (text format)'
complete -c codegen -n "__fish_codegen_using_subcommand validate" -l statistics -d 'Print the number of findings per rule instead of the findings'
complete -c codegen -n "__fish_codegen_using_subcommand validate" -l exit-zero -d 'Exit 0 even when there are error findings (usage and input errors still exit 2)'
complete -c codegen -n "__fish_codegen_using_subcommand validate" -l warnings-as-errors -d 'Treat warning findings as errors'
complete -c codegen -n "__fish_codegen_using_subcommand validate" -l quorum -d 'Also have the configured LLMs vote on every Python file (see `codegen quorum check`)'
complete -c codegen -n "__fish_codegen_using_subcommand validate" -l require-quorum -d 'With --quorum: exit 2 when a verdict is inconclusive (too little weight answered)'
complete -c codegen -n "__fish_codegen_using_subcommand validate" -l no-cache -d 'With --quorum: neither read nor write the cache of votes'
complete -c codegen -n "__fish_codegen_using_subcommand validate" -s q -l quiet -d 'Print nothing but errors; never draw progress bars'
complete -c codegen -n "__fish_codegen_using_subcommand validate" -s v -l verbose -d 'More log output (-v: info, -vv: debug, -vvv: trace). `RUST_LOG` also works'
complete -c codegen -n "__fish_codegen_using_subcommand validate" -l isolated -d 'Ignore every configuration file: built-in defaults and flags only'
complete -c codegen -n "__fish_codegen_using_subcommand validate" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c codegen -n "__fish_codegen_using_subcommand validate" -s V -l version -d 'Print version'
complete -c codegen -n "__fish_codegen_using_subcommand rules" -l output-format -d 'How the rules are printed' -r -f -a "text\t'A table, or the explanation of one rule'
json\t'JSON: an array of rules, or one rule object'"
complete -c codegen -n "__fish_codegen_using_subcommand rules" -l color -d 'When to use colour [default: auto; config: `color`]' -r -f -a "auto\t'Colour on a terminal, unless `NO_COLOR` is set or `TERM=dumb`'
always\t''
never\t''"
complete -c codegen -n "__fish_codegen_using_subcommand rules" -l config -d 'Read settings from this file (a `codegen.toml`, or a `pyproject.toml` with `[tool.codegen]`) instead of searching for one' -r -F
complete -c codegen -n "__fish_codegen_using_subcommand rules" -s q -l quiet -d 'Print nothing but errors; never draw progress bars'
complete -c codegen -n "__fish_codegen_using_subcommand rules" -s v -l verbose -d 'More log output (-v: info, -vv: debug, -vvv: trace). `RUST_LOG` also works'
complete -c codegen -n "__fish_codegen_using_subcommand rules" -l isolated -d 'Ignore every configuration file: built-in defaults and flags only'
complete -c codegen -n "__fish_codegen_using_subcommand rules" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c codegen -n "__fish_codegen_using_subcommand rules" -s V -l version -d 'Print version'
complete -c codegen -n "__fish_codegen_using_subcommand completions" -l color -d 'When to use colour [default: auto; config: `color`]' -r -f -a "auto\t'Colour on a terminal, unless `NO_COLOR` is set or `TERM=dumb`'
always\t''
never\t''"
complete -c codegen -n "__fish_codegen_using_subcommand completions" -l config -d 'Read settings from this file (a `codegen.toml`, or a `pyproject.toml` with `[tool.codegen]`) instead of searching for one' -r -F
complete -c codegen -n "__fish_codegen_using_subcommand completions" -s q -l quiet -d 'Print nothing but errors; never draw progress bars'
complete -c codegen -n "__fish_codegen_using_subcommand completions" -s v -l verbose -d 'More log output (-v: info, -vv: debug, -vvv: trace). `RUST_LOG` also works'
complete -c codegen -n "__fish_codegen_using_subcommand completions" -l isolated -d 'Ignore every configuration file: built-in defaults and flags only'
complete -c codegen -n "__fish_codegen_using_subcommand completions" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c codegen -n "__fish_codegen_using_subcommand completions" -s V -l version -d 'Print version'
complete -c codegen -n "__fish_codegen_using_subcommand templates; and not __fish_seen_subcommand_from list eject help" -l color -d 'When to use colour [default: auto; config: `color`]' -r -f -a "auto\t'Colour on a terminal, unless `NO_COLOR` is set or `TERM=dumb`'
always\t''
never\t''"
complete -c codegen -n "__fish_codegen_using_subcommand templates; and not __fish_seen_subcommand_from list eject help" -l config -d 'Read settings from this file (a `codegen.toml`, or a `pyproject.toml` with `[tool.codegen]`) instead of searching for one' -r -F
complete -c codegen -n "__fish_codegen_using_subcommand templates; and not __fish_seen_subcommand_from list eject help" -s q -l quiet -d 'Print nothing but errors; never draw progress bars'
complete -c codegen -n "__fish_codegen_using_subcommand templates; and not __fish_seen_subcommand_from list eject help" -s v -l verbose -d 'More log output (-v: info, -vv: debug, -vvv: trace). `RUST_LOG` also works'
complete -c codegen -n "__fish_codegen_using_subcommand templates; and not __fish_seen_subcommand_from list eject help" -l isolated -d 'Ignore every configuration file: built-in defaults and flags only'
complete -c codegen -n "__fish_codegen_using_subcommand templates; and not __fish_seen_subcommand_from list eject help" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c codegen -n "__fish_codegen_using_subcommand templates; and not __fish_seen_subcommand_from list eject help" -s V -l version -d 'Print version'
complete -c codegen -n "__fish_codegen_using_subcommand templates; and not __fish_seen_subcommand_from list eject help" -f -a "list" -d 'Each template and whether it is built in or overridden'
complete -c codegen -n "__fish_codegen_using_subcommand templates; and not __fish_seen_subcommand_from list eject help" -f -a "eject" -d 'Write the built-in templates into DIR, to edit and use with `--templates DIR`'
complete -c codegen -n "__fish_codegen_using_subcommand templates; and not __fish_seen_subcommand_from list eject help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c codegen -n "__fish_codegen_using_subcommand templates; and __fish_seen_subcommand_from list" -l templates -d 'Directory of `*.tera` files overriding built-in templates by name' -r -F
complete -c codegen -n "__fish_codegen_using_subcommand templates; and __fish_seen_subcommand_from list" -l color -d 'When to use colour [default: auto; config: `color`]' -r -f -a "auto\t'Colour on a terminal, unless `NO_COLOR` is set or `TERM=dumb`'
always\t''
never\t''"
complete -c codegen -n "__fish_codegen_using_subcommand templates; and __fish_seen_subcommand_from list" -l config -d 'Read settings from this file (a `codegen.toml`, or a `pyproject.toml` with `[tool.codegen]`) instead of searching for one' -r -F
complete -c codegen -n "__fish_codegen_using_subcommand templates; and __fish_seen_subcommand_from list" -s q -l quiet -d 'Print nothing but errors; never draw progress bars'
complete -c codegen -n "__fish_codegen_using_subcommand templates; and __fish_seen_subcommand_from list" -s v -l verbose -d 'More log output (-v: info, -vv: debug, -vvv: trace). `RUST_LOG` also works'
complete -c codegen -n "__fish_codegen_using_subcommand templates; and __fish_seen_subcommand_from list" -l isolated -d 'Ignore every configuration file: built-in defaults and flags only'
complete -c codegen -n "__fish_codegen_using_subcommand templates; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c codegen -n "__fish_codegen_using_subcommand templates; and __fish_seen_subcommand_from list" -s V -l version -d 'Print version'
complete -c codegen -n "__fish_codegen_using_subcommand templates; and __fish_seen_subcommand_from eject" -l color -d 'When to use colour [default: auto; config: `color`]' -r -f -a "auto\t'Colour on a terminal, unless `NO_COLOR` is set or `TERM=dumb`'
always\t''
never\t''"
complete -c codegen -n "__fish_codegen_using_subcommand templates; and __fish_seen_subcommand_from eject" -l config -d 'Read settings from this file (a `codegen.toml`, or a `pyproject.toml` with `[tool.codegen]`) instead of searching for one' -r -F
complete -c codegen -n "__fish_codegen_using_subcommand templates; and __fish_seen_subcommand_from eject" -l force -d 'Overwrite files that exist already'
complete -c codegen -n "__fish_codegen_using_subcommand templates; and __fish_seen_subcommand_from eject" -s q -l quiet -d 'Print nothing but errors; never draw progress bars'
complete -c codegen -n "__fish_codegen_using_subcommand templates; and __fish_seen_subcommand_from eject" -s v -l verbose -d 'More log output (-v: info, -vv: debug, -vvv: trace). `RUST_LOG` also works'
complete -c codegen -n "__fish_codegen_using_subcommand templates; and __fish_seen_subcommand_from eject" -l isolated -d 'Ignore every configuration file: built-in defaults and flags only'
complete -c codegen -n "__fish_codegen_using_subcommand templates; and __fish_seen_subcommand_from eject" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c codegen -n "__fish_codegen_using_subcommand templates; and __fish_seen_subcommand_from eject" -s V -l version -d 'Print version'
complete -c codegen -n "__fish_codegen_using_subcommand templates; and __fish_seen_subcommand_from help" -f -a "list" -d 'Each template and whether it is built in or overridden'
complete -c codegen -n "__fish_codegen_using_subcommand templates; and __fish_seen_subcommand_from help" -f -a "eject" -d 'Write the built-in templates into DIR, to edit and use with `--templates DIR`'
complete -c codegen -n "__fish_codegen_using_subcommand templates; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c codegen -n "__fish_codegen_using_subcommand init" -l color -d 'When to use colour [default: auto; config: `color`]' -r -f -a "auto\t'Colour on a terminal, unless `NO_COLOR` is set or `TERM=dumb`'
always\t''
never\t''"
complete -c codegen -n "__fish_codegen_using_subcommand init" -l config -d 'Read settings from this file (a `codegen.toml`, or a `pyproject.toml` with `[tool.codegen]`) instead of searching for one' -r -F
complete -c codegen -n "__fish_codegen_using_subcommand init" -s q -l quiet -d 'Print nothing but errors; never draw progress bars'
complete -c codegen -n "__fish_codegen_using_subcommand init" -s v -l verbose -d 'More log output (-v: info, -vv: debug, -vvv: trace). `RUST_LOG` also works'
complete -c codegen -n "__fish_codegen_using_subcommand init" -l isolated -d 'Ignore every configuration file: built-in defaults and flags only'
complete -c codegen -n "__fish_codegen_using_subcommand init" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c codegen -n "__fish_codegen_using_subcommand init" -s V -l version -d 'Print version'
complete -c codegen -n "__fish_codegen_using_subcommand new" -s t -l type -d 'The node type' -r -f -a "effect\t''
compute\t''
reducer\t''
orchestrator\t''"
complete -c codegen -n "__fish_codegen_using_subcommand new" -s o -l output -d 'Directory the contract is written into' -r -F
complete -c codegen -n "__fish_codegen_using_subcommand new" -l color -d 'When to use colour [default: auto; config: `color`]' -r -f -a "auto\t'Colour on a terminal, unless `NO_COLOR` is set or `TERM=dumb`'
always\t''
never\t''"
complete -c codegen -n "__fish_codegen_using_subcommand new" -l config -d 'Read settings from this file (a `codegen.toml`, or a `pyproject.toml` with `[tool.codegen]`) instead of searching for one' -r -F
complete -c codegen -n "__fish_codegen_using_subcommand new" -s q -l quiet -d 'Print nothing but errors; never draw progress bars'
complete -c codegen -n "__fish_codegen_using_subcommand new" -s v -l verbose -d 'More log output (-v: info, -vv: debug, -vvv: trace). `RUST_LOG` also works'
complete -c codegen -n "__fish_codegen_using_subcommand new" -l isolated -d 'Ignore every configuration file: built-in defaults and flags only'
complete -c codegen -n "__fish_codegen_using_subcommand new" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c codegen -n "__fish_codegen_using_subcommand new" -s V -l version -d 'Print version'
complete -c codegen -n "__fish_codegen_using_subcommand schema" -l color -d 'When to use colour [default: auto; config: `color`]' -r -f -a "auto\t'Colour on a terminal, unless `NO_COLOR` is set or `TERM=dumb`'
always\t''
never\t''"
complete -c codegen -n "__fish_codegen_using_subcommand schema" -l config -d 'Read settings from this file (a `codegen.toml`, or a `pyproject.toml` with `[tool.codegen]`) instead of searching for one' -r -F
complete -c codegen -n "__fish_codegen_using_subcommand schema" -s q -l quiet -d 'Print nothing but errors; never draw progress bars'
complete -c codegen -n "__fish_codegen_using_subcommand schema" -s v -l verbose -d 'More log output (-v: info, -vv: debug, -vvv: trace). `RUST_LOG` also works'
complete -c codegen -n "__fish_codegen_using_subcommand schema" -l isolated -d 'Ignore every configuration file: built-in defaults and flags only'
complete -c codegen -n "__fish_codegen_using_subcommand schema" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c codegen -n "__fish_codegen_using_subcommand schema" -s V -l version -d 'Print version'
complete -c codegen -n "__fish_codegen_using_subcommand config" -l output-format -d 'How the configuration is printed' -r -f -a "text\t'TOML, each value followed by a comment naming its source'
json\t'JSON: the settings file used, and each key with its value and source'"
complete -c codegen -n "__fish_codegen_using_subcommand config" -l color -d 'When to use colour [default: auto; config: `color`]' -r -f -a "auto\t'Colour on a terminal, unless `NO_COLOR` is set or `TERM=dumb`'
always\t''
never\t''"
complete -c codegen -n "__fish_codegen_using_subcommand config" -l config -d 'Read settings from this file (a `codegen.toml`, or a `pyproject.toml` with `[tool.codegen]`) instead of searching for one' -r -F
complete -c codegen -n "__fish_codegen_using_subcommand config" -s q -l quiet -d 'Print nothing but errors; never draw progress bars'
complete -c codegen -n "__fish_codegen_using_subcommand config" -s v -l verbose -d 'More log output (-v: info, -vv: debug, -vvv: trace). `RUST_LOG` also works'
complete -c codegen -n "__fish_codegen_using_subcommand config" -l isolated -d 'Ignore every configuration file: built-in defaults and flags only'
complete -c codegen -n "__fish_codegen_using_subcommand config" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c codegen -n "__fish_codegen_using_subcommand config" -s V -l version -d 'Print version'
complete -c codegen -n "__fish_codegen_using_subcommand quorum; and not __fish_seen_subcommand_from check help" -l color -d 'When to use colour [default: auto; config: `color`]' -r -f -a "auto\t'Colour on a terminal, unless `NO_COLOR` is set or `TERM=dumb`'
always\t''
never\t''"
complete -c codegen -n "__fish_codegen_using_subcommand quorum; and not __fish_seen_subcommand_from check help" -l config -d 'Read settings from this file (a `codegen.toml`, or a `pyproject.toml` with `[tool.codegen]`) instead of searching for one' -r -F
complete -c codegen -n "__fish_codegen_using_subcommand quorum; and not __fish_seen_subcommand_from check help" -s q -l quiet -d 'Print nothing but errors; never draw progress bars'
complete -c codegen -n "__fish_codegen_using_subcommand quorum; and not __fish_seen_subcommand_from check help" -s v -l verbose -d 'More log output (-v: info, -vv: debug, -vvv: trace). `RUST_LOG` also works'
complete -c codegen -n "__fish_codegen_using_subcommand quorum; and not __fish_seen_subcommand_from check help" -l isolated -d 'Ignore every configuration file: built-in defaults and flags only'
complete -c codegen -n "__fish_codegen_using_subcommand quorum; and not __fish_seen_subcommand_from check help" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c codegen -n "__fish_codegen_using_subcommand quorum; and not __fish_seen_subcommand_from check help" -s V -l version -d 'Print version'
complete -c codegen -n "__fish_codegen_using_subcommand quorum; and not __fish_seen_subcommand_from check help" -f -a "check" -d 'Call each configured model once; report which answer, how fast, and why not'
complete -c codegen -n "__fish_codegen_using_subcommand quorum; and not __fish_seen_subcommand_from check help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c codegen -n "__fish_codegen_using_subcommand quorum; and __fish_seen_subcommand_from check" -l output-format -d 'How the result is printed' -r -f -a "text\t'One line per model'
json\t'JSON: an array with one object per model'"
complete -c codegen -n "__fish_codegen_using_subcommand quorum; and __fish_seen_subcommand_from check" -l color -d 'When to use colour [default: auto; config: `color`]' -r -f -a "auto\t'Colour on a terminal, unless `NO_COLOR` is set or `TERM=dumb`'
always\t''
never\t''"
complete -c codegen -n "__fish_codegen_using_subcommand quorum; and __fish_seen_subcommand_from check" -l config -d 'Read settings from this file (a `codegen.toml`, or a `pyproject.toml` with `[tool.codegen]`) instead of searching for one' -r -F
complete -c codegen -n "__fish_codegen_using_subcommand quorum; and __fish_seen_subcommand_from check" -s q -l quiet -d 'Print nothing but errors; never draw progress bars'
complete -c codegen -n "__fish_codegen_using_subcommand quorum; and __fish_seen_subcommand_from check" -s v -l verbose -d 'More log output (-v: info, -vv: debug, -vvv: trace). `RUST_LOG` also works'
complete -c codegen -n "__fish_codegen_using_subcommand quorum; and __fish_seen_subcommand_from check" -l isolated -d 'Ignore every configuration file: built-in defaults and flags only'
complete -c codegen -n "__fish_codegen_using_subcommand quorum; and __fish_seen_subcommand_from check" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c codegen -n "__fish_codegen_using_subcommand quorum; and __fish_seen_subcommand_from check" -s V -l version -d 'Print version'
complete -c codegen -n "__fish_codegen_using_subcommand quorum; and __fish_seen_subcommand_from help" -f -a "check" -d 'Call each configured model once; report which answer, how fast, and why not'
complete -c codegen -n "__fish_codegen_using_subcommand quorum; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c codegen -n "__fish_codegen_using_subcommand help; and not __fish_seen_subcommand_from generate validate rules completions templates init new schema config quorum help" -f -a "generate" -d 'Generate a node package from each contract'
complete -c codegen -n "__fish_codegen_using_subcommand help; and not __fish_seen_subcommand_from generate validate rules completions templates init new schema config quorum help" -f -a "validate" -d 'Check Python files: syntax as Python 3.12 judges it, then the rule catalogue'
complete -c codegen -n "__fish_codegen_using_subcommand help; and not __fish_seen_subcommand_from generate validate rules completions templates init new schema config quorum help" -f -a "rules" -d 'List the rules `validate` checks, or explain one'
complete -c codegen -n "__fish_codegen_using_subcommand help; and not __fish_seen_subcommand_from generate validate rules completions templates init new schema config quorum help" -f -a "completions" -d 'Print a shell completion script to standard output'
complete -c codegen -n "__fish_codegen_using_subcommand help; and not __fish_seen_subcommand_from generate validate rules completions templates init new schema config quorum help" -f -a "templates" -d 'List the templates, or write the built-in ones out to edit'
complete -c codegen -n "__fish_codegen_using_subcommand help; and not __fish_seen_subcommand_from generate validate rules completions templates init new schema config quorum help" -f -a "init" -d 'Start a project: a commented `codegen.toml` and one example contract per node type'
complete -c codegen -n "__fish_codegen_using_subcommand help; and not __fish_seen_subcommand_from generate validate rules completions templates init new schema config quorum help" -f -a "new" -d 'Write one minimal contract for a new node'
complete -c codegen -n "__fish_codegen_using_subcommand help; and not __fish_seen_subcommand_from generate validate rules completions templates init new schema config quorum help" -f -a "schema" -d 'Print the JSON Schema (draft 2020-12) of the contract format'
complete -c codegen -n "__fish_codegen_using_subcommand help; and not __fish_seen_subcommand_from generate validate rules completions templates init new schema config quorum help" -f -a "config" -d 'Print the resolved configuration and where each value comes from'
complete -c codegen -n "__fish_codegen_using_subcommand help; and not __fish_seen_subcommand_from generate validate rules completions templates init new schema config quorum help" -f -a "quorum" -d 'The AI quorum: check that each configured model answers'
complete -c codegen -n "__fish_codegen_using_subcommand help; and not __fish_seen_subcommand_from generate validate rules completions templates init new schema config quorum help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c codegen -n "__fish_codegen_using_subcommand help; and __fish_seen_subcommand_from templates" -f -a "list" -d 'Each template and whether it is built in or overridden'
complete -c codegen -n "__fish_codegen_using_subcommand help; and __fish_seen_subcommand_from templates" -f -a "eject" -d 'Write the built-in templates into DIR, to edit and use with `--templates DIR`'
complete -c codegen -n "__fish_codegen_using_subcommand help; and __fish_seen_subcommand_from quorum" -f -a "check" -d 'Call each configured model once; report which answer, how fast, and why not'
