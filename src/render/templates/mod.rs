//! The template manager: the built-in Tera templates embedded from `templates/`,
//! an optional override directory whose files replace built-ins by name, and an
//! LRU cache (moka) of compiled templates with hit/miss/size statistics.
//! Nothing is compiled before it is first rendered; the built-in set is then
//! compiled once as a whole, so the header every template includes is parsed
//! once and not once per template.

mod filters;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, OnceLock};

use include_dir::{Dir, include_dir};
use moka::policy::EvictionPolicy;
use moka::sync::Cache;
use sha2::{Digest, Sha256};
use tera::{ErrorKind, Tera};

use crate::diagnostics::{Diagnostic, Position};

static BUILTIN: Dir<'_> = include_dir!("$CARGO_MANIFEST_DIR/templates");

/// How many compiled templates the cache keeps, as the reference system does.
pub const CACHE_CAPACITY: u64 = 100;

/// A template that failed to load, compile or render.
#[derive(Debug, thiserror::Error)]
pub enum TemplateError {
    #[error("template `{name}` does not exist")]
    NotFound { name: String },
    #[error("cannot read template directory {}: {source}", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("template {} is not UTF-8", path.display())]
    NotUtf8 { path: PathBuf },
    #[error("{template}:{line}:{column}: {message}{}", variable_note(.variable.as_deref()))]
    Template {
        /// The template file at fault (an include when the error is inside one).
        template: String,
        /// 1-based line in that template, 0 when Tera gave no position.
        line: usize,
        /// 1-based column.
        column: usize,
        /// The variable or field Tera could not resolve, when that is the cause.
        variable: Option<String>,
        message: String,
    },
}

fn variable_note(variable: Option<&str>) -> String {
    variable.map_or_else(String::new, |v| format!(" (variable `{v}`)"))
}

impl TemplateError {
    fn from_tera(name: &str, err: &tera::Error) -> Self {
        match err.kind() {
            ErrorKind::SyntaxError(report) | ErrorKind::RenderingError(report) => {
                let template = if report.filename().is_empty() {
                    name.to_owned()
                } else {
                    report.filename().to_owned()
                };
                let message = report.message().to_owned();
                let span = report.span();
                TemplateError::Template {
                    template,
                    line: span.start_line,
                    column: span.start_col + 1,
                    variable: culprit(&message),
                    message,
                }
            }
            ErrorKind::TemplateNotFound(missing) => TemplateError::NotFound {
                name: missing.clone(),
            },
            _ => TemplateError::Template {
                template: name.to_owned(),
                line: 0,
                column: 0,
                variable: None,
                message: err.to_string(),
            },
        }
    }
}

/// The name Tera quotes in backticks in "Variable `x` is not defined" style messages.
fn culprit(message: &str) -> Option<String> {
    let lower = message.to_ascii_lowercase();
    if !(lower.starts_with("variable") || lower.starts_with("field")) {
        return None;
    }
    let start = message.find('`')? + 1;
    let len = message[start..].find('`')?;
    Some(message[start..start + len].to_owned())
}

/// Cache statistics since the manager was created.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct CacheStats {
    pub hits: u64,
    pub misses: u64,
    /// Compiled templates currently held.
    pub size: u64,
    pub capacity: u64,
}

/// Where the effective templates come from and the compiled ones live.
pub struct TemplateManager {
    /// Effective sources by name: built-ins, then overrides on top.
    sources: BTreeMap<String, Arc<str>>,
    /// Names that came from the override directory.
    overridden: Vec<String>,
    /// Files of the override directory that are not templates (`README.md`, ...).
    ignored: Vec<PathBuf>,
    cache: Cache<String, Arc<Tera>>,
    hits: AtomicU64,
    misses: AtomicU64,
    /// Only the built-ins (no override directory): every template can come
    /// from one compilation of the whole set.
    builtin_only: bool,
    /// That compilation, made on the first miss; `None` if it failed.
    whole: OnceLock<Option<Arc<Tera>>>,
    /// With an override directory: it, and the built-ins alone, which render
    /// in place of an override that fails ([`TemplateManager::render_builtin`]).
    overrides: Option<(PathBuf, Box<TemplateManager>)>,
}

impl std::fmt::Debug for TemplateManager {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TemplateManager")
            .field("templates", &self.sources.keys().collect::<Vec<_>>())
            .field("overridden", &self.overridden)
            .field("stats", &self.stats())
            .finish_non_exhaustive()
    }
}

impl TemplateManager {
    /// The built-in templates only.
    pub fn builtin() -> Self {
        let mut sources = BTreeMap::new();
        collect_builtin(&BUILTIN, &mut sources);
        let mut manager = Self::from_sources(sources, Vec::new());
        manager.builtin_only = true;
        manager
    }

    /// The built-ins, with every `*.tera` file under `dir` replacing (or adding)
    /// the template of the same relative name. Other files are left out and
    /// listed by [`TemplateManager::ignored`].
    pub fn with_overrides(dir: &Path) -> Result<Self, TemplateError> {
        let mut sources = BTreeMap::new();
        collect_builtin(&BUILTIN, &mut sources);
        let mut found = Found::default();
        collect_dir(dir, dir, &mut sources, &mut found)?;
        found.overridden.sort();
        found.ignored.sort();
        let mut manager = Self::from_sources(sources, found.overridden);
        manager.ignored = found.ignored;
        manager.overrides = Some((dir.to_owned(), Box::new(Self::builtin())));
        // Compile every override now so a broken one is reported before any render.
        for name in &manager.overridden {
            manager.compiled(name)?;
        }
        Ok(manager)
    }

    fn from_sources(sources: BTreeMap<String, Arc<str>>, overridden: Vec<String>) -> Self {
        let cache = Cache::builder()
            .max_capacity(CACHE_CAPACITY)
            .eviction_policy(EvictionPolicy::lru())
            .build();
        TemplateManager {
            sources,
            overridden,
            ignored: Vec::new(),
            cache,
            hits: AtomicU64::new(0),
            misses: AtomicU64::new(0),
            builtin_only: false,
            whole: OnceLock::new(),
            overrides: None,
        }
    }

    /// The effective template names, sorted.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.sources.keys().map(String::as_str)
    }

    /// The effective source of one template.
    pub fn source(&self, name: &str) -> Option<&str> {
        self.sources.get(name).map(AsRef::as_ref)
    }

    /// Names replaced or added by the override directory.
    pub fn overridden(&self) -> &[String] {
        &self.overridden
    }

    /// Files of the override directory that were not used: not `*.tera`.
    pub fn ignored(&self) -> &[PathBuf] {
        &self.ignored
    }

    /// Whether `name` is one of the templates compiled into the binary.
    pub fn is_builtin(name: &str) -> bool {
        BUILTIN.get_file(name).is_some()
    }

    /// The built-in templates, by name, as compiled into the binary.
    pub fn builtin_sources() -> BTreeMap<String, Arc<str>> {
        let mut sources = BTreeMap::new();
        collect_builtin(&BUILTIN, &mut sources);
        sources
    }

    pub fn stats(&self) -> CacheStats {
        self.cache.run_pending_tasks();
        CacheStats {
            hits: self.hits.load(Ordering::Relaxed),
            misses: self.misses.load(Ordering::Relaxed),
            size: self.cache.entry_count(),
            capacity: CACHE_CAPACITY,
        }
    }

    /// SHA-256 (hex) over the names and sources of the effective template set.
    pub fn template_set_hash(&self) -> String {
        let mut hasher = Sha256::new();
        for (name, source) in &self.sources {
            hasher.update((name.len() as u64).to_le_bytes());
            hasher.update(name.as_bytes());
            hasher.update((source.len() as u64).to_le_bytes());
            hasher.update(source.as_bytes());
        }
        crate::digest::hex(&hasher.finalize())
    }

    /// Compiles the whole built-in set now, so that the first render finds
    /// it ready: worth doing on a spare thread while contracts are read. The
    /// cache statistics do not change; with overrides it does nothing (they
    /// were compiled when loaded, the rest compile on first use).
    pub fn compile_builtins(&self) {
        if let Some(name) = self.sources.keys().next() {
            self.whole_set(name);
        }
    }

    /// Renders template `name` with `ctx`.
    pub fn render(&self, name: &str, ctx: &tera::Context) -> Result<String, TemplateError> {
        let tera = self.compiled(name)?;
        tera.render(name, ctx)
            .map_err(|e| TemplateError::from_tera(name, &e))
    }

    /// After [`TemplateManager::render`] of `name` failed with overrides in
    /// play: the built-in template of that name rendered with the built-ins
    /// alone. `None` when there is nothing to fall back on (no override
    /// directory, or a template the built-ins do not have) or the built-in
    /// fails too.
    pub fn render_builtin(&self, name: &str, ctx: &tera::Context) -> Option<String> {
        let (_, builtin) = self.overrides.as_ref()?;
        if self.overridden.is_empty() || !Self::is_builtin(name) {
            return None;
        }
        builtin.render(name, ctx).ok()
    }

    /// The override directory, when there is one.
    pub fn override_dir(&self) -> Option<&Path> {
        self.overrides.as_ref().map(|(dir, _)| dir.as_path())
    }

    /// The compiled template `name` (with everything it includes), from the cache
    /// or compiled now.
    fn compiled(&self, name: &str) -> Result<Arc<Tera>, TemplateError> {
        let mut compiled_here = false;
        // `try_get_with` lets one caller compile while concurrent callers for the
        // same name wait for its result, so each template compiles once.
        let result = self.cache.try_get_with(name.to_owned(), || {
            compiled_here = true;
            match self.whole_set(name) {
                Some(whole) => Ok(whole),
                None => self.compile(name).map(Arc::new),
            }
        });
        let counter = if compiled_here {
            &self.misses
        } else {
            &self.hits
        };
        counter.fetch_add(1, Ordering::Relaxed);
        // Failures are not cached; compiling again yields the error by value.
        result.or_else(|_| self.compile(name).map(Arc::new))
    }

    /// The whole built-in set compiled as one, when `name` is in it (and it
    /// compiled; otherwise each template is compiled on its own, which also
    /// names the one at fault).
    fn whole_set(&self, name: &str) -> Option<Arc<Tera>> {
        if !self.builtin_only || !self.sources.contains_key(name) {
            return None;
        }
        self.whole
            .get_or_init(|| {
                let batch = self.sources.iter().map(|(k, v)| (k.as_str(), v.as_ref()));
                new_tera(batch).ok().map(Arc::new)
            })
            .clone()
    }

    fn compile(&self, name: &str) -> Result<Tera, TemplateError> {
        let mut wanted = vec![name.to_owned()];
        let mut batch: BTreeMap<&str, &str> = BTreeMap::new();
        while let Some(next) = wanted.pop() {
            if batch.contains_key(next.as_str()) {
                continue;
            }
            let (key, source) = self
                .sources
                .get_key_value(&next)
                .ok_or_else(|| TemplateError::NotFound { name: next.clone() })?;
            wanted.extend(included_names(source));
            batch.insert(key.as_str(), source.as_ref());
        }
        new_tera(batch).map_err(|e| TemplateError::from_tera(name, &e))
    }
}

impl TemplateError {
    /// As a diagnostic (an error) on the file of the override directory `dir`
    /// at fault, at its line and column when Tera gave them.
    pub fn diagnostic(&self, dir: &Path) -> Diagnostic {
        match self {
            TemplateError::Template {
                template,
                line,
                column,
                variable,
                message,
            } => {
                let file = dir.join(template);
                let message = match variable {
                    Some(v) => format!("template error: {message} (variable `{v}`)"),
                    None => format!("template error: {message}"),
                };
                let found = Diagnostic::error(&file, message);
                if *line == 0 {
                    return found;
                }
                match std::fs::read_to_string(&file) {
                    Ok(source) => found.at_in(Position::new(*line, *column), &source),
                    Err(_) => found.at(Position::new(*line, *column)),
                }
            }
            TemplateError::Io { path, .. } | TemplateError::NotUtf8 { path } => {
                Diagnostic::error(path, self.to_string())
            }
            TemplateError::NotFound { .. } => Diagnostic::error(dir, self.to_string())
                .with_help("an `{% include %}` names a template that does not exist"),
        }
    }
}

/// A Tera holding `templates`, compiled, with our filters and no escaping.
fn new_tera<'a>(templates: impl IntoIterator<Item = (&'a str, &'a str)>) -> tera::TeraResult<Tera> {
    let mut tera = Tera::new();
    // Generated Python and YAML must come out byte for byte as rendered.
    tera.autoescape_on(Vec::<&str>::new());
    filters::register(&mut tera);
    tera.add_raw_templates(templates)?;
    Ok(tera)
}

/// The template names a source pulls in with `{% include "..." %}`.
fn included_names(source: &str) -> Vec<String> {
    let mut names = Vec::new();
    let mut rest = source;
    while let Some(at) = rest.find("{%") {
        rest = &rest[at + 2..];
        let tag = rest.trim_start_matches('-').trim_start();
        let Some(after) = tag.strip_prefix("include") else {
            continue;
        };
        let after = after.trim_start();
        let Some(quote) = after.chars().next().filter(|c| *c == '"' || *c == '\'') else {
            continue;
        };
        let body = &after[1..];
        if let Some(end) = body.find(quote) {
            names.push(body[..end].to_owned());
        }
    }
    names
}

fn collect_builtin(dir: &Dir<'_>, out: &mut BTreeMap<String, Arc<str>>) {
    for file in dir.files() {
        if let Some(text) = file.contents_utf8() {
            out.insert(slash_name(file.path()), Arc::from(text));
        }
    }
    for sub in dir.dirs() {
        collect_builtin(sub, out);
    }
}

/// What an override directory held besides the templates themselves.
#[derive(Default)]
struct Found {
    overridden: Vec<String>,
    ignored: Vec<PathBuf>,
}

fn collect_dir(
    root: &Path,
    dir: &Path,
    out: &mut BTreeMap<String, Arc<str>>,
    found: &mut Found,
) -> Result<(), TemplateError> {
    let io = |source| TemplateError::Io {
        path: dir.to_path_buf(),
        source,
    };
    let mut entries = std::fs::read_dir(dir)
        .map_err(io)?
        .collect::<Result<Vec<_>, _>>()
        .map_err(io)?;
    entries.sort_by_key(std::fs::DirEntry::path);
    for entry in entries {
        let path = entry.path();
        if path.is_dir() {
            collect_dir(root, &path, out, found)?;
            continue;
        }
        if path.extension().is_none_or(|e| e != "tera") {
            found.ignored.push(path);
            continue;
        }
        let bytes = crate::discover::read_regular(&path).map_err(|source| TemplateError::Io {
            path: path.clone(),
            source,
        })?;
        let text =
            String::from_utf8(bytes).map_err(|_| TemplateError::NotUtf8 { path: path.clone() })?;
        let name = slash_name(path.strip_prefix(root).unwrap_or(&path));
        found.overridden.push(name.clone());
        out.insert(name, Arc::from(text));
    }
    Ok(())
}

fn slash_name(path: &Path) -> String {
    path.components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn manager_with(name: &str, source: &str) -> TemplateManager {
        let mut sources = BTreeMap::new();
        sources.insert(name.to_owned(), Arc::from(source));
        sources.insert("_part.txt".to_owned(), Arc::from("[{{ who | snake }}]"));
        TemplateManager::from_sources(sources, Vec::new())
    }

    #[test]
    fn renders_includes_and_filters_without_escaping() {
        let m = manager_with("a.py", "<{{ x }}> {% include \"_part.txt\" %}");
        let mut ctx = tera::Context::new();
        ctx.insert("x", "a&b");
        ctx.insert("who", "HelloWorld");
        assert_eq!(m.render("a.py", &ctx).unwrap(), "<a&b> [hello_world]");
    }

    #[test]
    fn second_render_hits_the_cache() {
        let m = manager_with("a.py", "{% include \"_part.txt\" %}");
        let mut ctx = tera::Context::new();
        ctx.insert("who", "x");
        let first = m.render("a.py", &ctx);
        let second = m.render("a.py", &ctx);
        assert_eq!(first.unwrap(), second.unwrap());
        let stats = m.stats();
        assert_eq!((stats.misses, stats.hits, stats.size), (1, 1, 1));
    }

    #[test]
    fn concurrent_first_renders_compile_once() {
        let m = manager_with("a.py", "{% include \"_part.txt\" %}");
        let mut ctx = tera::Context::new();
        ctx.insert("who", "x");
        std::thread::scope(|scope| {
            for _ in 0..8 {
                scope.spawn(|| m.render("a.py", &ctx).unwrap());
            }
        });
        let stats = m.stats();
        assert_eq!((stats.misses, stats.hits), (1, 7));
    }

    #[test]
    fn undefined_variable_names_file_line_and_variable() {
        let m = manager_with("bad.py.tera", "line one\nvalue = {{ missing_thing }}\n");
        let err = m.render("bad.py.tera", &tera::Context::new()).unwrap_err();
        match &err {
            TemplateError::Template {
                template,
                line,
                variable,
                ..
            } => {
                assert_eq!(template, "bad.py.tera");
                assert_eq!(*line, 2);
                assert_eq!(variable.as_deref(), Some("missing_thing"));
            }
            other => panic!("unexpected error {other:?}"),
        }
        assert!(err.to_string().starts_with("bad.py.tera:2:"), "{err}");
    }

    #[test]
    fn syntax_error_is_reported_with_position() {
        let m = manager_with("broken.tera", "ok\n{% if %}\n");
        let err = m.render("broken.tera", &tera::Context::new()).unwrap_err();
        assert!(
            matches!(err, TemplateError::Template { line: 2, .. }),
            "{err:?}"
        );
    }

    #[test]
    fn overrides_replace_builtins_and_change_the_hash() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("tests_init.py.tera"), "custom\n").unwrap();
        let builtin = TemplateManager::builtin();
        let custom = TemplateManager::with_overrides(dir.path()).unwrap();
        assert_eq!(custom.overridden(), ["tests_init.py.tera".to_owned()]);
        assert_ne!(builtin.template_set_hash(), custom.template_set_hash());
        assert_eq!(
            builtin.template_set_hash(),
            TemplateManager::builtin().template_set_hash()
        );
        let out = custom
            .render("tests_init.py.tera", &tera::Context::new())
            .unwrap();
        assert_eq!(out, "custom\n");
    }

    #[test]
    fn only_tera_files_override() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("README.md"), "{% for %}").unwrap();
        std::fs::write(dir.path().join("tests_init.py.tera"), "x\n").unwrap();
        let custom = TemplateManager::with_overrides(dir.path()).unwrap();
        assert_eq!(custom.overridden(), ["tests_init.py.tera".to_owned()]);
        assert_eq!(custom.ignored(), [dir.path().join("README.md")]);
        assert!(custom.source("README.md").is_none());
    }

    #[test]
    fn broken_override_fails_at_load() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("node.py.tera"), "{% for %}").unwrap();
        let err = TemplateManager::with_overrides(dir.path()).unwrap_err();
        assert!(
            matches!(&err, TemplateError::Template { template, .. } if template == "node.py.tera"),
            "{err:?}"
        );
    }

    #[test]
    fn includes_are_found_only_in_tags() {
        let names =
            included_names("include \"no\" {%- include 'a' -%} {% if x %}{% include \"b\" %}");
        assert_eq!(names, ["a", "b"]);
    }

    #[test]
    fn builtins_compile_once_as_a_set_and_count_per_name() {
        let m = TemplateManager::builtin();
        let mut ctx = tera::Context::new();
        let header = serde_json::json!({"scaffold": false, "source": "c.yaml", "name": "node_x"});
        ctx.insert("header", &header);
        ctx.insert("name", "node_x");
        let first = m.render("tests_init.py.tera", &ctx).unwrap();
        let again = m.render("tests_init.py.tera", &ctx).unwrap();
        assert_eq!(first, again);
        assert!(m.whole.get().is_some_and(Option::is_some));
        m.compile_builtins();
        let custom = TemplateManager::with_overrides(tempfile::tempdir().unwrap().path()).unwrap();
        custom.compile_builtins();
        assert!(
            custom.whole.get().is_none(),
            "overrides compile on their own"
        );
        let alone = m.compile("tests_init.py.tera").unwrap();
        assert_eq!(alone.render("tests_init.py.tera", &ctx).unwrap(), first);
        let stats = m.stats();
        assert_eq!((stats.misses, stats.hits, stats.size), (1, 1, 1));
        assert!(matches!(
            m.render("nope.tera", &ctx),
            Err(TemplateError::NotFound { .. })
        ));
        assert_eq!(m.stats().size, 1, "a missing template is not cached");
    }

    #[test]
    fn missing_template_is_named() {
        let m = TemplateManager::builtin();
        let err = m.render("nope.tera", &tera::Context::new()).unwrap_err();
        assert!(matches!(err, TemplateError::NotFound { name } if name == "nope.tera"));
    }
}
