//! Importers: inventories kept in other tools, turned into layouts.
//!
//! An import never invents silently: what it read, skipped (and why) and
//! assumed is counted in a [`Report`], printed on standard error and
//! written as a comment block at the top of the layout.

pub mod netbox;
pub mod overlay;

use std::collections::BTreeMap;
use std::fmt::Write;

/// What an import read, left out and assumed.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Report {
    /// (what, how many), in the order counted.
    pub counts: Vec<(String, usize)>,
    /// Why -> the objects left out for that reason.
    pub skipped: BTreeMap<String, Vec<String>>,
    /// What was assumed -> the objects it was assumed for.
    pub assumed: BTreeMap<String, Vec<String>>,
    /// (name in the source, layout id) where they differ.
    pub renamed: Vec<(String, String)>,
}

impl Report {
    pub fn count(&mut self, what: &str, n: usize) {
        self.counts.push((what.to_string(), n));
    }

    pub fn skipped(&mut self, why: &str, what: impl IntoIterator<Item = String>) {
        add(&mut self.skipped, why, what);
    }

    pub fn assumed(&mut self, what: &str, of: impl IntoIterator<Item = String>) {
        add(&mut self.assumed, what, of);
    }

    /// The report as lines: "imported: ...", "skipped N ...: a, b, c",
    /// "assumed for N: ...".
    pub fn lines(&self) -> Vec<String> {
        let mut out = Vec::new();
        let counts: Vec<String> = self
            .counts
            .iter()
            .map(|(what, n)| format!("{n} {what}"))
            .collect();
        out.push(format!("imported: {}", counts.join(", ")));
        for (why, what) in &self.skipped {
            out.push(format!(
                "skipped {} ({why}): {}",
                what.len(),
                examples(what)
            ));
        }
        for (assumption, of) in &self.assumed {
            out.push(format!(
                "assumed for {}: {assumption}: {}",
                of.len(),
                examples(of)
            ));
        }
        if !self.renamed.is_empty() {
            let pairs: Vec<String> = self
                .renamed
                .iter()
                .map(|(from, to)| format!("\"{from}\" -> {to}"))
                .collect();
            out.push(format!(
                "renamed {} (names that are not valid ids): {}",
                pairs.len(),
                examples(&pairs)
            ));
        }
        out
    }

    /// The report as a `//` comment block for the top of a RON layout.
    pub fn comment_block(&self, header: &str) -> String {
        let mut s = String::new();
        let _ = writeln!(s, "// {header}");
        for line in self.lines() {
            let _ = writeln!(s, "// {line}");
        }
        s
    }
}

fn add(
    map: &mut BTreeMap<String, Vec<String>>,
    key: &str,
    items: impl IntoIterator<Item = String>,
) {
    let items: Vec<String> = items.into_iter().collect();
    if !items.is_empty() {
        map.entry(key.to_string()).or_default().extend(items);
    }
}

/// The first few of a list, then how many more.
fn examples(items: &[String]) -> String {
    const SHOWN: usize = 8;
    let mut s = items
        .iter()
        .take(SHOWN)
        .map(String::as_str)
        .collect::<Vec<_>>()
        .join(", ");
    if items.len() > SHOWN {
        let _ = write!(s, " and {} more", items.len() - SHOWN);
    }
    s
}
