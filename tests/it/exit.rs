//! The exit policy (src/cli/exit.rs, docs/semantics.md "Exit status"):
//! output that cannot be written is exit 2 with the reason, whatever the
//! answer was; a reader that goes away (`| head`) ends the run quietly
//! with 0, as for ripgrep.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

use crate::util::{Run, faultline, root};

const DEMO: &str = "layouts/demo.ron";
const EXAMPLE: &str = "tests/fixtures/format-example.ron";

/// Every command that writes to standard output, each with its answer
/// when the output can be written (0 or 1).
const WRITERS: &[(&[&str], i32)] = &[
    (&["check", DEMO], 1),
    (&["check", DEMO, "--format", "json"], 1),
    (&["trip", EXAMPLE, "cb-a"], 1),
    (&["trip", EXAMPLE, "utility", "--format", "json"], 0),
    (&["cuts", DEMO], 1),
    (&["cuts", DEMO, "--format", "json"], 1),
    (&["export", DEMO, "--format", "opsa-mef"], 0),
    (&["export", DEMO, "--format", "json"], 0),
    (&["gen", "--racks", "2"], 0),
    (&["gen", "--racks", "2", "--format", "json"], 0),
    (&["explain", "spof"], 0),
    (&["explain"], 0),
    (&["--help"], 0),
    (&["check", "--help"], 0),
    (&["--version"], 0),
];

/// The answers above hold, so the cases below test the write and not a
/// command that fails anyway.
#[test]
fn each_writer_answers_when_its_output_can_be_written() {
    for (args, code) in WRITERS {
        let run = faultline(args);
        assert_eq!(run.code, *code, "{args:?}: {}", run.stderr);
        assert!(!run.stdout.is_empty(), "{args:?} wrote nothing");
        assert!(run.stderr.is_empty(), "{args:?}: {}", run.stderr);
    }
}

#[cfg(target_os = "linux")]
fn to_dev_full(args: &[&str]) -> Run {
    let full = std::fs::OpenOptions::new()
        .write(true)
        .open("/dev/full")
        .expect("/dev/full opens on Linux");
    crate::util::faultline_to(args, Stdio::from(full))
}

/// A full disk is exit 2 with the reason, for every command and whatever
/// its answer would have been: a report nobody could read is no answer.
#[cfg(target_os = "linux")]
#[test]
fn a_full_disk_is_exit_2_with_the_reason() {
    for (args, _) in WRITERS {
        let run = to_dev_full(args);
        assert_eq!(run.code, 2, "{args:?}: {}", run.stderr);
        assert_eq!(
            run.stderr.trim_end(),
            "error: cannot write to standard output: No space left on device (os error 28)",
            "{args:?}"
        );
    }
}

/// `export --output` where no file can be made says which file could not
/// be written.
#[cfg(target_os = "linux")]
#[test]
fn an_output_file_that_cannot_be_written_is_named() {
    let run = faultline(&[
        "export",
        DEMO,
        "--format",
        "json",
        "--output",
        "/proc/faultline-cannot-write-here.json",
    ]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr
            .starts_with("error: cannot write /proc/faultline-cannot-write-here.json: "),
        "{}",
        run.stderr
    );
}

/// Spawn with a pipe for standard output.
fn spawn(args: &[&str]) -> std::process::Child {
    Command::new(env!("CARGO_BIN_EXE_faultline"))
        .args(args)
        .current_dir(root())
        .env("NO_COLOR", "1")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the faultline binary runs")
}

fn finish(child: std::process::Child) -> Run {
    let out = child.wait_with_output().expect("faultline ends");
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::new(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// The reader closes the pipe before a byte is written: every command
/// ends with 0 and says nothing (no message, no panic), even where its
/// answer would have been 1. `spawn` returns once the program runs, and
/// it loads and analyses before writing, so the pipe is closed by then
/// (`--help` may win the race and fill the pipe's buffer: 0 as well).
#[test]
fn a_reader_that_is_gone_ends_the_run_quietly_with_0() {
    for (args, answer) in WRITERS {
        let mut child = spawn(args);
        drop(child.stdout.take());
        let run = finish(child);
        // On a busy machine the child can write its whole answer into the
        // pipe's buffer before the reader leaves: then its own answer
        // stands. Either way the run is quiet and never a failure (2).
        assert!(
            run.code == 0 || run.code == *answer,
            "{args:?}: exit {}: {}",
            run.code,
            run.stderr
        );
        assert_eq!(run.stderr, "", "{args:?}");
    }
}

/// `| head -1` on output far larger than a pipe holds (a 2,000-device
/// hall, megabytes): the first line arrives, the reader leaves mid-stream,
/// and the run still ends quietly.
#[test]
fn head_1_on_a_long_output_ends_quietly() {
    for args in [
        &["gen", "--racks", "50"][..],
        &["gen", "--racks", "50", "--format", "json"][..],
    ] {
        let mut child = spawn(args);
        let mut first = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut first)
            .unwrap();
        assert!(!first.is_empty(), "{args:?} wrote a first line");
        let run = finish(child);
        assert_eq!(run.code, 0, "{args:?}: {}", run.stderr);
        assert_eq!(run.stderr, "", "{args:?}");
    }
}
