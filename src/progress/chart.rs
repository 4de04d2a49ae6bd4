//! Trend pictures: eight-level Unicode bars (▁…█) as plain text, and a ratatui buffer
//! turned into lines for printing, so a chart drawn with ratatui widgets also works
//! inline in a terminal or a pipe without taking over the screen.

use ratatui::buffer::Buffer;
use ratatui::style::{Color, Modifier};

const LEVELS: [char; 8] = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];

/// The bar level (1..=8) of `value` on a `0..=max` scale; 0 still shows as the lowest bar.
pub fn level(value: f64, max: f64) -> u64 {
    if max <= 0.0 {
        return 1;
    }
    ((value / max).clamp(0.0, 1.0) * 7.0).round() as u64 + 1
}

/// One character per value.
pub fn blocks(values: &[f64], max: f64) -> String {
    values.iter().map(|v| LEVELS[(level(*v, max) - 1) as usize]).collect()
}

fn sgr_colour(colour: Color) -> Option<String> {
    let code = match colour {
        Color::Reset => return None,
        Color::Black => "30",
        Color::Red => "31",
        Color::Green => "32",
        Color::Yellow => "33",
        Color::Blue => "34",
        Color::Magenta => "35",
        Color::Cyan => "36",
        Color::Gray => "37",
        Color::DarkGray => "90",
        Color::LightRed => "91",
        Color::LightGreen => "92",
        Color::LightYellow => "93",
        Color::LightBlue => "94",
        Color::LightMagenta => "95",
        Color::LightCyan => "96",
        Color::White => "97",
        Color::Indexed(i) => return Some(format!("38;5;{i}")),
        Color::Rgb(r, g, b) => return Some(format!("38;2;{r};{g};{b}")),
    };
    Some(code.to_owned())
}

/// The buffer as text lines, trailing blanks trimmed; with ANSI colour and bold when
/// `colour` is set.
pub fn buffer_lines(buf: &Buffer, colour: bool) -> String {
    let area = buf.area;
    let mut out = String::new();
    for y in area.top()..area.bottom() {
        let mut line = String::new();
        let mut current: Option<String> = None;
        for x in area.left()..area.right() {
            let cell = &buf[(x, y)];
            if colour {
                let mut codes = Vec::new();
                if cell.modifier.contains(Modifier::BOLD) {
                    codes.push("1".to_owned());
                }
                if cell.modifier.contains(Modifier::DIM) {
                    codes.push("2".to_owned());
                }
                codes.extend(sgr_colour(cell.fg));
                let want = (!codes.is_empty()).then(|| codes.join(";"));
                if want != current {
                    if current.is_some() {
                        line.push_str("\x1b[0m");
                    }
                    if let Some(w) = &want {
                        line.push_str(&format!("\x1b[{w}m"));
                    }
                    current = want;
                }
            }
            line.push_str(cell.symbol());
        }
        if current.is_some() {
            line.push_str("\x1b[0m");
        }
        let trimmed = if colour { line } else { line.trim_end().to_owned() };
        out.push_str(&trimmed);
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_span_the_scale_and_keep_zero_visible() {
        assert_eq!(blocks(&[0.0, 2.0, 4.0], 4.0), "▁▅█");
        assert_eq!(blocks(&[], 4.0), "");
        assert_eq!(level(9.0, 4.0), 8);
    }
}
