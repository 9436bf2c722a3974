//! Words written the same way everywhere: the findings, the reports and the
//! TUI say "3 PSUs" and "cb-a carries 9.0 kW = 130% of 6.9 kW" through
//! these. The ground floor: it imports nothing from the crate.

/// "" for one, "s" for any other count: "1 device", "0 devices".
pub fn s(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

/// "1 PSU", "3 PSUs".
pub fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// Watts as kilowatts with one decimal: "9.0 kW".
pub fn kw(watts: f64) -> String {
    format!("{:.1} kW", watts / 1000.0)
}

/// "ID carries 9.0 kW = 130% of 6.9 kW", the percentage with `decimals`
/// digits. `id` comes formatted (a report may colour it).
pub fn carries(id: &str, load_w: f64, capacity_w: f64, pct: f64, decimals: usize) -> String {
    format!(
        "{id} carries {} = {pct:.decimals$}% of {}",
        kw(load_w),
        kw(capacity_w)
    )
}

/// "12 findings in 3 blocks": how every report counts findings and the
/// blocks it groups them into.
pub fn findings_in_blocks(findings: usize, blocks: usize) -> String {
    format!(
        "{} in {}",
        plural(findings, "finding", "findings"),
        plural(blocks, "block", "blocks")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_and_loads_read_as_english() {
        assert_eq!(plural(1, "PSU", "PSUs"), "1 PSU");
        assert_eq!(plural(0, "PSU", "PSUs"), "0 PSUs");
        assert_eq!(format!("2 device{}", s(2)), "2 devices");
        assert_eq!(
            carries("cb-b", 9000.0, 6900.0, 130.43, 0),
            "cb-b carries 9.0 kW = 130% of 6.9 kW"
        );
        assert_eq!(
            carries("ups", 800.0, 1000.0, 80.0, 1),
            "ups carries 0.8 kW = 80.0% of 1.0 kW"
        );
    }
}
