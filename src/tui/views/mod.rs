//! Drawing: one free function per screen region. They read the state and
//! write nothing back but scroll offsets (which depend on the pane height
//! only known here) and the pane rectangles used for mouse hits.

pub mod findings;
pub mod inspector;
pub mod map;
pub mod overlay;
pub mod rack;
pub mod status;
pub mod theme;
pub mod tree;

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph, Wrap};

use super::app::{App, Areas, Pane};

/// Below this the panes cannot show anything useful: say so instead.
pub const MIN_WIDTH: u16 = 40;
pub const MIN_HEIGHT: u16 = 10;
/// From this width the tree, the rack and the inspector sit side by side.
pub const WIDE: u16 = 110;
/// From this width the tree has a column to itself.
pub const MEDIUM: u16 = 70;

pub fn draw(f: &mut Frame, app: &mut App) {
    let area = f.area();
    app.areas = Areas::default();
    if area.width < MIN_WIDTH || area.height < MIN_HEIGHT {
        too_small(f, area);
        return;
    }
    let [header, body, status_area] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Min(1),
        Constraint::Length(2),
    ])
    .areas(area);
    let areas = panes(body, app);
    app.areas = areas;
    status::header(f, header, app);
    for pane in Pane::ALL {
        let Some(r) = areas.get(pane) else { continue };
        match pane {
            Pane::Tree => tree::draw(f, r, app),
            Pane::Rack => rack::draw(f, r, app),
            Pane::Inspector => inspector::draw(f, r, app),
            Pane::Findings => findings::draw(f, r, app),
        }
    }
    status::draw(f, status_area, app);
    if app.never_valid {
        // Nothing valid to show: the diagnostics take the whole body.
        f.render_widget(ratatui::widgets::Clear, body);
        overlay::reload_error_in(f, body, app);
    } else if app.reload_error.is_some() && areas.get(Pane::Findings).is_none() {
        overlay::reload_error(f, body, app);
    }
    if app.search.is_some() {
        overlay::search(f, body, app);
    }
    if app.why.is_some() {
        overlay::why(f, area, app);
    }
    if app.map.is_some() {
        map::draw(f, area, app);
    }
    if app.help.is_some() {
        overlay::help(f, area, app);
    }
}

/// Which pane goes where at this size.
pub fn panes(body: Rect, app: &App) -> Areas {
    let mut a = Areas::default();
    if body.width >= WIDE {
        let rack_w = rack::wanted_width(app).clamp(30, body.width / 3);
        let tree_w = ((body.width - rack_w) * 45 / 100).max(30);
        let [t, r, right] = Layout::horizontal([
            Constraint::Length(tree_w),
            Constraint::Length(rack_w),
            Constraint::Min(20),
        ])
        .areas(body);
        let [i, fi] =
            Layout::vertical([Constraint::Percentage(58), Constraint::Min(3)]).areas(right);
        a.set(Pane::Tree, t);
        a.set(Pane::Rack, r);
        a.set(Pane::Inspector, i);
        a.set(Pane::Findings, fi);
    } else if body.width >= MEDIUM {
        let [t, right] =
            Layout::horizontal([Constraint::Percentage(48), Constraint::Min(20)]).areas(body);
        let [top, fi] =
            Layout::vertical([Constraint::Percentage(60), Constraint::Min(3)]).areas(right);
        a.set(Pane::Tree, t);
        let top_pane = if app.narrow_shows_rack {
            Pane::Rack
        } else {
            Pane::Inspector
        };
        a.set(top_pane, top);
        a.set(Pane::Findings, fi);
    } else {
        a.set(app.focus, body);
    }
    a
}

/// A pane's frame: its title, and a highlight when it has the focus.
pub fn block<'a>(app: &App, pane: Pane, title: Vec<Span<'a>>) -> Block<'a> {
    let focused = app.focus == pane;
    let mut spans = vec![Span::raw(" ")];
    spans.extend(title);
    spans.push(Span::raw(" "));
    Block::bordered()
        .border_style(theme::border(focused))
        .title(Line::from(spans).style(theme::title(focused)))
}

fn too_small(f: &mut Frame, area: Rect) {
    let text = format!(
        "faultline needs a terminal of at least {MIN_WIDTH}x{MIN_HEIGHT} (this one is {}x{}): make it larger, or press q to quit",
        area.width, area.height
    );
    f.render_widget(Paragraph::new(text).wrap(Wrap { trim: true }), area);
}

/// One line of a list pane at row `line_no` of `inner`, highlighted when it
/// is the cursor's.
pub fn list_row(
    f: &mut Frame,
    inner: Rect,
    line_no: usize,
    line: &Line<'_>,
    is_cursor: bool,
    focused: bool,
) {
    let y = inner.y + line_no as u16;
    let buf = f.buffer_mut();
    buf.set_line(inner.x, y, line, inner.width);
    if is_cursor {
        buf.set_style(
            Rect::new(inner.x, y, inner.width, 1),
            theme::cursor(focused),
        );
    }
}

/// Cut `s` to at most `width` cells, ending in "…" when cut. Ids are ASCII,
/// so a char is a cell; anything wider is cut conservatively. For ids use
/// [`shorten`], which keeps the end that tells them apart.
pub fn fit(s: &str, width: usize) -> String {
    if width == 0 {
        return String::new();
    }
    if s.chars().count() <= width {
        return s.to_string();
    }
    let mut out: String = s.chars().take(width - 1).collect();
    out.push('…');
    out
}

/// Keep `cursor` inside a window of `height` rows starting at `offset`,
/// and the window inside `len` rows.
pub fn scroll_window(offset: &mut usize, cursor: usize, follow: bool, height: usize, len: usize) {
    if follow && height > 0 {
        if cursor < *offset {
            *offset = cursor;
        } else if cursor >= *offset + height {
            *offset = cursor + 1 - height;
        }
    }
    *offset = (*offset).min(len.saturating_sub(height));
}

/// The length of the prefix all of `ids` share (in chars), 0 for fewer
/// than two ids.
pub fn common_prefix(ids: &[&str]) -> usize {
    let Some((first, rest)) = ids.split_first() else {
        return 0;
    };
    if rest.is_empty() {
        return 0;
    }
    let mut n = first.chars().count();
    for id in rest {
        n = n.min(
            first
                .chars()
                .zip(id.chars())
                .take_while(|(a, b)| a == b)
                .count(),
        );
    }
    n
}

/// Shorten an id to `width` cells by eliding its middle: ids of siblings
/// share their beginning (`pdu-r01-a`, `pdu-r01-b`), so cutting the end,
/// as [`fit`] does, makes them all read the same. The end is kept (about
/// two thirds of the room), and at least everything from `distinct_from`
/// (where this id starts to differ from its siblings; 0 when unknown) if
/// it fits.
pub fn shorten(id: &str, width: usize, distinct_from: usize) -> String {
    let chars: Vec<char> = id.chars().collect();
    let len = chars.len();
    if len <= width {
        return id.to_string();
    }
    if width <= 2 {
        return fit(id, width);
    }
    let budget = width - 1;
    let mut tail = (budget * 2).div_ceil(3);
    if distinct_from > 0 {
        tail = tail.max(len.saturating_sub(distinct_from));
    }
    let tail = tail.min(budget);
    let head = budget - tail;
    let mut out: String = chars[..head].iter().collect();
    out.push('…');
    out.extend(&chars[len - tail..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shortened_siblings_stay_different() {
        assert_eq!(shorten("pdu-r01-a", 7, 0), "pd…01-a");
        assert_eq!(shorten("pdu-r01-b", 7, 0), "pd…01-b");
        assert_eq!(shorten("pdu-r01-a", 9, 0), "pdu-r01-a");
        let long = ["pdu-hall2-rowA-rack04-sideA", "pdu-hall2-rowA-rack04-sideB"];
        let p = common_prefix(&long);
        assert_eq!(p, 26);
        assert_eq!(shorten(long[0], 12, p), "pdu…04-sideA");
        assert_eq!(shorten(long[0], 12, p).chars().count(), 12);
        assert_ne!(shorten(long[0], 4, p), shorten(long[1], 4, p));
        assert_eq!(shorten("abc", 2, 0), "a…");
    }
}
