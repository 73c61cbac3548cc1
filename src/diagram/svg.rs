//! Writing SVG: numbers, escaping, and a canvas that records every text box it draws.
//!
//! All output goes through here so three promises hold everywhere: coordinates have at most
//! one decimal (small, byte-stable files), author text is always escaped, and every text
//! block is recorded with the box it must stay inside, so tests can prove nothing overflows.

use super::text::{Text, Weight};
use super::TextBox;
use std::fmt::{self, Write};

/// A coordinate with at most one decimal: `12`, `12.5`, never `12.50` or `-0`.
#[derive(Clone, Copy)]
pub(super) struct N(pub f32);

impl fmt::Display for N {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let tenths = (self.0 * 10.0).round() as i64;
        let sign = if tenths < 0 { "-" } else { "" };
        let (whole, frac) = (tenths.abs() / 10, tenths.abs() % 10);
        if frac == 0 {
            write!(f, "{sign}{whole}")
        } else {
            write!(f, "{sign}{whole}.{frac}")
        }
    }
}

/// Author text made safe for XML text and attribute values; control characters that XML
/// cannot hold are dropped (tab and newline are kept), and so are bidirectional overrides,
/// which could make a label read differently from what it says.
pub(super) struct Esc<'a>(pub &'a str);

impl fmt::Display for Esc<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for c in self.0.chars() {
            match c {
                '&' => f.write_str("&amp;")?,
                '<' => f.write_str("&lt;")?,
                '>' => f.write_str("&gt;")?,
                '"' => f.write_str("&quot;")?,
                '\'' => f.write_str("&#39;")?,
                '\t' | '\n' => f.write_char(c)?,
                c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => {}
                '\u{7F}'..='\u{9F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' => {}
                c => f.write_char(c)?,
            }
        }
        Ok(())
    }
}

/// How a text block hangs from its x coordinate.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Anchor {
    Start,
    Middle,
    End,
}

/// A rectangle: x, y, width, height.
pub(super) type Rect = (f32, f32, f32, f32);

/// The SVG being written plus the text boxes drawn so far.
pub(super) struct Canvas {
    pub out: String,
    pub boxes: Vec<TextBox>,
}

impl Canvas {
    pub(super) fn new() -> Canvas {
        Canvas {
            out: String::with_capacity(96 * 1024),
            boxes: Vec::new(),
        }
    }

    pub(super) fn raw(&mut self, s: &str) {
        self.out.push_str(s);
    }

    /// `write!` into the SVG; writing to a `String` cannot fail.
    pub(super) fn put(&mut self, args: fmt::Arguments<'_>) {
        let _ = self.out.write_fmt(args);
    }

    pub(super) fn open_group(&mut self, prefix: &str, name: &str) {
        self.put(format_args!("<g id=\"{}-{}\">", Esc(prefix), name));
    }

    pub(super) fn close_group(&mut self) {
        self.out.push_str("</g>\n");
    }

    /// A rounded rectangle with an optional stroke `(colour, width)`.
    pub(super) fn rect(&mut self, r: Rect, radius: f32, fill: &str, stroke: Option<(&str, f32)>) {
        let (x, y, w, h) = r;
        self.put(format_args!(
            "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" rx=\"{}\" fill=\"{}\"",
            N(x),
            N(y),
            N(w),
            N(h),
            N(radius),
            fill
        ));
        if let Some((colour, width)) = stroke {
            self.put(format_args!(
                " stroke=\"{}\" stroke-width=\"{}\"",
                colour,
                N(width)
            ));
        }
        self.out.push_str("/>");
    }

    pub(super) fn circle(
        &mut self,
        cx: f32,
        cy: f32,
        r: f32,
        fill: &str,
        stroke: Option<(&str, f32)>,
    ) {
        self.put(format_args!(
            "<circle cx=\"{}\" cy=\"{}\" r=\"{}\" fill=\"{}\"",
            N(cx),
            N(cy),
            N(r),
            fill
        ));
        if let Some((colour, width)) = stroke {
            self.put(format_args!(
                " stroke=\"{}\" stroke-width=\"{}\"",
                colour,
                N(width)
            ));
        }
        self.out.push_str("/>");
    }

    /// Draws a measured text block with its top at `top`, and records its box.
    pub(super) fn text(
        &mut self,
        t: &Text,
        x: f32,
        top: f32,
        anchor: Anchor,
        container: Option<Rect>,
    ) {
        if t.is_empty() {
            return;
        }
        let left = match anchor {
            Anchor::Start => x,
            Anchor::Middle => x - t.width / 2.0,
            Anchor::End => x - t.width,
        };
        self.boxes.push(TextBox {
            text: t.lines.join(" "),
            x: left,
            y: top,
            w: t.width,
            h: t.height,
            container,
        });
        self.text_open(t, anchor);
        for (i, line) in t.lines.iter().enumerate() {
            // baseline: middle of the line box plus a third of the font size
            let baseline = top + (i as f32 + 0.5) * t.lh + t.font.size * 0.35;
            self.put(format_args!(
                "<tspan x=\"{}\" y=\"{}\">{}</tspan>",
                N(x),
                N(baseline),
                Esc(line)
            ));
        }
        self.out.push_str("</text>");
    }

    fn text_open(&mut self, t: &Text, anchor: Anchor) {
        self.put(format_args!(
            "<text font-size=\"{}\" fill=\"{}\"",
            N(t.font.size),
            t.fill
        ));
        match t.font.weight {
            Weight::Regular => {}
            Weight::SemiBold => self.out.push_str(" font-weight=\"600\""),
            Weight::Bold => self.out.push_str(" font-weight=\"700\""),
        }
        if t.font.italic {
            self.out.push_str(" font-style=\"italic\"");
        }
        if t.font.spacing != 0.0 {
            self.put(format_args!(" letter-spacing=\"{}\"", N(t.font.spacing)));
        }
        match anchor {
            Anchor::Start => {}
            Anchor::Middle => self.out.push_str(" text-anchor=\"middle\""),
            Anchor::End => self.out.push_str(" text-anchor=\"end\""),
        }
        self.out.push('>');
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_have_one_decimal_at_most() {
        assert_eq!(N(12.0).to_string(), "12");
        assert_eq!(N(12.46).to_string(), "12.5");
        assert_eq!(N(-0.01).to_string(), "0");
        assert_eq!(N(-3.25).to_string(), "-3.3");
    }

    #[test]
    fn escapes_markup_and_drops_control_characters() {
        let s = Esc("<b>\"Tom\" & 'Jerry'\u{7}\n</b>").to_string();
        assert_eq!(
            s,
            "&lt;b&gt;&quot;Tom&quot; &amp; &#39;Jerry&#39;\n&lt;/b&gt;"
        );
    }
}
