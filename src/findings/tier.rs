//! A tier-style verdict: an estimate in the style of the Uptime Institute
//! tiers, read off the findings. Never a certification.
//!
//! - `fault-tolerant`: no single event of any kind (a failure, a PSU short,
//!   a common cause, with cascades) takes down a critical service or
//!   strands redundant PSUs, and nothing is overloaded or left unpowered.
//! - `concurrently-maintainable`: every power element can be taken out on
//!   its own (a `fail` event, as for maintenance) without a critical
//!   service going down, PSU redundancy being lost, or an overload trip.
//! - `redundant-components`: losing any one capacity component (utility
//!   feed, generator, UPS, transfer switch) leaves the critical services up.
//! - `basic`: none of the above.
//!
//! The reasons list what keeps the layout from the next level up.

use std::collections::BTreeMap;

use serde::Serialize;

use super::Finding;
use crate::code::Code;
use crate::diagnostic::Severity;
use crate::engine::Analysis;
use crate::model::format::PowerKind;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Level {
    Basic,
    RedundantComponents,
    ConcurrentlyMaintainable,
    FaultTolerant,
}

impl Level {
    pub fn name(self) -> &'static str {
        match self {
            Level::Basic => "basic",
            Level::RedundantComponents => "redundant-components",
            Level::ConcurrentlyMaintainable => "concurrently-maintainable",
            Level::FaultTolerant => "fault-tolerant",
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Tier {
    pub level: Level,
    /// What keeps the layout from the next level ("3 failover-overload").
    pub reasons: Vec<String>,
}

/// Does finding `f` stand in the way of `level`?
fn blocks(analysis: &Analysis, f: &Finding, level: Level) -> bool {
    if f.allowed || f.severity != Severity::Error {
        return false;
    }
    let always = matches!(f.code, Code::Overload | Code::Unpowered);
    let failed_kind = f.event.as_ref().filter(|e| e.kind == "fail").and_then(|e| {
        let n = analysis.graph.node(&e.id)?;
        analysis.graph.power_kind(n)
    });
    match level {
        Level::FaultTolerant => {
            always
                || matches!(
                    f.code,
                    Code::Spof
                        | Code::SharedFate
                        | Code::FalseRedundancy
                        | Code::FailoverOverload
                        | Code::ShortTrip
                        | Code::UpsBridge
                )
        }
        Level::ConcurrentlyMaintainable => {
            always
                || f.code == Code::UpsBridge
                || (matches!(
                    f.code,
                    Code::Spof | Code::FalseRedundancy | Code::FailoverOverload
                ) && failed_kind.is_some())
        }
        Level::RedundantComponents => {
            always
                || (f.code == Code::Spof
                    && matches!(
                        failed_kind,
                        Some(
                            PowerKind::Utility
                                | PowerKind::Generator
                                | PowerKind::Ups
                                | PowerKind::Ats
                                | PowerKind::Sts
                        )
                    ))
        }
        Level::Basic => false,
    }
}

fn reasons(analysis: &Analysis, findings: &[Finding], level: Level) -> Vec<String> {
    let mut by_code: BTreeMap<&str, usize> = BTreeMap::new();
    for f in findings.iter().filter(|f| blocks(analysis, f, level)) {
        *by_code.entry(f.code.name()).or_default() += 1;
    }
    // "2 of 22 spof findings": the count a reader can find in the report,
    // and which of them keep the layout from the level.
    by_code
        .into_iter()
        .map(|(code, n)| {
            let total = findings.iter().filter(|f| f.code.name() == code).count();
            let noun = if total == 1 { "finding" } else { "findings" };
            if n == total {
                format!("{n} {code} {noun}")
            } else {
                format!("{n} of {total} {code} {noun}")
            }
        })
        .collect()
}

pub fn estimate(analysis: &Analysis, findings: &[Finding]) -> Tier {
    if analysis.graph.critical_services().next().is_none() {
        return Tier {
            level: Level::Basic,
            reasons: vec!["no critical services declared: nothing to judge redundancy by".into()],
        };
    }
    let ladder = [
        Level::FaultTolerant,
        Level::ConcurrentlyMaintainable,
        Level::RedundantComponents,
    ];
    let mut above: Option<Level> = None;
    for level in ladder {
        if !findings.iter().any(|f| blocks(analysis, f, level)) {
            return Tier {
                level,
                reasons: above
                    .map(|l| reasons(analysis, findings, l))
                    .unwrap_or_default(),
            };
        }
        above = Some(level);
    }
    Tier {
        level: Level::Basic,
        reasons: reasons(analysis, findings, Level::RedundantComponents),
    }
}
