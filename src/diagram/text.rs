//! Text metrics and wrapping, measured with the embedded Inter fonts.
//!
//! Every box on the map takes its size from its wrapped text, so this module decides the
//! whole layout. Widths come from Inter's real advance widths (the same files browsers load),
//! plus a small safety margin so kerning and hinting differences never push a line past its
//! card. A glyph Inter lacks (emoji, CJK) counts as a full em.

use super::fonts;
use std::sync::OnceLock;
use ttf_parser::{Face, GlyphId};

/// Extra width on every measurement: browsers' shaping may differ slightly from ours.
const SAFETY: f32 = 1.04;
/// Advances for these code points are looked up once and kept in a table.
const CACHED: u32 = 0x0300;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Weight {
    Regular,
    SemiBold,
    Bold,
}

/// One font's advance widths in em.
struct Metrics {
    face: Option<Face<'static>>,
    upem: f32,
    table: Vec<f32>,
}

impl Metrics {
    fn load(data: &'static [u8]) -> Metrics {
        let face = Face::parse(data, 0).ok();
        let upem = face.as_ref().map_or(1000.0, |f| f.units_per_em() as f32);
        let mut m = Metrics {
            face,
            upem,
            table: Vec::new(),
        };
        m.table = (0..CACHED)
            .map(|c| m.lookup(char::from_u32(c).unwrap_or(' ')))
            .collect();
        m
    }

    fn lookup(&self, c: char) -> f32 {
        let Some(face) = &self.face else { return 0.6 };
        let glyph = face.glyph_index(c).filter(|g| *g != GlyphId(0));
        glyph
            .and_then(|g| face.glyph_hor_advance(g))
            .map_or(1.0, |a| a as f32 / self.upem)
    }

    fn advance(&self, c: char) -> f32 {
        match self.table.get(c as usize) {
            Some(w) => *w,
            None => self.lookup(c),
        }
    }
}

fn metrics(weight: Weight, italic: bool) -> &'static Metrics {
    static FONTS: OnceLock<[Metrics; 4]> = OnceLock::new();
    let fonts = FONTS.get_or_init(|| {
        [
            Metrics::load(fonts::REGULAR),
            Metrics::load(fonts::ITALIC),
            Metrics::load(fonts::SEMI_BOLD),
            Metrics::load(fonts::BOLD),
        ]
    });
    match (weight, italic) {
        (Weight::Regular, false) => &fonts[0],
        (Weight::Regular, true) => &fonts[1],
        (Weight::SemiBold, _) => &fonts[2],
        (Weight::Bold, _) => &fonts[3],
    }
}

/// How a run of text is set: everything that changes its width.
#[derive(Clone, Copy, Debug)]
pub(super) struct Font {
    pub size: f32,
    pub weight: Weight,
    pub italic: bool,
    /// Letter spacing in px, added after every character.
    pub spacing: f32,
}

impl Font {
    pub(super) fn new(size: f32, weight: Weight) -> Font {
        Font {
            size,
            weight,
            italic: false,
            spacing: 0.0,
        }
    }

    /// Width of `s` in px, with the safety margin.
    pub(super) fn width(&self, s: &str) -> f32 {
        let m = metrics(self.weight, self.italic);
        let (em, count) = s
            .chars()
            .fold((0.0, 0), |(em, n), c| (em + m.advance(c), n + 1));
        em * self.size * SAFETY + self.spacing * count as f32
    }

    fn char_width(&self, m: &Metrics, c: char) -> f32 {
        m.advance(c) * self.size * SAFETY + self.spacing
    }
}

/// Greedy wrap at spaces. A no-break space holds words together; a line break in the source
/// starts a new line; a word longer than the line is split with a hyphen, never clipped.
pub(super) fn wrap(text: &str, font: &Font, width: f32) -> Vec<String> {
    let mut lines = Vec::new();
    let space = font.width(" ");
    for paragraph in text.split('\n') {
        let mut cur = String::new();
        let mut cur_w = 0.0;
        for word in paragraph.split([' ', '\t', '\r']).filter(|w| !w.is_empty()) {
            let w = font.width(word);
            if cur.is_empty() && w <= width {
                (cur, cur_w) = (word.to_string(), w);
                continue;
            }
            if !cur.is_empty() && cur_w + space + w <= width {
                cur.push(' ');
                cur.push_str(word);
                cur_w += space + w;
                continue;
            }
            if !cur.is_empty() {
                lines.push(std::mem::take(&mut cur));
            }
            let rest = split_long_word(word, font, width, &mut lines);
            cur_w = font.width(&rest);
            cur = rest;
        }
        if !cur.is_empty() {
            lines.push(cur);
        }
    }
    lines
}

/// Pushes pieces of `word` until the rest fits on a line; returns the rest. A piece ends
/// after one of the word's own hyphens when one fits, else gets a hyphen added.
fn split_long_word(word: &str, font: &Font, width: f32, lines: &mut Vec<String>) -> String {
    let m = metrics(font.weight, font.italic);
    let hyphen = font.char_width(m, '-');
    let mut rest = word;
    while font.width(rest) > width {
        let (cut, own) = fitting_prefix(rest, font, m, width, hyphen);
        if cut >= rest.len() {
            break;
        }
        lines.push(if own {
            rest[..cut].to_string()
        } else {
            format!("{}-", &rest[..cut])
        });
        rest = &rest[cut..];
    }
    rest.to_string()
}

/// The longest prefix that fits with a hyphen added (at least one character), or the
/// longest one ending in the word's own hyphen; `true` when it is the latter.
fn fitting_prefix(word: &str, font: &Font, m: &Metrics, width: f32, hyphen: f32) -> (usize, bool) {
    let (mut used, mut cut, mut own) = (0.0, 0, None);
    for (i, c) in word.char_indices() {
        let w = font.char_width(m, c);
        if i > 0 && used + w + hyphen > width {
            if c == '-' && used + w <= width {
                own = Some(i + 1);
            }
            break;
        }
        used += w;
        cut = i + c.len_utf8();
        if c == '-' && cut < word.len() {
            own = Some(cut);
        }
    }
    match own {
        Some(at) if at * 3 >= cut => (at, true),
        _ => (cut, false),
    }
}

/// A wrapped paragraph that knows its size before it is placed.
#[derive(Clone, Debug)]
pub(super) struct Text {
    pub lines: Vec<String>,
    pub font: Font,
    pub fill: String,
    /// Line height in px.
    pub lh: f32,
    pub width: f32,
    pub height: f32,
}

impl Text {
    /// Body text: wrapped to `width`, line height 1.38.
    pub(super) fn new(s: &str, size: f32, width: f32, weight: Weight, fill: &str) -> Text {
        Text::set(s, Font::new(size, weight), width, fill, 1.38)
    }

    /// Full control: the font, the wrap width, the line height as a factor of the size.
    pub(super) fn set(s: &str, font: Font, width: f32, fill: &str, lh: f32) -> Text {
        let lines = wrap(s, &font, width);
        let measured = lines.iter().map(|l| font.width(l)).fold(0.0, f32::max);
        let lh = font.size * lh;
        let height = lines.len() as f32 * lh;
        Text {
            lines,
            font,
            fill: fill.to_string(),
            lh,
            width: measured,
            height,
        }
    }

    pub(super) fn italic(s: &str, size: f32, width: f32, fill: &str) -> Text {
        let font = Font {
            italic: true,
            ..Font::new(size, Weight::Regular)
        };
        Text::set(s, font, width, fill, 1.38)
    }

    /// Spaced capitals for small labels.
    pub(super) fn caps(s: &str, size: f32, width: f32, fill: &str, spacing: f32) -> Text {
        let font = Font {
            spacing,
            ..Font::new(size, Weight::Bold)
        };
        Text::set(&s.to_uppercase(), font, width, fill, 1.2)
    }

    /// The same text with a different line height factor.
    pub(super) fn with_lh(mut self, factor: f32) -> Text {
        self.lh = self.font.size * factor;
        self.height = self.lines.len() as f32 * self.lh;
        self
    }

    pub(super) fn is_empty(&self) -> bool {
        self.lines.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn body() -> Font {
        Font::new(14.5, Weight::Regular)
    }

    #[test]
    fn widths_come_from_inter() {
        let f = Font::new(100.0, Weight::Regular);
        let w = f.width("M") / SAFETY;
        assert!(w > 70.0 && w < 100.0, "M is {w}");
        assert!(Font::new(100.0, Weight::Bold).width("abc") > f.width("abc"));
    }

    #[test]
    fn missing_glyphs_are_one_em() {
        let f = Font::new(10.0, Weight::Regular);
        assert!((f.width("漢") - 10.0 * SAFETY).abs() < 0.01);
    }

    #[test]
    fn wraps_at_spaces_and_keeps_no_break_spaces() {
        let lines = wrap(
            "Care-tips email, day\u{a0}7 and more words here",
            &body(),
            120.0,
        );
        assert!(lines.len() > 1);
        assert!(lines.iter().any(|l| l.contains("day\u{a0}7")));
        for l in &lines {
            assert!(body().width(l) <= 120.0);
        }
    }

    #[test]
    fn long_words_split_with_a_hyphen() {
        let word = "Supercalifragilisticexpialidocious-and-then-some";
        let lines = wrap(word, &body(), 80.0);
        assert!(lines.len() > 2);
        assert!(lines[0].ends_with('-'));
        for l in &lines {
            assert!(body().width(l) <= 80.0, "{l}");
        }
        let joined: String = lines.iter().map(|l| l.trim_end_matches('-')).collect();
        assert!(joined.starts_with("Supercalifragilistic"));
    }

    #[test]
    fn empty_text_has_no_lines() {
        assert!(wrap("  \n ", &body(), 100.0).is_empty());
    }
}
