//! Planning the next change: where new devices go ([`place`]). It sits
//! above the findings because a placement is judged by them: nothing it
//! proposes may make a finding worse.

pub mod place;
mod verify;
