//! Findings from the single-event sweep: what one event takes down.

use std::collections::BTreeMap;

use super::{Raw, event_clause, list_ids, list_names, plural};
use crate::code::Code;
use crate::diagnostic::Severity;
use crate::engine::{Analysis, ByKind, Event, Graph, NodeId, Scenario, WhatIf};
use crate::wording::carries;

/// What one event took down, by kind.
struct Outcome {
    devices: Vec<NodeId>,
    services: Vec<NodeId>,
    critical: Vec<NodeId>,
}

fn outcome(g: &Graph, s: &Scenario<'_>) -> Outcome {
    // Only devices and services matter here: leaving PSUs and power out
    // before the split saves an allocation on every PSU event of the sweep.
    let wanted = s.down().iter().copied();
    let mut down = ByKind::split(g, wanted.filter(|&n| g.is_device(n) || g.is_service(n)));
    down.devices.sort_unstable();
    down.critical.sort_unstable();
    Outcome {
        services: down.all_services(),
        devices: down.devices,
        critical: down.critical,
    }
}

pub(super) fn findings(analysis: &Analysis, raw: &mut Vec<Raw>) {
    let g = &analysis.graph;
    // Protective device -> how many PSUs below it trip it when they short,
    // and what those shorts take down together: the finding is about the
    // short, so its blast radius is the short events' (the shorted PSU
    // fails too), not the protective device's failure alone.
    let mut shorts_below: BTreeMap<NodeId, ShortTrips> = BTreeMap::new();
    for p in g.psus.clone() {
        if let Some(t) = analysis.protective_device(p, true) {
            shorts_below.entry(t).or_default().shorts += 1;
        }
    }

    analysis.sweep_with_cascade(|event, w| {
        let s = &w.scenario;
        let o = outcome(g, s);
        if let Event::Fail(_) = event {
            if !w.trips().is_empty() {
                raw.push(failover_overload(analysis, event, w, &o));
            }
        }
        if let Event::Short(p) = event {
            if let Some(t) = analysis.protective_device(p, true) {
                if let Some(acc) = shorts_below.get_mut(&t) {
                    acc.add(&o);
                }
            }
        }
        let subject = event.subject(g).to_string();
        let clause = event_clause(analysis, event);

        if matches!(event, Event::Fail(n) if g.is_power(n)) || matches!(event, Event::Common(_)) {
            // Members of a common cause fail by themselves: their loss is
            // the event, not a redundancy that failed.
            let struck: &[NodeId] = match event {
                Event::Common(c) => &g.common[c as usize].members,
                _ => &[],
            };
            let lost_power: Vec<NodeId> = o
                .devices
                .iter()
                .copied()
                .filter(|&d| g.has_spare_psu(d) && power_lost(g, s, d) && !struck.contains(&d))
                .collect();
            if !lost_power.is_empty() {
                raw.push(Raw {
                    code: Code::FalseRedundancy,
                    severity: Severity::Error,
                    subject: subject.clone(),
                    event: Some(event),
                    message: format!(
                        "{clause}, {} with redundant PSUs {} power anyway: {}",
                        plural(lost_power.len(), "device", "devices"),
                        if lost_power.len() == 1 {
                            "loses"
                        } else {
                            "lose"
                        },
                        list_ids(g, &lost_power, 6)
                    ),
                    allowed_by_all: lost_power.clone(),
                    affected: lost_power,
                });
            }
        }

        if o.critical.is_empty() {
            return;
        }
        let mut affected: Vec<NodeId> = o.devices.clone();
        affected.extend(&o.services);
        raw.push(Raw {
            code: Code::Spof,
            severity: Severity::Error,
            subject: subject.clone(),
            event: Some(event),
            message: format!(
                "{clause}, critical service{} {} go{} down",
                crate::wording::s(o.critical.len()),
                list_ids(g, &o.critical, 6),
                if o.critical.len() == 1 { "es" } else { "" }
            ),
            affected,
            allowed_by_all: o.critical.clone(),
        });

        let holders: Vec<NodeId> = o
            .devices
            .iter()
            .chain(&o.services)
            .copied()
            .filter(|&h| o.critical.iter().any(|&c| g.observes(h, c)))
            .collect();
        if !holders.is_empty() {
            let watched: Vec<NodeId> = o
                .critical
                .iter()
                .copied()
                .filter(|&c| holders.iter().any(|&h| g.observes(h, c)))
                .collect();
            let mut affected = watched.clone();
            affected.extend(&holders);
            raw.push(Raw {
                code: Code::SharedFate,
                severity: Severity::Error,
                subject,
                event: Some(event),
                message: format!(
                    "{clause}, {} goes down together with what should see it: {}",
                    list_ids(g, &watched, 6),
                    describe_holders(g, &holders)
                ),
                affected,
                allowed_by_all: watched,
            });
        }
    });

    for (t, acc) in shorts_below {
        if acc.devices.is_empty() {
            continue;
        }
        raw.push(Raw {
            code: Code::ShortTrip,
            severity: if acc.critical {
                Severity::Error
            } else {
                Severity::Warning
            },
            subject: g.id(t).to_string(),
            event: None,
            message: format!(
                "a short in any of the {} below {} trips it, taking down {}: {}{}",
                plural(acc.shorts, "PSU", "PSUs"),
                g.id(t),
                plural(acc.devices.len(), "device", "devices"),
                list_ids(g, &acc.devices, 6),
                if acc.critical {
                    " (a critical service goes down)"
                } else {
                    ""
                }
            ),
            affected: acc.devices,
            allowed_by_all: Vec::new(),
        });
    }
}

/// The shorts that trip one protective device, taken together.
#[derive(Default)]
struct ShortTrips {
    shorts: usize,
    /// Every device some short below it takes down, sorted.
    devices: Vec<NodeId>,
    /// Whether some short below it takes down a critical service.
    critical: bool,
}

impl ShortTrips {
    fn add(&mut self, o: &Outcome) {
        self.critical |= !o.critical.is_empty();
        // Most shorts below one device take down the same set: merge only
        // when this one adds something.
        if o.devices
            .iter()
            .all(|d| self.devices.binary_search(d).is_ok())
        {
            return;
        }
        self.devices.extend(&o.devices);
        self.devices.sort_unstable();
        self.devices.dedup();
    }
}

/// "if cb-a fails, cb-b carries 7.9 kW = 131% of 6.9 kW and trips in
/// round 1; then ... taking down ..."
fn failover_overload(analysis: &Analysis, event: Event, w: &WhatIf<'_>, o: &Outcome) -> Raw {
    let g = &analysis.graph;
    let chain: Vec<String> = w
        .trips()
        .iter()
        .map(|t| {
            format!(
                "{} and trips in round {}",
                carries(g.id(t.node), t.load_w, t.capacity_w, t.load_pct(), 0),
                t.round
            )
        })
        .collect();
    let mut down: Vec<NodeId> = o.devices.clone();
    down.extend(&o.services);
    let tail = if down.is_empty() {
        String::new()
    } else {
        format!(
            "; {} go down: {}",
            plural(down.len(), "device or service", "devices and services"),
            list_ids(g, &down, 8)
        )
    };
    let mut affected: Vec<NodeId> = w.trips().iter().map(|t| t.node).collect();
    affected.extend(down);
    Raw {
        code: Code::FailoverOverload,
        severity: Severity::Error,
        subject: event.subject(g).to_string(),
        event: Some(event),
        message: format!(
            "{}, {}{}",
            event_clause(analysis, event),
            chain.join("; then "),
            tail
        ),
        affected,
        allowed_by_all: Vec::new(),
    }
}

/// Did the device go down because too few of its PSUs are live (rather
/// than because something it `needs` went down)?
fn power_lost(g: &Graph, s: &Scenario<'_>, device: NodeId) -> bool {
    let live = g.psus_of_device(device).filter(|&p| s.is_live(p)).count() as u32;
    live < g.psus_needed(device)
}

fn describe_holders(g: &Graph, holders: &[NodeId]) -> String {
    let mut parts: Vec<String> = holders
        .iter()
        .map(|&h| format!("{} ({})", g.id(h), role_names(g.roles(h))))
        .collect();
    parts.sort();
    list_names(&parts, 6)
}

fn role_names(set: u8) -> String {
    let names = [
        (1, "Management"),
        (2, "Monitoring"),
        (4, "StatusPage"),
        (8, "Backup"),
    ];
    names
        .iter()
        .filter(|(bit, _)| set & bit != 0)
        .map(|(_, n)| *n)
        .collect::<Vec<_>>()
        .join(", ")
}
