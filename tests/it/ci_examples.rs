//! The CI examples in `examples/ci/` (shown in the README): valid YAML of
//! the shape GitHub Actions and GitLab CI read, and their faultline
//! commands run here, in a git repository with a base branch on a remote.

use std::path::{Path, PathBuf};
use std::process::Command;

use yaml_rust2::{Yaml, YamlLoader};

use crate::util::root;

fn load_yaml(rel: &str) -> Yaml {
    let text = std::fs::read_to_string(root().join(rel)).unwrap();
    let mut docs = YamlLoader::load_from_str(&text).unwrap_or_else(|e| panic!("{rel}: {e}"));
    assert_eq!(docs.len(), 1, "{rel}: one document");
    docs.remove(0)
}

#[test]
fn the_readme_shows_each_example_as_it_is() {
    let readme = std::fs::read_to_string(root().join("README.md")).unwrap();
    for rel in [
        "examples/ci/github-actions.yml",
        "examples/ci/gitlab-ci.yml",
    ] {
        let text = std::fs::read_to_string(root().join(rel)).unwrap();
        assert!(
            readme.contains(&format!("```yaml\n{text}```")),
            "README does not show {rel} as it is"
        );
    }
}

/// A git repository whose `origin` (a local bare repository) has `main`
/// with the review pair's base layout, and a working tree with NEW.
fn repository(name: &str, new_text: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("faultline-ci-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let (origin, work) = (dir.join("origin.git"), dir.join("work"));
    std::fs::create_dir_all(&work).unwrap();
    let git = |cwd: &Path, args: &[&str]| {
        let out = Command::new("git")
            .args([
                "-c",
                "user.name=t",
                "-c",
                "user.email=t@example.com",
                "-c",
                "init.defaultBranch=main",
            ])
            .args(args)
            .current_dir(cwd)
            .output()
            .expect("git runs");
        assert!(
            out.status.success(),
            "git {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    };
    git(&dir, &["init", "-q", "--bare", origin.to_str().unwrap()]);
    git(&work, &["init", "-q"]);
    std::fs::copy(
        root().join("tests/fixtures/review/base.ron"),
        work.join("hall.ron"),
    )
    .unwrap();
    git(&work, &["add", "hall.ron"]);
    git(&work, &["commit", "-qm", "base"]);
    git(
        &work,
        &["remote", "add", "origin", origin.to_str().unwrap()],
    );
    git(&work, &["push", "-q", "origin", "HEAD:main"]);
    git(&work, &["fetch", "-q", "origin"]);
    std::fs::write(work.join("hall.ron"), new_text).unwrap();
    work
}

/// NEW with an error added: the new server is all the `db` service has.
fn new_with_an_error() -> String {
    std::fs::read_to_string(root().join("tests/fixtures/review/new.ron"))
        .unwrap()
        .replace(
            r#"needs: [All(["db-1"])]"#,
            r#"needs: [All(["db-1", "batch-7"])]"#,
        )
}

fn bash(script: &str, cwd: &Path, env: &[(&str, &str)]) -> std::process::Output {
    let bin = Path::new(env!("CARGO_BIN_EXE_faultline")).parent().unwrap();
    let path = format!(
        "{}:{}",
        bin.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    Command::new("bash")
        .args(["-e", "-c", script])
        .current_dir(cwd)
        .env("PATH", path)
        .env("NO_COLOR", "1")
        .envs(env.iter().copied())
        .output()
        .expect("bash runs")
}

#[test]
fn the_github_workflow_is_valid_and_its_review_step_runs() {
    let y = load_yaml("examples/ci/github-actions.yml");
    assert_eq!(y["name"].as_str(), Some("faultline"));
    assert!(!y["on"]["pull_request"].is_badvalue());
    assert_eq!(y["permissions"]["security-events"].as_str(), Some("write"));
    let job = &y["jobs"]["review"];
    let layout = job["env"]["LAYOUT"].as_str().unwrap();
    let steps = job["steps"].as_vec().unwrap();
    let uses: Vec<&str> = steps.iter().filter_map(|s| s["uses"].as_str()).collect();
    assert!(
        uses.iter()
            .any(|u| u.starts_with("github/codeql-action/upload-sarif@"))
    );
    let review = steps
        .iter()
        .find(|s| s["id"].as_str() == Some("review"))
        .unwrap();
    let script = review["run"].as_str().unwrap();
    for (case, (new_text, want)) in [
        (
            std::fs::read_to_string(root().join("tests/fixtures/review/new.ron")).unwrap(),
            "1",
        ),
        (crate::review::new_with_the_risks_accepted(), "0"),
        (new_with_an_error(), "1"),
    ]
    .into_iter()
    .enumerate()
    {
        let work = repository(&format!("github-{case}"), &new_text);
        let output = work.join("github-output");
        let out = bash(
            script,
            &work,
            &[
                ("GITHUB_BASE_REF", "main"),
                ("LAYOUT", layout),
                ("GITHUB_OUTPUT", output.to_str().unwrap()),
            ],
        );
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert_eq!(
            std::fs::read_to_string(&output).unwrap(),
            format!("status={want}\n")
        );
        let sarif: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(work.join("faultline.sarif")).unwrap())
                .unwrap();
        assert_eq!(
            sarif["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]
                ["uri"],
            "hall.ron"
        );
        let md = std::fs::read_to_string(work.join("faultline.md")).unwrap();
        assert!(md.contains("### Added"), "{md}");
        let _ = std::fs::remove_dir_all(work.parent().unwrap());
    }
}

#[test]
fn the_gitlab_job_is_valid_and_its_script_runs() {
    let y = load_yaml("examples/ci/gitlab-ci.yml");
    let job = &y["faultline"];
    let layout = job["variables"]["LAYOUT"].as_str().unwrap();
    let script: Vec<&str> = job["script"]
        .as_vec()
        .unwrap()
        .iter()
        .map(|l| l.as_str().unwrap())
        .collect();
    assert!(
        job["artifacts"]["paths"]
            .as_vec()
            .unwrap()
            .iter()
            .any(|p| p.as_str() == Some("faultline.sarif"))
    );
    // The job's script, line by line as GitLab runs it: the last line is
    // the gate.
    for (case, (new_text, want)) in [
        (
            std::fs::read_to_string(root().join("tests/fixtures/review/new.ron")).unwrap(),
            1,
        ),
        (crate::review::new_with_the_risks_accepted(), 0),
        (new_with_an_error(), 1),
    ]
    .into_iter()
    .enumerate()
    {
        let work = repository(&format!("gitlab-{case}"), &new_text);
        let out = bash(
            &script.join("\n"),
            &work,
            &[
                ("CI_MERGE_REQUEST_TARGET_BRANCH_NAME", "main"),
                ("LAYOUT", layout),
            ],
        );
        assert_eq!(
            out.status.code(),
            Some(want),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(
            std::fs::read_to_string(work.join("faultline.md"))
                .unwrap()
                .contains("### Added")
        );
        let _ = std::fs::remove_dir_all(work.parent().unwrap());
    }
}
