//! Unit tests of the renderer on a small hand-built contract: layout, ownership,
//! determinism, cache reuse and error reporting.

use std::path::{Path, PathBuf};

use super::*;
use crate::contract::model::{
    Constraints, EnumDef, EnumMember, FieldDef, HandlerDef, ModelDef, ModelLocation, ModelRef,
    NodeType, Version,
};

fn field(name: &str, ty: FieldType, required: bool) -> FieldDef {
    FieldDef {
        name: name.into(),
        alias: None,
        ty,
        required,
        default: None,
        description: Some(format!("The {name}.")),
        constraints: Constraints::default(),
    }
}

fn package(module: &str) -> ModelLocation {
    ModelLocation::Package {
        module: module.into(),
    }
}

fn contract() -> Contract {
    Contract {
        source: PathBuf::from("contracts/gate.yaml"),
        source_hash: "0".repeat(64),
        name: "node_gate_compute".into(),
        class_name: "NodeGateCompute".into(),
        import_path: "node_gate_compute".into(),
        node_type: NodeType::Compute,
        contract_version: Version {
            major: 1,
            minor: 0,
            patch: 0,
        },
        node_version: None,
        description: "Decides whether a request may pass.".into(),
        input_model: Some(ModelRef {
            class_name: "ModelGateRequest".into(),
            location: package("model_gate_request"),
            expr: None,
        }),
        output_model: Some(ModelRef {
            class_name: "ModelGateVerdict".into(),
            location: ModelLocation::External {
                module: "shared.models".into(),
            },
            expr: None,
        }),
        models: vec![ModelDef {
            class_name: "ModelGateRequest".into(),
            module: "model_gate_request".into(),
            description: String::new(),
            fields: vec![
                FieldDef {
                    alias: Some("class".into()),
                    ..field("class_", FieldType::Str, true)
                },
                field("level", FieldType::Enum("EnumLevel".into()), false),
                field("when", FieldType::DateTime, true),
            ],
            declared: true,
        }],
        enums: vec![EnumDef {
            class_name: "EnumLevel".into(),
            module: "enum_level".into(),
            description: "How strict.".into(),
            members: vec![EnumMember {
                name: "LOW".into(),
                value: "low".into(),
            }],
        }],
        handlers: vec![HandlerDef {
            kind: crate::contract::HandlerKind::Class,
            class_name: "HandlerGate".into(),
            module: "handler_gate".into(),
            operations: vec!["gate.check".into()],
            input: None,
            output: None,
            default: true,
            implied: false,
        }],
        operations: vec!["gate.check".into()],
        binding: crate::contract::Binding::default(),
        contract_yaml: "name: node_gate_compute\nnode_type: COMPUTE_GENERIC\n".into(),
        classes: crate::contract::ClassIndex::default(),
    }
}

fn all_files(r: &Renderer, c: &Contract) -> Vec<GeneratedFile> {
    let mut files = r.render_models(c).unwrap();
    files.extend(r.render_node(c).unwrap());
    files.extend(r.render_tests(c).unwrap());
    files
}

fn find<'a>(files: &'a [GeneratedFile], path: &str) -> &'a GeneratedFile {
    files
        .iter()
        .find(|f| f.path == Path::new(path))
        .unwrap_or_else(|| panic!("no {path}"))
}

#[test]
fn rendering_is_deterministic_and_the_cache_hits_the_second_time() {
    let r = Renderer::new(TemplateManager::builtin());
    let c = contract();
    let first = all_files(&r, &c);
    let after_first = r.templates().stats();
    let second = all_files(&r, &c);
    let after_second = r.templates().stats();
    let bytes = |files: &[GeneratedFile]| {
        files
            .iter()
            .map(|f| (f.path.clone(), f.contents.clone(), f.ownership.clone()))
            .collect::<Vec<_>>()
    };
    assert_eq!(bytes(&first), bytes(&second));
    assert_eq!(after_second.misses, after_first.misses, "no recompilation");
    assert!(after_second.hits >= after_first.hits + first.len() as u64);
    let fresh = all_files(&Renderer::new(TemplateManager::builtin()), &c);
    assert_eq!(bytes(&first), bytes(&fresh));
}

#[test]
fn package_layout_and_ownership() {
    let r = Renderer::new(TemplateManager::builtin());
    let files = all_files(&r, &contract());
    let mut paths: Vec<String> = files.iter().map(|f| f.path.display().to_string()).collect();
    paths.sort();
    assert_eq!(
        paths,
        [
            "__init__.py",
            "contract.yaml",
            "entry_points.toml",
            "handlers/__init__.py",
            "handlers/handler_gate.py",
            "models/__init__.py",
            "models/enum_level.py",
            "models/model_gate_request.py",
            "node.py",
            "registry/__init__.py",
            "registry/registry_gate_compute.py",
            "tests/__init__.py",
            "tests/test_node_gate_compute.py",
            "tests/test_node_gate_compute_handlers.py",
            "tests/test_node_gate_compute_models.py",
        ]
    );
    for f in &files {
        let scaffold = f.path.starts_with("handlers/handler_gate.py");
        assert_eq!(f.ownership == Ownership::Scaffold, scaffold, "{:?}", f.path);
        let first = f.contents.lines().next().unwrap();
        assert!(first.contains("contracts/gate.yaml"), "{first}");
        assert!(first.contains("node_gate_compute"), "{first}");
        assert_eq!(first.contains("DO NOT EDIT"), !scaffold, "{first}");
        assert!(
            f.contents.ends_with('\n') && !f.contents.ends_with("\n\n"),
            "{:?}",
            f.path
        );
    }
}

#[test]
fn model_uses_alias_enum_import_and_strict_config() {
    let r = Renderer::new(TemplateManager::builtin());
    let files = r.render_models(&contract()).unwrap();
    let model = &find(&files, "models/model_gate_request.py").contents;
    assert!(model.contains("from datetime import datetime\n"), "{model}");
    assert!(
        model.contains("from .enum_level import EnumLevel\n"),
        "{model}"
    );
    assert!(model.contains("populate_by_name=True"), "{model}");
    assert!(
        model.contains("class_: str = Field(alias=\"class\""),
        "{model}"
    );
    assert!(
        model.contains("level: EnumLevel | None = Field("),
        "{model}"
    );
    assert!(!model.contains("import Any"), "{model}");
}

#[test]
fn handler_imports_external_models_for_type_checking_only() {
    let mut c = contract();
    c.handlers[0].input.clone_from(&c.input_model);
    c.handlers[0].output.clone_from(&c.output_model);
    let r = Renderer::new(TemplateManager::builtin());
    let files = r.render_node(&c).unwrap();
    let handler = &find(&files, "handlers/handler_gate.py").contents;
    assert!(
        handler.contains("from __future__ import annotations"),
        "{handler}"
    );
    assert!(
        handler.contains("if TYPE_CHECKING:\n    from shared.models import ModelGateVerdict"),
        "{handler}"
    );
    assert!(
        handler.contains("from ..models.model_gate_request import ModelGateRequest"),
        "{handler}"
    );
    assert!(
        handler.contains("raise NotImplementedError(message)"),
        "{handler}"
    );
}

#[test]
fn contract_copy_has_header_and_verbatim_body() {
    let r = Renderer::new(TemplateManager::builtin());
    let c = contract();
    let files = r.render_node(&c).unwrap();
    let yaml = &find(&files, "contract.yaml").contents;
    assert!(yaml.starts_with("# "));
    assert!(yaml.ends_with(&c.contract_yaml), "{yaml}");
    for banned in ["TODO", "NOTE:", "Manual"] {
        assert!(!yaml.contains(banned));
    }
}

#[test]
fn undefined_model_reference_is_an_error() {
    let mut c = contract();
    c.models[0].fields.push(field(
        "other",
        FieldType::Model("ModelMissing".into()),
        true,
    ));
    let r = Renderer::new(TemplateManager::builtin());
    let err = r.render_models(&c).unwrap_err();
    assert!(matches!(err, RenderError::Undefined { name, .. } if name == "ModelMissing"));
}

#[test]
fn a_broken_override_gives_way_to_the_builtin_naming_the_template_line_and_variable() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("enum.py.tera"), "x = 1\ny = {{ nope }}\n").unwrap();
    let r = Renderer::new(TemplateManager::with_overrides(dir.path()).unwrap());
    // The built-in template renders the file instead, and says why.
    let files = r.render_models(&contract()).unwrap();
    let builtin = Renderer::new(TemplateManager::builtin())
        .render_models(&contract())
        .unwrap();
    let file = find(&files, "models/enum_level.py");
    assert_eq!(
        file.contents,
        find(&builtin, "models/enum_level.py").contents
    );
    let warning = file.fallback.as_ref().expect("a fallback warning");
    assert_eq!(warning.severity, crate::diagnostics::Severity::Warning);
    assert_eq!(warning.file, dir.path().join("enum.py.tera"));
    assert_eq!(warning.position.map(|p| p.line), Some(2));
    let text = &warning.message;
    assert!(text.contains("`nope`"), "{text}");
    assert!(
        text.contains("models/enum_level.py was rendered with the built-in `enum.py.tera`"),
        "{text}"
    );
    assert_eq!(warning.source_line.as_deref(), Some("y = {{ nope }}"));
    // Files whose templates are not overridden carry no warning.
    assert!(
        files
            .iter()
            .filter(|f| f.path != Path::new("models/enum_level.py"))
            .all(|f| f.fallback.is_none())
    );
}

#[test]
fn renderer_is_shareable_across_threads() {
    fn shareable<T: Send + Sync>() {}
    shareable::<Renderer>();
    shareable::<TemplateManager>();
}

#[test]
fn null_default_makes_the_field_optional_and_dates_stay_evaluable() {
    let mut c = contract();
    c.models[0].fields = vec![
        FieldDef {
            default: Some(serde_json::Value::Null),
            ..field("limit", FieldType::Int, false)
        },
        field("date", FieldType::Date, true),
    ];
    let r = Renderer::new(TemplateManager::builtin());
    let files = r.render_models(&c).unwrap();
    let model = &find(&files, "models/model_gate_request.py").contents;
    assert!(
        model.contains("    limit: int | None = Field(default=None"),
        "{model}"
    );
    assert!(model.contains("import datetime as dt\n"), "{model}");
    assert!(model.contains("    date: dt.date = Field("), "{model}");
    assert!(!model.contains("validate_default"), "{model}");
}

#[test]
fn field_is_imported_only_when_a_declaration_calls_it() {
    let mut c = contract();
    c.models[0].fields = vec![FieldDef {
        description: None,
        ..field("count", FieldType::Int, true)
    }];
    let r = Renderer::new(TemplateManager::builtin());
    let files = r.render_models(&c).unwrap();
    let model = &find(&files, "models/model_gate_request.py").contents;
    assert!(
        model.contains("from pydantic import BaseModel, ConfigDict\n"),
        "{model}"
    );
    assert!(model.contains("    count: int\n"), "{model}");
}

#[test]
fn field_names_that_shadow_the_class_body_get_an_alias() {
    let mut c = contract();
    c.models[0].fields = vec![
        field("list", FieldType::List(Box::new(FieldType::Str)), true),
        field("list_", FieldType::Str, true),
        field("str", FieldType::Str, true),
        field("json", FieldType::Int, false),
        field("tags", FieldType::List(Box::new(FieldType::Str)), true),
    ];
    let r = Renderer::new(TemplateManager::builtin());
    let files = r.render_models(&c).unwrap();
    let model = &find(&files, "models/model_gate_request.py").contents;
    assert!(
        model.contains("    list__: list[str] = Field(alias=\"list\""),
        "{model}"
    );
    assert!(model.contains("    list_: str = Field("), "{model}");
    assert!(
        model.contains("    str_: str = Field(alias=\"str\""),
        "{model}"
    );
    assert!(
        model.contains("    json_: int | None = Field(default=None, alias=\"json\""),
        "{model}"
    );
    assert!(model.contains("populate_by_name=True"), "{model}");
    let tests = r.render_tests(&c).unwrap();
    let test = &find(&tests, "tests/test_node_gate_compute_models.py").contents;
    assert!(test.contains("\"list\": ["), "{test}");
}

fn grouped() -> Contract {
    let mut c = contract();
    let request = c.input_model.clone();
    c.handlers = ["HandlerOne", "HandlerTwo"]
        .iter()
        .map(|name| HandlerDef {
            kind: crate::contract::HandlerKind::Class,
            class_name: (*name).into(),
            module: "handler_one".into(),
            operations: vec![format!("gate.{name}")],
            input: request.clone(),
            output: c.output_model.clone(),
            default: false,
            implied: false,
        })
        .collect();
    c.handlers.push(HandlerDef {
        kind: crate::contract::HandlerKind::Class,
        class_name: "HandlerThree".into(),
        module: "handler_three".into(),
        operations: Vec::new(),
        input: None,
        output: None,
        default: false,
        implied: false,
    });
    c.models[0].fields = vec![field("when", FieldType::DateTime, true)];
    c
}

#[test]
fn handlers_routed_to_one_module_share_one_scaffold() {
    let c = grouped();
    let r = Renderer::new(TemplateManager::builtin());
    let files = r.render_node(&c).unwrap();
    let handlers: Vec<&GeneratedFile> = files
        .iter()
        .filter(|f| f.path.starts_with("handlers/"))
        .collect();
    assert_eq!(handlers.len(), 3, "{handlers:?}");
    let one = &find(&files, "handlers/handler_one.py");
    assert_eq!(one.ownership, Ownership::Scaffold);
    let text = &one.contents;
    assert_eq!(text.matches("\nclass Handler").count(), 2, "{text}");
    assert_eq!(text.matches("async def handle(").count(), 2, "{text}");
    assert_eq!(
        text.matches("from ..models.model_gate_request import ModelGateRequest\n")
            .count(),
        1,
        "{text}"
    );
    assert!(
        text.contains("    from shared.models import ModelGateVerdict\n"),
        "{text}"
    );
    assert!(
        text.contains("__all__ = [\"HandlerOne\", \"HandlerTwo\"]\n"),
        "{text}"
    );
    let init = &find(&files, "handlers/__init__.py").contents;
    assert!(
        init.contains("from .handler_one import HandlerOne, HandlerTwo\n"),
        "{init}"
    );
    assert_eq!(r.render_scaffold_bytes(&c).unwrap().len(), 2);
}

#[test]
fn long_imports_and_test_names_are_laid_out_like_ruff() {
    let mut c = grouped();
    let long = "ModelAVeryLongRequestModelNameThatGoesOnAndOnForeverAndEver";
    c.models[0].class_name = long.into();
    c.models[0].module = "model_a_very_long_request_model_name_that_goes_on_and_on".into();
    let reference = ModelRef {
        class_name: long.into(),
        location: package(&c.models[0].module),
        expr: None,
    };
    c.handlers[0].input = Some(reference.clone());
    c.handlers[1].input = Some(reference);
    c.handlers[0].class_name =
        "HandlerWithAnExceedinglyLongNameSoTheTestNameOverflowsTheLine".into();
    let r = Renderer::new(TemplateManager::builtin());
    let files = r.render_node(&c).unwrap();
    let text = &find(&files, "handlers/handler_one.py").contents;
    assert!(
        text.contains(&format!(
            "from ..models.model_a_very_long_request_model_name_that_goes_on_and_on import (\n    {long},\n)\n"
        )),
        "{text}"
    );
    let tests = r.render_tests(&c).unwrap();
    let handler_test = &find(&tests, "tests/test_node_gate_compute_handlers.py").contents;
    assert!(
        handler_test.contains("_answers_a_sample_request() -> (\n    None\n):\n"),
        "{handler_test}"
    );
}

#[test]
fn handler_tests_decide_at_run_time_whether_the_handler_is_implemented() {
    let c = grouped();
    let r = Renderer::new(TemplateManager::builtin());
    let files = r.render_tests(&c).unwrap();
    let text = &find(&files, "tests/test_node_gate_compute_handlers.py").contents;
    // No marker fixed at generation time: the same file serves the scaffold
    // and the implementation.
    assert!(!text.contains("xfail"), "{text}");
    assert!(
        text.contains("if \"is a scaffold\" not in str(error):"),
        "{text}"
    );
    assert_eq!(
        text.matches("result = _answer(handler.handle, request)")
            .count(),
        2,
        "{text}"
    );
    assert!(
        text.contains("names = {cls.__name__ for cls in type(result).__mro__}\n    assert \"ModelGateVerdict\" in names"),
        "{text}"
    );
    assert!(
        text.contains("def test_handler_three_takes_one_request() -> None:"),
        "{text}"
    );
    assert!(
        text.contains("inspect.signature(HandlerThree.handle).bind(None, None)"),
        "{text}"
    );
}
