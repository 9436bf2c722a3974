//! The power tree pane: only the rows on screen are looked at.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};

use super::{block, fit, scroll_window, shorten, theme};
use crate::engine::NodeKind;
use crate::model::format::PowerKind;
use crate::tui::app::{App, Pane};
use crate::tui::tree::{Header, Item, Row};

/// Deeper rows stop indenting so the names stay on screen.
const MAX_INDENT: u32 = 16;

pub fn draw(f: &mut Frame, area: Rect, app: &mut App) {
    let n_rows = app.tree.rows.len();
    let title = vec![
        Span::raw("Power tree"),
        Span::styled(
            format!(
                " {}/{}",
                app.tree.cursor.saturating_add(1).min(n_rows),
                n_rows
            ),
            theme::dim(),
        ),
    ];
    let b = block(app, Pane::Tree, title);
    let inner = b.inner(area);
    f.render_widget(b, area);
    let height = inner.height as usize;
    let t = &mut app.tree;
    scroll_window(&mut t.offset, t.cursor, t.follow, height, n_rows);
    t.follow = false;
    let (offset, cursor) = (t.offset, t.cursor);
    let end = (offset + height).min(n_rows);
    let focused = app.focus == Pane::Tree;
    for (line_no, i) in (offset..end).enumerate() {
        let row = app.tree.rows[i];
        let line = row_line(app, &row, inner.width as usize);
        super::list_row(f, inner, line_no, &line, i == cursor, focused);
    }
}

/// One tree row: indent, fold marker, state glyph, id, then what it is.
pub fn row_line(app: &App, row: &Row, width: usize) -> Line<'static> {
    let g = app.model.graph();
    let mut spans: Vec<Span<'static>> = Vec::with_capacity(8);
    // The dim description gives way first when the row is too wide, so the
    // id and the state word stay readable.
    let mut desc: Option<usize> = None;
    // The id is shortened in the middle, never cut at its end.
    let mut id_at: Option<usize> = None;
    let depth = row.depth.min(MAX_INDENT);
    let mut indent = "  ".repeat(depth as usize);
    if row.depth > MAX_INDENT {
        indent.pop();
        indent.push('⋯');
    }
    spans.push(Span::raw(indent));
    let fold = if row.link {
        "↪ "
    } else if !row.expandable {
        "  "
    } else if row.expanded {
        "▾ "
    } else {
        "▸ "
    };
    spans.push(Span::styled(fold, theme::dim()));
    match row.item {
        Item::Header(h) => {
            let (name, count) = match h {
                Header::Services => ("Services", g.services.len()),
                Header::Common => ("Common causes", g.common.len()),
                Header::Unfed => ("Devices without PSUs", 0),
            };
            spans.push(Span::styled(name, theme::heading()));
            if count > 0 {
                spans.push(Span::styled(format!(" ({count})"), theme::dim()));
            }
        }
        Item::Common(i) => {
            let st = app.common_state(i);
            let group = &g.common[i as usize];
            spans.push(Span::styled(
                format!("{} ", theme::state_glyph(st)),
                theme::glyph_style(st),
            ));
            id_at = Some(spans.len());
            spans.push(Span::styled(group.id.clone(), theme::name_style(st)));
            desc = Some(spans.len());
            spans.push(Span::styled(
                format!("  common cause, {} members", group.members.len()),
                theme::dim(),
            ));
            push_state_word(&mut spans, st);
        }
        Item::Node(n) => {
            let st = app.state(n);
            spans.push(Span::styled(
                format!("{} ", theme::state_glyph(st)),
                theme::glyph_style(st),
            ));
            let id = if g.is_psu(n) {
                // Under its device, the PSU's own name is enough.
                g.id(n).rsplit('/').next().unwrap_or("").to_string()
            } else {
                g.id(n).to_string()
            };
            id_at = Some(spans.len());
            spans.push(Span::styled(id, theme::name_style(st)));
            let what = describe(app, row);
            if !what.is_empty() {
                desc = Some(spans.len());
                spans.push(Span::styled(format!("  {what}"), theme::dim()));
            }
            push_state_word(&mut spans, st);
        }
    }
    // The load column sits at the right edge; the name part gives way.
    let load = match row.item {
        Item::Node(n) if g.is_power(n) && !row.link => load_column(app, n),
        _ => None,
    };
    let width = match &load {
        Some(l) => width.saturating_sub(l.content.chars().count()),
        None => width,
    };
    let mut used: usize = spans.iter().map(|s| s.content.chars().count()).sum();
    if let Some(i) = desc {
        if used > width {
            let have = spans[i].content.chars().count();
            let keep = have.saturating_sub(used - width);
            let text = if keep < 4 {
                String::new()
            } else {
                fit(&spans[i].content, keep)
            };
            used = used - have + text.chars().count();
            spans[i].content = text.into();
        }
    }
    if let Some(l) = load {
        if used < width {
            spans.push(Span::raw(" ".repeat(width - used)));
        }
        cut(&mut spans, width, id_at);
        spans.push(l);
        return Line::from(spans);
    }
    cut(&mut spans, width, id_at);
    Line::from(spans)
}

/// " 4.6 kW  63%" for a live element (percent only when it is rated).
fn load_column(app: &App, n: crate::engine::NodeId) -> Option<Span<'static>> {
    if app.state(n).is_down() {
        return None;
    }
    let (load, cap) = app.load(n)?;
    if load <= 0.0 && !cap.is_finite() {
        return None;
    }
    if cap.is_finite() && cap > 0.0 {
        let pct = crate::engine::load::utilisation_pct(load, cap);
        Some(Span::styled(
            format!(" {:>8} {:>4.0}%", theme::watts(load), pct),
            theme::load_style(pct, app.derating_pct(n)),
        ))
    } else {
        Some(Span::styled(
            format!(" {:>8}      ", theme::watts(load)),
            theme::dim(),
        ))
    }
}

/// Cut spans from the end so they fit `width` (the id, early in the row,
/// survives longest). What follows the id (its state word) gives way
/// first; the id itself (span `id_at`) is shortened in the middle so two
/// siblings never read the same.
fn cut(spans: &mut [Span<'static>], width: usize, id_at: Option<usize>) {
    let used: usize = spans.iter().map(|s| s.content.chars().count()).sum();
    if used <= width {
        return;
    }
    if let Some(i) = id_at {
        let before: usize = spans[..i].iter().map(|s| s.content.chars().count()).sum();
        let id_len = spans[i].content.chars().count();
        if before + id_len >= width {
            let room = width.saturating_sub(before);
            spans[i].content = shorten(&spans[i].content, room, 0).into();
            for s in spans[i + 1..].iter_mut() {
                s.content = "".into();
            }
            return;
        }
    }
    let mut left = width;
    for s in spans.iter_mut() {
        let n = s.content.chars().count();
        if n <= left {
            left -= n;
        } else {
            s.content = fit(&s.content, left).into();
            left = 0;
        }
    }
}

fn push_state_word(spans: &mut Vec<Span<'static>>, st: crate::tui::app::State) {
    let word = theme::state_word(st);
    if !word.is_empty() {
        spans.push(Span::styled(format!("  {word}"), theme::glyph_style(st)));
    }
}

/// The dim text after a node's id.
fn describe(app: &App, row: &Row) -> String {
    let g = app.model.graph();
    let Item::Node(n) = row.item else {
        return String::new();
    };
    match g.kind(n) {
        NodeKind::Power(kind) => {
            let mut s = crate::engine::graph::kind_label(g.kind(n)).to_string();
            if row.link {
                if let Some(&first) = g.inputs(n).first() {
                    s.push_str(&format!(
                        ", also fed from here (shown under {})",
                        g.id(first)
                    ));
                }
            } else if kind == PowerKind::Pdu && !row.expanded {
                let devices = count_devices(app, n);
                s.push_str(&format!(", {devices} device{}", crate::wording::s(devices)));
            }
            s
        }
        NodeKind::Device => {
            let kind = app
                .model
                .device(n)
                .map(|d| format!("{:?}", d.kind).to_lowercase())
                .unwrap_or_default();
            let psus = g.psus_of_device(n);
            // Which PSU plugs into the feed this row hangs under.
            let here: Vec<&str> = psus
                .clone()
                .filter(|&p| g.inputs(p).first() == Some(&row.via))
                .map(|p| g.id(p).rsplit('/').next().unwrap_or(""))
                .collect();
            // Two cords in one strip is worth pointing out; one is normal.
            if here.len() > 1 {
                format!("{kind}, {} both here", here.join("+"))
            } else {
                kind
            }
        }
        NodeKind::Psu => match g.inputs(n).first() {
            Some(&feed) => format!("PSU ← {}", g.id(feed)),
            None => "PSU".into(),
        },
        NodeKind::Service => {
            if g.is_critical(n) {
                "critical service".into()
            } else if g.roles(n) != 0 {
                "role service".into()
            } else {
                "service".into()
            }
        }
        NodeKind::Gate => String::new(),
    }
}

/// Devices plugged into a power element (distinct), for a collapsed PDU.
fn count_devices(app: &App, n: crate::engine::NodeId) -> usize {
    let g = app.model.graph();
    let mut last = crate::tui::tree::NONE;
    let mut count = 0;
    for &c in g.consumers(n) {
        if g.is_psu(c) {
            let d = g.device_of_psu(c);
            if d != last {
                last = d;
                count += 1;
            }
        }
    }
    count
}
