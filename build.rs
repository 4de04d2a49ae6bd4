//! Embeds the shipped question banks and rubrics in the binary, so an installed
//! `sdcoach` works from any directory.

use std::fmt::Write as _;
use std::path::Path;
use std::{env, fs};

fn main() {
    let root = env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR");
    let mut code = String::from(
        "/// The shipped data files: (path relative to the repository, contents).\npub static SHIPPED: &[(&str, &str)] = &[\n",
    );
    for dir in ["questions", "rubrics"] {
        let dir_path = Path::new(&root).join(dir);
        println!("cargo:rerun-if-changed={}", dir_path.display());
        let Ok(entries) = fs::read_dir(&dir_path) else {
            println!(
                "cargo:warning=no {} directory: nothing of it is embedded",
                dir_path.display()
            );
            continue;
        };
        let mut files: Vec<_> = entries
            .filter_map(|entry| entry.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|e| e == "yaml" || e == "yml"))
            .collect();
        files.sort();
        for file in files {
            let name = file.file_name().and_then(|n| n.to_str()).expect("UTF-8 file name");
            println!("cargo:rerun-if-changed={}", file.display());
            writeln!(
                code,
                "    ({:?}, include_str!({:?})),",
                format!("{dir}/{name}"),
                file.display().to_string()
            )
            .expect("writing to a String");
        }
    }
    code.push_str("];\n");
    let out = Path::new(&env::var("OUT_DIR").expect("cargo sets OUT_DIR")).join("shipped.rs");
    fs::write(out, code).expect("writing shipped.rs");
}
