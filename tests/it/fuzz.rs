//! Replays what the fuzzers kept (issue: hardening): every input under
//! `tests/fixtures/fuzz/` goes through the same harness as the fuzz
//! targets, so a crash they found stays fixed. The corpora are minimised
//! sets from the runs recorded in `fuzz/README.md`, and every crash is in
//! them by its artifact name.

use std::path::PathBuf;

use arbitrary::{Arbitrary, Unstructured};

use crate::fuzz_harness::{FuzzLayout, run_bytes, run_structured};
use crate::util::fixture;

fn corpus(target: &str) -> Vec<PathBuf> {
    let dir = fixture(&format!("fuzz/{target}"));
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    assert!(!files.is_empty(), "{} holds the kept corpus", dir.display());
    files
}

#[test]
fn the_bytes_corpus_replays_without_a_panic() {
    for path in corpus("load_bytes") {
        let data = std::fs::read(&path).unwrap();
        let run = std::panic::catch_unwind(|| run_bytes(&data));
        assert!(run.is_ok(), "{} panics", path.display());
    }
}

#[test]
fn the_structured_corpus_replays_without_a_panic() {
    for path in corpus("structured") {
        let data = std::fs::read(&path).unwrap();
        // As libFuzzer hands the bytes to the target.
        let Ok(input) = FuzzLayout::arbitrary_take_rest(Unstructured::new(&data)) else {
            continue;
        };
        let run = std::panic::catch_unwind(|| run_structured(&input));
        assert!(run.is_ok(), "{} panics", path.display());
    }
}
