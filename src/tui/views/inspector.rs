//! The inspector: the selection, what feeds it, what it feeds, the findings
//! on it and what failing it would add to the current what-if.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

use super::{block, theme};
use crate::engine::{Added, Marginal};
use crate::engine::{Event, Graph, NodeId, NodeKind};
use crate::model::format::PowerElement;
use crate::tui::app::{App, Pane, State, Target};
use crate::wording::plural;

/// Longest list shown for feeds and blast radius before "and N more".
const LIST_MAX: usize = 12;

pub fn draw(f: &mut Frame, area: Rect, app: &mut App) {
    let b = block(app, Pane::Inspector, vec![Span::raw("Inspector")]);
    let inner = b.inner(area);
    f.render_widget(b, area);
    let lines = lines(app);
    let total = lines.len() as u16;
    app.inspector_scroll = app.inspector_scroll.min(total.saturating_sub(1));
    let p = Paragraph::new(lines)
        .wrap(Wrap { trim: false })
        .scroll((app.inspector_scroll, 0));
    f.render_widget(p, inner);
}

fn node_span(app: &App, n: NodeId) -> Vec<Span<'static>> {
    let st = app.state(n);
    vec![
        Span::styled(
            format!("{} ", theme::state_glyph(st)),
            theme::glyph_style(st),
        ),
        Span::styled(app.model.graph().id(n).to_string(), theme::name_style(st)),
    ]
}

fn heading(text: String) -> Line<'static> {
    Line::from(Span::styled(text, theme::heading()))
}

/// The inspector's text for the selection.
pub fn lines(app: &App) -> Vec<Line<'static>> {
    let Some(t) = app.selected else {
        return vec![Line::styled(
            "Select something in the tree, the rack or the findings.",
            theme::dim(),
        )];
    };
    let mut out = Vec::new();
    let g = app.model.graph();
    match t {
        Target::Node(n) => {
            title(app, n, &mut out);
            fed_by(app, g, n, &mut out);
            feeds(app, g, n, &mut out);
        }
        Target::Common(i) => {
            let st = app.common_state(i);
            let group = &g.common[i as usize];
            out.push(Line::from(vec![
                Span::styled(
                    format!("{} ", theme::state_glyph(st)),
                    theme::glyph_style(st),
                ),
                Span::styled(
                    group.id.clone(),
                    theme::name_style(st).add_modifier(ratatui::style::Modifier::BOLD),
                ),
                Span::styled("  common-cause group", theme::dim()),
            ]));
            if let Some(note) = app
                .model
                .loaded
                .layout
                .common_causes
                .get(i as usize)
                .and_then(|c| c.note.clone())
            {
                out.push(Line::styled(note, theme::dim()));
            }
            location(app, &group.id, &mut out);
            out.push(Line::default());
            out.push(heading(format!("Members ({})", group.members.len())));
            for &m in group.members.iter().take(LIST_MAX) {
                let mut l = vec![Span::raw("  ")];
                l.extend(node_span(app, m));
                out.push(Line::from(l));
            }
            more(group.members.len(), &mut out);
        }
    }
    findings_on(app, app.model.target_id(t), &mut out);
    radius(app, &mut out);
    out
}

fn title(app: &App, n: NodeId, out: &mut Vec<Line<'static>>) {
    let g = app.model.graph();
    let st = app.state(n);
    let mut l = node_span(app, n);
    l[1].style = l[1].style.add_modifier(ratatui::style::Modifier::BOLD);
    l.push(Span::styled(
        format!("  {}", app.kind_label(n)),
        theme::dim(),
    ));
    let word = theme::state_word(st);
    if !word.is_empty() {
        l.push(Span::styled(
            format!("  {}", word.to_uppercase()),
            theme::glyph_style(st),
        ));
    }
    out.push(Line::from(l));
    let facts = facts(app, n);
    if !facts.is_empty() {
        out.push(Line::styled(facts, theme::dim()));
    }
    location(app, g.id(n), out);
    if g.is_power(n) {
        load_gauge(app, n, out);
    }
}

/// Load against capacity as a bar, with the as-designed load when the
/// what-if moved it.
fn load_gauge(app: &App, n: NodeId, out: &mut Vec<Line<'static>>) {
    let Some((load, cap)) = app.load(n) else {
        return;
    };
    let base = app.whatif.outcome.base_load(&app.model.analysis, n);
    let mut l = vec![Span::styled("load ", theme::dim())];
    if cap.is_finite() && cap > 0.0 {
        let pct = crate::engine::load::utilisation_pct(load, cap);
        const BAR: usize = 20;
        let filled = ((pct / 100.0) * BAR as f64).round().clamp(0.0, BAR as f64) as usize;
        let style = theme::load_style(pct, app.derating_pct(n));
        l.push(Span::styled("█".repeat(filled), style));
        l.push(Span::styled("░".repeat(BAR - filled), theme::dim()));
        l.push(Span::styled(format!(" {pct:.0}%"), style));
        l.push(Span::raw(format!(
            "  {} of {}",
            theme::watts(load),
            theme::watts(cap)
        )));
    } else {
        l.push(Span::raw(format!("{} (no rating)", theme::watts(load))));
    }
    if (base - load).abs() > 0.5 {
        l.push(Span::styled(
            format!("  as designed {}", theme::watts(base)),
            theme::dim(),
        ));
    }
    out.push(Line::from(l));
    let outcome = &app.whatif.outcome;
    if let Some(t) = outcome.trip_of(&app.model.analysis, n) {
        let text = if t.round == 0 {
            format!(
                "above capacity at {:.0}% (the cascade is off)",
                t.load_pct()
            )
        } else if outcome.tripped_now(n) {
            format!(
                "tripped on overload at {:.0}% in round {}",
                t.load_pct(),
                t.round
            )
        } else {
            format!(
                "trips on overload with nothing failed ({:.0}%)",
                t.load_pct()
            )
        };
        out.push(Line::styled(text, theme::glyph_style(State::Tripped)));
    }
}

fn location(app: &App, id: &str, out: &mut Vec<Line<'static>>) {
    if let Some(loc) = app.model.loaded.locate(id) {
        out.push(Line::styled(
            format!("{}:{}:{}", app.source_name(), loc.line, loc.column),
            theme::dim(),
        ));
    }
    // Where it was imported from (the layout's `sources`): its own name
    // there when the id had to differ, and its page.
    if let Some(s) = app.model.loaded.layout.sources.iter().find(|s| s.id == id) {
        let name = s
            .name
            .as_deref()
            .map(|n| format!("\"{n}\" "))
            .unwrap_or_default();
        out.push(Line::styled(
            format!("inventory: {name}{}", s.url),
            theme::dim(),
        ));
    }
}

fn num(x: f64) -> String {
    if x.fract() == 0.0 && x.abs() < 1e15 {
        format!("{}", x as i64)
    } else {
        format!("{x}")
    }
}

/// The layout's own numbers for the node: ratings, draw, placement.
fn facts(app: &App, n: NodeId) -> String {
    let g = app.model.graph();
    let mut parts: Vec<String> = Vec::new();
    if let Some(el) = app.model.power_element(n) {
        let e = el.electrical();
        if let Some(a) = e.rating_a {
            parts.push(format!("rating {} A", num(a)));
        }
        if let Some(v) = e.volts {
            parts.push(format!("{} V", num(v)));
        }
        if let Some(p) = e.phases {
            parts.push(format!("{p}-phase"));
        }
        match el {
            PowerElement::Utility { capacity_kw, .. }
            | PowerElement::Generator { capacity_kw, .. } => {
                if let Some(kw) = capacity_kw {
                    parts.push(format!("{} kW", num(*kw)));
                }
                if let PowerElement::Generator { start_s, .. } = el {
                    parts.push(format!("starts in {} s", num(*start_s)));
                }
            }
            PowerElement::Ups {
                capacity_kw,
                runtime_min,
                ..
            } => {
                parts.push(format!("{} kW", num(*capacity_kw)));
                parts.push(format!("{} min at full load", num(*runtime_min)));
            }
            PowerElement::Ats { transfer_s, .. } => {
                parts.push(format!("transfer {} s", num(*transfer_s)))
            }
            PowerElement::Pdu {
                outlet_breakers: true,
                ..
            } => parts.push("outlet breakers".into()),
            _ => {}
        }
    } else if g.is_device(n) {
        if let Some(d) = app.model.device(n) {
            parts.push(format!("{:?}", d.kind).to_lowercase());
            if let Some(r) = app.model.rack_of(n) {
                let rack = &app.model.racks()[r].id;
                if d.height_u > 1 {
                    parts.push(format!("{rack} U{}-{}", d.u, d.u + d.height_u - 1));
                } else {
                    parts.push(format!("{rack} U{}", d.u));
                }
            }
            parts.push(format!("{} W", num(d.draw_w)));
            parts.push(format!("needs {} of {} PSUs", d.psus_needed, d.psus.len()));
            if !d.roles.is_empty() {
                let roles: Vec<String> = d.roles.iter().map(|r| format!("{r:?}")).collect();
                parts.push(format!("role {}", roles.join(", ")));
            }
        }
    } else if g.is_service(n) {
        if g.is_critical(n) {
            parts.push("critical".into());
        }
        if let Some(s) = app
            .model
            .loaded
            .layout
            .services
            .get((n - g.services.start) as usize)
        {
            if let Some(role) = s.role {
                parts.push(format!("role {role:?}"));
            }
        }
    }
    parts.join(" · ")
}

/// A list entry for one input, looking through hidden gates to the
/// members they stand for ("any of: a, b").
fn input_line(app: &App, g: &Graph, n: NodeId, label: &str) -> Line<'static> {
    let mut l = vec![Span::raw("  ")];
    if !label.is_empty() {
        l.push(Span::styled(format!("{label} "), theme::dim()));
    }
    if g.kind(n) == NodeKind::Gate {
        let members = g.inputs(n);
        let k = g.threshold(n);
        let how = if k == 1 {
            "any of".to_string()
        } else {
            format!("{k} of {}", members.len())
        };
        let st = app.whatif.outcome.gate_state(g, n);
        l.push(Span::styled(
            format!("{} ", theme::state_glyph(st)),
            theme::glyph_style(st),
        ));
        l.push(Span::styled(format!("{how}: "), theme::dim()));
        for (i, &m) in members.iter().enumerate().take(LIST_MAX) {
            if i > 0 {
                l.push(Span::raw(", "));
            }
            let ms = app.state(m);
            let id = if g.is_psu(m) {
                g.id(m).rsplit('/').next().unwrap_or("").to_string()
            } else {
                g.id(m).to_string()
            };
            // Each member's own state: after a short in psu1, "any of"
            // must not read as it did before.
            l.push(Span::styled(
                format!("{} ", theme::state_glyph(ms)),
                theme::glyph_style(ms),
            ));
            l.push(Span::styled(id, theme::name_style(ms)));
            let word = theme::state_word(ms);
            if !word.is_empty() {
                l.push(Span::styled(format!(" {word}"), theme::glyph_style(ms)));
            }
        }
        if members.len() > LIST_MAX {
            l.push(Span::styled(
                format!(" and {} more", members.len() - LIST_MAX),
                theme::dim(),
            ));
        }
    } else {
        l.extend(node_span(app, n));
    }
    Line::from(l)
}

fn fed_by(app: &App, g: &Graph, n: NodeId, out: &mut Vec<Line<'static>>) {
    let inputs = g.inputs(n);
    out.push(Line::default());
    if inputs.is_empty() {
        let what = if g.is_power(n) { "a source" } else { "nothing" };
        out.push(Line::from(vec![
            Span::styled("Fed by ", theme::heading()),
            Span::styled(what, theme::dim()),
        ]));
        return;
    }
    let title = if g.is_device(n) || g.is_service(n) {
        "Needs"
    } else {
        "Fed by"
    };
    out.push(heading(title.to_string()));
    let ordered = g.is_power(n) && inputs.len() > 1;
    for (i, &input) in inputs.iter().enumerate().take(LIST_MAX) {
        let label = if ordered {
            format!("{}.", i + 1)
        } else {
            String::new()
        };
        let mut line = input_line(app, g, input, &label);
        if g.is_psu(input) {
            if let Some(&feed) = g.inputs(input).first() {
                line.spans.push(Span::styled(" ← ", theme::dim()));
                line.spans.extend(node_span(app, feed));
            }
        }
        out.push(line);
    }
    more(inputs.len(), out);
}

fn feeds(app: &App, g: &Graph, n: NodeId, out: &mut Vec<Line<'static>>) {
    // What depends on n, as people name it: a PSU stands for its device,
    // a hidden gate for its owner.
    let mut shown: Vec<(NodeId, Option<NodeId>)> = Vec::new();
    for &c in g.consumers(n) {
        let (who, psu) = if g.is_psu(c) {
            (g.device_of_psu(c), Some(c))
        } else if g.kind(c) == NodeKind::Gate {
            (g.owner(c), None)
        } else {
            (c, None)
        };
        if shown.last().is_some_and(|&(w, _)| w == who)
            || (psu.is_none() && shown.iter().any(|&(w, _)| w == who))
        {
            continue;
        }
        shown.push((who, psu));
    }
    out.push(Line::default());
    if shown.is_empty() {
        let title = if g.is_power(n) {
            "Feeds "
        } else {
            "Needed by "
        };
        out.push(Line::from(vec![
            Span::styled(title, theme::heading()),
            Span::styled("nothing", theme::dim()),
        ]));
        return;
    }
    let title = if g.is_power(n) { "Feeds" } else { "Needed by" };
    out.push(heading(format!("{title} ({})", shown.len())));
    for &(who, psu) in shown.iter().take(LIST_MAX) {
        let mut l = vec![Span::raw("  ")];
        l.extend(node_span(app, who));
        if let Some(p) = psu {
            let name = g.id(p).rsplit('/').next().unwrap_or("").to_string();
            l.push(Span::styled(format!(" via {name}"), theme::dim()));
        }
        out.push(Line::from(l));
    }
    more(shown.len(), out);
}

fn more(total: usize, out: &mut Vec<Line<'static>>) {
    if total > LIST_MAX {
        out.push(Line::styled(
            format!("  … and {} more", total - LIST_MAX),
            theme::dim(),
        ));
    }
}

fn findings_on(app: &App, id: &str, out: &mut Vec<Line<'static>>) {
    let on = app.model.findings_on(id);
    if on.is_empty() {
        return;
    }
    out.push(Line::default());
    out.push(heading(format!("Findings on it ({})", on.len())));
    for &i in on.iter().take(LIST_MAX) {
        let f = &app.model.findings[i];
        let sev = if f.allowed {
            theme::dim()
        } else {
            theme::severity_style(f.severity)
        };
        out.push(Line::from(vec![
            Span::raw("  "),
            Span::styled(theme::severity_letter(f.severity), sev),
            Span::raw(" "),
            Span::styled(f.code.name(), sev),
            Span::raw(" "),
            Span::raw(f.message.clone()),
        ]));
    }
    more(on.len(), out);
}

fn ids(app: &App, nodes: &[NodeId], max: usize) -> String {
    let g = app.model.graph();
    let mut s: Vec<&str> = nodes.iter().take(max).map(|&n| g.id(n)).collect();
    let extra = nodes.len().saturating_sub(max);
    let more = format!("and {extra} more");
    if extra > 0 {
        s.push(&more);
    }
    s.join(", ")
}

fn radius(app: &App, out: &mut Vec<Line<'static>>) {
    let Some(r) = &app.radius else {
        if app.unsettled() {
            out.push(Line::default());
            out.push(Line::from(vec![
                Span::styled("If it fails ", theme::heading()),
                Span::styled("computing…", theme::dim()),
            ]));
        }
        return;
    };
    let g = app.model.graph();
    out.push(Line::default());
    let Some(m) = &r.marginal else {
        out.push(Line::from(vec![
            Span::styled("If it fails ", theme::heading()),
            Span::styled(
                "services do not fail by themselves: fail what they need",
                theme::dim(),
            ),
        ]));
        return;
    };
    let e = m.event();
    let head = match e {
        Event::Short(p) => match app
            .model
            .analysis
            .protective_device(p, app.whatif.cascade())
        {
            Some(t) => format!("If it shorts (trips {})", g.id(t)),
            None => "If it shorts (its outlet breaker opens)".to_string(),
        },
        Event::Common(_) => "If it strikes".to_string(),
        Event::Fail(_) => "If it fails".to_string(),
    };
    let extra = if app.whatif.is_active() {
        ", on top of the what-if"
    } else {
        ""
    };
    out.push(Line::from(vec![
        Span::styled(head, theme::heading()),
        Span::styled(extra.to_string(), theme::dim()),
    ]));
    match m {
        Marginal::Already(_) => out.push(Line::styled(
            format!(
                "  already in the what-if ({}): press f/s/c again to restore",
                e.describe(g)
            ),
            theme::dim(),
        )),
        Marginal::AlreadyDown(_) => out.push(Line::styled(
            "  it is down already: nothing more goes down",
            theme::dim(),
        )),
        Marginal::Adds(_, added) => radius_body(app, added, out),
    }
}

fn radius_body(app: &App, m: &Added, out: &mut Vec<Line<'static>>) {
    let down = &m.down;
    if down.critical.is_empty() {
        out.push(Line::from(vec![
            Span::raw("  "),
            Span::styled("no critical service goes down", theme::good()),
        ]));
    } else {
        out.push(Line::from(vec![
            Span::raw("  "),
            Span::styled(
                format!("critical down: {}", ids(app, &down.critical, LIST_MAX)),
                theme::critical(),
            ),
        ]));
    }
    let mut parts = Vec::new();
    if !down.services.is_empty() {
        parts.push(format!("services: {}", ids(app, &down.services, 6)));
    }
    if !down.devices.is_empty() {
        let n = plural(down.devices.len(), "device", "devices");
        parts.push(format!("{n}: {}", ids(app, &down.devices, 8)));
    }
    if !down.power.is_empty() {
        let n = plural(down.power.len(), "power element", "power elements");
        parts.push(format!("{n}: {}", ids(app, &down.power, 6)));
    }
    if !down.psus.is_empty() {
        parts.push(plural(down.psus.len(), "PSU", "PSUs"));
    }
    if parts.is_empty() {
        out.push(Line::styled("  nothing else goes down", theme::dim()));
    } else {
        for p in parts {
            out.push(Line::from(vec![
                Span::styled("  down ", theme::dim()),
                Span::styled(
                    p,
                    ratatui::style::Style::new().fg(theme::state_colour(State::Down)),
                ),
            ]));
        }
    }
    if !m.tripped.is_empty() {
        let trips: Vec<String> = m
            .tripped
            .iter()
            .map(|t| {
                format!(
                    "{} ({:.0}%, round {})",
                    app.model.graph().id(t.node),
                    t.load_pct(),
                    t.round
                )
            })
            .collect();
        out.push(Line::from(vec![
            Span::styled("  overload trips ", theme::dim()),
            Span::styled(trips.join(", "), theme::glyph_style(State::Tripped)),
        ]));
    }
    if !m.degraded.is_empty() {
        out.push(Line::from(vec![
            Span::styled("  degraded ", theme::dim()),
            Span::styled(
                format!("{}: {}", m.degraded.len(), ids(app, &m.degraded, 8)),
                ratatui::style::Style::new().fg(theme::state_colour(State::Degraded)),
            ),
        ]));
    }
}
