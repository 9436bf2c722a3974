//! Baselines: a previous `check --format json` whose findings are accepted
//! for now. `check --baseline OLD.json` reports every finding but fails
//! only on the ones the baseline does not hold, matched on identity as
//! `diff` matches them.

use rustc_hash::FxHashMap as HashMap;

use crate::code::{Code, Severity};
use crate::findings::Finding;

use super::diff::fails_at;
use super::identity::Identity;

/// What a baseline recorded of one finding: enough to tell whether the
/// finding failed then.
#[derive(Debug, Clone, Copy)]
struct Recorded {
    severity: Severity,
    allowed: bool,
}

#[derive(Debug, Default)]
pub struct Baseline {
    by_identity: HashMap<Identity, Vec<Recorded>>,
    pub len: usize,
}

impl Baseline {
    /// Read a `check --format json` output. Findings of codes this
    /// version does not know are kept by name, so an old baseline never
    /// stops a run.
    pub fn parse(text: &str) -> Result<Baseline, String> {
        let value: serde_json::Value =
            serde_json::from_str(text).map_err(|e| format!("it is not JSON: {e}"))?;
        let list = value
            .get("findings")
            .and_then(|f| f.as_array())
            .ok_or("it has no \"findings\" list; write one with `faultline check FILE --write-baseline PATH`")?;
        let mut out = Baseline::default();
        for (i, f) in list.iter().enumerate() {
            let field = |name: &str| f.get(name).and_then(|v| v.as_str());
            let (Some(code), Some(subject)) = (field("code"), field("subject")) else {
                return Err(format!("finding {} has no \"code\" or \"subject\"", i + 1));
            };
            let event = f.get("event").filter(|e| !e.is_null());
            let (event_kind, event_id) = match event {
                Some(e) => {
                    let part = |name: &str| e.get(name).and_then(|v| v.as_str());
                    match (part("kind"), part("id")) {
                        (Some(k), Some(id)) => (k.to_string(), id.to_string()),
                        _ => {
                            return Err(format!(
                                "finding {} has an \"event\" without \"kind\" and \"id\"",
                                i + 1
                            ));
                        }
                    }
                }
                None => (String::new(), String::new()),
            };
            let severity = match field("severity") {
                Some("error") => Severity::Error,
                Some("warning") => Severity::Warning,
                Some("note") => Severity::Note,
                // Unknown or missing: assume it was at its code's default.
                _ => Code::from_name(code).map_or(Severity::Error, Code::severity),
            };
            let allowed = f.get("allowed").and_then(|v| v.as_bool()).unwrap_or(false);
            let identity = Identity {
                code: code.to_string(),
                subject: subject.to_string(),
                event_kind,
                event_id,
            };
            out.by_identity
                .entry(identity)
                .or_default()
                .push(Recorded { severity, allowed });
            out.len += 1;
        }
        Ok(out)
    }

    /// The findings that fail at `threshold` and are not excused by the
    /// baseline: not in it, or in it but not failing then (a warning that
    /// became an error). Each baseline entry excuses one finding.
    pub fn new_failures<'a>(
        &self,
        findings: &'a [Finding],
        threshold: Severity,
    ) -> Vec<&'a Finding> {
        let mut left: HashMap<&Identity, usize> =
            self.by_identity.iter().map(|(k, v)| (k, v.len())).collect();
        let mut out = Vec::new();
        for f in findings {
            let id = Identity::of(f);
            let recorded = self.by_identity.get(&id);
            let slot = left.get_mut(&id);
            let excused = match (recorded, slot) {
                (Some(list), Some(n)) if *n > 0 => {
                    *n -= 1;
                    let then = list[list.len() - 1 - *n];
                    !then.allowed && then.severity <= threshold || !fails_at(f, threshold)
                }
                _ => !fails_at(f, threshold),
            };
            if !excused {
                out.push(f);
            }
        }
        out
    }

    /// Is this finding in the baseline at all (whatever its severity)?
    pub fn holds(&self, f: &Finding) -> bool {
        self.by_identity.contains_key(&Identity::of(f))
    }
}
