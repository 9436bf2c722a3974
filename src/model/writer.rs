//! Writing layout values as RON, the way layout files are written: each
//! element, device, service or group on one line, optional values bare
//! (the format's implicit `Some`), values equal to their default left out
//! where a reader would only skim past them (`height_u: 1`,
//! `psus_needed: 1`), and strings escaped with the lexer's one table.
//!
//! `faultline gen` writes its halls through it; anything else that writes
//! RON should too, so what is written is what the fast reader reads
//! (`tests/it/fast_path.rs` reads every generated hall back).

use std::fmt::Write as _;

use super::format::{
    CommonCause, Device, Layout, Need, Policy, PowerElement, Psu, Rack, Rate, Rates, Reliability,
    Role, Service, Source,
};
pub use super::lexer::write_string as string;

/// A number as a layout writes it: whole numbers without a fraction.
pub fn number(out: &mut String, x: f64) {
    if x.fract() == 0.0 && x.abs() < 1e15 {
        let _ = write!(out, "{}", x as i64);
    } else {
        let _ = write!(out, "{x}");
    }
}

/// `[a, b, c]`, each item written by `item`.
fn list<T>(out: &mut String, items: &[T], mut item: impl FnMut(&mut String, &T)) {
    out.push('[');
    for (i, x) in items.iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        item(out, x);
    }
    out.push(']');
}

fn strings(out: &mut String, items: &[String]) {
    list(out, items, |out, s| string(out, s));
}

/// Fields after the first, written `, name: value`.
fn field_str(out: &mut String, name: &str, v: &str) {
    let _ = write!(out, ", {name}: ");
    string(out, v);
}
fn field_num(out: &mut String, name: &str, v: f64) {
    let _ = write!(out, ", {name}: ");
    number(out, v);
}
fn field_opt_num(out: &mut String, name: &str, v: Option<f64>) {
    if let Some(v) = v {
        field_num(out, name, v);
    }
}
fn field_list(out: &mut String, name: &str, v: &[String]) {
    let _ = write!(out, ", {name}: ");
    strings(out, v);
}
fn field_allow(out: &mut String, v: &[String]) {
    if !v.is_empty() {
        field_list(out, "allow", v);
    }
}

/// `Policy(continuous_load_pct: 80, ups_margin_s: 30, ...)`.
pub fn policy(out: &mut String, p: &Policy) {
    out.push_str("Policy(continuous_load_pct: ");
    number(out, p.continuous_load_pct);
    field_num(out, "ups_margin_s", p.ups_margin_s);
    field_num(out, "max_phase_imbalance_pct", p.max_phase_imbalance_pct);
    let r = &p.reliability;
    if *r != Reliability::default() {
        out.push_str(", reliability: (");
        let mut first = true;
        for (kind, rate) in [
            ("utility", &r.utility),
            ("generator", &r.generator),
            ("ats", &r.ats),
            ("sts", &r.sts),
            ("ups", &r.ups),
            ("panel", &r.panel),
            ("breaker", &r.breaker),
            ("pdu", &r.pdu),
            ("device", &r.device),
            ("psu", &r.psu),
            ("common_cause", &r.common_cause),
        ] {
            if rate.is_empty() {
                continue;
            }
            if !first {
                out.push_str(", ");
            }
            first = false;
            let _ = write!(out, "{kind}: (");
            rate_fields(out, rate, true);
            out.push(')');
        }
        out.push(')');
    }
    out.push(')');
}

/// A rate's figures, `name: value` each, comma-separated; `leading`
/// when the first one opens the list (no comma before it).
fn rate_fields(out: &mut String, r: &Rate, leading: bool) {
    let mut first = leading;
    for (name, v) in [
        ("mtbf_h", r.mtbf_h),
        ("mttr_h", r.mttr_h),
        ("failures_per_year", r.failures_per_year),
        ("repair_h", r.repair_h),
        ("probability", r.probability),
        ("fail_to_start", r.fail_to_start),
        ("short_fraction", r.short_fraction),
        ("reset_h", r.reset_h),
    ] {
        let Some(v) = v else { continue };
        if !first {
            out.push_str(", ");
        }
        first = false;
        let _ = write!(out, "{name}: ");
        number(out, v);
    }
}

/// `Rates(id: "cb-a", mtbf_h: 100000, mttr_h: 4)`.
pub fn rates(out: &mut String, r: &Rates) {
    out.push_str("Rates(id: ");
    string(out, &r.id);
    rate_fields(out, &r.rate(), false);
    out.push(')');
}

/// `Source(id: "cb-a", url: "https://...", name: "Feed A")`.
pub fn source(out: &mut String, s: &Source) {
    out.push_str("Source(id: ");
    string(out, &s.id);
    field_str(out, "url", &s.url);
    if let Some(n) = &s.name {
        field_str(out, "name", n);
    }
    out.push(')');
}

/// `Breaker(id: "cb-1", input: "panel", rating_a: 32, ...)`.
pub fn power(out: &mut String, e: &PowerElement) {
    let _ = write!(out, "{}(id: ", e.kind().name());
    string(out, e.id());
    match e {
        PowerElement::Utility { capacity_kw, .. } => {
            field_opt_num(out, "capacity_kw", *capacity_kw);
        }
        PowerElement::Generator {
            start_s,
            capacity_kw,
            ..
        } => {
            field_num(out, "start_s", *start_s);
            field_opt_num(out, "capacity_kw", *capacity_kw);
        }
        PowerElement::Ats {
            inputs, transfer_s, ..
        } => {
            field_list(out, "inputs", inputs);
            field_num(out, "transfer_s", *transfer_s);
            electrical(out, e);
        }
        PowerElement::Sts { inputs, .. } => {
            field_list(out, "inputs", inputs);
            electrical(out, e);
        }
        PowerElement::Ups {
            input,
            capacity_kw,
            runtime_min,
            bypass,
            ..
        } => {
            field_str(out, "input", input);
            field_num(out, "capacity_kw", *capacity_kw);
            field_num(out, "runtime_min", *runtime_min);
            if let Some(b) = bypass {
                field_str(out, "bypass", b);
            }
        }
        PowerElement::Panel { input, .. } | PowerElement::Breaker { input, .. } => {
            field_str(out, "input", input);
            electrical(out, e);
        }
        PowerElement::Pdu {
            input,
            inputs,
            rack,
            outlet_breakers,
            ..
        } => {
            if let Some(i) = input {
                field_str(out, "input", i);
            }
            if let Some(i) = inputs {
                field_list(out, "inputs", i);
            }
            if let Some(r) = rack {
                field_str(out, "rack", r);
            }
            electrical(out, e);
            if *outlet_breakers {
                out.push_str(", outlet_breakers: true");
            }
        }
    }
    field_allow(out, e.allow());
    field_opt_num(out, "continuous_load_pct", e.continuous_load_pct());
    out.push(')');
}

fn electrical(out: &mut String, e: &PowerElement) {
    let el = e.electrical();
    field_opt_num(out, "rating_a", el.rating_a);
    field_opt_num(out, "volts", el.volts);
    if let Some(p) = el.phases {
        let _ = write!(out, ", phases: {p}");
    }
}

/// A `needs` list: `[All(["a"]), AtLeast(2, ["b", "c", "d"])]`.
pub fn needs(out: &mut String, needs: &[Need]) {
    list(out, needs, |out, n| {
        match n {
            Need::All(_) => out.push_str("All("),
            Need::Any(_) => out.push_str("Any("),
            Need::AtLeast(k, _) => {
                let _ = write!(out, "AtLeast({k}, ");
            }
        }
        strings(out, n.members());
        out.push(')');
    });
}

fn roles(out: &mut String, roles: &[Role]) {
    list(out, roles, |out, r| {
        let _ = write!(out, "{r:?}");
    });
}

fn psu(out: &mut String, p: &Psu) {
    out.push_str("(feed: ");
    string(out, &p.feed);
    if let Some(n) = &p.name {
        field_str(out, "name", n);
    }
    if let Some(ph) = p.phase {
        let _ = write!(out, ", phase: {ph}");
    }
    out.push(')');
}

/// `Device(id: "s01", kind: Server, u: 40, draw_w: 350, psus: [...])`.
pub fn device(out: &mut String, d: &Device) {
    out.push_str("Device(id: ");
    string(out, &d.id);
    let _ = write!(out, ", kind: {:?}, u: {}", d.kind, d.u);
    if d.height_u != 1 {
        let _ = write!(out, ", height_u: {}", d.height_u);
    }
    field_num(out, "draw_w", d.draw_w);
    out.push_str(", psus: ");
    list(out, &d.psus, psu);
    if d.psus_needed != 1 {
        let _ = write!(out, ", psus_needed: {}", d.psus_needed);
    }
    if !d.needs.is_empty() {
        out.push_str(", needs: ");
        needs(out, &d.needs);
    }
    if !d.roles.is_empty() {
        out.push_str(", roles: ");
        roles(out, &d.roles);
    }
    field_allow(out, &d.allow);
    if let Some(face) = d.face {
        let _ = write!(out, ", face: {face:?}");
    }
    if !d.full_depth {
        out.push_str(", full_depth: false");
    }
    out.push(')');
}

/// A rack up to the `[` of its devices, which follow one a line:
/// `Rack(id: "r1", height_u: 42, row: "a", devices: [`.
pub fn rack_open(out: &mut String, rack: &Rack) {
    out.push_str("Rack(id: ");
    string(out, &rack.id);
    let _ = write!(out, ", height_u: {}", rack.height_u);
    if let Some(r) = &rack.row {
        field_str(out, "row", r);
    }
    out.push_str(", devices: [");
}

/// `Service(id: "db", needs: [...], critical: true, ...)`.
pub fn service(out: &mut String, s: &Service) {
    out.push_str("Service(id: ");
    string(out, &s.id);
    out.push_str(", needs: ");
    needs(out, &s.needs);
    if s.critical {
        out.push_str(", critical: true");
    }
    if let Some(r) = s.role {
        let _ = write!(out, ", role: {r:?}");
    }
    if let Some(o) = &s.observes {
        field_list(out, "observes", o);
    }
    field_allow(out, &s.allow);
    out.push(')');
}

/// `CommonCause(id: "fw", members: [...], note: "...")`.
pub fn common_cause(out: &mut String, c: &CommonCause) {
    out.push_str("CommonCause(id: ");
    string(out, &c.id);
    field_list(out, "members", &c.members);
    if let Some(n) = &c.note {
        field_str(out, "note", n);
    }
    field_allow(out, &c.allow);
    out.push(')');
}

/// Where a section's items start, and a rack's devices.
const ITEM: &str = "        ";
const DEVICE: &str = "            ";
/// The end of a section, and of the layout.
pub const SECTION_CLOSE: &str = "    ],\n";
pub const LAYOUT_CLOSE: &str = ")\n";

/// `Layout(` and the fields before the lists, one a line.
pub fn layout_open(out: &mut String, name: &str, description: Option<&str>, p: &Policy) {
    out.push_str("Layout(\n    name: ");
    string(out, name);
    if let Some(d) = description {
        out.push_str(",\n    description: ");
        string(out, d);
    }
    out.push_str(",\n    policy: ");
    policy(out, p);
    out.push_str(",\n");
}

/// A blank line and `    power: [`.
pub fn section_open(out: &mut String, section: &str) {
    let _ = writeln!(out, "\n    {section}: [");
}

/// One item of a section on its own line.
pub fn item<T>(out: &mut String, value: &T, write: fn(&mut String, &T)) {
    out.push_str(ITEM);
    write(out, value);
    out.push_str(",\n");
}

/// A rack with its devices one a line, and `note` as a comment above
/// the device at its index.
pub fn rack(out: &mut String, r: &Rack, note: Option<(usize, &str)>) {
    out.push_str(ITEM);
    rack_open(out, r);
    out.push('\n');
    for (k, d) in r.devices.iter().enumerate() {
        if let Some((_, text)) = note.filter(|(at, _)| *at == k) {
            let _ = writeln!(out, "{DEVICE}// {text}");
        }
        out.push_str(DEVICE);
        device(out, d);
        out.push_str(",\n");
    }
    out.push_str(ITEM);
    out.push_str("]),\n");
}

fn section<T>(out: &mut String, name: &str, items: &[T], write: fn(&mut String, &T)) {
    section_open(out, name);
    for x in items {
        item(out, x, write);
    }
    out.push_str(SECTION_CLOSE);
}

/// A whole layout, as `faultline gen` writes one (without its comments).
pub fn layout(l: &Layout) -> String {
    let mut out = String::new();
    layout_open(&mut out, &l.name, l.description.as_deref(), &l.policy);
    section(&mut out, "power", &l.power, power);
    section_open(&mut out, "racks");
    for r in &l.racks {
        rack(&mut out, r, None);
    }
    out.push_str(SECTION_CLOSE);
    if !l.services.is_empty() {
        section(&mut out, "services", &l.services, service);
    }
    if !l.common_causes.is_empty() {
        section(&mut out, "common_causes", &l.common_causes, common_cause);
    }
    if !l.rates.is_empty() {
        section(&mut out, "rates", &l.rates, rates);
    }
    if !l.sources.is_empty() {
        section(&mut out, "sources", &l.sources, source);
    }
    out.push_str(LAYOUT_CLOSE);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::code::Code;
    use crate::model::format::DeviceKind;

    /// `value` written by `write` and read back by ron; the text is
    /// one line.
    fn round_trip<T>(value: &T, write: fn(&mut String, &T))
    where
        T: serde::de::DeserializeOwned + PartialEq + std::fmt::Debug,
    {
        let mut out = String::new();
        write(&mut out, value);
        let back: T = ron::Options::default()
            .with_default_extension(ron::extensions::Extensions::IMPLICIT_SOME)
            .from_str(&out)
            .unwrap_or_else(|e| panic!("{out}: {e}"));
        assert_eq!(&back, value);
        assert!(!out.contains(['\t', '\r', '\n']), "{out}");
    }

    /// What the writer writes, ron reads back as the same value, awkward
    /// strings included.
    #[test]
    fn ron_reads_back_what_is_written() {
        let odd = "tab\there \"q\" back\\slash\r\nnew 'line' \u{1} café";
        let pdu = PowerElement::Pdu {
            id: "pdu-1".into(),
            input: None,
            inputs: Some(vec!["a".into(), odd.into()]),
            rack: Some("r1".into()),
            rating_a: Some(16.5),
            volts: None,
            phases: Some(3),
            outlet_breakers: true,
            allow: vec![Code::Spof.name().into()],
            continuous_load_pct: None,
        };
        round_trip(&pdu, power);

        let dev = Device {
            id: "s1".into(),
            kind: DeviceKind::Storage,
            u: 3,
            height_u: 2,
            draw_w: 1e-3,
            psus: vec![
                Psu {
                    feed: "pdu-1".into(),
                    name: Some(odd.into()),
                    phase: Some(2),
                },
                Psu {
                    feed: "pdu-2".into(),
                    name: None,
                    phase: None,
                },
            ],
            psus_needed: 2,
            needs: vec![Need::AtLeast(1, vec!["x".into()]), Need::Any(vec![])],
            roles: vec![Role::Backup, Role::StatusPage],
            allow: Vec::new(),
            face: Some(crate::model::format::Face::Rear),
            full_depth: false,
        };
        round_trip(&dev, device);

        let svc = Service {
            id: "svc".into(),
            needs: vec![Need::All(vec!["s1".into()])],
            critical: true,
            role: Some(Role::Monitoring),
            observes: Some(vec![odd.into()]),
            allow: Vec::new(),
        };
        round_trip(&svc, service);

        let group = CommonCause {
            id: "fw".into(),
            members: vec!["pdu-1".into()],
            note: Some(odd.into()),
            allow: vec![Code::FalseRedundancy.name().into()],
        };
        round_trip(&group, common_cause);

        let r = Rates {
            id: odd.into(),
            mtbf_h: Some(87_660.0),
            mttr_h: Some(4.5),
            failures_per_year: None,
            repair_h: None,
            probability: Some(1e-7),
            fail_to_start: None,
            short_fraction: Some(0.1),
            reset_h: Some(0.5),
        };
        round_trip(&r, rates);
        let s = Source {
            id: "Panel 1".into(),
            url: "https://netbox.example/dcim/power-panels/1/".into(),
            name: Some(odd.into()),
        };
        round_trip(&s, source);
        let mut p = Policy::default();
        p.reliability.ups.mtbf_h = Some(100_000.0);
        p.reliability.common_cause.probability = Some(1e-4);
        round_trip(&p, policy);
    }
}
