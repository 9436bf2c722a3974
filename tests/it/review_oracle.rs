//! `diff` against an oracle written from the rule: a finding of
//! NEW is added when no finding of BASE has its code, subject and event;
//! resolved the other way round; changed when one does but its severity,
//! blast radius or allow differs. Checked by brute force (every pair of
//! findings compared) on random layouts and tightened copies of them, and
//! on the same layout written on other lines, where nothing may differ.

use faultline::engine::Analysis;
use faultline::findings::Finding;
use faultline::model::format::Layout;
use faultline::review::diff::{Reviewed, diff};

use crate::oracle::{Rng, random_layout, tighten};

fn reviewed(layout: &Layout, pretty: bool) -> Reviewed {
    let text = if pretty {
        ron::ser::to_string_pretty(layout, Default::default()).unwrap()
    } else {
        ron::ser::to_string(layout).unwrap()
    };
    let loaded = faultline::model::load_str("random.ron", text)
        .unwrap_or_else(|e| panic!("generated layout is invalid:\n{}", e.render(false)));
    let _ = Analysis::new(&loaded.layout);
    Reviewed::new(loaded)
}

fn same_identity(a: &Finding, b: &Finding) -> bool {
    a.code == b.code && a.subject == b.subject && a.event == b.event
}

/// (added, resolved, changed, unchanged) by brute force: each finding
/// of NEW takes the first unused finding of BASE with its identity.
fn oracle(base: &[Finding], new: &[Finding]) -> (Vec<String>, Vec<String>, Vec<String>, usize) {
    let key = |f: &Finding| format!("{} {} {:?}", f.code.name(), f.subject, f.event);
    let mut used = vec![false; base.len()];
    let (mut added, mut changed, mut unchanged) = (Vec::new(), Vec::new(), 0);
    for f in new {
        match (0..base.len()).find(|&i| !used[i] && same_identity(&base[i], f)) {
            Some(i) => {
                used[i] = true;
                let b = &base[i];
                if b.severity == f.severity && b.affected == f.affected && b.allowed == f.allowed {
                    unchanged += 1;
                } else {
                    changed.push(key(f));
                }
            }
            None => added.push(key(f)),
        }
    }
    let resolved = base
        .iter()
        .zip(&used)
        .filter(|(_, u)| !**u)
        .map(|(f, _)| key(f))
        .collect();
    (added, resolved, changed, unchanged)
}

#[test]
fn diff_agrees_with_brute_force_matching_on_random_layouts() {
    let mut rng = Rng::new(14);
    let mut differed = 0;
    for _ in 0..150 {
        let a = random_layout(&mut rng);
        let mut b = a.clone();
        if rng.chance(70) {
            tighten(&mut b, &mut rng);
        }
        let (ra, rb) = (reviewed(&a, false), reviewed(&b, rng.chance(50)));
        let d = diff(&ra, &rb);
        let key = |f: &Finding| format!("{} {} {:?}", f.code.name(), f.subject, f.event);
        let got = (
            d.added.iter().map(|f| key(f)).collect::<Vec<_>>(),
            d.resolved.iter().map(|f| key(f)).collect::<Vec<_>>(),
            d.changed.iter().map(|c| key(c.after)).collect::<Vec<_>>(),
            d.unchanged,
        );
        assert_eq!(got, oracle(&ra.findings, &rb.findings));
        if !(d.added.is_empty() && d.resolved.is_empty() && d.changed.is_empty()) {
            differed += 1;
        }
        // The other way round, added and resolved swap.
        let back = diff(&rb, &ra);
        assert_eq!(back.added.len(), d.resolved.len());
        assert_eq!(back.resolved.len(), d.added.len());
        assert_eq!(back.changed.len(), d.changed.len());
    }
    assert!(
        differed > 30,
        "the random pairs differ often enough to test: {differed}"
    );
}

/// The same layout on other lines (compact and pretty RON): every finding
/// is unchanged, though their lines differ.
#[test]
fn a_layout_written_on_other_lines_diffs_to_nothing() {
    let mut rng = Rng::new(1414);
    for _ in 0..100 {
        let a = random_layout(&mut rng);
        let (compact, pretty) = (reviewed(&a, false), reviewed(&a, true));
        let d = diff(&compact, &pretty);
        assert!(d.added.is_empty() && d.resolved.is_empty() && d.changed.is_empty());
        assert_eq!(d.unchanged, compact.findings.len());
        assert!(d.loads.is_empty());
    }
}
