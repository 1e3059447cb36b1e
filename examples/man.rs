//! `cargo run --example man -- DIR`: writes codegen's man pages into DIR
//! (`make man`).

fn main() -> anyhow::Result<()> {
    let dir = std::env::args_os()
        .nth(1)
        .map_or_else(|| std::path::PathBuf::from("man"), std::path::PathBuf::from);
    for path in codegen::commands::man::write_pages(&dir)? {
        println!("wrote {}", path.display());
    }
    Ok(())
}
