//! The rule catalogue: every Python rule as one value of [`Rule`], with its stable code, name,
//! severity, documentation and the pass of [`lint`](super::lint) that reports it. Codes are
//! never renumbered; new rules are appended. `README.md`'s rule table is generated from here
//! (`make readme`, checked by a test), and the passes a selection skips are derived from here.

use std::fmt::Write as _;

use crate::diagnostics::Severity;

/// The pass of [`lint`](super::lint) that reports a rule. A pass whose rules a selection all
/// turns off does not run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pass {
    /// Decoding the bytes as `CPython` would: always runs.
    Decode,
    /// Parsing: always runs, and a file that does not parse gets no other finding.
    Parse,
    /// The `contract.yaml` beside a `node.py`, and what it names.
    Contract,
    /// The errors `CPython`'s compiler raises after parsing.
    Compile,
    /// The shape of a node package: its node class, models and routed handlers.
    Structure,
    /// One walk of the syntax tree.
    Tree,
    /// The comments.
    Comments,
}

impl Pass {
    /// Whether the pass runs whatever the selection: a file must decode and parse before any
    /// other rule can judge it.
    pub fn always_runs(self) -> bool {
        matches!(self, Self::Decode | Self::Parse)
    }

    /// Whether the pass's findings depend on the file's role in its package, so the role
    /// (and the contract it is read from) is worth deciding only for a selection that runs it.
    pub fn reads_role(self) -> bool {
        matches!(self, Self::Contract | Self::Structure | Self::Tree)
    }

    /// The operation `codegen profile` times the pass under. Decoding is timed with parsing,
    /// and the contract pass with the reads it does.
    pub fn operation(self) -> &'static str {
        match self {
            Self::Decode | Self::Parse => "quality: parse",
            Self::Contract => "quality: contract",
            Self::Compile => "quality: compile rules",
            Self::Structure => "quality: structure rules",
            Self::Tree => "quality: tree rules",
            Self::Comments => "quality: comments",
        }
    }

    /// The codes of the rules this pass reports, in catalogue order.
    pub fn codes(self) -> impl Iterator<Item = &'static str> {
        Rule::ALL
            .iter()
            .filter(move |rule| rule.info().pass == self)
            .map(|rule| rule.code())
    }
}

/// One rule of the catalogue.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RuleInfo {
    pub code: &'static str,
    pub name: &'static str,
    pub severity: Severity,
    pub summary: &'static str,
    /// The pass that reports it.
    pub pass: Pass,
    /// Why the rule exists, one paragraph.
    pub why: &'static str,
    /// Code that triggers it.
    pub bad: &'static str,
    /// The same code fixed.
    pub good: &'static str,
    /// The files it judges.
    pub scope: &'static str,
    /// What it does not flag, and why.
    pub skips: &'static str,
    /// Ruff's codes for the same check: a `# noqa` naming one silences this rule too, so a
    /// line a team already justified to ruff is not reported again.
    pub also: &'static [&'static str],
}

impl RuleInfo {
    /// The full explanation `codegen rules CODE` prints: why, an example and its fix.
    pub fn doc(&self) -> String {
        let indent = |code: &str| {
            code.lines()
                .map(|line| format!("    {line}"))
                .collect::<Vec<_>>()
                .join("\n")
        };
        let also = if self.also.is_empty() {
            String::new()
        } else {
            let codes: Vec<String> = self.also.iter().map(|c| format!("`{c}`")).collect();
            format!(
                "\n\nSilenced too by `# noqa` naming ruff's code for the same check: {}.",
                codes.join(", ")
            )
        };
        format!(
            "{} ({}, {}): {}\n\n{}\n\nApplies to: {}.\n\nDoes not flag: {}{also}\n\nTriggers it:\n\n{}\n\nFix:\n\n{}\n",
            self.code,
            self.name,
            self.severity.as_str(),
            self.summary,
            self.why,
            self.scope,
            self.skips,
            indent(self.bad),
            indent(self.good)
        )
    }
}

/// Declares [`Rule`], one variant per code, and the table of their [`RuleInfo`] in the same
/// order: a rule is written once, and its code is its variant's name.
macro_rules! catalogue {
    ($($code:ident { $($field:ident: $value:expr,)* },)*) => {
        /// A rule of the catalogue; its variant's name is its code.
        #[allow(clippy::upper_case_acronyms)]
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum Rule {
            $($code,)*
        }

        impl Rule {
            /// Every rule, in catalogue order.
            pub const ALL: &[Rule] = &[$(Rule::$code,)*];
        }

        const RULES: &[RuleInfo] = &[$(RuleInfo { code: stringify!($code), $($field: $value,)* },)*];
    };
}

catalogue! {
    SYN001 {
        name: "syntax-error",
        severity: Severity::Error,
        pass: Pass::Parse,
        summary: "the file does not parse as Python 3.12; reported at CPython's line and column",
        why: "A file Python cannot parse cannot be imported; every other rule is skipped for it. `# noqa` does not silence it.",
        bad: "def f(:\n    pass",
        good: "def f():\n    pass",
        scope: "every Python file",
        skips: "Nothing: a file that does not parse is reported whatever its comments say.",
        also: &[],
    },
    SYN002 {
        name: "compile-error",
        severity: Severity::Error,
        pass: Pass::Compile,
        summary: "CPython's compile() rejects the file after parsing: return/yield/await outside \
                  their blocks, break/continue outside loops, duplicate arguments, nonlocal at \
                  module level, misplaced or unknown `from __future__` imports",
        why: "Some errors are raised by CPython's compiler after the parser accepted the file; the module still fails to import. `# noqa` does not silence it.",
        bad: "def f(a, a):\n    return a",
        good: "def f(a, b):\n    return a",
        scope: "every Python file",
        skips: "Nothing: a module CPython will not compile is reported whatever its comments say.",
        also: &[],
    },
    SYN003 {
        name: "encoding-error",
        severity: Severity::Error,
        pass: Pass::Decode,
        summary: "the bytes do not decode with their PEP 263 coding cookie (default UTF-8), or \
                  contain NUL bytes",
        why: "CPython decodes a source file with the encoding its coding cookie declares (UTF-8 without one) and refuses NUL bytes. `# noqa` does not silence it.",
        bad: "x = 'caf\\xe9'  # saved as Latin-1, no cookie",
        good: "# -*- coding: latin-1 -*-\nx = 'caf\\xe9'",
        scope: "every Python file",
        skips: "Nothing: bytes CPython cannot decode are reported whatever the file says.",
        also: &[],
    },
    CMP001 {
        name: "node-class-missing",
        severity: Severity::Error,
        pass: Pass::Structure,
        summary: "a node.py without a Node* class deriving from a node base",
        why: "The ONEX runtime loads the node class from node.py; without one the package is not a node.",
        bad: "class Gate:\n    pass",
        good: "class NodeGateCompute(NodeCompute):\n    \"\"\"Gate.\"\"\"",
        scope: "node.py",
        skips: "Files other than node.py. A base is known by its last name (`omnibase_core.nodes.NodeCompute` is NodeCompute); a node class derived from a base of its own is not followed.",
        also: &[],
    },
    CMP002 {
        name: "model-undefined",
        severity: Severity::Error,
        pass: Pass::Contract,
        summary: "a model or handler the contract references inside the package that no file defines",
        why: "The contract names models and handlers the package owns; if no module of the package defines the class, the node fails when the runtime resolves it.",
        bad: "# contract: input_model: {name: ModelGateInput, module: model_gate_input}\n# models/model_gate_input.py defines only ModelGate",
        good: "# models/model_gate_input.py\nclass ModelGateInput(BaseModel): ...",
        scope: "node.py beside a contract.yaml",
        skips: "Models and handlers the contract places in another package (a module path outside this one), handlers the contract only implies, and classes a module of the package imports from elsewhere (an import is a definition for its importers).",
        also: &[],
    },
    CMP003 {
        name: "handler-method-missing",
        severity: Severity::Error,
        pass: Pass::Structure,
        summary: "a class the contract routes to with no entry point the runtime calls (`handle`, `execute`, `run`, `run_full_cycle`)",
        why: "The framework's RuntimeLocal calls a routed handler's `handle`, falling back on `run_full_cycle`, `run` and `execute`; a class with none of them cannot be run.",
        bad: "class HandlerGate:\n    def run(self, request): ...",
        good: "class HandlerGate:\n    async def handle(self, request): ...",
        scope: "the classes a node package's contract.yaml routes to, in its handlers/ files",
        skips: "Handler classes no contract routes to (library handlers, watchers, helpers); a routed class with any entry point the framework's RuntimeLocal calls: `handle`, `execute`, `run` or `run_full_cycle`, sync or async, its own or inherited from a class of the same module; a routed class with a base from another module, which may supply the entry point; Protocols.",
        also: &[],
    },
    STB001 {
        name: "todo-comment",
        severity: Severity::Warning,
        pass: Pass::Comments,
        summary: "a TODO, FIXME or XXX comment",
        why: "Markers of unfinished work should not ship; found in comments only, never in strings.",
        bad: "# TODO: check the limit\nlimit = 10",
        good: "limit = 10  # the limit is checked by the caller",
        scope: "every Python file",
        skips: "TODO, FIXME and XXX that name the issue tracking them (`TODO(OMN-5736): ...`, `#123`, a URL); the words inside strings, and inside longer words (TODOS, XXXL).",
        also: &["FIX001", "FIX002", "FIX003"],
    },
    STB002 {
        name: "stub-body",
        severity: Severity::Error,
        pass: Pass::Tree,
        summary: "a public function whose body is only `pass`, `...` or a docstring",
        why: "A public function that does nothing is an unfinished stub that silently returns None. Abstract methods, `@overload` signatures and methods of a `Protocol` are exempt.",
        bad: "def total(items: list[int]) -> int:\n    pass",
        good: "def total(items: list[int]) -> int:\n    return sum(items)",
        scope: "every Python file",
        skips: "Abstract methods, `@overload` signatures and Protocol methods; click and typer groups and callbacks (`@click.group()`, `@cli.group()`, `@app.callback()`), whose body is a docstring by design; `@override` methods (an empty override of a hook is a choice); private and nested functions; a function whose def line carries `# stub-ok` or `# stub-ok: reason`.",
        also: &[],
    },
    STB003 {
        name: "not-implemented",
        severity: Severity::Error,
        pass: Pass::Tree,
        summary: "`raise NotImplementedError` (a warning in a user-owned scaffold)",
        why: "Code that raises NotImplementedError fails at run time. In a handler scaffold the user is meant to fill in it is a reminder, so it is a warning there. Abstract methods and Protocol methods are exempt.",
        bad: "def handle(self, request):\n    raise NotImplementedError",
        good: "def handle(self, request):\n    return ModelGateOutput(allowed=True)",
        scope: "every Python file; a warning in a scaffold the package manifest gives to the user",
        skips: "A raise inside an if, loop, try, with or match: NotImplementedError given as the answer for an unsupported case (a broker version, an option) is behaviour, not a stub. Abstract, `@overload` and Protocol methods, and methods of base classes by the older convention: classes derived from ABC, or named Base*, Abstract*, *Base, Mixin* or *Mixin. A raise with `# stub-ok` on its line or on its function's def line.",
        also: &[],
    },
    QLT001 {
        name: "complex-function",
        severity: Severity::Warning,
        pass: Pass::Tree,
        summary: "a function with cyclomatic complexity over 10",
        why: "Complexity is 1 plus one for each if/elif, for/while loop, except clause, match case, conditional expression, comprehension for/if clause and extra boolean operand. Nested functions count on their own. Over 10, a function is hard to test; split it.",
        bad: "def grade(x):\n    if x > 90: ...\n    elif x > 80: ...\n    # ... ten branches",
        good: "def grade(x):\n    return next(g for limit, g in GRADES if x > limit)",
        scope: "every Python file",
        skips: "Functions at 10 or under. A nested function's branches count for it alone, not for the function that holds it.",
        also: &["C901"],
    },
    QLT002 {
        name: "bare-except",
        severity: Severity::Error,
        pass: Pass::Tree,
        summary: "a bare `except:` clause",
        why: "`except:` also catches KeyboardInterrupt and SystemExit and hides real errors.",
        bad: "try:\n    run()\nexcept:\n    pass",
        good: "try:\n    run()\nexcept ValueError:\n    log()",
        scope: "every Python file",
        skips: "`except Exception:` and every clause that names an exception.",
        also: &["E722"],
    },
    QLT003 {
        name: "mutable-default",
        severity: Severity::Error,
        pass: Pass::Tree,
        summary: "a list, dict or set literal, comprehension or call as a parameter default",
        why: "A default value is built once when the function is defined and shared by every call; mutating it leaks state between calls.",
        bad: "def add(item, items=[]):\n    items.append(item)",
        good: "def add(item, items=None):\n    items = [] if items is None else items",
        scope: "every Python file",
        skips: "None, tuples, frozensets, strings and numbers, and calls other than list, dict, set, bytearray and the collections containers (a call may build an immutable value).",
        also: &["B006"],
    },
    QLT004 {
        name: "wildcard-import",
        severity: Severity::Error,
        pass: Pass::Tree,
        summary: "a wildcard import `from x import *`",
        why: "Wildcard imports hide where names come from and can shadow local names.",
        bad: "from os.path import *",
        good: "from os.path import join",
        scope: "every Python file",
        skips: "Imports that name what they import.",
        also: &["F403"],
    },
    QLT005 {
        name: "print-in-node",
        severity: Severity::Warning,
        pass: Pass::Tree,
        summary: "a `print(` call in node, handler or model code",
        why: "Node code runs inside the ONEX runtime, where output goes to logs; use the logger.",
        bad: "print(\"done\", result)",
        good: "logger.info(\"done %s\", result)",
        scope: "node.py, handlers/ and models/ files",
        skips: "`print` in tests, scripts and other modules, and methods named print (`console.print`).",
        also: &["T201"],
    },
    DOC001 {
        name: "missing-docstring",
        severity: Severity::Warning,
        pass: Pass::Tree,
        summary: "a module, public class or public function without a docstring",
        why: "Docstrings are the documentation of generated and hand-written node code. Private names (leading underscore), dunder methods, nested functions and `@overload` signatures are exempt, as is an empty module.",
        bad: "def total(items: list[int]) -> int:\n    return sum(items)",
        good: "def total(items: list[int]) -> int:\n    \"\"\"The sum of `items`.\"\"\"\n    return sum(items)",
        scope: "every Python file",
        skips: "Private names, dunder methods, nested functions, `@overload` signatures, and a module that is empty or only `pass`.",
        also: &["D100", "D101", "D102", "D103", "D104", "D106"],
    },
    TYP001 {
        name: "missing-return-type",
        severity: Severity::Warning,
        pass: Pass::Tree,
        summary: "a public function without a return annotation",
        why: "ONEX code is type-checked; an unannotated return is Any to the checker. `__init__` is exempt (it always returns None).",
        bad: "def total(items: list[int]):\n    return sum(items)",
        good: "def total(items: list[int]) -> int:\n    return sum(items)",
        scope: "every Python file",
        skips: "`__init__`, private and nested functions.",
        also: &["ANN201", "ANN205", "ANN206"],
    },
    TYP002 {
        name: "missing-param-type",
        severity: Severity::Warning,
        pass: Pass::Tree,
        summary: "a public function parameter without an annotation (not `self`/`cls`)",
        why: "Unannotated parameters are Any to the type checker. The first parameter of a method (self, cls) is exempt; *args and **kwargs are not.",
        bad: "def total(items) -> int:\n    return sum(items)",
        good: "def total(items: list[int]) -> int:\n    return sum(items)",
        scope: "every Python file",
        skips: "`self` and `cls`, and the parameters of private and nested functions.",
        also: &["ANN001", "ANN002", "ANN003"],
    },
    ONX001 {
        name: "node-class-name",
        severity: Severity::Error,
        pass: Pass::Structure,
        summary: "the node class is not named `Node` + PascalCase",
        why: "ONEX finds and names nodes by the `Node<Name><Type>` convention.",
        bad: "class node_gate(NodeCompute): ...",
        good: "class NodeGateCompute(NodeCompute): ...",
        scope: "node.py",
        skips: "Classes that do not derive from a node base.",
        also: &[],
    },
    ONX002 {
        name: "node-base",
        severity: Severity::Error,
        pass: Pass::Structure,
        summary: "the node class does not derive from the base matching the contract's node_type",
        why: "The runtime drives a node through its base class; a COMPUTE contract needs NodeCompute.",
        bad: "# contract: node_type: COMPUTE_GENERIC\nclass NodeGateCompute(NodeEffect): ...",
        good: "class NodeGateCompute(NodeCompute): ...",
        scope: "node.py beside a contract.yaml that loads",
        skips: "A node.py whose contract does not load or is missing: any node base is accepted then (ONX004 and ONX005 report the contract).",
        also: &[],
    },
    ONX003 {
        name: "model-name",
        severity: Severity::Warning,
        pass: Pass::Structure,
        summary: "a pydantic model not named Model*, or an enum not named Enum*",
        why: "ONEX naming conventions make models and enums recognisable across packages.",
        bad: "class GateRequest(BaseModel): ...",
        good: "class ModelGateRequest(BaseModel): ...",
        scope: "every Python file but tests",
        skips: "Classes that derive from neither BaseModel, an enum base, nor a model or enum of the same module: a base imported from elsewhere is not followed.",
        also: &[],
    },
    ONX004 {
        name: "contract-missing",
        severity: Severity::Error,
        pass: Pass::Contract,
        summary: "a node.py with no contract.yaml beside it",
        why: "An ONEX node is defined by its contract; the runtime reads contract.yaml from the node's directory.",
        bad: "node_gate/node.py   (no node_gate/contract.yaml)",
        good: "node_gate/contract.yaml beside node_gate/node.py",
        scope: "node.py",
        skips: "Files other than node.py.",
        also: &[],
    },
    ONX005 {
        name: "contract-invalid",
        severity: Severity::Error,
        pass: Pass::Contract,
        summary: "the contract.yaml beside a node is not a valid ONEX contract (located in the YAML)",
        why: "A node whose contract does not load cannot be run; each contract error is reported at its line in contract.yaml.",
        bad: "node_type: COMPUTE_THING",
        good: "node_type: COMPUTE_GENERIC",
        scope: "the contract.yaml beside a node.py",
        skips: "The contract loader's warnings: only its errors are reported.",
        also: &[],
    },
    ONX006 {
        name: "model-not-strict",
        severity: Severity::Warning,
        pass: Pass::Structure,
        summary: "a pydantic model without extra=\"forbid\" in its model_config",
        why: "ONEX models reject unknown fields so that typos in messages fail loudly.",
        bad: "class ModelGate(BaseModel):\n    name: str",
        good: "class ModelGate(BaseModel):\n    model_config = ConfigDict(extra=\"forbid\")\n    name: str",
        scope: "every Python file but tests",
        skips: "A model whose config sets `extra` to another value on purpose (`extra=\"ignore\"` to read foreign payloads is a choice, not an omission); a model derived from a strict model of the same module; models whose base comes from another module (not followed).",
        also: &[],
    },
    ONX007 {
        name: "one-model-per-file",
        severity: Severity::Warning,
        pass: Pass::Structure,
        summary: "more than one model class in a models/ file",
        why: "ONEX packages keep one model per module so imports and file names match class names.",
        bad: "# models/model_gate.py\nclass ModelGate(BaseModel): ...\nclass ModelGateResult(BaseModel): ...",
        good: "# models/model_gate_result.py\nclass ModelGateResult(BaseModel): ...",
        scope: "models/ files",
        skips: "Enums, and classes that are not pydantic models.",
        also: &[],
    },
    ONX008 {
        name: "generic-class-name",
        severity: Severity::Warning,
        pass: Pass::Structure,
        summary: "a class name outside handlers/ holding a generic word (Manager, Handler, Helper, Util, Service, Controller, Processor, Worker)",
        why: "The framework's own naming check (`onex validate --strict`) refuses these words in class names, in any case, outside handler modules, services/ and error classes: they say nothing about the domain.",
        bad: "class NodeOrderServiceEffect(NodeEffect): ...",
        good: "class NodeOrderSubmitEffect(NodeEffect): ...",
        scope: "every Python file the framework's naming check reads: all but those under a directory named errors, handlers or services, and errors.py",
        skips: "Classes ending in Error or Exception, and classes in the places above, exactly where `onex validate --strict` does not look. A word inside another counts as the framework counts it: `EnumHandlerErrorType` holds Handler and the framework reports it too.",
        also: &[],
    },
    SEC001 {
        name: "hardcoded-secret",
        severity: Severity::Error,
        pass: Pass::Tree,
        summary: "a string literal assigned to a secret-like name (password, secret, token, api_key, ...)",
        why: "Secrets in source end up in version control. The name is split into words (snake_case and camelCase) and its last word must be a secret word: password, passwd, pwd, secret, token, credential(s), passphrase, apikey, or key after api/private/secret/access/signing/encryption/auth. So `max_tokens`, `token_count` and `author` are not secrets. Assignments, annotated assignments, keyword arguments, parameter defaults and dict entries with a string key are checked; empty strings are not.",
        bad: "api_key = \"sk-live-1234\"",
        good: "api_key = os.environ[\"API_KEY\"]",
        scope: "every Python file",
        skips: "Empty strings; values that only name a secret: an environment-variable name (`\"KAFKA_SASL_PASSWORD\"`), an identifier or key holding a secret word (`\"sasl_plain_password\"`, `\"api-key\"`), the name itself; regular expressions (raw strings, and text with regex syntax such as `(?:`, `\\w` or `[^`); names whose last word is not a secret word (`max_tokens`, `token_url`); a line with detect-secrets' `# pragma: allowlist secret`.",
        also: &["S105", "S106", "S107"],
    },
    SEC002 {
        name: "eval-exec",
        severity: Severity::Error,
        pass: Pass::Tree,
        summary: "a call of the builtin `eval`, `exec` or `__import__`",
        why: "Evaluating strings runs arbitrary code. `ast.literal_eval` and methods named eval are not flagged.",
        bad: "value = eval(text)",
        good: "value = ast.literal_eval(text)",
        scope: "every Python file",
        skips: "`ast.literal_eval`, `compile`, and methods named eval or exec (`model.eval()`).",
        also: &["S102", "S307"],
    },
    SEC003 {
        name: "sql-injection",
        severity: Severity::Error,
        pass: Pass::Tree,
        summary: "an f-string, `%`, `+` or `.format` built string passed to `.execute(`",
        why: "Building SQL from values lets input change the query; pass parameters to execute instead.",
        bad: "cursor.execute(f\"SELECT * FROM users WHERE id = {user_id}\")",
        good: "cursor.execute(\"SELECT * FROM users WHERE id = %s\", (user_id,))",
        scope: "every Python file",
        skips: "Literal queries, parameterised queries, and f-strings whose every placeholder is a number: a numeric literal, an `int()`, `float()` or `len()` call, a `:d` format, or a local name each assignment of which is one of those.",
        also: &["S608"],
    },
    SEC004 {
        name: "unsafe-load",
        severity: Severity::Warning,
        pass: Pass::Tree,
        summary: "`pickle.load(s)`, or `yaml.load` without a safe Loader",
        why: "Unpickling or loading YAML with the full loader can run arbitrary code from the data. Imports are followed, so `from pickle import loads` is caught too.",
        bad: "data = yaml.load(text)",
        good: "data = yaml.safe_load(text)  # or yaml.load(text, Loader=yaml.SafeLoader)",
        scope: "every Python file",
        skips: "`yaml.safe_load`, and `yaml.load` with SafeLoader, CSafeLoader, BaseLoader, CBaseLoader or a class of the same module derived from one of them.",
        also: &["S301", "S506"],
    },
    SEC005 {
        name: "shell-command",
        severity: Severity::Warning,
        pass: Pass::Tree,
        summary: "`os.system`, `os.popen`, or a `subprocess` call with shell=True",
        why: "A shell command line built from values is open to injection; pass an argument list without a shell.",
        bad: "subprocess.run(f\"ls {path}\", shell=True)",
        good: "subprocess.run([\"ls\", path], check=True)",
        scope: "every Python file",
        skips: "subprocess calls without `shell=True` (or with a false shell), and argument lists.",
        also: &["S602", "S605"],
    },

}

impl Rule {
    /// The rule's catalogue entry.
    pub fn info(self) -> &'static RuleInfo {
        &RULES[self as usize]
    }

    /// The rule's stable code, `SEC001`.
    pub fn code(self) -> &'static str {
        self.info().code
    }

    /// The rule whose code is `code`, if the catalogue has one.
    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|rule| rule.code() == code)
    }
}

/// The rules implemented here, in catalogue order.
pub fn rules() -> &'static [RuleInfo] {
    RULES
}

/// The registry entry for `code`, if the catalogue has one.
pub(crate) fn rule(code: &str) -> Option<&'static RuleInfo> {
    Rule::from_code(code).map(Rule::info)
}

/// A diagnostic of `rule` at the severity the catalogue gives it.
pub(crate) fn diagnostic(
    rule: Rule,
    path: &std::path::Path,
    message: impl Into<String>,
) -> crate::diagnostics::Diagnostic {
    use crate::diagnostics::Diagnostic;
    let info = rule.info();
    let finding = match info.severity {
        Severity::Warning => Diagnostic::warning(path, message),
        Severity::Error => Diagnostic::error(path, message),
    };
    finding.with_code(info.code)
}

/// The rule table of `README.md`, in Markdown: code, name, severity and summary.
pub fn markdown_table() -> String {
    let mut table = String::from("| code | name | severity | what it finds |\n|---|---|---|---|\n");
    for rule in RULES {
        let _ = writeln!(
            table,
            "| {} | {} | {} | {} |",
            rule.code,
            rule.name,
            rule.severity.as_str(),
            rule.summary.replace('|', "\\|")
        );
    }
    table
}

/// The markers around the rule table in `README.md`.
const TABLE_BEGIN: &str = "<!-- rules: begin (written by `make readme`) -->\n";
const TABLE_END: &str = "<!-- rules: end -->";

/// Where the rule table of `readme` lies: the bytes between its markers, if it has them.
fn readme_range(readme: &str) -> Option<std::ops::Range<usize>> {
    let start = readme.find(TABLE_BEGIN)? + TABLE_BEGIN.len();
    let end = start + readme[start..].find(TABLE_END)?;
    Some(start..end)
}

/// The rule table between the markers of `readme`, if it has them.
pub fn readme_section(readme: &str) -> Option<&str> {
    readme_range(readme).map(|range| &readme[range])
}

/// `readme` with the table between its markers replaced by the catalogue's.
pub fn with_readme_table(readme: &str) -> Option<String> {
    let mut updated = readme.to_owned();
    updated.replace_range(readme_range(readme)?, &markdown_table());
    Some(updated)
}
