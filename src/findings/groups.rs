//! Blocks: findings with the same code, severity, allowed flag and
//! affected set say the same thing about different events (a series chain
//! ats -> ups -> panel), so every report shows them as one block naming
//! each event. One function, so every output counts blocks the same way.

use rustc_hash::FxHashMap as HashMap;

use super::Finding;
use crate::code::{Code, Severity};

/// The findings in blocks, each block in file order, blocks in the order
/// of their first finding.
pub fn blocks(findings: &[Finding]) -> Vec<Vec<&Finding>> {
    blocks_of(findings.iter())
}

/// [`blocks`] of any selection of findings (the added ones of a diff).
pub fn blocks_of<'a>(findings: impl IntoIterator<Item = &'a Finding>) -> Vec<Vec<&'a Finding>> {
    blocks_by(findings.into_iter().map(|f| (f, f)))
}

/// The blocks of the findings `keep` selects, as indices into `findings`
/// (the view's findings list, filtered by severity or code).
pub fn block_indices(findings: &[Finding], keep: impl Fn(&Finding) -> bool) -> Vec<Vec<usize>> {
    blocks_by(findings.iter().enumerate().filter(|(_, f)| keep(f)))
}

/// The grouping itself, carrying any handle `T` of each finding.
fn blocks_by<'a, T>(findings: impl IntoIterator<Item = (T, &'a Finding)>) -> Vec<Vec<T>> {
    let mut out: Vec<Vec<T>> = Vec::new();
    let mut index: HashMap<(Code, Severity, bool, &[String]), usize> = HashMap::default();
    for (handle, f) in findings {
        let groupable = f.event.is_some() && !f.affected.is_empty();
        let key = (f.code, f.severity, f.allowed, f.affected.as_slice());
        match index.get(&key) {
            Some(&i) if groupable => out[i].push(handle),
            _ => {
                if groupable {
                    index.insert(key, out.len());
                }
                out.push(vec![handle]);
            }
        }
    }
    out
}
