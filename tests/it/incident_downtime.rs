//! layouts/README.md, "Expected downtime before and after the fix": every
//! number in the table is what `faultline availability` prints for that
//! file, and every incident has its rows, so the table cannot rot.

use std::collections::BTreeSet;

use crate::util::{faultline, json, root};

/// One row of the table: the layout before (and after, when it has a
/// fixed version), the service, and the two numbers as written.
struct Row {
    before_file: String,
    after_file: Option<String>,
    service: String,
    before: String,
    after: String,
}

/// The link targets in a cell: `[01](incidents/x.ron) -> [fixed](incidents/fixed/x.ron)`.
fn links(cell: &str) -> Vec<String> {
    cell.split("](")
        .skip(1)
        .map(|rest| rest.split(')').next().unwrap().to_string())
        .collect()
}

fn rows() -> Vec<Row> {
    let readme = std::fs::read_to_string(root().join("layouts/README.md")).unwrap();
    let section = readme
        .split("## Expected downtime before and after the fix")
        .nth(1)
        .expect("layouts/README.md has the section");
    let section = section.split("\n## ").next().unwrap();
    section
        .lines()
        .filter(|l| l.starts_with("| [0"))
        .map(|l| {
            let cells: Vec<&str> = l.trim_matches('|').split('|').map(str::trim).collect();
            let files = links(cells[0]);
            Row {
                before_file: format!("layouts/{}", files[0]),
                after_file: files.get(1).map(|f| format!("layouts/{f}")),
                service: cells[1].to_string(),
                before: cells[2].to_string(),
                after: cells[3].to_string(),
            }
        })
        .collect()
}

/// The service's downtime as `availability --format json` gives it, as
/// the table writes it (one decimal).
fn downtime(file: &str, service: &str) -> String {
    let run = faultline(&["availability", file, "--format", "json"]);
    assert_eq!(run.code, 0, "{file}: {}", run.stderr);
    let v = json(&run);
    let target = v["targets"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["id"] == service)
        .unwrap_or_else(|| panic!("{file} has no critical service {service}"));
    format!("{:.1}", target["downtime_min_per_year"].as_f64().unwrap())
}

#[test]
fn the_incident_table_is_what_availability_prints() {
    let rows = rows();
    assert!(rows.len() >= 5, "the table has its rows");
    for r in &rows {
        assert_eq!(
            r.before,
            downtime(&r.before_file, &r.service),
            "{} {}: the table's before",
            r.before_file,
            r.service
        );
        match &r.after_file {
            Some(after) => {
                assert_eq!(
                    r.after,
                    downtime(after, &r.service),
                    "{after} {}: the table's after",
                    r.service
                );
                // What the fix is for: it cuts the downtime.
                let (b, a): (f64, f64) = (r.before.parse().unwrap(), r.after.parse().unwrap());
                assert!(a < b, "{after}: the fix cuts {}'s downtime", r.service);
            }
            None => assert_eq!(r.after, "-", "{}: no fixed file, no number", r.before_file),
        }
    }
    // Every incident, and every critical service of it, has a row; every
    // fixed file is in the table.
    let incidents = root().join("layouts/incidents");
    for entry in std::fs::read_dir(&incidents).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|e| e != "ron") {
            continue;
        }
        let rel = format!(
            "layouts/incidents/{}",
            path.file_name().unwrap().to_str().unwrap()
        );
        let v = json(&faultline(&["availability", &rel, "--format", "json"]));
        let critical: BTreeSet<String> = v["targets"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t["id"].as_str().unwrap().to_string())
            .collect();
        let listed: BTreeSet<String> = rows
            .iter()
            .filter(|r| r.before_file == rel)
            .map(|r| r.service.clone())
            .collect();
        assert_eq!(listed, critical, "{rel}: one row per critical service");
        let fixed = incidents.join("fixed").join(path.file_name().unwrap());
        let fixed_rel = format!(
            "layouts/incidents/fixed/{}",
            path.file_name().unwrap().to_str().unwrap()
        );
        let in_table = rows
            .iter()
            .any(|r| r.after_file.as_deref() == Some(fixed_rel.as_str()));
        assert_eq!(
            fixed.exists(),
            in_table,
            "{fixed_rel}: in the table iff it exists"
        );
    }
}
