//! Planning the next change: where new devices go ([`place`]). It sits
//! above the findings because a placement is judged by them: nothing it
//! proposes may make a finding worse.

mod candidates;
mod insert;
pub mod place;
mod verify;

use crate::model::format::DeviceKind;

/// What to place.
#[derive(Debug, Clone, PartialEq)]
pub struct Request {
    pub draw_w: f64,
    pub psus: u32,
    pub psus_needed: u32,
    pub height_u: u32,
    pub count: u32,
    pub service: Option<String>,
    pub kind: DeviceKind,
}
