//! Reviewing a change: which findings a new version of a layout adds,
//! resolves or changes ([`diff`]), which ones a baseline already accepted
//! ([`baseline`]), the stable identity both match on ([`identity`]), and
//! where a side comes from: a file, standard input or a git revision
//! ([`input`]). Nothing here analyses: it compares what `findings` and the
//! engine answered for each side.

pub mod baseline;
pub mod diff;
pub mod identity;
pub mod input;
