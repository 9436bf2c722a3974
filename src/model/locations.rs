//! Where each id and each PSU entry is written: what a loaded layout
//! keeps of its source index.

use rustc_hash::FxHashMap as HashMap;

use super::lexer::Loc;

/// Where each id and each PSU entry is written: all that findings, reports
/// and the TUI point at once a layout has loaded. The full index (every
/// key and string) serves validation only and is dropped after it: on a
/// million-device hall it is most of a gigabyte.
#[derive(Debug, Default, PartialEq)]
pub struct Locations {
    ids: HashMap<String, IdLoc>,
    /// The PSU entries of each device, consecutive: `IdLoc::first_psu`
    /// indexes here.
    psus: Vec<Loc>,
}

#[derive(Debug, Clone, Copy, PartialEq)]
struct IdLoc {
    loc: Loc,
    first_psu: u32,
    psu_count: u32,
}

impl Locations {
    /// From each id with where it is written and its PSU entries (a range
    /// of `psus`).
    pub(crate) fn new(
        ids: impl Iterator<Item = (String, Loc, u32, u32)>,
        psus: Vec<Loc>,
    ) -> Locations {
        let mut map: HashMap<String, IdLoc> = HashMap::default();
        map.reserve(ids.size_hint().0);
        for (id, loc, first_psu, psu_count) in ids {
            // A repeated id (an invalid layout) points at its first place.
            map.entry(id).or_insert(IdLoc {
                loc,
                first_psu,
                psu_count,
            });
        }
        Locations { ids: map, psus }
    }

    /// Where the thing `id` is defined (its `id: "..."` literal).
    pub fn id(&self, id: &str) -> Option<Loc> {
        self.ids.get(id).map(|i| i.loc)
    }

    /// Where the `index`-th PSU of `device` is written.
    pub fn psu(&self, device: &str, index: usize) -> Option<Loc> {
        let i = self.ids.get(device)?;
        if index >= i.psu_count as usize {
            return None;
        }
        self.psus.get(i.first_psu as usize + index).copied()
    }
}
