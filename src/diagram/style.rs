//! The design tokens of the journey map: colours, type sizes and grid measures.
//!
//! They come straight from `shared/design/README.md`; keeping them in one place means a
//! colour or a gap is changed once and the whole picture follows. Colour helpers (emotion
//! hues on any scale, readable text on a fill) live here too, because they are part of the
//! palette's rules rather than of any one drawing.

use crate::model::EmotionScale;

pub(super) const INK: &str = "#1F2937";
pub(super) const INK_2: &str = "#4B5563";
pub(super) const INK_3: &str = "#5B6675";
pub(super) const PAGE: &str = "#FFFFFF";
pub(super) const CARD: &str = "#FFFFFF";
pub(super) const CARD_LINE: &str = "#D5DCE5";
pub(super) const GRID: &str = "#E3E8EE";
pub(super) const ZERO: &str = "#8C97A6";
pub(super) const CURVE: &str = "#334155";
pub(super) const BADGE: &str = "#E6EBF0";
pub(super) const PERSONA_COLOUR: &str = "#2D6497";

/// Band fill (white text sits on it) and tray tint, Awareness → Advocacy.
pub(super) const STAGE_COLOURS: [(&str, &str); 6] = [
    ("#2C7488", "#F1F7F8"),
    ("#2D6497", "#F1F5F9"),
    ("#40559F", "#F3F4FA"),
    ("#57499B", "#F5F3FA"),
    ("#6E4691", "#F6F3F9"),
    ("#874180", "#F8F3F7"),
];

/// Emotion hues from the bottom of the scale to the top.
pub(super) const EMOTION_STOPS: [&str; 5] = ["#C4392D", "#E5853B", "#D8B235", "#5EB394", "#1D7D68"];

/// Fill, line, accent (bars) and text of a flagged card.
pub(super) struct Flag {
    pub fill: &'static str,
    pub line: &'static str,
    pub accent: &'static str,
    pub text: &'static str,
}

pub(super) const PAIN: Flag = Flag {
    fill: "#FDF1F0",
    line: "#F0C7C2",
    accent: "#B42318",
    text: "#8A1C12",
};
pub(super) const OPP: Flag = Flag {
    fill: "#EEF2FD",
    line: "#C6D2F3",
    accent: "#3347A8",
    text: "#26357E",
};
pub(super) const BACK_FILL: &str = "#EDF0F3";
pub(super) const BACK_TEXT: &str = "#374151";

pub(super) const FONT_STACK: &str = "Inter, system-ui, sans-serif";

// Grid (px).
pub(super) const MARGIN: f32 = 56.0;
pub(super) const LABEL_W: f32 = 188.0;
pub(super) const LABEL_GAP: f32 = 20.0;
pub(super) const CARD_W: f32 = 176.0;
pub(super) const CARD_GAP: f32 = 10.0;
pub(super) const TRAY_PAD: f32 = 10.0;
pub(super) const STAGE_GAP: f32 = 16.0;
pub(super) const PAD: f32 = 12.0;
pub(super) const LANE_GAP: f32 = 12.0;
pub(super) const VIS_GAP: f32 = 30.0;
pub(super) const RADIUS: f32 = 8.0;
pub(super) const BAND_H: f32 = 50.0;
pub(super) const CHIP_H: f32 = 24.0;
pub(super) const TEXT_W: f32 = CARD_W - 2.0 * PAD;

// Type (px).
pub(super) const BODY: f32 = 14.5;
pub(super) const SMALL: f32 = 12.0;
pub(super) const STEP_TITLE: f32 = 17.0;

/// The colour of a score: the five design hues spread evenly from `min` to `max`.
pub(super) fn emotion_colour(score: f32, scale: &EmotionScale) -> String {
    let span = (scale.max - scale.min).max(1) as f32;
    let t = ((score - scale.min as f32) / span).clamp(0.0, 1.0) * 4.0;
    let i = (t.floor() as usize).min(3);
    let (a, b) = (rgb(EMOTION_STOPS[i]), rgb(EMOTION_STOPS[i + 1]));
    let f = t - i as f32;
    let mix = |x: u8, y: u8| (x as f32 + (y as f32 - x as f32) * f).round() as u8;
    format!(
        "#{:02X}{:02X}{:02X}",
        mix(a.0, b.0),
        mix(a.1, b.1),
        mix(a.2, b.2)
    )
}

/// Text colour for a coloured fill: white or ink, whichever contrasts more.
pub(super) fn on(fill: &str) -> &'static str {
    if contrast("#FFFFFF", fill) >= contrast(INK, fill) {
        "#FFFFFF"
    } else {
        INK
    }
}

/// Parses `#RRGGBB` (or `#RGB`); anything else is not a colour we will write into the SVG.
pub(super) fn parse_hex(s: &str) -> Option<(u8, u8, u8)> {
    let hex = s.trim().strip_prefix('#')?;
    if !hex.chars().all(|c| c.is_ascii_hexdigit()) {
        return None;
    }
    let byte = |i: usize, len: usize| u8::from_str_radix(&hex[i..i + len], 16).ok();
    match hex.len() {
        6 => Some((byte(0, 2)?, byte(2, 2)?, byte(4, 2)?)),
        3 => Some((byte(0, 1)? * 17, byte(1, 1)? * 17, byte(2, 1)? * 17)),
        _ => None,
    }
}

fn rgb(s: &str) -> (u8, u8, u8) {
    parse_hex(s).unwrap_or((0, 0, 0))
}

fn luminance(hex: &str) -> f32 {
    let (r, g, b) = rgb(hex);
    let f = |c: u8| {
        let c = c as f32 / 255.0;
        if c <= 0.03928 {
            c / 12.92
        } else {
            ((c + 0.055) / 1.055).powf(2.4)
        }
    };
    0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b)
}

pub(super) fn contrast(a: &str, b: &str) -> f32 {
    let (la, lb) = (luminance(a), luminance(b));
    (la.max(lb) + 0.05) / (la.min(lb) + 0.05)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn design_scale_hits_the_design_hues() {
        let s = EmotionScale::default();
        assert_eq!(emotion_colour(-2.0, &s), "#C4392D");
        assert_eq!(emotion_colour(0.0, &s), "#D8B235");
        assert_eq!(emotion_colour(2.0, &s), "#1D7D68");
    }

    #[test]
    fn palette_text_pairs_meet_aa() {
        let mut pairs = vec![
            (INK, PAGE),
            (INK_2, PAGE),
            (INK_3, PAGE),
            (PAIN.text, "#FFFFFF"),
        ];
        pairs.extend([
            (OPP.text, "#FFFFFF"),
            (BACK_TEXT, BACK_FILL),
            ("#FFFFFF", PERSONA_COLOUR),
        ]);
        pairs.extend(STAGE_COLOURS.iter().map(|(band, _)| ("#FFFFFF", *band)));
        pairs.extend(STAGE_COLOURS.iter().map(|(_, tray)| (INK_3, *tray)));
        for (fg, bg) in pairs {
            assert!(contrast(fg, bg) >= 4.5, "{fg} on {bg}");
        }
    }

    #[test]
    fn hex_parsing_rejects_injection() {
        assert_eq!(parse_hex("#2D6497"), Some((0x2D, 0x64, 0x97)));
        assert_eq!(parse_hex("#fff"), Some((255, 255, 255)));
        assert_eq!(parse_hex("red\" onload=\"x"), None);
    }
}
