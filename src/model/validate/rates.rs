//! Reliability data (`rates` and `policy.reliability`): each entry names
//! something that can fail, and its figures are rates, hours and
//! probabilities in range.

use super::Validator;
use crate::code::Code;
use crate::model::format::Rate;

use super::targets::Target;

impl Validator<'_> {
    pub(super) fn check_rates(&mut self) {
        let layout = self.layout;
        for k in [
            &layout.policy.reliability.utility,
            &layout.policy.reliability.generator,
            &layout.policy.reliability.ats,
            &layout.policy.reliability.sts,
            &layout.policy.reliability.ups,
            &layout.policy.reliability.panel,
            &layout.policy.reliability.breaker,
            &layout.policy.reliability.pdu,
            &layout.policy.reliability.device,
            &layout.policy.reliability.psu,
            &layout.policy.reliability.common_cause,
        ] {
            self.check_rate("", k);
        }
        for r in &layout.rates {
            let id = r.id.as_str();
            match self.ids.get(id).copied() {
                Some(Target::Power(_) | Target::Device(..) | Target::Common(_)) => {}
                _ if self.is_psu(id) => {}
                Some(t) => {
                    let is = t.describe(layout);
                    self.push(
                        Code::BadRefKind,
                        format!(
                            "`rates` entry names \"{id}\", a {is}, which cannot fail by itself"
                        ),
                        self.at_id(id),
                        "give rates to power elements, devices, PSUs (device/psu) or common causes"
                            .into(),
                    );
                }
                None => self.push(
                    Code::UnknownRef,
                    format!("`rates` entry names \"{id}\", which is not defined"),
                    self.at_id(id),
                    "name a power element, device, PSU (device/psu) or common cause".into(),
                ),
            }
            self.check_rate(id, &r.rate());
        }
    }

    /// `sources`: each names something the layout defines (an element,
    /// rack, device, PSU, service or common cause) and gives a URL.
    pub(super) fn check_sources(&mut self) {
        let layout = self.layout;
        for s in &layout.sources {
            let id = s.id.as_str();
            if !self.ids.contains_key(id) && !self.is_psu(id) {
                self.push(
                    Code::UnknownRef,
                    format!("`sources` entry names \"{id}\", which is not defined"),
                    self.at_id(id),
                    "name a power element, rack, device, PSU (device/psu), service or common cause"
                        .into(),
                );
            }
            if s.url.trim().is_empty() {
                self.push(
                    Code::BadValue,
                    format!("`sources` entry \"{id}\" has an empty url"),
                    self.at_id(id),
                    "give the page of the object in the inventory, or leave the entry out".into(),
                );
            }
        }
    }

    fn check_rate(&mut self, owner: &str, r: &Rate) {
        for (field, v) in [
            ("mttr_h", r.mttr_h),
            ("failures_per_year", r.failures_per_year),
            ("repair_h", r.repair_h),
            ("reset_h", r.reset_h),
        ] {
            if let Some(v) = v {
                self.check_number(owner, field, v, false);
            }
        }
        if let Some(v) = r.mtbf_h {
            self.check_number(owner, "mtbf_h", v, true);
        }
        for (field, v) in [
            ("probability", r.probability),
            ("fail_to_start", r.fail_to_start),
            ("short_fraction", r.short_fraction),
        ] {
            if let Some(v) = v
                && !(0.0..=1.0).contains(&v)
            {
                self.push(
                    Code::BadValue,
                    format!("`{field}` must be a probability between 0 and 1 (found {v})"),
                    self.at_value(owner, field),
                    "write a share as a fraction: 0.1, not 10".into(),
                );
            }
        }
        if r.mtbf_h.is_some() && r.failures_per_year.is_some() {
            self.push(
                Code::BadValue,
                "give `mtbf_h` or `failures_per_year`, not both".into(),
                self.at_field(owner, "failures_per_year"),
                "they say the same thing: failures_per_year = 8766 / mtbf_h".into(),
            );
        }
    }
}
