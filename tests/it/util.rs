//! Small helpers shared by the integration tests.

use std::path::{Path, PathBuf};
use std::process::Command;

use faultline::model::{self, Loaded};

/// The repository root (where `layouts/` and `tests/` live).
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub fn fixture(rel: &str) -> PathBuf {
    root().join("tests/fixtures").join(rel)
}

pub fn layout_path(rel: &str) -> PathBuf {
    root().join("layouts").join(rel)
}

/// Load a layout that must be valid.
pub fn load(path: &Path) -> Loaded {
    match model::load_path(path) {
        Ok(l) => l,
        Err(e) => panic!("{} should load:\n{}", path.display(), e.render(false)),
    }
}

/// Load a layout from text that must be valid.
pub fn load_text(text: &str) -> Loaded {
    match model::load_str("test.ron", text.to_string()) {
        Ok(l) => l,
        Err(e) => panic!("layout should load:\n{}", e.render(false)),
    }
}

pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

/// Run the real binary with `args`, colour off.
pub fn faultline(args: &[&str]) -> Run {
    let out = Command::new(env!("CARGO_BIN_EXE_faultline"))
        .args(args)
        .current_dir(root())
        .env("NO_COLOR", "1")
        .output()
        .expect("the faultline binary runs");
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// Parse stdout as JSON.
pub fn json(run: &Run) -> serde_json::Value {
    serde_json::from_str(&run.stdout).unwrap_or_else(|e| {
        panic!(
            "stdout is not JSON ({e}):\n{}\nstderr:\n{}",
            run.stdout, run.stderr
        )
    })
}

/// Every layout shipped in `layouts/` and `layouts/incidents/`, sorted.
pub fn shipped_layouts() -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = ["layouts", "layouts/incidents"]
        .iter()
        .flat_map(|d| std::fs::read_dir(root().join(d)).unwrap())
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "ron"))
        .collect();
    files.sort();
    files
}

/// Run the real binary with `args`, colour off, its standard output sent
/// to `stdout` (a file such as `/dev/full`); only stderr is captured.
pub fn faultline_to(args: &[&str], stdout: std::process::Stdio) -> Run {
    let out = Command::new(env!("CARGO_BIN_EXE_faultline"))
        .args(args)
        .current_dir(root())
        .env("NO_COLOR", "1")
        .stdout(stdout)
        .stderr(std::process::Stdio::piped())
        .output()
        .expect("the faultline binary runs");
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::new(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}
