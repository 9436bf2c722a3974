//! Layout ids for NetBox objects: NetBox's own names where they are valid
//! ids, else a stable id made from them, and unique across everything
//! imported (NetBox names are unique only per site, panel or rack).

use std::collections::{HashMap, HashSet};

/// Hands out ids in the order asked, so the same NetBox data gives the
/// same ids.
#[derive(Debug, Default)]
pub struct Ids {
    used: HashSet<String>,
    by_object: HashMap<(&'static str, u64), String>,
    /// (NetBox name, layout id) where the two differ.
    renamed: Vec<(String, String)>,
}

impl Ids {
    /// The id for NetBox object `netbox_id` of `kind`, named `name`.
    pub fn take(&mut self, name: &str, kind: &'static str, netbox_id: u64) -> String {
        if let Some(id) = self.by_object.get(&(kind, netbox_id)) {
            return id.clone();
        }
        let base = sanitize(name);
        let mut id = base.clone();
        if self.used.contains(&id) {
            // The NetBox object id makes it unique and stays the same on
            // the next import.
            id = format!("{base}.{kind}{netbox_id}");
        }
        let mut n = 2;
        while self.used.contains(&id) {
            id = format!("{base}.{kind}{netbox_id}.{n}");
            n += 1;
        }
        if id != name {
            self.renamed.push((name.to_string(), id.clone()));
        }
        self.used.insert(id.clone());
        self.by_object.insert((kind, netbox_id), id.clone());
        id
    }

    pub fn renamed(&self) -> Vec<(String, String)> {
        self.renamed.clone()
    }
}

/// A valid layout id from a NetBox name: letters, digits, `._:-` and
/// single spaces between words kept (so "Panel 1" stays "Panel 1"); runs
/// of spaces fold into one; anything else (a `/`, which separates a
/// device from its PSU, an accented letter) becomes `-`, runs of `-` fold
/// into one.
pub fn sanitize(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    for c in name.trim().chars() {
        let c = if c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | ':' | '-') {
            c
        } else if c.is_whitespace() {
            ' '
        } else {
            '-'
        };
        if !(matches!(c, '-' | ' ') && out.ends_with(c)) {
            out.push(c);
        }
    }
    let out = out.trim_start_matches(|c: char| !c.is_ascii_alphanumeric());
    let out = out.trim_end_matches(['-', ' ']);
    if out.is_empty() {
        "unnamed".to_string()
    } else {
        out.to_string()
    }
}

/// A PSU name from a power port's name (`PSU 1` -> `PSU-1`).
pub fn psu_name(port: &str) -> String {
    sanitize(port)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_become_ids_and_stay_unique() {
        let mut ids = Ids::default();
        assert_eq!(ids.take("Panel 1", "panel", 4), "Panel 1");
        assert_eq!(ids.take("Panel 1", "panel", 9), "Panel 1.panel9");
        assert_eq!(ids.take("Panel 1", "panel", 4), "Panel 1");
        assert_eq!(ids.take("r07", "rack", 1), "r07");
        assert_eq!(ids.take("a/b", "device", 2), "a-b");
        assert_eq!(ids.take("  --", "device", 3), "unnamed");
        assert_eq!(ids.take("Raum  Süd \t2 ", "rack", 5), "Raum S-d 2");
        for id in ["Panel 1", "Panel 1.panel9", "a-b", "Raum S-d 2"] {
            assert!(crate::model::validate::valid_id(id), "{id}");
        }
        assert_eq!(ids.renamed().len(), 4);
    }
}
