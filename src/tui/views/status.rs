//! The header line and the status bar: what the what-if does (critical
//! services first), then a message or the key hints from the key table.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};

use super::theme;
use crate::tui::app::{App, Tone};
use crate::tui::keys;
use crate::tui::update;

pub fn header(f: &mut Frame, area: Rect, app: &App) {
    let mut spans = vec![
        Span::styled(
            " faultline ",
            Style::new().fg(Color::Cyan).add_modifier(Modifier::BOLD),
        ),
        Span::styled(app.model.loaded.layout.name.clone(), theme::heading()),
        Span::styled(format!("  {}", app.source_name()), theme::dim()),
    ];
    if app.reload_error.is_some() {
        spans.push(Span::styled(
            "  file on disk is invalid: showing the last good version",
            theme::tone_style(Tone::Error),
        ));
    }
    f.buffer_mut()
        .set_line(area.x, area.y, &Line::from(spans), area.width);
}

pub fn draw(f: &mut Frame, area: Rect, app: &App) {
    let summary = summary_line(app);
    f.buffer_mut()
        .set_line(area.x, area.y, &summary, area.width);
    if area.height < 2 {
        return;
    }
    let second = match &app.message {
        Some((text, tone)) => {
            Line::from(Span::styled(format!(" {text}"), theme::tone_style(*tone)))
        }
        None => hints_line(app),
    };
    f.buffer_mut()
        .set_line(area.x, area.y + 1, &second, area.width);
}

/// The what-if summary: the events, critical services down, then counts.
pub fn summary_line(app: &App) -> Line<'static> {
    let w = &app.whatif;
    let g = app.model.graph();
    let mut spans: Vec<Span<'static>> = Vec::new();
    if !w.is_active() {
        let base_trips = &app.model.analysis.base_trips;
        if w.cascade && !base_trips.is_empty() {
            let ids: Vec<String> = base_trips
                .iter()
                .map(|t| format!("{} ({:.0}%)", g.id(t.node), t.load_pct()))
                .collect();
            spans.push(Span::styled(
                " AS DESIGNED ",
                Style::new().fg(Color::Black).bg(Color::Red),
            ));
            spans.push(Span::styled(
                format!(
                    "  overloaded with nothing failed, tripped: {}",
                    ids.join(", ")
                ),
                theme::critical(),
            ));
            return Line::from(spans);
        }
        spans.push(Span::styled(
            " AS DESIGNED ",
            Style::new().fg(Color::Black).bg(Color::Green),
        ));
        spans.push(Span::styled(
            "  nothing failed. Select an element and press f to fail it, s to short a PSU",
            theme::dim(),
        ));
        return Line::from(spans);
    }
    spans.push(Span::styled(
        " WHAT-IF ",
        Style::new()
            .fg(Color::Black)
            .bg(Color::Yellow)
            .add_modifier(Modifier::BOLD),
    ));
    let mut names: Vec<String> = w.events.iter().map(|e| e.describe(g)).collect();
    if let Some(p) = w.preview {
        if !w.events.contains(&p) {
            names.push(format!("preview {}", p.describe(g)));
        }
    }
    spans.push(Span::raw(format!(" {}", names.join(" + "))));
    if !w.cascade {
        spans.push(Span::styled(" (no cascade)", theme::dim()));
    }
    let s = &w.summary;
    spans.push(Span::styled(" │ ", theme::dim()));
    if s.critical_down.is_empty() {
        spans.push(Span::styled("no critical service down", theme::good()));
    } else {
        let ids: Vec<&str> = s.critical_down.iter().map(|&n| g.id(n)).collect();
        spans.push(Span::styled(
            format!("CRITICAL DOWN: {}", ids.join(", ")),
            theme::critical(),
        ));
    }
    let mut trips: Vec<String> = s
        .short_trips
        .iter()
        .map(|&n| format!("{} (short)", g.id(n)))
        .collect();
    trips.extend(
        s.overload_trips
            .iter()
            .map(|t| format!("{} ({:.0}%, round {})", g.id(t.node), t.load_pct(), t.round)),
    );
    if !trips.is_empty() {
        spans.push(Span::styled(" │ tripped: ", theme::dim()));
        spans.push(Span::styled(
            trips.join(", "),
            Style::new().fg(Color::Magenta),
        ));
    }
    if !s.overloaded.is_empty() {
        let over: Vec<String> = s
            .overloaded
            .iter()
            .map(|t| format!("{} {:.0}%", g.id(t.node), t.load_pct()))
            .collect();
        spans.push(Span::styled(" │ overloaded: ", theme::dim()));
        spans.push(Span::styled(
            over.join(", "),
            Style::new().fg(Color::Magenta),
        ));
    }
    let mut parts: Vec<String> = Vec::new();
    if !s.services_down.is_empty() {
        let ids: Vec<&str> = s.services_down.iter().take(4).map(|&n| g.id(n)).collect();
        let more = if s.services_down.len() > 4 {
            ", …"
        } else {
            ""
        };
        parts.push(format!(
            "{} service{} ({}{more})",
            s.services_down.len(),
            plural(s.services_down.len()),
            ids.join(", ")
        ));
    }
    if s.devices_down > 0 {
        parts.push(format!(
            "{} device{}",
            s.devices_down,
            plural(s.devices_down)
        ));
    }
    if s.power_down > 0 {
        parts.push(format!("{} element{}", s.power_down, plural(s.power_down)));
    }
    if !parts.is_empty() {
        spans.push(Span::styled(" │ down: ", theme::dim()));
        spans.push(Span::styled(parts.join(", "), Style::new().fg(Color::Red)));
    }
    if s.degraded > 0 {
        spans.push(Span::styled(" │ degraded: ", theme::dim()));
        spans.push(Span::styled(
            s.degraded.to_string(),
            Style::new().fg(Color::Yellow),
        ));
    }
    Line::from(spans)
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

/// Key hints for the current mode, from the key table.
pub fn hints_line(app: &App) -> Line<'static> {
    let mut spans = vec![Span::raw(" ")];
    for (k, word) in keys::hints(update::mode(app)) {
        spans.push(Span::styled(
            k,
            Style::new().fg(Color::Cyan).add_modifier(Modifier::BOLD),
        ));
        spans.push(Span::styled(format!(" {word}  "), theme::dim()));
    }
    if app.whatif.preview.is_some() {
        spans.push(Span::styled(
            "Enter",
            Style::new().fg(Color::Cyan).add_modifier(Modifier::BOLD),
        ));
        spans.push(Span::styled(" keep preview  ", theme::dim()));
        spans.push(Span::styled(
            "Esc",
            Style::new().fg(Color::Cyan).add_modifier(Modifier::BOLD),
        ));
        spans.push(Span::styled(" drop it", theme::dim()));
    }
    Line::from(spans)
}
