//! The map's own rounded rectangles and circles, drawn into the PNG without usvg.
//!
//! A map is mostly cards, chips and dots: `Canvas::rect` and `Canvas::circle` write them in
//! one known form. Through usvg each became a path, was filled by tiny-skia's general
//! scan converter (4×4 supersampling, a raster pipeline per span) and stroked by building
//! and filling a second outline; a profile of a cold map put those rectangles at a third of
//! its PNG time. `png_text::split` lifts them out beside the text, and `Shape::draw` paints
//! them here: each pixel row's coverage is worked out from the shape's edges (exact along
//! straight edges, 4 sub-rows through the corners' arcs, as tiny-skia samples them), the
//! covered middle of a row is filled with one colour, and only the few pixels at the ends
//! are blended. A stroke is the outline grown by half its width less the outline shrunk by
//! half, which is what stroking a rounded rectangle with round corners gives.

use resvg::tiny_skia;

/// Rows through a corner's arc are sampled at this many heights.
const SUB_ROWS: usize = 4;

/// A `<rect>` (with equal corner radii, after SVG's clamping) or `<circle>`, in user units.
#[derive(Debug, PartialEq)]
pub(super) struct Shape {
    x: f32,
    y: f32,
    w: f32,
    h: f32,
    /// Corner radii, already clamped to half the width and half the height.
    rx: f32,
    ry: f32,
    fill: Option<[u8; 3]>,
    /// Colour and width.
    stroke: Option<([u8; 3], f32)>,
}

/// `<rect x y width height rx fill[ stroke stroke-width]/>` as `Canvas::rect` writes it.
/// `None` for anything else (other attributes, paint servers, a stroke on elliptical
/// corners, an empty size), which stays with usvg.
pub(super) fn parse_rect(element: &str) -> Option<Shape> {
    let mut a = Attrs(element.strip_prefix("<rect")?.strip_suffix("/>")?);
    let (x, y) = (a.number("x")?, a.number("y")?);
    let (w, h) = (a.number("width")?, a.number("height")?);
    let r = a.number("rx")?;
    let (fill, stroke) = a.paint()?;
    if !(w > 0.0 && h > 0.0 && r >= 0.0) {
        return None;
    }
    // SVG clamps each radius to half its side; `ry` follows `rx` when not given
    let (rx, ry) = (r.min(w / 2.0), r.min(h / 2.0));
    if stroke.is_some() && rx != ry {
        return None;
    }
    Some(Shape {
        x,
        y,
        w,
        h,
        rx,
        ry,
        fill,
        stroke,
    })
}

/// `<circle cx cy r fill[ stroke stroke-width]/>` as `Canvas::circle` writes it: a square
/// whose corners are all arc.
pub(super) fn parse_circle(element: &str) -> Option<Shape> {
    let mut a = Attrs(element.strip_prefix("<circle")?.strip_suffix("/>")?);
    let (cx, cy, r) = (a.number("cx")?, a.number("cy")?, a.number("r")?);
    let (fill, stroke) = a.paint()?;
    (r > 0.0).then_some(Shape {
        x: cx - r,
        y: cy - r,
        w: 2.0 * r,
        h: 2.0 * r,
        rx: r,
        ry: r,
        fill,
        stroke,
    })
}

/// Dashes a line may have before it is left to usvg.
const MAX_DASHES: usize = 4096;

/// `<path d="Mx yHx2" stroke="#…" stroke-width="w"[ stroke-dasharray="on off"]/>` (or `V`,
/// `h`, `v` for the end), as the maps draw lane, zero and grid lines. A stroke with butt
/// caps along a horizontal or vertical line is a rect, and so is each dash: the rects, or
/// `None` for any other path.
pub(super) fn parse_line(element: &str) -> Option<Vec<Shape>> {
    let mut a = Attrs(element.strip_prefix("<path")?.strip_suffix("/>")?);
    let d = a.value("d")?.strip_prefix('M')?;
    let (x, rest) = d.split_once(' ')?;
    let (y, rest) = rest.split_at(rest.find(['H', 'V', 'h', 'v'])?);
    let (command, end) = rest.split_at(1);
    let number = |v: &str| v.parse::<f32>().ok().filter(|v| v.is_finite());
    let (x, y, end) = (number(x)?, number(y)?, number(end)?);
    let colour = super::png_text::hex_colour(a.value("stroke")?)?;
    let width = a.number("stroke-width").filter(|w| *w > 0.0)?;
    let dash = match a.value("stroke-dasharray") {
        Some(v) => {
            let (on, off) = v.split_once(' ')?;
            let (on, off) = (number(on)?, number(off)?);
            (on > 0.0 && off >= 0.0).then_some((on, off))?
        }
        // a solid line is one dash as long as the line
        None => (f32::INFINITY, 0.0),
    };
    if !a.0.is_empty() {
        return None;
    }
    // where the line starts along its axis, and its signed length
    let (horizontal, start, length) = match command {
        "H" => (true, x, end - x),
        "h" => (true, x, end),
        "V" => (false, y, end - y),
        _ => (false, y, end),
    };
    if length == 0.0 {
        return None;
    }
    let (on, off) = dash;
    let count = (length.abs() / (on + off)).ceil();
    if count > MAX_DASHES as f32 {
        return None;
    }
    // dashes run from the line's start towards its end
    let mut shapes = Vec::with_capacity(count as usize);
    let mut t = 0.0;
    while t < length.abs() {
        let (a, b) = (
            start + t * length.signum(),
            start + (t + on).min(length.abs()) * length.signum(),
        );
        let (lo, hi) = (a.min(b), a.max(b));
        let (x, y, w, h) = if horizontal {
            (lo, y - width / 2.0, hi - lo, width)
        } else {
            (x - width / 2.0, lo, width, hi - lo)
        };
        shapes.push(Shape {
            x,
            y,
            w,
            h,
            rx: 0.0,
            ry: 0.0,
            fill: Some(colour),
            stroke: None,
        });
        t += on + off;
    }
    Some(shapes)
}

/// The attributes of an element, read in order.
struct Attrs<'a>(&'a str);

impl<'a> Attrs<'a> {
    /// The next attribute, if it is `name`.
    fn value(&mut self, name: &str) -> Option<&'a str> {
        let rest = self.0.strip_prefix(' ')?.strip_prefix(name)?;
        let (value, rest) = rest.strip_prefix("=\"")?.split_once('"')?;
        self.0 = rest;
        Some(value)
    }

    fn number(&mut self, name: &str) -> Option<f32> {
        self.value(name)?
            .parse::<f32>()
            .ok()
            .filter(|v| v.is_finite())
    }

    /// `fill="#…"` or `fill="none"`, then an optional `stroke="#…" stroke-width="…"`, and
    /// nothing after.
    #[allow(clippy::type_complexity)]
    fn paint(&mut self) -> Option<(Option<[u8; 3]>, Option<([u8; 3], f32)>)> {
        let fill = match self.value("fill")? {
            "none" => None,
            colour => Some(super::png_text::hex_colour(colour)?),
        };
        let stroke = match self.value("stroke") {
            Some(colour) => {
                let colour = super::png_text::hex_colour(colour)?;
                let width = self.number("stroke-width").filter(|w| *w > 0.0)?;
                Some((colour, width))
            }
            None => None,
        };
        self.0.is_empty().then_some((fill, stroke))
    }
}

impl Shape {
    /// Paints the shape onto `pixmap`, which holds the picture's rows from `top` down; `ts`
    /// maps user units to the whole picture's pixels. Shapes are only lifted from groups
    /// without a transform, under a root whose viewBox is its size, so `ts` is a scale and a
    /// shift.
    pub(super) fn draw(
        &self,
        ts: tiny_skia::Transform,
        top: u32,
        pixmap: &mut tiny_skia::PixmapMut,
    ) {
        debug_assert!(
            ts.kx == 0.0 && ts.ky == 0.0,
            "a lifted shape is never skewed"
        );
        let (sx, sy) = (ts.sx, ts.sy);
        let outline = Outline {
            x0: ts.tx + self.x * sx,
            y0: ts.ty + self.y * sy - top as f32,
            x1: ts.tx + (self.x + self.w) * sx,
            y1: ts.ty + (self.y + self.h) * sy - top as f32,
            rx: self.rx * sx,
            ry: self.ry * sy,
        };
        if let Some(rgb) = self.fill {
            paint(pixmap, rgb, &outline, None);
        }
        if let Some((rgb, width)) = self.stroke {
            let (hx, hy) = (width / 2.0 * sx, width / 2.0 * sy);
            let grown = |d: f32, e: f32, round: bool| Outline {
                x0: outline.x0 - d,
                y0: outline.y0 - e,
                x1: outline.x1 + d,
                y1: outline.y1 + e,
                // a square corner stays square (a miter); a round one grows or shrinks
                rx: if round {
                    (outline.rx + d).max(0.0)
                } else {
                    0.0
                },
                ry: if round {
                    (outline.ry + e).max(0.0)
                } else {
                    0.0
                },
            };
            let round = self.rx > 0.0;
            let outer = grown(hx, hy, round);
            let inner = grown(-hx, -hy, round);
            let inner = (inner.x1 > inner.x0 && inner.y1 > inner.y0).then_some(inner);
            paint(pixmap, rgb, &outer, inner.as_ref());
        }
    }
}

/// An axis-aligned rounded rectangle in the band's pixels.
struct Outline {
    x0: f32,
    y0: f32,
    x1: f32,
    y1: f32,
    rx: f32,
    ry: f32,
}

/// How much of each pixel of one row a shape covers: the row's slices through it, each a
/// span and the share of the row's height it stands for.
struct Row {
    spans: [(f32, f32, f32); SUB_ROWS],
    n: usize,
    /// Pixels `lo..hi` are touched; `ml..mh` are covered by every slice, `mid` in all.
    lo: i32,
    ml: i32,
    mh: i32,
    hi: i32,
    mid: f32,
}

impl Row {
    const EMPTY: Row = Row {
        spans: [(0.0, 0.0, 0.0); SUB_ROWS],
        n: 0,
        lo: 0,
        ml: 0,
        mh: 0,
        hi: 0,
        mid: 0.0,
    };

    /// Row `j` of `o`; empty when the row misses it.
    #[inline(always)]
    fn of(o: &Outline, j: i32) -> Row {
        let (top, bottom) = (o.y0.max(j as f32), o.y1.min(j as f32 + 1.0));
        if top >= bottom || o.x1 <= o.x0 {
            return Row::EMPTY;
        }
        let mut row = Row::EMPTY;
        let (straight_top, straight_bottom) = (o.y0 + o.ry, o.y1 - o.ry);
        if o.rx <= 0.0 || o.ry <= 0.0 || (top >= straight_top && bottom <= straight_bottom) {
            row.spans[0] = (o.x0, o.x1, bottom - top);
            row.n = 1;
        } else {
            let step = (bottom - top) / SUB_ROWS as f32;
            for k in 0..SUB_ROWS {
                let y = top + (k as f32 + 0.5) * step;
                // how far into a corner's arc this height is, as a share of the radius
                let into = if y < straight_top {
                    (straight_top - y) / o.ry
                } else if y > straight_bottom {
                    (y - straight_bottom) / o.ry
                } else {
                    0.0
                };
                let inset = o.rx * (1.0 - (1.0 - into * into).max(0.0).sqrt());
                row.spans[k] = (o.x0 + inset, o.x1 - inset, step);
            }
            row.n = SUB_ROWS;
        }
        let spans = &row.spans[..row.n];
        let (min_a, max_a) = spans.iter().fold((f32::MAX, f32::MIN), |(lo, hi), s| {
            (lo.min(s.0), hi.max(s.0))
        });
        let (min_b, max_b) = spans.iter().fold((f32::MAX, f32::MIN), |(lo, hi), s| {
            (lo.min(s.1), hi.max(s.1))
        });
        row.lo = min_a.floor() as i32;
        row.hi = max_b.ceil() as i32;
        row.ml = max_a.ceil() as i32;
        row.mh = min_b.floor() as i32;
        if row.ml >= row.mh {
            (row.ml, row.mh) = (row.hi, row.hi);
        }
        row.mid = spans.iter().map(|s| s.2).sum();
        row
    }

    /// The share of pixel `i` covered.
    fn at(&self, i: i32) -> f32 {
        let (left, right) = (i as f32, i as f32 + 1.0);
        self.spans[..self.n]
            .iter()
            .map(|&(a, b, share)| (b.min(right) - a.max(left)).clamp(0.0, 1.0) * share)
            .sum()
    }

    /// The coverage over `s..e` if it is the same for every pixel there.
    fn constant(&self, s: i32, e: i32) -> Option<f32> {
        if e <= self.lo || s >= self.hi {
            Some(0.0)
        } else if s >= self.ml && e <= self.mh {
            Some(self.mid)
        } else {
            None
        }
    }
}

/// Paints `rgb` over what `shape` covers less what `hole` covers, row by row. Rows through
/// the straight middle of a shape are all alike: the alphas of one are worked out once and
/// laid down on each.
///
/// Compiled also for AVX2 and for SSE4.1, one chosen at run time: `floor` and `ceil` are
/// then single instructions, not calls, and runs are laid down in wider vectors (callgrind,
/// 30 maps: 880 M → 682 M instructions with AVX2). Each version gives the same pixels
/// (tested below): the sums are the same IEEE operations, and Rust never fuses them.
#[multiversion::multiversion(targets("x86_64+avx2", "x86_64+sse4.1"))]
fn paint(pixmap: &mut tiny_skia::PixmapMut, rgb: [u8; 3], shape: &Outline, hole: Option<&Outline>) {
    paint_portable(pixmap, rgb, shape, hole);
}

/// `paint`'s body, which each version inlines, with `Row::of` and `plan_row` (a function
/// left as a call is compiled for the portable target only).
#[inline(always)]
fn paint_portable(
    pixmap: &mut tiny_skia::PixmapMut,
    rgb: [u8; 3],
    shape: &Outline,
    hole: Option<&Outline>,
) {
    let (w, h) = (pixmap.width() as i32, pixmap.height() as i32);
    let first = (shape.y0.floor() as i32).max(0);
    let last = (shape.y1.ceil() as i32).min(h);
    let data = pixmap.data_mut();
    let ink = Ink::new(rgb);
    // the rows wholly inside the straight middle of the shape and of the hole
    let straight = |o: &Outline| {
        let r = o.ry.max(0.0);
        ((o.y0 + r).ceil() as i32, (o.y1 - r).floor() as i32)
    };
    let (mut a, mut b) = straight(shape);
    if let Some(hole) = hole {
        let (c, d) = straight(hole);
        (a, b) = (a.max(c), b.min(d));
    }
    let mut plan: Vec<Step> = Vec::new();
    let mut planned_steady = false;
    for j in first..last {
        let steady = j >= a && j < b;
        if !(steady && planned_steady) {
            let plus = Row::of(shape, j);
            let minus = hole.map_or(Row::EMPTY, |o| Row::of(o, j));
            plan.clear();
            if plus.n != 0 {
                plan_row(&plus, &minus, w, &mut plan);
            }
            planned_steady = steady;
        }
        let line = &mut data[(j * w) as usize * 4..((j + 1) * w) as usize * 4];
        for step in &plan {
            match *step {
                Step::Run(s, e, a) => ink.over_all(&mut line[s * 4..e * 4], a),
                Step::Pixel(i, a) => ink.over(&mut line[i * 4..i * 4 + 4], a),
            }
        }
    }
}

/// What a row lays down: pixels `s..e` at one alpha, or one pixel at its own.
#[derive(Debug)]
enum Step {
    Run(usize, usize, u32),
    Pixel(usize, u32),
}

/// The steps that paint what `plus` covers less what `minus` covers (`Row::EMPTY` for no
/// hole: it covers nothing, everywhere), in a row `w` wide.
#[inline(always)]
fn plan_row(plus: &Row, minus: &Row, w: i32, plan: &mut Vec<Step>) {
    let mut cuts = [
        plus.lo, plus.ml, plus.mh, plus.hi, minus.lo, minus.ml, minus.mh, minus.hi,
    ];
    for c in cuts.iter_mut() {
        *c = (*c).clamp(0, w);
    }
    cuts.sort_unstable();
    for pair in cuts.windows(2) {
        let (s, e) = (pair[0], pair[1]);
        if s >= e {
            continue;
        }
        match plus.constant(s, e).zip(minus.constant(s, e)) {
            Some((p, m)) => match alpha(p - m) {
                0 => {}
                a => plan.push(Step::Run(s as usize, e as usize, a)),
            },
            None => {
                for i in s..e {
                    let a = alpha(plus.at(i) - minus.at(i));
                    if a != 0 {
                        plan.push(Step::Pixel(i as usize, a));
                    }
                }
            }
        }
    }
}

/// Sets every pixel of `pixels` to `rgba`, a block of 16 pixels at a time.
fn fill(pixels: &mut [u8], rgba: [u8; 4]) {
    let mut block = [0u8; 64];
    for px in block.chunks_exact_mut(4) {
        px.copy_from_slice(&rgba);
    }
    let mut blocks = pixels.chunks_exact_mut(64);
    for b in &mut blocks {
        b.copy_from_slice(&block);
    }
    let rest = blocks.into_remainder();
    let n = rest.len();
    rest.copy_from_slice(&block[..n]);
}

/// A coverage as an 8-bit alpha.
fn alpha(c: f32) -> u32 {
    (c.clamp(0.0, 1.0) * 255.0 + 0.5) as u32
}

/// An opaque colour, ready to lay over pixels at any alpha.
#[derive(Clone, Copy)]
pub(super) struct Ink {
    rgba: [u8; 4],
    lanes: u64,
}

impl Ink {
    pub(super) fn new(rgb: [u8; 3]) -> Ink {
        let rgba = [rgb[0], rgb[1], rgb[2], 255];
        Ink {
            rgba,
            lanes: spread(rgba),
        }
    }

    /// The colour at alpha `a` (1–255), for laying over many pixels.
    fn at(&self, a: u32) -> Paint {
        Paint {
            src: self.lanes * a as u64,
            keep: 255 - a as u64,
        }
    }

    /// The colour at alpha `a` (1–255) over a run of premultiplied RGBA pixels. What lies
    /// under a translucent fill is mostly long runs of one colour, so a pixel like the one
    /// before it takes that one's result.
    pub(super) fn over_all(&self, pixels: &mut [u8], a: u32) {
        if a >= 255 {
            return fill(pixels, self.rgba);
        }
        let paint = self.at(a);
        let word = |px: &[u8]| u32::from_le_bytes(px.try_into().expect("4 bytes"));
        // pixels are read and written as words; `under` starts as no pixel's value
        let mut under = pixels.get(..4).map_or(0, |px| !word(px));
        let mut over = 0;
        for px in pixels.chunks_exact_mut(4) {
            let now = word(px);
            if now != under {
                under = now;
                over = paint.over_word(now);
            }
            px.copy_from_slice(&over.to_le_bytes());
        }
    }

    /// The colour at every alpha (0–255) over the premultiplied RGBA pixel `under` (a
    /// little-endian word): what `over` leaves there.
    pub(super) fn over_table(&self, under: u32) -> [u32; 256] {
        std::array::from_fn(|a| match a {
            0 => under,
            255 => self.word(),
            a => self.at(a as u32).over_word(under),
        })
    }

    /// The colour as a little-endian word.
    pub(super) fn word(&self) -> u32 {
        u32::from_le_bytes(self.rgba)
    }

    /// The colour at alpha `a` (1–255) over one premultiplied RGBA pixel.
    pub(super) fn over(&self, px: &mut [u8], a: u32) {
        if a >= 255 {
            px.copy_from_slice(&self.rgba);
        } else {
            self.at(a).over(px);
        }
    }
}

/// `rgb` at alpha `a` (1–255) over one premultiplied RGBA pixel.
#[cfg(test)]
fn over(px: &mut [u8], rgb: [u8; 3], a: u32) {
    Ink::new(rgb).over(px, a);
}

/// An opaque colour at one alpha, ready to lay over pixels: all four channels are worked in
/// one word, 16 bits each.
struct Paint {
    /// The colour times the alpha, per channel.
    src: u64,
    keep: u64,
}

impl Paint {
    /// Source-over onto one premultiplied RGBA pixel: each channel becomes
    /// round((colour × a + channel × (255 − a)) / 255).
    fn over(&self, px: &mut [u8]) {
        let now = u32::from_le_bytes([px[0], px[1], px[2], px[3]]);
        px.copy_from_slice(&self.over_word(now).to_le_bytes());
    }

    /// `over` on a pixel held as a little-endian word.
    fn over_word(&self, px: u32) -> u32 {
        const LOW: u64 = 0x00FF_00FF_00FF_00FF;
        let x = self.src + spread(px.to_le_bytes()) * self.keep + 0x0080_0080_0080_0080;
        // x / 255, rounded, exactly, for every x up to 255 × 255 + 128
        let q = ((x + ((x >> 8) & LOW)) >> 8) & LOW;
        // the four 16-bit lanes' low bytes, side by side
        let pairs = q | (q >> 8);
        ((pairs & 0xFFFF) | ((pairs >> 16) & 0xFFFF_0000)) as u32
    }
}

/// Four bytes as four 16-bit lanes.
fn spread(c: [u8; 4]) -> u64 {
    c[0] as u64 | (c[1] as u64) << 16 | (c[2] as u64) << 32 | (c[3] as u64) << 48
}
#[cfg(test)]
mod tests {
    use super::super::png::{render_pixmap, render_pixmap_resvg};
    use super::super::png_text;
    use super::super::style::FONT_STACK;
    use super::*;

    /// Shapes in every form `Canvas` writes, at fractional places and sizes, on a page as a
    /// map has one; then some that must stay with usvg.
    fn sampler() -> String {
        let mut body = String::new();
        let mut lifted = 0;
        for (i, (w, h, r)) in [
            (40.0f32, 14.0f32, 7.0f32), // a pill
            (60.5, 30.3, 8.0),          // a card
            (30.0, 30.0, 0.0),          // square corners
            (12.0, 40.0, 9.0),          // radius larger than half the width: elliptical
            (90.0, 9.4, 30.0),          // radius larger than both halves
            (5.3, 3.1, 1.0),            // tiny
        ]
        .into_iter()
        .enumerate()
        {
            let (x, y) = (10.3 + i as f32 * 97.7, 12.6);
            body += &format!("<rect x=\"{x}\" y=\"{y}\" width=\"{w}\" height=\"{h}\" rx=\"{r}\" fill=\"#3347A8\"/>");
            lifted += 1;
            if r.min(w / 2.0) == r.min(h / 2.0) {
                for (k, width) in [0.6, 1.0, 2.5].into_iter().enumerate() {
                    let y = y + 50.0 * (k + 1) as f32 + 0.35;
                    body += &format!("<rect x=\"{x}\" y=\"{y}\" width=\"{w}\" height=\"{h}\" rx=\"{r}\" fill=\"#FDF1F0\" stroke=\"#B42318\" stroke-width=\"{width}\"/>");
                    body += &format!("<rect x=\"{}\" y=\"{y}\" width=\"{w}\" height=\"{h}\" rx=\"{r}\" fill=\"none\" stroke=\"#1F2937\" stroke-width=\"{width}\"/>", x + 50.0);
                    lifted += 2;
                }
            }
        }
        for (i, (r, stroke)) in [
            (2.6f32, 0.0f32),
            (6.0, 1.6),
            (15.0, 2.0),
            (22.0, 2.5),
            (0.8, 0.0),
        ]
        .into_iter()
        .enumerate()
        {
            let (cx, cy) = (30.45 + i as f32 * 61.3, 240.7);
            body += &format!("<circle cx=\"{cx}\" cy=\"{cy}\" r=\"{r}\" fill=\"#D8B235\"");
            if stroke > 0.0 {
                body += &format!(" stroke=\"#FFFFFF\" stroke-width=\"{stroke}\"");
            }
            body += "/>";
            lifted += 1;
        }
        // lines, solid and dashed, each way, as lane, zero and grid lines are drawn
        for (i, (d, width, dash)) in [
            ("M330.3 20.4H600.7", 1.5, ""),
            ("M600.2 40.6H330", 3.0, " stroke-dasharray=\"8 6\""),
            ("M330.6 60.2h270", 0.6, " stroke-dasharray=\"3 5\""),
            ("M340.35 80V200.5", 1.5, " stroke-dasharray=\"3 5\""),
            ("M360.7 200.2V80", 2.5, " stroke-dasharray=\"7 5\""),
            ("M380.2 80.3v120", 1.0, ""),
        ]
        .into_iter()
        .enumerate()
        {
            let colour = ["#8C97A6", "#1F2937", "#E3E8EE"][i % 3];
            let line =
                format!("<path d=\"{d}\" stroke=\"{colour}\" stroke-width=\"{width}\"{dash}/>");
            lifted += parse_line(&line).expect("a line").len();
            body += &line;
        }
        // overlapping shapes keep their paint order with text and usvg's shapes between
        body += "<rect x=\"20\" y=\"280\" width=\"200\" height=\"40\" rx=\"6\" fill=\"#EDF0F3\"/>";
        body += "<path d=\"M10 290l300 4\" stroke=\"#8C97A6\" stroke-width=\"3\"/>";
        body += "<circle cx=\"60\" cy=\"300\" r=\"14\" fill=\"#C4392D\"/>";
        lifted += 2;
        // not ours: stays with usvg
        body += "<rect x=\"300\" y=\"280\" width=\"40\" height=\"30\" rx=\"4\" fill=\"#C4392D\" opacity=\".5\"/>";
        body += "<g transform=\"rotate(10)\"><rect x=\"400\" y=\"280\" width=\"40\" height=\"30\" rx=\"4\" fill=\"#C4392D\"/></g>";
        body += "<rect x=\"500\" y=\"280\" width=\"40\" height=\"30\" rx=\"18\" fill=\"#FFFFFF\" stroke=\"#C4392D\" stroke-width=\"2\"/>";
        format!(
            "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 620 340\" width=\"620\" height=\"340\" font-family=\"{FONT_STACK}\"><rect x=\"0\" y=\"0\" width=\"620\" height=\"340\" rx=\"0\" fill=\"#FFFFFF\"/><g id=\"s\">{body}</g><!--{lifted}--></svg>"
        )
    }

    #[test]
    fn our_shapes_are_lifted_and_others_left_to_usvg() {
        let svg = sampler();
        let lifted: usize = svg
            .split("<!--")
            .nth(1)
            .and_then(|r| r.split("-->").next())
            .unwrap()
            .parse()
            .unwrap();
        let split = png_text::split(&svg).expect("shapes are lifted");
        let shapes = split.lifted.iter();
        let shapes = shapes.filter(|l| matches!(l, png_text::Lifted::Shape(_)));
        assert_eq!(shapes.count(), lifted);
        assert_eq!(split.background, Some([255; 3]));
        assert!(split.svg.contains("opacity=\".5\""));
        assert!(split.svg.contains("<rect x=\"400\""));
        assert!(
            split.svg.contains("<rect x=\"500\""),
            "a stroke around elliptical corners stays with usvg"
        );
        let circle = parse_circle("<circle cx=\"10\" cy=\"20\" r=\"4\" fill=\"#FFFFFF\" stroke=\"#1F2937\" stroke-width=\"1.6\"/>");
        assert_eq!(
            circle,
            Some(Shape {
                x: 6.0,
                y: 16.0,
                w: 8.0,
                h: 8.0,
                rx: 4.0,
                ry: 4.0,
                fill: Some([255; 3]),
                stroke: Some(([0x1F, 0x29, 0x37], 1.6)),
            })
        );
        // a dashed line is a rect per dash, from its start; the last one cut short
        let dashes = parse_line("<path d=\"M10 5H-12\" stroke=\"#1F2937\" stroke-width=\"2\" stroke-dasharray=\"4 5\"/>").unwrap();
        let spans: Vec<_> = dashes.iter().map(|s| (s.x, s.x + s.w, s.y, s.h)).collect();
        assert_eq!(
            spans,
            [
                (6.0, 10.0, 4.0, 2.0),
                (-3.0, 1.0, 4.0, 2.0),
                (-12.0, -8.0, 4.0, 2.0)
            ]
        );
        for foreign in [
            "<path d=\"M1 1L5 5\" stroke=\"#1F2937\" stroke-width=\"2\"/>",
            "<path d=\"M1 1H5\" stroke=\"#1F2937\" stroke-width=\"2\" stroke-linecap=\"round\"/>",
            "<path d=\"M1 1H5\" stroke=\"#1F2937\"/>",
            "<path d=\"M1 1H1\" stroke=\"#1F2937\" stroke-width=\"2\"/>",
            "<path d=\"M1 1H5\" stroke=\"#1F2937\" stroke-width=\"2\" stroke-dasharray=\"0 4\"/>",
            "<path d=\"M1 1H5\" stroke=\"#1F2937\" stroke-width=\"2\" stroke-dasharray=\"1 2 3\"/>",
            "<path d=\"M1 1H9e9\" stroke=\"#1F2937\" stroke-width=\"2\" stroke-dasharray=\"1 1\"/>",
        ] {
            assert_eq!(parse_line(foreign), None, "{foreign}");
        }
        for foreign in [
            "<rect x=\"1\" y=\"1\" width=\"4\" height=\"4\" rx=\"1\" fill=\"url(#g)\"/>",
            "<rect x=\"1\" y=\"1\" width=\"4\" height=\"4\" rx=\"1\" fill=\"#FFFFFF\" class=\"a\"/>",
            "<rect x=\"1\" y=\"1\" width=\"0\" height=\"4\" rx=\"1\" fill=\"#FFFFFF\"/>",
            "<rect x=\"1\" y=\"1\" width=\"4\" height=\"4\" fill=\"#FFFFFF\"/>",
            "<rect x=\"1\" y=\"1\" width=\"4\" height=\"4\" rx=\"1\" fill=\"#FFFFFF\" stroke=\"#000000\"/>",
        ] {
            assert_eq!(parse_rect(foreign), None, "{foreign}");
        }
    }

    /// Our drawing of every form matches tiny-skia's (through resvg) at zooms that put
    /// edges at every fraction of a pixel: about the same colour over every 4×4 block, and
    /// no pixel far off. Edge pixels differ by a few shades: tiny-skia counts coverage in
    /// sixteenths of a pixel, we work it out exactly along straight edges; and it draws a
    /// stroke thinner than a pixel as a fainter one-pixel hairline, we draw the area it covers.
    #[test]
    fn shapes_are_drawn_as_resvg_draws_them() {
        let svg = sampler();
        for zoom in [1.0, 0.77, 2.0, 0.37, 1.33] {
            let ours = render_pixmap(&svg, zoom).unwrap();
            let theirs = render_pixmap_resvg(&svg, zoom).unwrap();
            let w = ours.width() as usize;
            // where the page ends inside a pixel, resvg leaves it part transparent and we
            // fill it with the page colour (as for text): compare what the page covers
            let (cw, ch) = ((620.0 * zoom) as usize, (340.0 * zoom) as usize);
            let (mut total, mut far, mut worst_block) = (0u64, 0usize, 0f64);
            for by in (0..ch).step_by(4) {
                for bx in (0..cw).step_by(4) {
                    // per channel, ours less theirs over the block
                    let mut sums = [0i64; 4];
                    for y in by..(by + 4).min(ch) {
                        for x in bx..(bx + 4).min(cw) {
                            let i = (y * w + x) * 4;
                            let pixels = ours.data()[i..i + 4].iter().zip(&theirs.data()[i..i + 4]);
                            for (sum, (&a, &b)) in sums.iter_mut().zip(pixels) {
                                *sum += a as i64 - b as i64;
                                total += a.abs_diff(b) as u64;
                                far += usize::from(a.abs_diff(b) > 96);
                            }
                        }
                    }
                    for sum in sums {
                        worst_block = worst_block.max(sum.abs() as f64 / 16.0);
                    }
                }
            }
            let mean = total as f64 / (cw * ch * 4) as f64;
            println!("zoom {zoom}: mean {mean:.4}, worst 4×4 block {worst_block:.1}, {far} channels off by more than 96");
            assert!(
                mean < 0.75 && worst_block < 24.0 && far == 0,
                "zoom {zoom}: mean {mean:.4}, worst 4×4 block {worst_block:.1}, {far} channels off by more than 96"
            );
        }
    }

    /// The version of `paint` this machine runs (AVX2 on most) lays down the same pixels as
    /// the portable one, for shapes at fractional places and sizes, round and square, with
    /// and without a hole, over a striped page.
    #[test]
    fn every_version_of_paint_lays_the_same_pixels() {
        let (w, h) = (97u32, 61u32);
        let page: Vec<u8> = (0..w * h)
            .flat_map(|i| match (i % w) / 7 % 3 {
                0 => [255, 255, 255, 255],
                1 => [240, 243, 246, 255],
                _ => [30, 60, 90, 255],
            })
            .collect();
        let (mut ours, mut portable) = (page.clone(), page.clone());
        let mut seed = 7u32;
        let mut next = |scale: f32| {
            seed = seed.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
            (seed >> 8) as f32 / (1u32 << 24) as f32 * scale
        };
        for k in 0..400 {
            let (x0, y0) = (next(110.0) - 10.0, next(75.0) - 10.0);
            let (x1, y1) = (x0 + next(40.0), y0 + next(30.0));
            let r = if k % 3 == 0 { 0.0 } else { next(12.0) };
            let shape = Outline {
                x0,
                y0,
                x1,
                y1,
                rx: r,
                ry: r * (0.5 + next(1.0)),
            };
            let t = next(3.0) + 0.2;
            let hole = Outline {
                x0: x0 + t,
                y0: y0 + t,
                x1: x1 - t,
                y1: y1 - t,
                rx: (r - t).max(0.0),
                ry: (shape.ry - t).max(0.0),
            };
            let hole = (k % 2 == 0 && hole.x1 > hole.x0 && hole.y1 > hole.y0).then_some(&hole);
            let rgb = [k as u8, (k * 7) as u8, (k * 13) as u8];
            let pixmap = |data| tiny_skia::PixmapMut::from_bytes(data, w, h).unwrap();
            paint(&mut pixmap(&mut ours), rgb, &shape, hole);
            paint_portable(&mut pixmap(&mut portable), rgb, &shape, hole);
            assert_eq!(ours, portable, "shape {k}");
        }
        let changed = ours
            .chunks_exact(4)
            .zip(page.chunks_exact(4))
            .filter(|(a, b)| a != b);
        assert!(
            changed.count() > (w * h / 2) as usize,
            "the shapes cover the page"
        );
    }

    #[test]
    fn a_run_at_one_alpha_is_laid_as_each_pixel_would_be() {
        let ink = Ink::new([0x1D, 0x7A, 0x54]);
        let under: Vec<u8> = [[255u8, 255, 255, 255], [240, 243, 246, 255]]
            .iter()
            .cycle()
            .take(7)
            .flat_map(|&p| [p, p, [0, 0, 0, 0]])
            .flatten()
            .collect();
        for a in [1, 61, 200, 254, 255] {
            let mut run = under.clone();
            ink.over_all(&mut run, a);
            let mut each = under.clone();
            each.chunks_exact_mut(4).for_each(|px| ink.over(px, a));
            assert_eq!(run, each, "alpha {a}");
        }
    }

    #[test]
    fn paint_over_rounds_each_channel_as_integer_division_does() {
        for a in 1..=255u32 {
            for c in (0..=255u32).step_by(5) {
                for d in (0..=255u32).step_by(3) {
                    let mut px = [d as u8, (255 - d) as u8, (d / 2) as u8, 255];
                    let before = px;
                    over(&mut px, [c as u8, (255 - c) as u8, 7], a);
                    let want =
                        |src: u32, dst: u8| ((src * a + dst as u32 * (255 - a) + 127) / 255) as u8;
                    let expected = [
                        want(c, before[0]),
                        want(255 - c, before[1]),
                        want(7, before[2]),
                        want(255, before[3]),
                    ];
                    assert_eq!(px, expected, "alpha {a}, colour {c}, under {before:?}");
                }
            }
        }
    }

    fn page(body: &str) -> String {
        format!(
            "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 60 40\" width=\"60\" height=\"40\" font-family=\"{FONT_STACK}\"><rect x=\"0\" y=\"0\" width=\"60\" height=\"40\" rx=\"0\" fill=\"#FFFFFF\"/><g>{body}</g></svg>"
        )
    }

    /// The share of black ink in each pixel, 0–1, from the red channel.
    fn ink(svg: &str, zoom: f32) -> (Vec<f32>, usize) {
        let p = render_pixmap(svg, zoom).unwrap();
        let ink = p
            .data()
            .chunks_exact(4)
            .map(|px| 1.0 - px[0] as f32 / 255.0)
            .collect();
        (ink, p.width() as usize)
    }

    #[test]
    fn edges_cover_exactly_their_share_of_a_pixel() {
        let svg = page(
            "<rect x=\"10.25\" y=\"20.5\" width=\"20.5\" height=\"10\" rx=\"0\" fill=\"#000000\"/>",
        );
        let (ink, w) = ink(&svg, 1.0);
        let at = |x: usize, y: usize| ink[y * w + x];
        let near = |v: f32, want: f32| (v - want).abs() < 0.003;
        assert!(near(at(10, 25), 0.75), "left edge {}", at(10, 25));
        assert!(near(at(30, 25), 0.75), "right edge {}", at(30, 25));
        assert!(near(at(20, 20), 0.5), "top edge {}", at(20, 20));
        assert!(near(at(20, 30), 0.5), "bottom edge {}", at(20, 30));
        assert!(near(at(10, 20), 0.375), "corner {}", at(10, 20));
        assert!(near(at(20, 25), 1.0) && near(at(9, 25), 0.0) && near(at(31, 25), 0.0));
    }

    #[test]
    fn circles_and_strokes_lay_down_the_ink_of_their_area() {
        let total = |svg: &str, zoom: f32| ink(svg, zoom).0.iter().sum::<f32>() / (zoom * zoom);
        let pi = std::f32::consts::PI;
        for zoom in [1.0, 0.77, 2.3] {
            let disc = total(
                &page("<circle cx=\"20.3\" cy=\"18.7\" r=\"9.5\" fill=\"#000000\"/>"),
                zoom,
            );
            let area = pi * 9.5 * 9.5;
            assert!(
                (disc / area - 1.0).abs() < 0.01,
                "disc at {zoom}: {disc} for {area}"
            );
            // a ring: the stroke's width all round the circle
            let ring = total(&page("<circle cx=\"20.3\" cy=\"18.7\" r=\"9.5\" fill=\"none\" stroke=\"#000000\" stroke-width=\"1.5\"/>"), zoom);
            let area = pi * (10.25f32.powi(2) - 8.75f32.powi(2));
            assert!(
                (ring / area - 1.0).abs() < 0.02,
                "ring at {zoom}: {ring} for {area}"
            );
            // a rounded card's border, four straight sides and four quarter rings
            let card = total(&page("<rect x=\"5.5\" y=\"6.2\" width=\"40\" height=\"24\" rx=\"6\" fill=\"none\" stroke=\"#000000\" stroke-width=\"1\"/>"), zoom);
            let area =
                2.0 * (40.0 - 12.0) + 2.0 * (24.0 - 12.0) + pi * (6.5f32.powi(2) - 5.5f32.powi(2));
            assert!(
                (card / area - 1.0).abs() < 0.02,
                "card at {zoom}: {card} for {area}"
            );
        }
    }
}
