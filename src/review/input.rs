//! Where a layout comes from: a path, `-` (standard input) or
//! `git:REV:PATH` (the file as committed, through `git show`). A layout is
//! only ever read.

use std::io::Read;
use std::path::Path;
use std::process::Command;

use crate::model::load::{LoadError, MAX_FILE_BYTES, load_unnamed_bytes};
use crate::model::{Loaded, load_path};

/// One side of a review, as the user wrote it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    Path(String),
    Stdin,
    /// `git:REV:PATH`.
    Git {
        rev: String,
        path: String,
    },
}

impl Source {
    pub fn parse(spec: &str) -> Source {
        if spec == "-" {
            return Source::Stdin;
        }
        if let Some(rest) = spec.strip_prefix("git:") {
            if let Some((rev, path)) = rest.split_once(':') {
                return Source::Git {
                    rev: rev.to_string(),
                    path: path.to_string(),
                };
            }
        }
        Source::Path(spec.to_string())
    }

    /// The name diagnostics and reports use: the spec as given, so a
    /// SARIF location or a message points where the user pointed.
    pub fn name(&self) -> String {
        match self {
            Source::Path(p) => p.clone(),
            Source::Stdin => "<stdin>".to_string(),
            Source::Git { rev, path } => format!("git:{rev}:{path}"),
        }
    }

    /// The file path inside the repository, for a SARIF `artifactLocation`
    /// (code scanning wants the path, not the `git:` spec). None for
    /// standard input.
    pub fn file_path(&self) -> Option<&str> {
        match self {
            Source::Path(p) => Some(p),
            Source::Stdin => None,
            Source::Git { path, .. } => Some(path.strip_prefix("./").unwrap_or(path)),
        }
    }

    /// Read and validate the layout.
    pub fn load(&self) -> Result<Loaded, LoadError> {
        match self {
            Source::Path(p) => load_path(Path::new(p)),
            Source::Stdin => {
                let bytes = read_limited(std::io::stdin().lock(), &self.name())?;
                load_unnamed_bytes(&self.name(), bytes)
            }
            Source::Git { rev, path } => {
                let bytes = git_show(rev, path).map_err(|reason| LoadError::Unreadable {
                    path: self.name(),
                    reason,
                })?;
                load_unnamed_bytes(&self.name(), bytes)
            }
        }
    }
}

/// At most [`MAX_FILE_BYTES`], as for files; a longer stream is refused.
fn read_limited(reader: impl Read, name: &str) -> Result<Vec<u8>, LoadError> {
    let mut bytes = Vec::new();
    reader
        .take(MAX_FILE_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| LoadError::Unreadable {
            path: name.to_string(),
            reason: e.to_string(),
        })?;
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(LoadError::Unreadable {
            path: name.to_string(),
            reason: format!("it is over {MAX_FILE_BYTES} bytes; layouts are limited to that"),
        });
    }
    Ok(bytes)
}

/// `git show REV:PATH`: the bytes, or git's own explanation.
fn git_show(rev: &str, path: &str) -> Result<Vec<u8>, String> {
    if rev.is_empty() || path.is_empty() {
        return Err("write it as git:REV:PATH, such as git:main:hall.ron".to_string());
    }
    let out = Command::new("git")
        .arg("show")
        .arg(format!("{rev}:{path}"))
        .output()
        .map_err(|e| format!("cannot run git: {e}"))?;
    if !out.status.success() {
        let why = String::from_utf8_lossy(&out.stderr);
        let why = why.trim().trim_start_matches("fatal: ");
        return Err(format!("git show {rev}:{path} failed: {why}"));
    }
    if out.stdout.len() as u64 > MAX_FILE_BYTES {
        return Err(format!(
            "it is {} bytes; layouts are limited to {MAX_FILE_BYTES} bytes",
            out.stdout.len()
        ));
    }
    Ok(out.stdout)
}
