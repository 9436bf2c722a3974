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
use crate::wording::plural;

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
    let second = if app.confirm_quit {
        confirm_line(app)
    } else {
        match &app.message {
            Some((text, tone)) => {
                Line::from(Span::styled(format!(" {text}"), theme::tone_style(*tone)))
            }
            None => hints_line(app),
        }
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
        let base_trips = w.outcome.base_trips(&app.model.analysis);
        if !base_trips.is_empty() {
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
    if !w.cascade() {
        spans.push(Span::styled(" (no cascade)", theme::dim()));
    }
    let o = &w.outcome;
    let down = &o.down;
    spans.push(Span::styled(" │ ", theme::dim()));
    if down.critical.is_empty() {
        spans.push(Span::styled("no critical service down", theme::good()));
    } else {
        let ids: Vec<&str> = down.critical.iter().map(|&n| g.id(n)).collect();
        spans.push(Span::styled(
            format!("CRITICAL DOWN: {}", ids.join(", ")),
            theme::critical(),
        ));
    }
    let mut trips: Vec<String> = o
        .short_trips
        .iter()
        .map(|&n| format!("{} (short)", g.id(n)))
        .collect();
    trips.extend(
        o.impact
            .tripped
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
    if !o.impact.overloaded.is_empty() {
        let over: Vec<String> = o
            .impact
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
    let services = &down.services;
    if !services.is_empty() {
        let ids: Vec<&str> = services.iter().take(4).map(|&n| g.id(n)).collect();
        let more = if services.len() > 4 { ", …" } else { "" };
        let count = plural(services.len(), "service", "services");
        parts.push(format!("{count} ({}{more})", ids.join(", ")));
    }
    if !down.devices.is_empty() {
        parts.push(plural(down.devices.len(), "device", "devices"));
    }
    if !down.power.is_empty() {
        parts.push(plural(down.power.len(), "element", "elements"));
    }
    if !parts.is_empty() {
        spans.push(Span::styled(" │ down: ", theme::dim()));
        spans.push(Span::styled(parts.join(", "), Style::new().fg(Color::Red)));
    }
    if !o.impact.degraded.is_empty() {
        spans.push(Span::styled(" │ degraded: ", theme::dim()));
        spans.push(Span::styled(
            o.impact.degraded.len().to_string(),
            Style::new().fg(Color::Yellow),
        ));
    }
    Line::from(spans)
}

/// The question `q` asks before throwing a what-if away, with its keys.
fn confirm_line(app: &App) -> Line<'static> {
    let n = app.unsaved_events();
    let question = format!(
        " drop {}? y/n ",
        plural(n, "what-if event", "what-if events")
    );
    let mut line = hints_line(app);
    line.spans[0] = Span::styled(question, theme::tone_style(Tone::Warn));
    line
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
