//! The header line and the status bar: what the what-if does (critical
//! services first), then a message or the key hints from the key table.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};

use super::theme;
use crate::tui::app::{App, Pane, Tone};
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
    if app.never_valid {
        spans.push(Span::styled(
            "  not a valid layout yet: waiting for a save",
            theme::tone_style(Tone::Error),
        ));
    } else if app.reload_error.is_some() {
        spans.push(Span::styled(
            "  file on disk is invalid: showing the last good version",
            theme::tone_style(Tone::Error),
        ));
    }
    // Panes the terminal is too small for, with the key that shows each:
    // nothing disappears without a sign.
    let hidden: Vec<String> = Pane::ALL
        .iter()
        .enumerate()
        .filter(|(_, p)| app.areas.get(**p).is_none())
        .map(|(i, p)| format!("{} {}", i + 1, p.short_name()))
        .collect();
    let mut bar = if hidden.is_empty() {
        String::new()
    } else {
        format!(" hidden: {} ", hidden.join(", "))
    };
    if bar.chars().count() > usize::from(area.width / 2) {
        // Keys only on a narrow terminal; `?` lists what each shows.
        let keys: Vec<String> = hidden
            .iter()
            .map(|h| h.split(' ').next().unwrap_or("").to_string())
            .collect();
        bar = format!(" hidden panes: {} ", keys.join(" "));
    }
    let bar_w = (bar.chars().count() as u16).min(area.width);
    f.buffer_mut().set_line(
        area.x,
        area.y,
        &Line::from(spans),
        area.width.saturating_sub(bar_w),
    );
    if bar_w > 0 {
        let bar = Line::from(Span::styled(
            bar,
            Style::new().fg(Color::Black).bg(Color::Yellow),
        ));
        f.buffer_mut()
            .set_line(area.x + area.width - bar_w, area.y, &bar, bar_w);
    }
}

pub fn draw(f: &mut Frame, area: Rect, app: &App) {
    let summary = fit_segments(summary_segments(app), area.width as usize);
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

/// One part of the status bar. `rank` says which goes first when the bar
/// is too narrow (the highest rank drops first, whole: never cut
/// mid-word); `short` is a compact form tried before dropping.
pub struct Segment {
    pub rank: u8,
    pub spans: Vec<Span<'static>>,
    pub short: Option<Vec<Span<'static>>>,
}

fn seg(rank: u8, spans: Vec<Span<'static>>) -> Segment {
    Segment {
        rank,
        spans,
        short: None,
    }
}

fn width_of(spans: &[Span<'_>]) -> usize {
    spans.iter().map(|s| s.content.chars().count()).sum()
}

/// Lay the segments out in `width` cells: compact forms from the highest
/// rank down, then drop whole segments from the highest rank down, until
/// the rest fits. Rank 0 (what went critical) is never dropped, and is
/// compacted only when everything else has gone.
pub fn fit_segments(mut segments: Vec<Segment>, width: usize) -> Line<'static> {
    let total = |s: &[Segment]| s.iter().map(|x| width_of(&x.spans)).sum::<usize>();
    let mut order: Vec<usize> = (0..segments.len()).collect();
    order.sort_by_key(|&i| std::cmp::Reverse((segments[i].rank, i)));
    for &i in &order {
        if total(&segments) <= width {
            break;
        }
        if segments[i].rank > 0 {
            if let Some(short) = segments[i].short.take() {
                segments[i].spans = short;
            }
        }
    }
    let mut dropped = vec![false; segments.len()];
    for &i in &order {
        let fits = segments
            .iter()
            .zip(&dropped)
            .filter(|(_, d)| !**d)
            .map(|(s, _)| width_of(&s.spans))
            .sum::<usize>()
            <= width;
        if fits || segments[i].rank == 0 {
            break;
        }
        dropped[i] = true;
    }
    let mut kept: Vec<Segment> = segments
        .into_iter()
        .zip(dropped)
        .filter(|(_, d)| !d)
        .map(|(s, _)| s)
        .collect();
    if total(&kept) > width {
        for s in kept.iter_mut() {
            if let Some(short) = s.short.take() {
                s.spans = short;
            }
        }
    }
    Line::from(kept.into_iter().flat_map(|s| s.spans).collect::<Vec<_>>())
}

/// With elements out for planned work: what is out, and how many critical
/// services one more event takes down during the window (the engine's
/// [`crate::findings::window::Window`]).
fn maintenance_segments(app: &App) -> Vec<Segment> {
    let Some(window) = &app.model.window else {
        return Vec::new();
    };
    let g = app.model.graph();
    let ids: Vec<&str> = window.out.iter().map(|&n| g.id(n)).collect();
    let n = window.one_event_from_down.len();
    let style = if n > 0 || !window.critical_down.is_empty() {
        theme::critical()
    } else {
        theme::good()
    };
    let mut full = format!(" {} out: {n} one event from down", ids.join(", "));
    if !window.critical_down.is_empty() {
        full.push_str(&format!(
            ", {} down for the window",
            window.critical_down.len()
        ));
    }
    vec![
        seg(
            0,
            vec![Span::styled(
                " MAINTENANCE ",
                Style::new().fg(Color::Black).bg(Color::Cyan),
            )],
        ),
        Segment {
            rank: 0,
            spans: vec![Span::styled(full, style), Span::raw(" ")],
            short: Some(vec![
                Span::styled(format!(" {n} one event from down"), style),
                Span::raw(" "),
            ]),
        },
    ]
}

/// The what-if summary as one line (everything, for tests and wide bars).
pub fn summary_line(app: &App) -> Line<'static> {
    fit_segments(summary_segments(app), usize::MAX)
}

/// The what-if summary: the events, critical services down, then counts,
/// each a [`Segment`] ranked by what a planner needs most.
pub fn summary_segments(app: &App) -> Vec<Segment> {
    let w = &app.whatif;
    let g = app.model.graph();
    let mut out: Vec<Segment> = maintenance_segments(app);
    if !w.is_active() {
        let base_trips = w.outcome.base_trips(&app.model.analysis);
        if !base_trips.is_empty() {
            let ids: Vec<String> = base_trips
                .iter()
                .map(|t| format!("{} ({:.0}%)", g.id(t.node), t.load_pct()))
                .collect();
            out.push(seg(
                0,
                vec![Span::styled(
                    " AS DESIGNED ",
                    Style::new().fg(Color::Black).bg(Color::Red),
                )],
            ));
            out.push(Segment {
                rank: 1,
                spans: vec![Span::styled(
                    format!(
                        "  overloaded with nothing failed, tripped: {}",
                        ids.join(", ")
                    ),
                    theme::critical(),
                )],
                short: Some(vec![Span::styled(
                    format!(
                        "  {} tripped on overload",
                        plural(ids.len(), "element", "elements")
                    ),
                    theme::critical(),
                )]),
            });
            return out;
        }
        out.push(seg(
            0,
            vec![Span::styled(
                " AS DESIGNED ",
                Style::new().fg(Color::Black).bg(Color::Green),
            )],
        ));
        out.push(Segment {
            rank: 5,
            spans: vec![Span::styled(
                "  nothing failed. Select an element and press f to fail it, s to short a PSU",
                theme::dim(),
            )],
            short: Some(vec![Span::styled("  nothing failed", theme::dim())]),
        });
        return out;
    }
    out.push(seg(
        0,
        vec![Span::styled(
            " WHAT-IF ",
            Style::new()
                .fg(Color::Black)
                .bg(Color::Yellow)
                .add_modifier(Modifier::BOLD),
        )],
    ));
    let mut names: Vec<String> = w.events.iter().map(|e| e.describe(g)).collect();
    if let Some(p) = w.preview {
        if !w.events.contains(&p) {
            names.push(format!("preview {}", p.describe(g)));
        }
    }
    let mut events = vec![Span::raw(format!(" {}", names.join(" + ")))];
    let mut events_short = vec![Span::raw(format!(
        " {}",
        plural(names.len(), "event", "events")
    ))];
    if !w.cascade() {
        events.push(Span::styled(" (no cascade)", theme::dim()));
        events_short.push(Span::styled(" (no cascade)", theme::dim()));
    }
    out.push(Segment {
        rank: 3,
        spans: events,
        short: Some(events_short),
    });
    let o = &w.outcome;
    let down = &o.down;
    if down.critical.is_empty() {
        out.push(seg(
            0,
            vec![
                Span::styled(" │ ", theme::dim()),
                Span::styled("no critical service down", theme::good()),
            ],
        ));
    } else {
        let ids: Vec<&str> = down.critical.iter().map(|&n| g.id(n)).collect();
        out.push(Segment {
            rank: 0,
            spans: vec![
                Span::styled(" │ ", theme::dim()),
                Span::styled(
                    format!("CRITICAL DOWN: {}", ids.join(", ")),
                    theme::critical(),
                ),
            ],
            short: Some(vec![
                Span::styled(" │ ", theme::dim()),
                Span::styled(format!("CRITICAL DOWN: {}", ids.len()), theme::critical()),
            ]),
        });
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
        out.push(Segment {
            rank: 4,
            spans: vec![
                Span::styled(" │ tripped: ", theme::dim()),
                Span::styled(trips.join(", "), Style::new().fg(Color::Magenta)),
            ],
            short: Some(vec![
                Span::styled(" │ tripped: ", theme::dim()),
                Span::styled(trips.len().to_string(), Style::new().fg(Color::Magenta)),
            ]),
        });
    }
    if !o.impact.overloaded.is_empty() {
        let over: Vec<String> = o
            .impact
            .overloaded
            .iter()
            .map(|t| format!("{} {:.0}%", g.id(t.node), t.load_pct()))
            .collect();
        out.push(Segment {
            rank: 4,
            spans: vec![
                Span::styled(" │ overloaded: ", theme::dim()),
                Span::styled(over.join(", "), Style::new().fg(Color::Magenta)),
            ],
            short: Some(vec![
                Span::styled(" │ overloaded: ", theme::dim()),
                Span::styled(over.len().to_string(), Style::new().fg(Color::Magenta)),
            ]),
        });
    }
    let mut parts: Vec<String> = Vec::new();
    let mut short_parts: Vec<String> = Vec::new();
    let services = &down.services;
    if !services.is_empty() {
        let ids: Vec<&str> = services.iter().take(4).map(|&n| g.id(n)).collect();
        let more = if services.len() > 4 { ", …" } else { "" };
        let count = plural(services.len(), "service", "services");
        parts.push(format!("{count} ({}{more})", ids.join(", ")));
        short_parts.push(count);
    }
    if !down.devices.is_empty() {
        parts.push(plural(down.devices.len(), "device", "devices"));
        short_parts.push(plural(down.devices.len(), "device", "devices"));
    }
    if !down.power.is_empty() {
        parts.push(plural(down.power.len(), "element", "elements"));
        short_parts.push(plural(down.power.len(), "element", "elements"));
    }
    if !parts.is_empty() {
        out.push(Segment {
            rank: 1,
            spans: vec![
                Span::styled(" │ down: ", theme::dim()),
                Span::styled(parts.join(", "), Style::new().fg(Color::Red)),
            ],
            short: Some(vec![
                Span::styled(" │ down: ", theme::dim()),
                Span::styled(short_parts.join(", "), Style::new().fg(Color::Red)),
            ]),
        });
    }
    if !o.impact.degraded.is_empty() {
        out.push(seg(
            2,
            vec![
                Span::styled(" │ degraded: ", theme::dim()),
                Span::styled(
                    o.impact.degraded.len().to_string(),
                    Style::new().fg(Color::Yellow),
                ),
            ],
        ));
    }
    out
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
