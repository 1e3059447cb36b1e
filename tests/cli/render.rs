//! Renders hand-built contracts of all four node types (every field type,
//! aliases, several handlers, external models, an implemented handler) into
//! a temporary directory and checks the packages with the real tools of the
//! test venv. `CODEGEN_RENDER_OUT=DIR` keeps the rendered packages in DIR.

use std::path::{Path, PathBuf};
use std::process::Command;

use codegen::contract::model::{
    Binding, BoundHandler, Constraints, Contract, EnumDef, EnumMember, FieldDef, FieldType,
    HandlerDef, ModelDef, ModelLocation, ModelRef, NodeType, Route, Version,
};
use codegen::render::templates::TemplateManager;
use codegen::render::{GeneratedFile, Ownership, Renderer};

fn field(name: &str, ty: FieldType) -> FieldDef {
    FieldDef {
        name: name.into(),
        alias: None,
        ty,
        required: true,
        default: None,
        description: None,
        constraints: Constraints::default(),
    }
}

fn optional(mut f: FieldDef) -> FieldDef {
    f.required = false;
    f
}

fn described(mut f: FieldDef, text: &str) -> FieldDef {
    f.description = Some(text.into());
    f
}

fn owned(class: &str, module: &str) -> ModelRef {
    ModelRef {
        class_name: class.into(),
        location: ModelLocation::Package {
            module: module.into(),
        },
        expr: None,
    }
}

fn boxed(ty: FieldType) -> Box<FieldType> {
    Box::new(ty)
}

fn constrained(mut f: FieldDef, c: Constraints) -> FieldDef {
    f.constraints = c;
    f
}

#[expect(clippy::too_many_lines, reason = "one literal fixture")]
fn request_fields() -> Vec<FieldDef> {
    vec![
        described(
            constrained(
                field("title", FieldType::Str),
                Constraints {
                    min_length: Some(3),
                    max_length: Some(40),
                    ..Constraints::default()
                },
            ),
            "Titre affiché — ünïcødé, 日本語, and \"quotes\" with a \\ backslash",
        ),
        constrained(
            field("count", FieldType::Int),
            Constraints {
                ge: Some(5.0),
                le: Some(10.0),
                ..Constraints::default()
            },
        ),
        constrained(
            field("ratio", FieldType::Float),
            Constraints {
                gt: Some(0.0),
                lt: Some(1.0),
                ..Constraints::default()
            },
        ),
        field("enabled", FieldType::Bool),
        field("payload", FieldType::Bytes),
        field("created_at", FieldType::DateTime),
        field("day", FieldType::Date),
        field("request_id", FieldType::Uuid),
        field("amount", FieldType::Decimal),
        field("extra_data", FieldType::Any),
        FieldDef {
            alias: Some("class".into()),
            ..described(field("class_", FieldType::Str), "A keyword as a name.")
        },
        FieldDef {
            alias: Some("from".into()),
            ..optional(field("from_", FieldType::Optional(boxed(FieldType::Str))))
        },
        field(
            "mode",
            FieldType::Literal(vec!["fast".into(), "safe".into()]),
        ),
        field("level", FieldType::Enum("EnumSampleLevel".into())),
        field(
            "items",
            FieldType::List(boxed(FieldType::Model("ModelSampleItem".into()))),
        ),
        field(
            "by_name",
            FieldType::Dict(boxed(FieldType::Model("ModelSampleItem".into()))),
        ),
        optional(field(
            "maybe_item",
            FieldType::Optional(boxed(FieldType::Model("ModelSampleItem".into()))),
        )),
        field(
            "levels",
            FieldType::List(boxed(FieldType::Enum("EnumSampleLevel".into()))),
        ),
        field(
            "grid",
            FieldType::List(boxed(FieldType::Dict(boxed(FieldType::Optional(boxed(
                FieldType::Int,
            )))))),
        ),
        constrained(
            field("code", FieldType::Str),
            Constraints {
                pattern: Some(r"^[A-Z]{3}-\d{2,4}$".into()),
                ..Constraints::default()
            },
        ),
        optional(constrained(
            field("slug", FieldType::Optional(boxed(FieldType::Str))),
            Constraints {
                pattern: Some("^[^0-9]+$".into()),
                ..Constraints::default()
            },
        )),
        FieldDef {
            default: Some(serde_json::json!(["a", "b"])),
            required: false,
            ..field("tags", FieldType::List(boxed(FieldType::Str)))
        },
        FieldDef {
            default: Some(serde_json::json!({})),
            required: false,
            ..field("labels", FieldType::Dict(boxed(FieldType::Str)))
        },
        FieldDef {
            default: Some(serde_json::json!("low")),
            required: false,
            ..field("default_level", FieldType::Enum("EnumSampleLevel".into()))
        },
        FieldDef {
            default: Some(serde_json::json!(2.5)),
            required: false,
            ..field("weight", FieldType::Float)
        },
        optional(field("note", FieldType::Str)),
        constrained(
            field("pairs", FieldType::Dict(boxed(FieldType::Int))),
            Constraints {
                min_length: Some(2),
                ..Constraints::default()
            },
        ),
        constrained(
            field("nothing", FieldType::List(boxed(FieldType::Str))),
            Constraints {
                max_length: Some(0),
                ..Constraints::default()
            },
        ),
        field(
            "a_rather_long_field_name_for_choices",
            FieldType::Literal(
                [
                    "alpha_value_one",
                    "beta_value_two",
                    "gamma_value_three",
                    "delta_four",
                ]
                .map(String::from)
                .to_vec(),
            ),
        ),
        described(
            optional(field(
                "an_optional_field_with_long_choices",
                FieldType::Optional(boxed(FieldType::Literal(
                    ["alpha_value_one", "beta_value_two", "gamma_value_three"]
                        .map(String::from)
                        .to_vec(),
                ))),
            )),
            "Optional, long, and described at some length so the arguments explode too.",
        ),
        field(
            "some_rather_long_field_name_for_nesting",
            FieldType::Dict(boxed(FieldType::List(boxed(FieldType::Dict(boxed(
                FieldType::Model("ModelSampleItem".into()),
            )))))),
        ),
    ]
}

/// The binding the loader would derive for `rich`: the first handler is the
/// default, each operation routed to its handler.
fn sample_binding(name: &str, node_type: NodeType, request: (&str, &str)) -> Binding {
    let handler = |class: &str, module: &str, request: Option<(&str, &str)>| BoundHandler {
        module: format!("{name}.handlers.{module}"),
        class: class.to_owned(),
        function: false,
        request: request.map(|(m, c)| (m.to_owned(), c.to_owned())),
    };
    let process = handler(
        "HandlerSampleProcess",
        "handler_sample_process",
        Some(request),
    );
    let forward = handler("HandlerSampleExternal", "handler_sample_external", None);
    Binding {
        adapter: false,
        default: Some(process.clone()),
        routes: vec![
            Route {
                operation: "sample.process".into(),
                handler: process.clone(),
            },
            Route {
                operation: "sample.retry".into(),
                handler: process,
            },
            Route {
                operation: "sample.forward".into(),
                handler: forward,
            },
        ],
        dispatch: matches!(node_type, NodeType::Compute | NodeType::Effect),
    }
}

/// A contract exercising every field type, constraints, aliases, defaults,
/// nested containers of models and enums, several handlers and an external model.
#[expect(clippy::too_many_lines, reason = "one literal fixture")]
fn rich(node_type: NodeType) -> Contract {
    let lower = node_type.lower();
    let name = format!("node_sample_{lower}");
    let pascal: String = name
        .split('_')
        .map(|p| {
            let mut cs = p.chars();
            cs.next()
                .map(|c| c.to_ascii_uppercase().to_string() + cs.as_str())
                .unwrap_or_default()
        })
        .collect();
    let models = vec![
        ModelDef {
            class_name: format!("Model{pascal}Request").replace("ModelNode", "Model"),
            module: format!("model_sample_{lower}_request"),
            description: "The request: every field type the contract format knows, with \
                          constraints, aliases and defaults, in one model."
                .into(),
            fields: request_fields(),
            declared: true,
        },
        ModelDef {
            class_name: "ModelSampleItem".into(),
            module: "model_sample_item".into(),
            description: "One item.".into(),
            fields: vec![
                field("key", FieldType::Str),
                optional(field(
                    "children",
                    FieldType::Optional(boxed(FieldType::List(boxed(FieldType::Model(
                        "ModelSampleItem".into(),
                    ))))),
                )),
            ],
            declared: true,
        },
        ModelDef {
            class_name: "ModelSampleEmpty".into(),
            module: "model_sample_empty".into(),
            description: String::new(),
            fields: Vec::new(),
            declared: true,
        },
        ModelDef {
            class_name: "ModelSampleUnknown".into(),
            module: "model_sample_unknown".into(),
            description: "A model the contract names without its fields.".into(),
            fields: Vec::new(),
            declared: false,
        },
    ];
    let request = owned(&models[0].class_name, &models[0].module);
    let binding = sample_binding(
        &name,
        node_type,
        (
            &format!("{name}.models.{}", models[0].module),
            &models[0].class_name,
        ),
    );
    let external = ModelRef {
        class_name: "ModelExternalResult".into(),
        location: ModelLocation::External {
            module: "somewhere_else.models.model_external_result".into(),
        },
        expr: None,
    };
    let contract_yaml = format!(
        "name: {name}\ncontract_name: {name}\nnode_type: {generic}\ncontract_version:\n  major: 1\n  minor: 2\n  patch: 3\nnode_version:\n  major: 1\n  minor: 0\n  patch: 0\ndescription: Sample {lower} node — ünïcødé.\ninput_model:\n  name: {input}\n  module: {name}.models.{input_module}\noutput_model:\n  name: ModelExternalResult\n  module: somewhere_else.models.model_external_result\nmetadata:\n  owner: team-sample\n",
        generic = node_type.generic(),
        input = models[0].class_name,
        input_module = models[0].module,
    );
    Contract {
        source: PathBuf::from(format!("contracts/{lower}/contract.yaml")),
        source_hash: "ab".repeat(32),
        class_name: pascal,
        import_path: name.clone(),
        name,
        node_type,
        contract_version: Version {
            major: 1,
            minor: 2,
            patch: 3,
        },
        node_version: Some(Version {
            major: 1,
            minor: 0,
            patch: 0,
        }),
        description: format!("Sample {lower} node — ünïcødé, used to check generated code."),
        input_model: Some(request.clone()),
        output_model: Some(external.clone()),
        enums: vec![EnumDef {
            class_name: "EnumSampleLevel".into(),
            module: "enum_sample_level".into(),
            description: "How much care to take.".into(),
            members: vec![
                EnumMember {
                    name: "LOW".into(),
                    value: "low".into(),
                },
                EnumMember {
                    name: "HIGH_CARE".into(),
                    value: "high-care".into(),
                },
            ],
        }],
        models,
        handlers: vec![
            HandlerDef {
                kind: codegen::contract::HandlerKind::Class,
                class_name: "HandlerSampleProcess".into(),
                module: "handler_sample_process".into(),
                operations: vec!["sample.process".into(), "sample.retry".into()],
                input: Some(request.clone()),
                output: Some(external.clone()),
                default: false,
                implied: false,
            },
            HandlerDef {
                kind: codegen::contract::HandlerKind::Class,
                class_name: "HandlerSampleExternal".into(),
                module: "handler_sample_external".into(),
                operations: vec!["sample.forward".into()],
                input: Some(external),
                output: Some(owned("ModelSampleItem", "model_sample_item")),
                default: false,
                implied: false,
            },
            HandlerDef {
                kind: codegen::contract::HandlerKind::Class,
                class_name: "HandlerSampleBare".into(),
                module: "handler_sample_bare".into(),
                operations: Vec::new(),
                input: None,
                output: None,
                default: false,
                implied: false,
            },
        ],
        operations: vec![
            "sample.process".into(),
            "sample.retry".into(),
            "sample.forward".into(),
        ],
        binding,
        contract_yaml,
        classes: codegen::contract::ClassIndex::default(),
    }
}

fn minimal(node_type: NodeType) -> Contract {
    let mut c = rich(node_type);
    c.name = format!("node_bare_{}", node_type.lower());
    c.class_name = format!(
        "NodeBare{}",
        node_type.base_class().trim_start_matches("Node")
    );
    c.description = String::new();
    c.models.clear();
    c.enums.clear();
    c.handlers.clear();
    c.operations.clear();
    c.binding = Binding::default();
    c.input_model = None;
    c.output_model = None;
    c.contract_version = Version {
        major: 0,
        minor: 1,
        patch: 0,
    };
    c.contract_yaml = format!(
        "name: {}\nnode_type: {}\ncontract_version:\n  major: 0\n  minor: 1\n  patch: 0\n",
        c.name,
        node_type.generic()
    );
    c
}

/// Descriptions and names chosen to break quoting, wrapping and sampling.
fn odd() -> Contract {
    let mut c = minimal(NodeType::Compute);
    c.name = "node_odd_compute".into();
    c.class_name = "NodeOddCompute".into();
    c.description = "\"Quoted\" start, a \"\"\" run, a back\\slash,\ttab and\nnewline \
                     with 日本語テキスト that goes on long enough to wrap twice over the line \
                     limit of the formatter \""
        .into();
    c.contract_yaml = c
        .contract_yaml
        .replace("node_bare_compute", "node_odd_compute");
    c.enums = vec![EnumDef {
        class_name: "EnumOddEmpty".into(),
        module: "enum_odd_empty".into(),
        description: "\"\"\"".into(),
        members: Vec::new(),
    }];
    c.models = vec![ModelDef {
        class_name: "ModelOddUnsampled".into(),
        module: "model_odd_unsampled".into(),
        description: "Ends with a backslash \\".into(),
        fields: vec![
            described(
                field("choice", FieldType::Enum("EnumOddEmpty".into())),
                "It's \"odd\": 'both' quotes",
            ),
            field("date", FieldType::Date),
            field("list", FieldType::List(boxed(FieldType::Str))),
            optional(field("str", FieldType::Str)),
            field("json", FieldType::Int),
            optional(field(
                "datetime",
                FieldType::Optional(boxed(FieldType::DateTime)),
            )),
            constrained(
                field("tight", FieldType::Int),
                Constraints {
                    ge: Some(10.0),
                    le: Some(5.0),
                    ..Constraints::default()
                },
            ),
        ],
        declared: true,
    }];
    c.handlers = vec![HandlerDef {
        kind: codegen::contract::HandlerKind::Class,
        class_name: "HandlerOddSibling".into(),
        module: "handler_odd_unsampled".into(),
        operations: vec!["odd.sibling".into()],
        input: None,
        output: None,
        default: false,
        implied: false,
    }];
    c.handlers.insert(
        0,
        HandlerDef {
            kind: codegen::contract::HandlerKind::Class,
            class_name: "HandlerOddUnsampled".into(),
            module: "handler_odd_unsampled".into(),
            operations: vec!["odd.op".into()],
            input: Some(owned("ModelOddUnsampled", "model_odd_unsampled")),
            output: Some(ModelRef {
                class_name: "ModelAnExternalResultWithAVeryLongNameIndeed".into(),
                location: ModelLocation::External {
                    module:
                        "a_rather_deeply.nested_external_package.models.model_an_external_result"
                            .into(),
                },
                expr: None,
            }),
            default: false,
            implied: false,
        },
    );
    c
}

const ALL: [NodeType; 4] = [
    NodeType::Effect,
    NodeType::Compute,
    NodeType::Reducer,
    NodeType::Orchestrator,
];

fn write_packages(out: &Path) -> Vec<String> {
    let renderer = Renderer::new(TemplateManager::builtin());
    let mut names = Vec::new();
    for c in ALL
        .iter()
        .map(|t| rich(*t))
        .chain(ALL.iter().map(|t| minimal(*t)))
        .chain([odd()])
    {
        let mut files = renderer.render_models(&c).unwrap();
        files.extend(renderer.render_node(&c).unwrap());
        let dir = out.join(&c.name);
        if c.name == "node_sample_compute" {
            implement_process_handler(&dir, &files);
        }
        files.extend(renderer.render_tests(&c).unwrap());
        for f in files {
            let path = dir.join(&f.path);
            if f.ownership == Ownership::Scaffold && path.exists() {
                continue;
            }
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(&path, f.contents).unwrap();
        }
        names.push(c.name.clone());
    }
    names
}

/// Writes the scaffold of `HandlerSampleProcess` as a user would leave it
/// once implemented, so its generated test must call `handle` for real.
fn implement_process_handler(dir: &Path, files: &[GeneratedFile]) {
    let scaffold = files
        .iter()
        .find(|f| f.path == Path::new("handlers/handler_sample_process.py"))
        .unwrap();
    let implemented = scaffold.contents.replace(
        "        message = \"HandlerSampleProcess.handle is a scaffold: implement it in handlers/handler_sample_process.py\"\n        raise NotImplementedError(message)\n",
        "        del request\n        return type(\"ModelExternalResult\", (), {})()\n",
    );
    assert_ne!(implemented, scaffold.contents);
    let path = dir.join(&scaffold.path);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, implemented).unwrap();
}

fn run(cmd: &mut Command) {
    let shown = format!("{cmd:?}");
    let output = cmd.output().unwrap_or_else(|e| panic!("{shown}: {e}"));
    assert!(
        output.status.success(),
        "{shown} failed:\n{}\n{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}

#[test]
fn rendered_packages_pass_the_real_python_tools() {
    let keep = std::env::var_os("CODEGEN_RENDER_OUT").map(PathBuf::from);
    let tmp = tempfile::tempdir().unwrap();
    let out = keep.clone().unwrap_or_else(|| tmp.path().to_path_buf());
    std::fs::create_dir_all(&out).unwrap();
    let names = write_packages(&out);
    let python = crate::common::python();
    let bin = python.parent().unwrap().to_path_buf();
    run(Command::new(&python)
        .args(["-m", "ruff", "check", "--no-cache", "--isolated", "."])
        .current_dir(&out));
    run(Command::new(&python)
        .args([
            "-m",
            "ruff",
            "format",
            "--check",
            "--no-cache",
            "--isolated",
            ".",
        ])
        .current_dir(&out));
    run(Command::new(&python)
        .args(["-m", "compileall", "-q", "."])
        .current_dir(&out));
    run(Command::new(&python)
        .args(["-m", "pytest", "-q", "-p", "no:cacheprovider"])
        .current_dir(&out));
    for name in &names {
        run(Command::new(&python)
            .args(["-m", "pytest", "-q", "-p", "no:cacheprovider"])
            .arg(out.join(name)));
        run(Command::new(bin.join("onex"))
            .args(["validate", "--strict"])
            .arg(out.join(name)));
        let class = name
            .split('_')
            .map(|p| p[..1].to_uppercase() + &p[1..])
            .collect::<String>();
        let script = format!(
            "from omnibase_core.models.container.model_onex_container import ModelONEXContainer\n\
             from {name} import {class}\n\
             node = {class}(ModelONEXContainer())\n\
             assert type(node).__name__ == {class:?}\n"
        );
        run(Command::new(&python)
            .args(["-c", &script])
            .current_dir(&out));
    }
}
