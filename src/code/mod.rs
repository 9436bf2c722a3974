//! The registry of every diagnostic code: the validation errors that make a
//! layout unusable and the findings that `check` reports (analysis.md).
//!
//! One enum, as cargo-deny keeps one `Code` per check: its variant names
//! give the stable kebab-case names (through `strum`), and each code's
//! default severity, one-line summary and help live in [`Code::info`]. The
//! longer explanations with an example, for `faultline explain`, are in
//! [`explain`]. Nothing else in the crate spells a code as a string, so a
//! new code is added here and nowhere else but the doc.

pub mod explain;

use serde::{Serialize, Serializer};
use strum::IntoEnumIterator;

use crate::suggest::closest;

/// How bad a diagnostic is: each code has a default (see [`Code::info`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
    Note,
}

impl Severity {
    pub fn name(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Note => "note",
        }
    }
}

/// Every diagnostic code. The order is the registry's (validation first,
/// then findings, as analysis.md lists them); reports sort by name.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    strum::EnumString,
    strum::IntoStaticStr,
    strum::EnumIter,
    strum::Display,
)]
#[strum(serialize_all = "kebab-case")]
pub enum Code {
    // Validation: the layout cannot be used (exit status 2).
    Unreadable,
    Syntax,
    UnknownField,
    DuplicateId,
    UnknownRef,
    BadRefKind,
    Cycle,
    RackOverlap,
    RackBounds,
    BadValue,
    BadThreshold,
    // Findings: what is wrong with a valid design.
    Unpowered,
    NoPowerPath,
    Overload,
    Derating,
    SinglePsu,
    FalseRedundancy,
    Spof,
    SharedFate,
    ShortTrip,
    FailoverOverload,
    UpsBridge,
    NoStandby,
    PhaseImbalance,
    DoubleFault,
}

/// Which of the two families a code belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Family {
    /// The file cannot be analysed; never allowed, always exit status 2.
    Validation,
    /// A flaw in a valid design; an `allow` list may accept it.
    Finding,
}

/// What the registry says about one code.
#[derive(Debug, Clone, Copy)]
pub struct Info {
    pub family: Family,
    pub severity: Severity,
    /// What raises it, in one line.
    pub summary: &'static str,
    /// What to do about it, shown as the `= help:` line of a finding.
    pub help: &'static str,
}

const fn validation(summary: &'static str, help: &'static str) -> Info {
    Info {
        family: Family::Validation,
        severity: Severity::Error,
        summary,
        help,
    }
}

const fn finding(severity: Severity, summary: &'static str, help: &'static str) -> Info {
    Info {
        family: Family::Finding,
        severity,
        summary,
        help,
    }
}

impl Code {
    /// The stable kebab-case name (`single-psu`), as written in reports,
    /// JSON and `allow` lists.
    pub fn name(self) -> &'static str {
        self.into()
    }

    /// The code of that name, if there is one.
    pub fn from_name(name: &str) -> Option<Code> {
        name.parse().ok()
    }

    /// Every code, in registry order.
    pub fn all() -> impl Iterator<Item = Code> {
        Code::iter()
    }

    /// The finding codes: what an `allow` list may name.
    pub fn findings() -> impl Iterator<Item = Code> {
        Code::iter().filter(|c| c.is_finding())
    }

    pub fn is_finding(self) -> bool {
        self.info().family == Family::Finding
    }

    pub fn severity(self) -> Severity {
        self.info().severity
    }

    pub fn summary(self) -> &'static str {
        self.info().summary
    }

    pub fn help(self) -> &'static str {
        self.info().help
    }

    /// The closest code name to a misspelt one, for "did you mean".
    pub fn closest(name: &str, among: impl Iterator<Item = Code>) -> Option<Code> {
        let names: Vec<&'static str> = among.map(Code::name).collect();
        closest(name, names.into_iter()).and_then(Code::from_name)
    }

    pub fn info(self) -> Info {
        use Code::*;
        use Severity::{Error, Note, Warning};
        match self {
            Unreadable => validation(
                "the layout file cannot be read: missing, a directory, unreadable or too large",
                "give the path of one layout file (.ron, or .json from `export`)",
            ),
            Syntax => validation(
                "the file is not well-formed RON (or JSON): a missing comma, bracket or quote, or not text at all",
                "the message says what was expected where; a layout file holds one `Layout(...)`",
            ),
            UnknownField => validation(
                "a field, element kind or variant that the format does not define",
                "check the spelling against the list of expected names in the message",
            ),
            DuplicateId => validation(
                "an id is used twice in the file, or a PSU name twice in one device",
                "ids must be unique across the whole file (power, racks, devices, services, common causes)",
            ),
            UnknownRef => validation(
                "a reference (`input`, `feed`, `needs`, `rack`, `members`, `observes`) names an id that is not defined",
                "define the element, or fix the spelling of the reference",
            ),
            BadRefKind => validation(
                "a reference names an id of the wrong kind: a PSU plugged into a device, a service listed as a feed",
                "name an element of the kind the field takes (the message says which)",
            ),
            Cycle => validation(
                "power or `needs` runs in a circle, so nothing in it can be up first",
                "power and `needs` must flow one way; break one of the links",
            ),
            RackOverlap => validation(
                "two devices occupy the same rack unit",
                "move one of them: `u` is the lowest unit a device occupies",
            ),
            RackBounds => validation(
                "a device sits outside its rack's units (below U1 or above the rack's height)",
                "`u` is the lowest unit the device occupies (1 = bottom); it must fit inside the rack",
            ),
            BadValue => validation(
                "a value is missing, of the wrong type or out of range",
                "see layout-format.md for what each field takes",
            ),
            BadThreshold => validation(
                "`psus_needed` or `AtLeast(k, ...)` asks for none, or for more than is listed",
                "`psus_needed` and k lie between 1 and the number listed; lists cannot be empty",
            ),
            Unpowered => finding(
                Error,
                "a device or service is down with nothing failed",
                "something it depends on is down with nothing failed; check its feeds and `needs`",
            ),
            NoPowerPath => finding(
                Warning,
                "a device has no PSU connected to anything (`psus: []`)",
                "cable its power ports, then list each one under `psus`; until then it is down and counts as such",
            ),
            Overload => finding(
                Error,
                "an element is above 100% of its capacity with nothing failed (it trips)",
                "the element is over its rating with nothing failed: spread the load or raise the rating",
            ),
            Derating => finding(
                Warning,
                "steady load above `continuous_load_pct` (80%) of capacity",
                "keep steady load under the continuous rating (policy continuous_load_pct) to leave headroom",
            ),
            SinglePsu => finding(
                Warning,
                "a device has no spare PSU (one PSU, or needs all it has)",
                "give it a second PSU on an independent feed, or accept it with `allow: [\"single-psu\"]`",
            ),
            FalseRedundancy => finding(
                Error,
                "a device with a spare PSU loses power on one failure of a power element or one common cause",
                "feed each PSU from an independent path: different PDU, breaker, panel and UPS",
            ),
            Spof => finding(
                Error,
                "one event (any failure, PSU short or common cause) takes down a critical service",
                "give the service a second path that does not share this element",
            ),
            SharedFate => finding(
                Error,
                "one event takes down a critical service and something that should see it (role `Management`, `Monitoring`, `StatusPage`, `Backup`)",
                "move the management and status paths out of the failure domain they watch",
            ),
            ShortTrip => finding(
                Warning,
                "a short in any PSU below a breaker trips it and its trip takes down devices",
                "use PDUs with outlet breakers, or give single-PSU devices a circuit of their own",
            ),
            FailoverOverload => finding(
                Error,
                "one failure makes another element trip on overload: redundancy that fails under load",
                "each side must carry the whole load alone: keep every side under 50% of its rating, or upsize",
            ),
            UpsBridge => finding(
                Error,
                "a UPS battery runs out before the generator start plus transfer times",
                "a bigger battery, a faster generator start or transfer, or less load on this UPS",
            ),
            NoStandby => finding(
                Note,
                "a UPS with no generator upstream",
                "a generator behind the UPS turns a utility outage from minutes into hours",
            ),
            PhaseImbalance => finding(
                Warning,
                "a three-phase element's legs deviate from their mean by more than `max_phase_imbalance_pct`",
                "move PSUs between legs (`phase: 1/2/3`) to even out the load",
            ),
            DoubleFault => finding(
                Note,
                "a critical service has minimal cut sets of two events",
                "these pairs are what redundancy protects against; check each pair is truly independent",
            ),
        }
    }
}

/// JSON writes the name, exactly as the strings it wrote before the
/// registry existed.
impl Serialize for Code {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.name())
    }
}

/// A code equals its name: what tests and callers holding a name from
/// JSON or an `allow` list compare with.
impl PartialEq<str> for Code {
    fn eq(&self, other: &str) -> bool {
        self.name() == other
    }
}

impl PartialEq<&str> for Code {
    fn eq(&self, other: &&str) -> bool {
        self.name() == *other
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_unique_kebab_case_and_round_trip() {
        let mut seen = std::collections::HashSet::new();
        for code in Code::all() {
            let name = code.name();
            assert!(seen.insert(name), "{name} twice");
            assert!(
                !name.is_empty()
                    && !name.starts_with('-')
                    && !name.ends_with('-')
                    && !name.contains("--")
                    && name.chars().all(|c| c.is_ascii_lowercase() || c == '-'),
                "{name} is not kebab-case"
            );
            assert_eq!(Code::from_name(name), Some(code));
            assert_eq!(code.to_string(), name);
            assert_eq!(serde_json::to_string(&code).unwrap(), format!("\"{name}\""));
        }
        assert_eq!(seen.len(), 25);
        assert_eq!(Code::from_name("Spof"), None, "names are exact");
    }

    #[test]
    fn every_code_has_a_summary_and_help() {
        for code in Code::all() {
            let name = code.name();
            assert!(!code.summary().trim().is_empty(), "{name}: summary");
            assert!(!code.help().trim().is_empty(), "{name}: help");
            assert!(!code.summary().contains('\n'), "{name}: one line");
        }
    }

    #[test]
    fn validation_codes_are_errors_and_findings_are_what_allow_names() {
        for code in Code::all() {
            if !code.is_finding() {
                assert_eq!(code.severity(), Severity::Error, "{code}");
            }
        }
        let findings: Vec<&str> = Code::findings().map(Code::name).collect();
        assert_eq!(findings.len(), 14);
        assert!(findings.contains(&"spof") && !findings.contains(&"syntax"));
    }

    #[test]
    fn closest_suggests_a_code_for_a_typo() {
        assert_eq!(Code::closest("sopf", Code::all()), Some(Code::Spof));
        assert_eq!(
            Code::closest("single-pus", Code::findings()),
            Some(Code::SinglePsu)
        );
        assert_eq!(Code::closest("utterly-unrelated", Code::all()), None);
    }
}
