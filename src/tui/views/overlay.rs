//! Pop-ups drawn over the panes: search, help, and the diagnostics of an
//! invalid file on disk.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph};

use super::{fit, theme};
use crate::tui::app::{App, State, Target, Tone};
use crate::tui::keys;

/// The search prompt with the best matches, at the bottom of the body.
pub fn search(f: &mut Frame, body: Rect, app: &App) {
    let Some(s) = &app.search else { return };
    let listed = s.matches.len().min(10) as u16;
    let height = (3 + listed).min(body.height);
    let width = body.width.min(64);
    let area = Rect::new(body.x, body.y + body.height - height, width, height);
    let inner = popup(f, area, " Search ids ");
    if inner.height == 0 {
        return;
    }
    let status = if s.query.is_empty() {
        "type part of an id".to_string()
    } else if s.matches.is_empty() {
        "no match".to_string()
    } else {
        format!("{} of {}", s.current + 1, s.matches.len())
    };
    let prompt = Line::from(vec![
        Span::styled(
            "/",
            Style::new().fg(Color::Cyan).add_modifier(Modifier::BOLD),
        ),
        Span::raw(s.query.clone()),
        Span::styled("▏", Style::new().fg(Color::Cyan)),
        Span::styled(format!("  {status}"), theme::dim()),
    ]);
    f.buffer_mut()
        .set_line(inner.x, inner.y, &prompt, inner.width);
    let rows = inner.height.saturating_sub(1) as usize;
    if rows == 0 {
        return;
    }
    let start = s.current.saturating_sub(rows.saturating_sub(1));
    for (k, i) in (start..s.matches.len()).take(rows).enumerate() {
        let t = s.matches[i];
        let (st, kind) = match t {
            Target::Node(n) => (app.state(n), app.kind_label(n)),
            Target::Common(g) => (app.common_state(g), "common cause"),
        };
        let id = app.model.target_id(t).to_string();
        let line = Line::from(vec![
            Span::styled(
                format!("{} ", theme::state_glyph(st)),
                theme::glyph_style(st),
            ),
            Span::styled(fit(&id, inner.width as usize - 2), theme::name_style(st)),
            Span::styled(format!("  {kind}"), theme::dim()),
        ]);
        let y = inner.y + 1 + k as u16;
        let buf = f.buffer_mut();
        buf.set_line(inner.x, y, &line, inner.width);
        if i == s.current {
            buf.set_style(Rect::new(inner.x, y, inner.width, 1), theme::cursor(true));
        }
    }
}

/// The key help, generated from the key table. Lines are wrapped here,
/// not by the paragraph, so the scroll limit counts the rows really drawn
/// and the last line (Ctrl-C) can always be reached.
pub fn help(f: &mut Frame, area: Rect, app: &mut App) {
    let width = area.width.saturating_sub(4).min(86);
    let height = area.height.saturating_sub(2);
    let area = Rect::new(area.x + (area.width - width) / 2, area.y + 1, width, height);
    let lines = help_rows(width.saturating_sub(2) as usize);
    let inner_height = height.saturating_sub(2);
    let max = (lines.len() as u16).saturating_sub(inner_height);
    let scroll = app.help.unwrap_or(0).min(max);
    app.help = Some(scroll);
    let first = scroll as usize + 1;
    let last = (scroll as usize + inner_height as usize).min(lines.len());
    let more = match (scroll > 0, scroll < max) {
        (true, true) => " ↑↓",
        (false, true) => " ↓",
        (true, false) => " ↑",
        (false, false) => "",
    };
    let title = format!(
        " Keys (Esc or ? closes) {first}-{last} of {}{more} ",
        lines.len()
    );
    let inner = popup(f, area, &title);
    f.render_widget(Paragraph::new(lines).scroll((scroll, 0)), inner);
}

/// The help's rows at `width` cells: the state legend, then each binding
/// with its description wrapped under itself.
fn help_rows(width: usize) -> Vec<Line<'static>> {
    let mut legend = vec![Span::styled("States  ", theme::heading())];
    for (st, word) in [
        (State::Live, "live  "),
        (State::Degraded, "degraded (one event from down) "),
        (State::Down, "down  "),
        (State::Failed, "failed  "),
        (State::Tripped, "tripped  "),
        (State::Overloaded, "overloaded"),
    ] {
        let glyph = format!("{} ", theme::state_glyph(st));
        legend.push(Span::styled(glyph, theme::glyph_style(st)));
        legend.push(Span::raw(word));
    }
    let mut lines: Vec<Line> = wrap_spans(legend, width);
    lines.push(Line::default());
    let key_w = (width / 3).clamp(8, 24);
    let text_w = width.saturating_sub(key_w + 2).max(8);
    for (k, d) in keys::help_lines() {
        if k.is_empty() {
            lines.push(Line::styled(d, theme::heading()));
            continue;
        }
        let keys_cell = fit(&k, key_w);
        for (i, part) in wrap_words(&d, text_w).into_iter().enumerate() {
            let left = if i == 0 { keys_cell.as_str() } else { "" };
            lines.push(Line::from(vec![
                Span::styled(format!("  {left:<key_w$}"), Style::new().fg(Color::Cyan)),
                Span::raw(part),
            ]));
        }
    }
    lines
}

/// The why panel: the engine's why-path lines, wrapped, scrollable, with
/// where the view is in the title.
pub fn why(f: &mut Frame, area: Rect, app: &mut App) {
    let Some(panel) = app.why.as_mut() else {
        return;
    };
    let width = area.width.saturating_sub(4).min(120);
    let text_w = width.saturating_sub(2) as usize;
    let mut lines: Vec<Line> = Vec::new();
    for (i, l) in panel.lines.iter().enumerate() {
        let style = if i == 0 {
            theme::heading()
        } else if l.contains(" is down because ") || l.contains("a single point of failure") {
            theme::tone_style(Tone::Error)
        } else {
            Style::new()
        };
        let indent = l.len() - l.trim_start().len();
        for (k, part) in wrap_words(l, text_w.saturating_sub(indent + 3))
            .into_iter()
            .enumerate()
        {
            let pad = if k == 0 { indent } else { indent + 3 };
            lines.push(Line::styled(format!("{}{part}", " ".repeat(pad)), style));
        }
    }
    // As tall as its lines, at most the screen.
    let height = (lines.len() as u16)
        .saturating_add(2)
        .min(area.height.saturating_sub(2));
    let area = Rect::new(area.x + (area.width - width) / 2, area.y + 1, width, height);
    let inner_height = height.saturating_sub(2);
    let max = (lines.len() as u16).saturating_sub(inner_height);
    panel.scroll = panel.scroll.min(max);
    let scroll = panel.scroll;
    let more = match (scroll > 0, scroll < max) {
        (true, true) => " ↑↓",
        (false, true) => " ↓",
        (true, false) => " ↑",
        (false, false) => "",
    };
    let title = format!(" {} (w or Esc closes){more} ", panel.title);
    let inner = popup(f, area, &title);
    f.render_widget(Paragraph::new(lines).scroll((scroll, 0)), inner);
}

/// Greedy word wrap at `width` cells (a word longer than the width is cut).
pub fn wrap_words(text: &str, width: usize) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut cur = String::new();
    for word in text.split_whitespace() {
        let need = cur.chars().count() + usize::from(!cur.is_empty()) + word.chars().count();
        if !cur.is_empty() && need > width {
            out.push(std::mem::take(&mut cur));
        }
        if !cur.is_empty() {
            cur.push(' ');
        }
        cur.push_str(&fit(word, width));
    }
    if !cur.is_empty() || out.is_empty() {
        out.push(cur);
    }
    out
}

/// Spans laid out over as many rows of `width` cells as they need,
/// breaking between spans.
fn wrap_spans(spans: Vec<Span<'static>>, width: usize) -> Vec<Line<'static>> {
    let mut rows: Vec<Line> = Vec::new();
    let mut cur: Vec<Span> = Vec::new();
    let mut used = 0;
    for s in spans {
        let w = s.content.chars().count();
        if used > 0 && used + w > width {
            rows.push(Line::from(std::mem::take(&mut cur)));
            used = 0;
        }
        used += w;
        cur.push(s);
    }
    if !cur.is_empty() {
        rows.push(Line::from(cur));
    }
    rows
}

/// Clear `area` and frame it as a pop-up titled `title`; returns the inside.
pub(super) fn popup(f: &mut Frame, area: Rect, title: &str) -> Rect {
    f.render_widget(Clear, area);
    let b = Block::bordered()
        .border_style(Style::new().fg(Color::Cyan))
        .title(Line::from(title.to_string()).style(theme::title(true)));
    let inner = b.inner(area);
    f.render_widget(b, area);
    inner
}

/// The diagnostics of an invalid file, over the lower part of the body
/// when the findings pane (their usual place) is not on screen.
pub fn reload_error(f: &mut Frame, body: Rect, app: &App) {
    let height = (body.height / 2).max(3).min(body.height);
    let area = Rect::new(body.x, body.y + body.height - height, body.width, height);
    f.render_widget(Clear, area);
    reload_error_in(f, area, app);
}

pub fn reload_error_in(f: &mut Frame, area: Rect, app: &App) {
    let Some(text) = &app.reload_error else {
        return;
    };
    let title = if app.never_valid {
        " The file is not a valid layout yet: fix it and save, this view is waiting "
    } else {
        " The file on disk is invalid: showing the last good version "
    };
    let b = Block::bordered()
        .border_style(theme::tone_style(Tone::Error))
        .title(Line::from(title).style(theme::tone_style(Tone::Error)));
    let lines: Vec<Line> = text.lines().map(|l| Line::raw(l.to_string())).collect();
    f.render_widget(
        // Not wrapped: a caret line must stay under the column it points
        // at, and a wrapped source line would move it.
        Paragraph::new(lines).block(b),
        area,
    );
}
