//! `^E`: the focused field in the user's own editor. The editor is chosen in git's order
//! (`$VISUAL` unless the terminal is dumb, then `$EDITOR`, then `vi`) and run through the
//! shell, so `EDITOR="code --wait"` works; the text goes through a private temporary file
//! that is removed afterwards.

use std::io::Write;
use std::path::PathBuf;
use std::process::Command;

/// The editor command, from the environment as `var` reads it.
pub fn editor_command(var: impl Fn(&str) -> Option<String>) -> String {
    let set = |name: &str| var(name).filter(|v| !v.trim().is_empty());
    let dumb = var("TERM").is_some_and(|t| t == "dumb");
    let visual = if dumb { None } else { set("VISUAL") };
    visual.or_else(|| set("EDITOR")).unwrap_or_else(|| "vi".to_owned())
}

fn temp_path() -> PathBuf {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    std::env::temp_dir().join(format!("sdcoach-edit-{}-{nanos}.md", std::process::id()))
}

/// Runs `command` on a temporary file holding `text` and returns the file's text when the
/// editor exits successfully. The caller has given the terminal back first.
pub fn edit(text: &str, command: &str) -> std::io::Result<String> {
    let path = temp_path();
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        // The answer is the candidate's own: readable by them alone.
        options.mode(0o600);
    }
    let result = (|| {
        let mut file = options.open(&path)?;
        file.write_all(text.as_bytes())?;
        if !text.is_empty() && !text.ends_with('\n') {
            file.write_all(b"\n")?;
        }
        drop(file);
        let status = Command::new("sh")
            .arg("-c")
            .arg(format!("{command} \"$@\""))
            .arg("sh")
            .arg(&path)
            .status()?;
        if !status.success() {
            return Err(std::io::Error::other(format!(
                "`{command}` exited with {status}; the field is unchanged"
            )));
        }
        std::fs::read_to_string(&path)
    })();
    let _ = std::fs::remove_file(&path);
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env<'a>(pairs: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> Option<String> + 'a {
        move |k| pairs.iter().find(|(name, _)| *name == k).map(|(_, v)| (*v).to_owned())
    }

    #[test]
    fn the_editor_is_chosen_in_gits_order() {
        assert_eq!(editor_command(env(&[("VISUAL", "nvim"), ("EDITOR", "nano")])), "nvim");
        assert_eq!(editor_command(env(&[("EDITOR", "nano")])), "nano");
        assert_eq!(editor_command(env(&[("VISUAL", " "), ("EDITOR", "nano")])), "nano");
        assert_eq!(
            editor_command(env(&[("VISUAL", "nvim"), ("EDITOR", "nano"), ("TERM", "dumb")])),
            "nano"
        );
        assert_eq!(editor_command(env(&[])), "vi");
    }

    #[cfg(unix)]
    #[test]
    fn the_edited_text_comes_back_and_the_file_goes() {
        let back = edit("first line", "sed -i 's/first/edited/'").unwrap();
        assert_eq!(back, "edited line\n");
        let failed = edit("keep", "false").unwrap_err();
        assert!(failed.to_string().contains("unchanged"), "{failed}");
        let leftovers = std::fs::read_dir(std::env::temp_dir())
            .unwrap()
            .flatten()
            .filter(|e| {
                e.file_name()
                    .to_string_lossy()
                    .starts_with(&format!("sdcoach-edit-{}-", std::process::id()))
            })
            .count();
        assert_eq!(leftovers, 0);
    }
}
