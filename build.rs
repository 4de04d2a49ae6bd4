//! Embeds the shipped question banks, rubrics and estimate presets in the binary, so an
//! installed `sdcoach` works from any directory.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
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
    embed_calibration(&root);
}

/// Writes `OUT_DIR/out_file` holding a static list of every YAML file in `dirs`.
fn embed(root: &str, dirs: &[&str], static_name: &str, doc: &str, out_file: &str) {
    let mut code = list_start(static_name, doc);
    for dir in dirs {
        let dir_path = Path::new(root).join(dir);
        if !dir_path.is_dir() {
            println!(
                "cargo:warning=no {} directory: nothing of it is embedded",
                dir_path.display()
            );
        }
        for file in files_in(&dir_path, &["yaml", "yml"]) {
            push_entry(&mut code, dir, &file);
        }
    }
    write_list(code, out_file);
}

/// `calibration/<question>/<answer>.md`: the labelled reference answers `calibrate` grades.
fn embed_calibration(root: &str) {
    let mut code = list_start(
        "SHIPPED_CALIBRATION",
        "The shipped calibration answers: (path relative to the repository, contents).",
    );
    let dir = Path::new(root).join("calibration");
    println!("cargo:rerun-if-changed={}", dir.display());
    let mut folders: Vec<PathBuf> = fs::read_dir(&dir)
        .map(|entries| {
            entries
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.is_dir())
                .collect()
        })
        .unwrap_or_default();
    folders.sort();
    for folder in folders {
        let question = folder.file_name().and_then(|n| n.to_str()).expect("UTF-8 folder name");
        for file in files_in(&folder, &["md"]) {
            push_entry(&mut code, &format!("calibration/{question}"), &file);
        }
    }
    write_list(code, "shipped_calibration.rs");
}

fn list_start(static_name: &str, doc: &str) -> String {
    format!("/// {doc}\npub static {static_name}: &[(&str, &str)] = &[\n")
}

/// The files in `dir` with one of `extensions`, sorted; cargo reruns when any changes.
fn files_in(dir: &Path, extensions: &[&str]) -> Vec<PathBuf> {
    println!("cargo:rerun-if-changed={}", dir.display());
    let mut files: Vec<PathBuf> = fs::read_dir(dir)
        .map(|entries| {
            entries
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| {
                    p.extension()
                        .and_then(|e| e.to_str())
                        .is_some_and(|e| extensions.contains(&e))
                })
                .collect()
        })
        .unwrap_or_default();
    files.sort();
    files
}

/// One `(path relative to the repository, include_str!(file))` entry.
fn push_entry(code: &mut String, relative_dir: &str, file: &Path) {
    let name = file.file_name().and_then(|n| n.to_str()).expect("UTF-8 file name");
    println!("cargo:rerun-if-changed={}", file.display());
    writeln!(
        code,
        "    ({:?}, include_str!({:?})),",
        format!("{relative_dir}/{name}"),
        file.display().to_string()
    )
    .expect("writing to a String");
}

fn write_list(mut code: String, out_file: &str) {
    code.push_str("];\n");
    let out = Path::new(&env::var("OUT_DIR").expect("cargo sets OUT_DIR")).join(out_file);
    fs::write(out, code).expect("writing the embedded list");
}
