//! Colours and glyphs. State is always shown twice, as a colour and as a
//! glyph or word, so the screen reads without colour too.

use ratatui::style::{Color, Modifier, Style};

use crate::diagnostic::Severity;
use crate::tui::app::{State, Tone};

pub fn state_glyph(s: State) -> &'static str {
    match s {
        State::Live => "●",
        State::Degraded => "◐",
        State::Down | State::Unpowered => "○",
        State::Failed => "✗",
        State::Tripped => "⊗",
        State::Overloaded => "▲",
        State::Out => "◇",
    }
}

/// The word for a state, or "" for healthy.
pub fn state_word(s: State) -> &'static str {
    match s {
        State::Live => "",
        State::Degraded => "degraded",
        State::Down => "down",
        State::Failed => "failed",
        State::Tripped => "tripped",
        State::Unpowered => "unpowered",
        State::Overloaded => "overloaded",
        State::Out => "out (planned work)",
    }
}

pub fn state_colour(s: State) -> Color {
    match s {
        State::Live => Color::Green,
        State::Degraded => Color::Yellow,
        State::Down | State::Unpowered => Color::Red,
        State::Failed => Color::LightRed,
        State::Tripped | State::Overloaded => Color::Magenta,
        State::Out => Color::Cyan,
    }
}

/// The style of a node's glyph.
pub fn glyph_style(s: State) -> Style {
    let st = Style::new().fg(state_colour(s));
    match s {
        State::Failed | State::Tripped | State::Overloaded => st.add_modifier(Modifier::BOLD),
        _ => st,
    }
}

/// The style of a node's name: plain when healthy, so what changed stands
/// out.
pub fn name_style(s: State) -> Style {
    match s {
        State::Live => Style::new(),
        State::Failed | State::Tripped | State::Overloaded => {
            glyph_style(s).add_modifier(Modifier::BOLD)
        }
        _ => Style::new().fg(state_colour(s)),
    }
}

pub fn dim() -> Style {
    Style::new().fg(Color::DarkGray)
}

pub fn severity_style(s: Severity) -> Style {
    match s {
        Severity::Error => Style::new().fg(Color::Red).add_modifier(Modifier::BOLD),
        Severity::Warning => Style::new().fg(Color::Yellow),
        Severity::Note => Style::new().fg(Color::Cyan),
    }
}

pub fn severity_letter(s: Severity) -> &'static str {
    match s {
        Severity::Error => "E",
        Severity::Warning => "W",
        Severity::Note => "N",
    }
}

pub fn tone_style(t: Tone) -> Style {
    match t {
        Tone::Info => Style::new().fg(Color::Cyan),
        Tone::Warn => Style::new().fg(Color::Yellow),
        Tone::Error => Style::new().fg(Color::Red).add_modifier(Modifier::BOLD),
    }
}

pub fn border(focused: bool) -> Style {
    if focused {
        Style::new().fg(Color::Cyan)
    } else {
        dim()
    }
}

pub fn title(focused: bool) -> Style {
    if focused {
        Style::new().fg(Color::Cyan).add_modifier(Modifier::BOLD)
    } else {
        Style::new().add_modifier(Modifier::BOLD)
    }
}

/// The cursor row: reversed in the focused pane, underlined elsewhere so
/// the selection is still visible.
pub fn cursor(focused: bool) -> Style {
    if focused {
        Style::new().add_modifier(Modifier::REVERSED)
    } else {
        Style::new().add_modifier(Modifier::UNDERLINED)
    }
}

pub fn heading() -> Style {
    Style::new().add_modifier(Modifier::BOLD)
}

pub fn critical() -> Style {
    Style::new().fg(Color::Red).add_modifier(Modifier::BOLD)
}

pub fn good() -> Style {
    Style::new().fg(Color::Green)
}

/// "850 W", "4.6 kW", "1.25 MW".
pub fn watts(w: f64) -> String {
    if !w.is_finite() {
        return "-".into();
    }
    if w.abs() >= 1e6 {
        format!("{:.2} MW", w / 1e6)
    } else if w.abs() >= 1e3 {
        format!("{:.1} kW", w / 1e3)
    } else {
        format!("{w:.0} W")
    }
}

/// The colour of a utilisation: plain below the policy's continuous
/// limit, yellow up to 100%, red above.
pub fn load_style(pct: f64, derating_pct: f64) -> Style {
    if pct > 100.0 {
        Style::new().fg(Color::Red).add_modifier(Modifier::BOLD)
    } else if pct > derating_pct {
        Style::new().fg(Color::Yellow)
    } else {
        Style::new()
    }
}
