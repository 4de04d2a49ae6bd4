//! Where data files come from: the shipped copies embedded in the binary, and the user's
//! own directories and files.

use std::path::{Path, PathBuf};

use crate::diagnostic::Diagnostic;

include!(concat!(env!("OUT_DIR"), "/shipped.rs"));
include!(concat!(env!("OUT_DIR"), "/shipped_calibration.rs"));

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    Shipped,
    User,
}

/// What a file holds, decided by where it lives or, for a loose file, by its top-level keys.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub enum FileKind {
    Bank,
    Rubric,
    Formats,
}

#[derive(Debug, Clone)]
pub struct SourceFile {
    pub origin: Origin,
    /// The path shown in messages.
    pub path: String,
    pub text: String,
    pub kind: FileKind,
}

/// The shipped data files.
pub fn shipped() -> Vec<SourceFile> {
    SHIPPED
        .iter()
        .map(|(path, text)| SourceFile {
            origin: Origin::Shipped,
            path: (*path).to_owned(),
            text: (*text).to_owned(),
            kind: kind_in_dir(path, path.starts_with("questions/")),
        })
        .collect()
}

fn kind_in_dir(path: &str, is_bank_dir: bool) -> FileKind {
    if is_bank_dir {
        FileKind::Bank
    } else if Path::new(path).file_stem().is_some_and(|s| s == "formats") {
        FileKind::Formats
    } else {
        FileKind::Rubric
    }
}

fn yaml_files(dir: &Path) -> std::io::Result<Vec<PathBuf>> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_file() && p.extension().is_some_and(|e| e == "yaml" || e == "yml"))
        .collect();
    files.sort();
    Ok(files)
}

/// Reads a user file; a loose file (`kind` `None`) is classified by its top-level keys.
fn read(path: &Path, kind: Option<FileKind>, out: &mut Vec<SourceFile>, problems: &mut Vec<Diagnostic>) {
    let shown = path.display().to_string();
    match std::fs::read_to_string(path) {
        Ok(text) => out.push(SourceFile {
            origin: Origin::User,
            path: shown,
            kind: kind.unwrap_or_else(|| sniff(&text)),
            text,
        }),
        Err(e) => problems.push(Diagnostic::error(
            &shown,
            None,
            "",
            format!("cannot read the file: {e}"),
        )),
    }
}

/// The YAML files of a user's question-bank directory (`--bank DIR`).
pub fn bank_dir(dir: &Path, out: &mut Vec<SourceFile>, problems: &mut Vec<Diagnostic>) {
    user_dir(dir, true, out, problems);
}

/// The YAML files of a user's rubric directory (`--rubrics DIR`); `formats.yaml` holds formats.
pub fn rubric_dir(dir: &Path, out: &mut Vec<SourceFile>, problems: &mut Vec<Diagnostic>) {
    user_dir(dir, false, out, problems);
}

fn user_dir(dir: &Path, is_bank_dir: bool, out: &mut Vec<SourceFile>, problems: &mut Vec<Diagnostic>) {
    match yaml_files(dir) {
        Ok(files) => {
            for file in files {
                let kind = kind_in_dir(&file.to_string_lossy(), is_bank_dir);
                read(&file, Some(kind), out, problems);
            }
        }
        Err(e) => problems.push(Diagnostic::error(
            &dir.display().to_string(),
            None,
            "",
            format!("cannot read the directory: {e}; check the path given to --bank/--rubrics or in the config file"),
        )),
    }
}

/// A path given to `validate`: a data root (with `questions/` and/or `rubrics/`), a
/// directory of YAML files, or one file. Loose files are classified by their top-level keys.
pub fn any_path(path: &Path, out: &mut Vec<SourceFile>, problems: &mut Vec<Diagnostic>) {
    if path.is_dir() {
        let (questions, rubrics) = (path.join("questions"), path.join("rubrics"));
        if questions.is_dir() || rubrics.is_dir() {
            if questions.is_dir() {
                bank_dir(&questions, out, problems);
            }
            if rubrics.is_dir() {
                rubric_dir(&rubrics, out, problems);
            }
            return;
        }
        match yaml_files(path) {
            Ok(files) => files.iter().for_each(|f| any_path(f, out, problems)),
            Err(e) => problems.push(Diagnostic::error(
                &path.display().to_string(),
                None,
                "",
                format!("cannot read the directory: {e}"),
            )),
        }
        return;
    }
    read(path, None, out, problems);
}

/// Guesses a loose file's kind from its top-level keys, without parsing it.
fn sniff(text: &str) -> FileKind {
    let top_keys = text
        .lines()
        .filter(|l| !l.starts_with([' ', '#', '-']) && l.contains(':'))
        .map(|l| l.split(':').next().unwrap_or("").trim());
    let mut kind = FileKind::Rubric;
    for key in top_keys {
        match key {
            "questions" => return FileKind::Bank,
            "formats" | "axes" | "shapes" => kind = FileKind::Formats,
            _ => {}
        }
    }
    kind
}
