//! The hall map (`H`): every rack as one cell in its row, coloured by what
//! the engine says of its devices under the what-if, so the blast radius
//! across thousands of racks reads at a glance. The engine answers
//! ([`crate::engine::Outcome::rack_summary`]); this only draws.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Modifier;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::theme;
use crate::tui::app::{App, State};

/// Cells are a glyph and a space.
const CELL: usize = 2;

pub fn draw(f: &mut Frame, area: Rect, app: &mut App) {
    let Some(mut map) = app.map else { return };
    let width = area.width.saturating_sub(2);
    let height = area.height.saturating_sub(2);
    let popup = Rect::new(area.x + 1, area.y + 1, width, height);
    let racks = app.model.racks();
    let order = app.map_order();
    map.cursor = map.cursor.min(order.len().saturating_sub(1));
    let inner_w = width.saturating_sub(2) as usize;
    // The row label takes a column of its own.
    let label_w = racks
        .iter()
        .map(|r| r.row.as_deref().map_or(6, str::len))
        .max()
        .unwrap_or(6)
        .min(16)
        + 2;
    let per_line = (inner_w.saturating_sub(label_w) / CELL).max(1);
    map.per_line = per_line;

    let outcome = &app.whatif.outcome;
    let mut lines: Vec<Line<'static>> = Vec::new();
    let mut cursor_line = 0;
    let mut i = 0;
    while i < order.len() {
        let row = racks[order[i]].row.clone();
        let end = order[i..]
            .iter()
            .position(|&r| racks[r].row != row)
            .map_or(order.len(), |k| i + k);
        for (chunk_no, start) in (i..end).step_by(per_line).enumerate() {
            let label = if chunk_no == 0 {
                row.clone().unwrap_or_else(|| "(no row)".into())
            } else {
                String::new()
            };
            let mut spans = vec![Span::styled(
                format!("{:<label_w$}", super::shorten(&label, label_w - 1, 0)),
                theme::dim(),
            )];
            for (k, &r) in order[start..(start + per_line).min(end)].iter().enumerate() {
                let s = outcome.rack_summary(&racks[r]);
                let mut style = theme::glyph_style(s.worst);
                if start + k == map.cursor {
                    style = style.add_modifier(Modifier::REVERSED);
                    cursor_line = lines.len();
                }
                spans.push(Span::styled(theme::state_glyph(s.worst).to_string(), style));
                spans.push(Span::raw(" "));
            }
            lines.push(Line::from(spans));
        }
        i = end;
    }
    app.map = Some(map);

    // The rack under the cursor, in words.
    let r = order.get(map.cursor).map(|&r| &racks[r]);
    let info = r.map_or_else(String::new, |rack| {
        let s = outcome.rack_summary(rack);
        let g = app.model.graph();
        let kw: f64 = rack.devices().map(|d| g.draw_w(d)).sum::<f64>() / 1000.0;
        let row = rack
            .row
            .as_deref()
            .map(|r| format!(" (row {r})"))
            .unwrap_or_default();
        format!(
            "{}{row}: {} devices, {} down, {} degraded, {kw:.1} kW drawn · Enter shows it",
            rack.id, s.devices, s.down, s.degraded
        )
    });
    let mut down_racks = 0;
    let mut degraded_racks = 0;
    for rack in racks {
        match outcome.rack_summary(rack).worst {
            State::Degraded => degraded_racks += 1,
            st if st.is_down() => down_racks += 1,
            _ => {}
        }
    }
    let title = format!(
        " Hall map: {} racks, {down_racks} with devices down, {degraded_racks} degraded (Esc closes) ",
        racks.len()
    );
    let inner = super::overlay::popup(f, popup, &title);
    let body_h = inner.height.saturating_sub(1) as usize;
    let scroll = cursor_line.saturating_sub(body_h.saturating_sub(1));
    let shown: Vec<Line<'static>> = lines.into_iter().skip(scroll).take(body_h).collect();
    f.render_widget(
        Paragraph::new(shown),
        Rect::new(inner.x, inner.y, inner.width, body_h as u16),
    );
    f.render_widget(
        Paragraph::new(Line::styled(info, theme::dim())),
        Rect::new(inner.x, inner.y + body_h as u16, inner.width, 1),
    );
}
