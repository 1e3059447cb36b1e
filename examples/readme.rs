//! `cargo run --example readme -- README.md`: writes the rule table of the catalogue into
//! README.md between its markers (`make readme`; a test checks it is current).

fn main() -> anyhow::Result<()> {
    let path = std::env::args_os().nth(1).map_or_else(
        || std::path::PathBuf::from("README.md"),
        std::path::PathBuf::from,
    );
    let readme = std::fs::read_to_string(&path)?;
    let Some(updated) = codegen::lint::with_readme_table(&readme) else {
        anyhow::bail!(
            "{}: no rule table markers (`<!-- rules: begin ... -->` and `<!-- rules: end -->`)",
            path.display()
        );
    };
    if updated != readme {
        std::fs::write(&path, updated)?;
        println!("wrote {}", path.display());
    }
    Ok(())
}
