//! `faultline place`: the placement the planner asked for, as text for
//! people, Markdown for a planning document, or JSON for tools. Nothing
//! here decides where a device goes.

use serde_json::{Value, json};

use crate::diagnostic::Palette;
use crate::plan::place::{Answer, NothingFits, Proposal, Request};

fn watts(w: f64) -> Value {
    if w.is_finite() {
        json!((w * 10.0).round() / 10.0)
    } else {
        Value::Null
    }
}

fn w_text(w: f64) -> String {
    if w.is_nan() {
        // Another pair of the rack's feeds, checked exactly, not estimated.
        "checked".to_string()
    } else if w.is_finite() {
        format!("{w:.0} W")
    } else {
        "unlimited".to_string()
    }
}

/// "4 devices of 250 W (2 PSUs, 1 needed, 1 U)".
fn asked(req: &Request) -> String {
    format!(
        "{} device{} of {:.0} W ({} PSU{}, {} needed, {} U){}",
        req.count,
        if req.count == 1 { "" } else { "s" },
        req.draw_w,
        req.psus,
        if req.psus == 1 { "" } else { "s" },
        req.psus_needed,
        req.height_u,
        req.service
            .as_ref()
            .map(|s| format!(" for service {s}"))
            .unwrap_or_default()
    )
}

fn window(out: &[String]) -> String {
    if out.is_empty() {
        String::new()
    } else {
        format!(", with {} out of service", out.join(", "))
    }
}

pub fn json(answer: &Answer, req: &Request, out: &[String]) -> String {
    let request = json!({
        "draw_w": watts(req.draw_w), "psus": req.psus, "psus_needed": req.psus_needed,
        "height_u": req.height_u, "count": req.count, "service": req.service, "out": out,
    });
    let v = match answer {
        Answer::Placed(p) => json!({
            "request": request,
            "placed": true,
            "devices": p.devices.iter().map(|d| json!({
                "id": d.id, "rack": d.rack, "row": d.row, "u": d.u, "feeds": d.feeds,
                "rack_headroom_w": watts(d.rack_headroom_w), "limited_by": d.limited_by,
                "left_w": watts(d.left_w),
            })).collect::<Vec<_>>(),
            "service": p.service.as_ref().map(|s| json!({
                "id": s.id, "entry_before": s.entry_before, "entry_after": s.entry_after,
                "single_points": {"before": s.singles_before, "after": s.singles_after},
                "double_faults": {"before": s.doubles_before.len(), "after": s.doubles_after.len(),
                                  "pairs": s.doubles_after},
            })),
            "inherent": p.inherent.iter().map(|f| json!({
                "code": f.code.name(), "severity": f.severity.name(), "subject": f.subject,
                "message": f.message,
            })).collect::<Vec<_>>(),
            "not_achieved": p.not_achieved,
            "set_aside": p.set_aside.iter().map(|(r, why)| json!({"rack": r, "why": why})).collect::<Vec<_>>(),
        }),
        Answer::NothingFits(n) => json!({
            "request": request,
            "placed": false,
            "placed_at_most": n.placed_at_most,
            "racks": n.racks.iter().map(|(r, why)| json!({"rack": r, "why": why})).collect::<Vec<_>>(),
        }),
    };
    let mut s = serde_json::to_string_pretty(&v).expect("JSON values serialise");
    s.push('\n');
    s
}

pub fn human(answer: &Answer, req: &Request, out: &[String], colour: bool) -> String {
    let p = Palette::new(colour);
    match answer {
        Answer::Placed(prop) => placed_text(prop, req, out, &p),
        Answer::NothingFits(n) => nothing_text(n, req, out, &p),
    }
}

fn placed_text(prop: &Proposal, req: &Request, out: &[String], p: &Palette) -> String {
    let mut s = format!(
        "{}\n\n",
        p.bold(&format!("placed {}{}:", asked(req), window(out)))
    );
    let rows: Vec<[String; 6]> = prop
        .devices
        .iter()
        .map(|d| {
            [
                d.id.clone(),
                d.rack.clone(),
                d.u.to_string(),
                d.feeds.join(", "),
                w_text(d.rack_headroom_w),
                w_text(d.left_w),
            ]
        })
        .collect();
    let head = [
        "device",
        "rack",
        "U",
        "feeds (PSU order)",
        "headroom",
        "left",
    ];
    s.push_str(&table(&head, &rows));
    if let Some(svc) = &prop.service {
        s.push_str(&format!(
            "\nservice {}: {} -> {}\n",
            svc.id, svc.entry_before, svc.entry_after
        ));
        s.push_str(&format!(
            "  single events that take it down: {} before, {} after\n",
            svc.singles_before.len(),
            svc.singles_after.len()
        ));
        s.push_str(&format!(
            "  pairs of events that take it down: {} before, {} after\n",
            svc.doubles_before.len(),
            svc.doubles_after.len()
        ));
    }
    for f in &prop.inherent {
        s.push_str(&format!(
            "\nnote: {} raises {}[{}] wherever it goes: {}\n",
            f.subject,
            f.severity.name(),
            f.code.name(),
            f.message
        ));
    }
    for (rack, why) in &prop.set_aside {
        s.push_str(&format!("set aside {rack}: {why}\n"));
    }
    for n in &prop.not_achieved {
        s.push_str(&format!("\n{} {n}\n", p.alarm("not achieved:")));
    }
    s.push_str(
        "\nchecked: no element above its limit in the base state or after any single event, no finding new or worse\n",
    );
    s
}

fn nothing_text(n: &NothingFits, req: &Request, out: &[String], p: &Palette) -> String {
    let mut s = format!(
        "{}\n",
        p.alarm(&format!("nothing fits: {}{}", asked(req), window(out)))
    );
    if n.placed_at_most > 0 {
        s.push_str(&format!(
            "at most {} of them could be placed; no placement of all holds\n",
            n.placed_at_most
        ));
    }
    s.push('\n');
    let rows: Vec<[String; 2]> = n
        .racks
        .iter()
        .map(|(r, why)| [r.clone(), why.clone()])
        .collect();
    s.push_str(&table(&["rack", "why not"], &rows));
    s
}

fn table<const N: usize>(head: &[&str; N], rows: &[[String; N]]) -> String {
    let mut width: Vec<usize> = head.iter().map(|h| h.chars().count()).collect();
    for r in rows {
        for (w, c) in width.iter_mut().zip(r) {
            *w = (*w).max(c.chars().count());
        }
    }
    let line = |cells: Vec<&str>| {
        let mut l = String::new();
        for (i, (c, w)) in cells.iter().zip(&width).enumerate() {
            if i + 1 == N {
                l.push_str(c);
            } else {
                l.push_str(&format!("{c:<w$}  "));
            }
        }
        l.trim_end().to_string() + "\n"
    };
    let mut s = line(head.to_vec());
    for r in rows {
        s.push_str(&line(r.iter().map(String::as_str).collect()));
    }
    s
}

/// Escape what Markdown would read as markup in an id or message.
fn md(text: &str) -> String {
    let mut s = String::new();
    for c in text.chars() {
        if "\\`*_[]<>|#".contains(c) {
            s.push('\\');
        }
        s.push(c);
    }
    s
}

pub fn markdown(answer: &Answer, req: &Request, out: &[String]) -> String {
    let mut s = String::new();
    match answer {
        Answer::Placed(prop) => {
            s.push_str(&format!(
                "### Placed {}{}\n\n",
                md(&asked(req)),
                md(&window(out))
            ));
            s.push_str(
                "| device | rack | U | feeds | headroom | left |\n|---|---|---:|---|---:|---:|\n",
            );
            for d in &prop.devices {
                s.push_str(&format!(
                    "| {} | {} | {} | {} | {} | {} |\n",
                    md(&d.id),
                    md(&d.rack),
                    d.u,
                    md(&d.feeds.join(", ")),
                    w_text(d.rack_headroom_w),
                    w_text(d.left_w)
                ));
            }
            if let Some(svc) = &prop.service {
                s.push_str(&format!(
                    "\nService **{}**: `{}` → `{}`; single events that take it down {} → {}, pairs {} → {}.\n",
                    md(&svc.id),
                    svc.entry_before,
                    svc.entry_after,
                    svc.singles_before.len(),
                    svc.singles_after.len(),
                    svc.doubles_before.len(),
                    svc.doubles_after.len()
                ));
            }
            for n in &prop.not_achieved {
                s.push_str(&format!("\n**Not achieved:** {}\n", md(n)));
            }
        }
        Answer::NothingFits(n) => {
            s.push_str(&format!(
                "### Nothing fits: {}{}\n\n| rack | why not |\n|---|---|\n",
                md(&asked(req)),
                md(&window(out))
            ));
            for (r, why) in &n.racks {
                s.push_str(&format!("| {} | {} |\n", md(r), md(why)));
            }
        }
    }
    s
}
