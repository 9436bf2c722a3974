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
    let mut out: Vec<Vec<&Finding>> = Vec::new();
    let mut index: HashMap<(Code, Severity, bool, &[String]), usize> = HashMap::default();
    for f in findings {
        let groupable = f.event.is_some() && !f.affected.is_empty();
        let key = (f.code, f.severity, f.allowed, f.affected.as_slice());
        match index.get(&key) {
            Some(&i) if groupable => out[i].push(f),
            _ => {
                if groupable {
                    index.insert(key, out.len());
                }
                out.push(vec![f]);
            }
        }
    }
    out
}
