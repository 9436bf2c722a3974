//! What an id names and what a reference may name: the two tables the
//! reference checks read, apart from the checks so that a new kind of
//! element or field is added in one place.

use crate::model::format::Layout;

/// What an id names: an index into the layout's lists.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) enum Target {
    Power(usize),
    Rack(usize),
    Device(usize, usize),
    Service(usize),
    Common(usize),
}

impl Target {
    pub(super) fn describe(self, layout: &Layout) -> String {
        match self {
            Target::Power(i) => format!("power element ({})", layout.power[i].kind().name()),
            Target::Rack(_) => "rack".into(),
            Target::Device(..) => "device".into(),
            Target::Service(_) => "service".into(),
            Target::Common(_) => "common-cause group".into(),
        }
    }
}

/// What a reference may name, by the field it is written in.
#[derive(Debug, Clone, Copy)]
pub(super) enum Wants {
    /// `input`, `inputs`, `bypass`.
    Power,
    /// A PSU's `feed`.
    PsuFeed,
    /// A PDU's `rack`.
    Rack,
    /// `needs`.
    DeviceOrService,
    /// A service's `observes`.
    CriticalService,
    /// A common cause's `members` (PSUs are checked before).
    Member,
}

impl Wants {
    pub(super) fn accepts(self, t: Target, layout: &Layout) -> bool {
        match self {
            Wants::Power => matches!(t, Target::Power(_)),
            Wants::PsuFeed => {
                matches!(t, Target::Power(p) if layout.power[p].kind().accepts_psu())
            }
            Wants::Rack => matches!(t, Target::Rack(_)),
            Wants::DeviceOrService => matches!(t, Target::Device(..) | Target::Service(_)),
            Wants::CriticalService => {
                matches!(t, Target::Service(s) if layout.services[s].critical)
            }
            Wants::Member => matches!(t, Target::Power(_) | Target::Device(..)),
        }
    }

    /// How a message names what is wanted.
    pub(super) fn what(self) -> &'static str {
        match self {
            Wants::Power => "a power element",
            Wants::PsuFeed => "a Pdu, Breaker, Panel, Sts or Ups",
            Wants::Rack => "a rack",
            Wants::DeviceOrService => "a device or a service",
            Wants::CriticalService => "a critical service",
            Wants::Member => "a power element, device or PSU",
        }
    }
}

/// How a message names the kind of thing a struct type is.
pub(super) fn describe_type(type_name: &str) -> String {
    match type_name {
        "Rack" => "rack".into(),
        "Device" => "device".into(),
        "Service" => "service".into(),
        "CommonCause" => "common-cause group".into(),
        power => format!("power element ({power})"),
    }
}
