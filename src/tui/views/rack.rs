//! The rack elevation: the current rack unit by unit, top down, each device
//! at its height in its state colour with one letter per PSU for the rack
//! PDU it plugs into (A, B, ...; `*` for a feed outside the rack).

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::{block, common_prefix, shorten, theme};
use crate::engine::NodeId;
use crate::tui::app::{App, Pane, Target};

/// The width the current rack needs to show every id whole: its devices
/// (unit column, glyph, id, PSU letters) and its PDU line, borders
/// included. The layout gives it this much where there is room.
pub fn wanted_width(app: &App) -> u16 {
    let Some(r) = app.rack else { return 0 };
    let g = app.model.graph();
    let rack = &app.model.racks()[r];
    let u_width = rack.height.to_string().len().max(2);
    let longest = rack.devices().map(|d| g.id(d).len()).max().unwrap_or(0);
    let devices = u_width + 1 + 2 + longest + 1 + 4;
    let pdus: usize = rack.pdus.iter().map(|&p| g.id(p).len() + 3 + 2).sum();
    let content = devices.max(pdus.saturating_sub(2));
    u16::try_from(content + 2).unwrap_or(u16::MAX)
}

pub fn draw(f: &mut Frame, area: Rect, app: &mut App) {
    let Some(r) = app.rack else {
        let b = block(app, Pane::Rack, vec![Span::raw("Rack")]);
        let inner = b.inner(area);
        f.render_widget(b, area);
        f.render_widget(
            Paragraph::new("no racks in this layout").style(theme::dim()),
            inner,
        );
        return;
    };
    let rack = app.model.racks()[r].clone();
    let mut title = vec![Span::raw(format!("Rack {}", rack.id))];
    if let Some(row) = &rack.row {
        title.push(Span::styled(format!(" row {row}"), theme::dim()));
    }
    title.push(Span::styled(
        format!(" {}/{}", r + 1, app.model.racks().len()),
        theme::dim(),
    ));
    // The rack's draw against its budget (what one side must carry).
    let g = app.model.graph();
    let kw = rack.draw_w(g) / 1000.0;
    match rack.budget_w(g) {
        Some(budget) => title.push(Span::styled(
            format!(" {kw:.1}/{:.1} kW", budget / 1000.0),
            if rack.draw_w(g) > budget {
                theme::critical()
            } else {
                theme::dim()
            },
        )),
        None => title.push(Span::styled(format!(" {kw:.1} kW"), theme::dim())),
    }
    let b = block(app, Pane::Rack, title);
    let inner = b.inner(area);
    f.render_widget(b, area);
    if inner.height == 0 || inner.width < 4 {
        return;
    }
    let g = app.model.graph();
    let focused = app.focus == Pane::Rack;

    // The 0U PDUs on the first line, with their letters. Each gets an
    // equal share of the line, and ids that share a long beginning keep
    // their distinguishing end, so the B PDU never falls off.
    let mut pdus: Vec<Span> = Vec::new();
    let pdu_ids: Vec<&str> = rack.pdus.iter().map(|&p| g.id(p)).collect();
    let distinct_from = common_prefix(&pdu_ids);
    let n_pdus = rack.pdus.len().max(1);
    let pdu_room = ((inner.width as usize + 2) / n_pdus).saturating_sub(2 + 3);
    for (i, &p) in rack.pdus.iter().enumerate() {
        let st = app.state(p);
        let letter = rack.feed_letter(p).unwrap_or('?');
        if i > 0 {
            pdus.push(Span::raw("  "));
        }
        pdus.push(Span::styled(
            format!("{letter}{} ", theme::state_glyph(st)),
            theme::glyph_style(st),
        ));
        pdus.push(Span::styled(
            shorten(g.id(p), pdu_room, distinct_from),
            theme::name_style(st),
        ));
    }
    if pdus.is_empty() {
        pdus.push(Span::styled("no rack PDUs", theme::dim()));
    }
    f.buffer_mut()
        .set_line(inner.x, inner.y, &Line::from(pdus), inner.width);

    let units_shown = inner.height.saturating_sub(1) as u32;
    let height = rack.height;
    let selected_device = match app.selected {
        Some(Target::Node(n)) if g.is_psu(n) => Some(g.device_of_psu(n)),
        Some(Target::Node(n)) if g.is_device(n) => Some(n),
        _ => None,
    }
    .filter(|d| rack.devices().contains(d));

    // Scroll: units hidden above the top line.
    let max_offset = height.saturating_sub(units_shown);
    if app.rack_follow {
        if let Some(d) = selected_device.and_then(|d| app.model.device(d)) {
            let top_u = d.u.saturating_add(d.height_u).saturating_sub(1);
            let top_line = height.saturating_sub(top_u);
            if top_line < app.rack_offset {
                app.rack_offset = top_line;
            } else if top_line >= app.rack_offset + units_shown {
                app.rack_offset = top_line + 1 - units_shown.max(1);
            }
        }
        app.rack_follow = false;
    }
    app.rack_offset = app.rack_offset.min(max_offset);
    let top_u = height.saturating_sub(app.rack_offset);
    app.areas.rack_top_u = top_u;
    app.areas.rack_first_y = inner.y + 1;

    // Which device covers each unit on screen; devices are few per rack.
    let shown = units_shown.min(top_u) as usize;
    let mut cover: Vec<Option<NodeId>> = vec![None; shown];
    for d in rack.devices() {
        let Some(dev) = app.model.device(d) else {
            continue;
        };
        let hi = dev
            .u
            .saturating_add(dev.height_u)
            .saturating_sub(1)
            .min(top_u);
        let lo = dev.u.max(top_u + 1 - shown as u32);
        for u in lo..=hi {
            if let Some(slot) = cover.get_mut((top_u - u) as usize) {
                *slot = Some(d);
            }
        }
    }

    let u_width = height.to_string().len().max(2);
    let name_width = (inner.width as usize).saturating_sub(u_width + 1 + 5);
    for (line, slot) in cover.iter().enumerate() {
        let u = top_u - line as u32;
        let y = inner.y + 1 + line as u16;
        let mut spans = vec![Span::styled(format!("{u:>u_width$} "), theme::dim())];
        match slot {
            None => spans.push(Span::styled("·", theme::dim())),
            Some(d) => {
                let d = *d;
                let st = app.state(d);
                let dev = app.model.device(d);
                let top =
                    dev.is_some_and(|x| x.u.saturating_add(x.height_u).saturating_sub(1) == u);
                if top {
                    let name = format!(
                        "{} {}",
                        theme::state_glyph(st),
                        shorten(g.id(d), name_width.saturating_sub(2), 0)
                    );
                    let pad = name_width.saturating_sub(name.chars().count());
                    spans.push(Span::styled(name, theme::name_style(st)));
                    spans.push(Span::raw(" ".repeat(pad + 1)));
                    for p in g.psus_of_device(d).take(4) {
                        let ps = app.state(p);
                        let letter = g
                            .inputs(p)
                            .first()
                            .and_then(|&feed| rack.feed_letter(feed))
                            .unwrap_or('*');
                        spans.push(Span::styled(letter.to_string(), theme::glyph_style(ps)));
                    }
                } else {
                    spans.push(Span::styled("┊", theme::glyph_style(st)));
                }
            }
        }
        let buf = f.buffer_mut();
        buf.set_line(inner.x, y, &Line::from(spans), inner.width);
        if slot.is_some() && *slot == selected_device {
            let x = inner.x + u_width as u16 + 1;
            let w = inner.width.saturating_sub(u_width as u16 + 1);
            buf.set_style(Rect::new(x, y, w, 1), theme::cursor(focused));
        }
    }
}
