//! Embeds the shipped question banks, rubrics and estimate presets in the binary, so an
//! installed `sdcoach` works from any directory.

use std::fmt::Write as _;
use std::path::Path;
use std::{env, fs};

fn main() {
    let root = env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR");
    embed(
        &root,
        &["questions", "rubrics"],
        "SHIPPED",
        "The shipped data files: (path relative to the repository, contents).",
        "shipped.rs",
    );
    embed(
        &root,
        &["presets"],
        "SHIPPED_PRESETS",
        "The shipped `sdcoach estimate` presets: (path relative to the repository, contents).",
        "shipped_presets.rs",
    );
}

/// Writes `OUT_DIR/out_file` holding a static list of every YAML file in `dirs`.
fn embed(root: &str, dirs: &[&str], static_name: &str, doc: &str, out_file: &str) {
    let mut code = format!("/// {doc}\npub static {static_name}: &[(&str, &str)] = &[\n");
    for dir in dirs {
        let dir_path = Path::new(root).join(dir);
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
    if static_name == "SHIPPED" {
        embed_calibration(Path::new(root), &mut code);
    }
    let out = Path::new(&env::var("OUT_DIR").expect("cargo sets OUT_DIR")).join(out_file);
    fs::write(out, code).expect("writing the embedded list");
}

/// `calibration/<question>/<answer>.md`: the labelled reference answers `calibrate` grades.
fn embed_calibration(root: &Path, code: &mut String) {
    code.push_str(
        "/// The shipped calibration answers: (path relative to the repository, contents).\npub static SHIPPED_CALIBRATION: &[(&str, &str)] = &[\n",
    );
    let dir = root.join("calibration");
    println!("cargo:rerun-if-changed={}", dir.display());
    let mut folders: Vec<_> = fs::read_dir(&dir)
        .map(|entries| {
            entries
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.is_dir())
                .collect()
        })
        .unwrap_or_default();
    folders.sort();
    for folder in folders {
        println!("cargo:rerun-if-changed={}", folder.display());
        let question = folder.file_name().and_then(|n| n.to_str()).expect("UTF-8 folder name");
        let mut files: Vec<_> = fs::read_dir(&folder)
            .expect("reading a calibration folder")
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|e| e == "md"))
            .collect();
        files.sort();
        for file in files {
            let name = file.file_name().and_then(|n| n.to_str()).expect("UTF-8 file name");
            println!("cargo:rerun-if-changed={}", file.display());
            writeln!(
                code,
                "    ({:?}, include_str!({:?})),",
                format!("calibration/{question}/{name}"),
                file.display().to_string()
            )
            .expect("writing to a String");
        }
    }
    code.push_str("];\n");
}
