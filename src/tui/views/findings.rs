//! The findings list, by severity as `check` reports them. When the file on
//! disk is invalid, its diagnostics take this place until it is fixed.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

use super::{block, scroll_window, theme};
use crate::tui::app::{App, Pane};

pub fn draw(f: &mut Frame, area: Rect, app: &mut App) {
    if app.reload_error.is_some() {
        super::overlay::reload_error_in(f, area, app);
        return;
    }
    let c = &app.model.counts;
    // "Findings 83 in 34 blocks: 67 errors ...", the words of `check`.
    let mut title = vec![Span::raw("Findings")];
    // During a maintenance window the list is the window's: what one event
    // does while these are out.
    if let Some(w) = &app.model.window {
        let g = app.model.graph();
        let ids: Vec<&str> = w.out.iter().map(|&n| g.id(n)).collect();
        title.push(Span::styled(
            format!(" with {} out", ids.join(", ")),
            theme::glyph_style(crate::tui::app::State::Out),
        ));
    }
    if !app.model.findings.is_empty() {
        title.push(Span::raw(format!(
            " {} in {}:",
            app.model.findings.len(),
            crate::wording::plural(app.model.blocks, "block", "blocks")
        )));
    }
    let parts = [
        (
            c.errors,
            "error",
            theme::severity_style(crate::diagnostic::Severity::Error),
        ),
        (
            c.warnings,
            "warning",
            theme::severity_style(crate::diagnostic::Severity::Warning),
        ),
        (
            c.notes,
            "note",
            theme::severity_style(crate::diagnostic::Severity::Note),
        ),
        (c.allowed, "allowed", theme::dim()),
    ];
    // Whole counts only: a count that does not fit the border is left
    // out, never cut mid-word (the corners and the padding take 4).
    let mut room = (area.width as usize).saturating_sub(4);
    room = room.saturating_sub(title.iter().map(|s| s.width()).sum::<usize>());
    for (n, word, style) in parts {
        if n > 0 {
            let text = format!(" {n} {word}{}", crate::wording::s(n));
            if text.len() > room {
                break;
            }
            room -= text.len();
            title.push(Span::styled(text, style));
        }
    }
    if app.model.filter.is_active() {
        title.push(Span::styled(
            format!(
                " · showing {} ({} rows)",
                app.model.filter.describe(),
                app.model.rows.len()
            ),
            theme::dim(),
        ));
    }
    let b = block(app, Pane::Findings, title);
    let inner = b.inner(area);
    f.render_widget(b, area);
    let total = app.model.findings.len();
    if total == 0 {
        // Say what `check` says: with no critical service there is
        // nothing the claim would be about.
        let text = if app.model.graph().critical_services().next().is_none() {
            "No findings. No critical services declared: mark the services that must survive any single event with critical: true."
        } else {
            "No findings: every critical service survives any single event."
        };
        f.render_widget(
            Paragraph::new(text)
                .style(theme::good())
                .wrap(Wrap { trim: true }),
            inner,
        );
        return;
    }
    let height = inner.height as usize;
    // One row a block, as `check` prints them: its first finding and how
    // many say the same.
    let total = app.model.rows.len();
    if total == 0 {
        f.render_widget(
            Paragraph::new(format!(
                "No {} findings. F cycles the severity shown, C the code (again: all).",
                app.model.filter.describe()
            ))
            .style(theme::dim())
            .wrap(Wrap { trim: true }),
            inner,
        );
        return;
    }
    let l = &mut app.findings;
    // The rows change under the cursor (a filter, a window, a reload).
    l.cursor = l.cursor.min(total - 1);
    scroll_window(&mut l.offset, l.cursor, l.follow, height, total);
    l.follow = false;
    let (offset, cursor) = (l.offset, l.cursor);
    let focused = app.focus == Pane::Findings;
    let code_width = crate::code::Code::findings()
        .map(|c| c.name().len())
        .max()
        .unwrap_or(0)
        + 1;
    for (line_no, i) in (offset..(offset + height).min(total)).enumerate() {
        let row = &app.model.rows[i];
        let fd = &app.model.findings[row[0]];
        let more = match row.len() {
            1 => String::new(),
            n => format!(" (+{} more, same blast radius)", n - 1),
        };
        let sev = if fd.allowed {
            theme::dim()
        } else {
            theme::severity_style(fd.severity)
        };
        let letter = if fd.allowed {
            "a"
        } else {
            theme::severity_letter(fd.severity)
        };
        let line = Line::from(vec![
            Span::styled(letter, sev),
            Span::raw(" "),
            Span::styled(format!("{:<code_width$}", fd.code.name()), sev),
            Span::styled(
                fd.message.clone(),
                if fd.allowed {
                    theme::dim()
                } else {
                    ratatui::style::Style::new()
                },
            ),
            Span::styled(more, theme::dim()),
        ]);
        super::list_row(f, inner, line_no, &line, i == cursor, focused);
    }
}
