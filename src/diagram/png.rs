//! SVG → PNG with resvg, using only the embedded fonts.
//!
//! The font database holds nothing but the Inter files compiled into the binary, so a fresh
//! machine (or a CI container) with no fonts installed renders the same text as a laptop.

use super::{fonts, png_shapes, png_text};
use resvg::{tiny_skia, usvg};
use std::sync::{Arc, OnceLock};

/// Parsing options with the embedded fonts; built once.
pub(super) fn options() -> &'static usvg::Options<'static> {
    static OPTIONS: OnceLock<usvg::Options<'static>> = OnceLock::new();
    OPTIONS.get_or_init(|| {
        let mut db = usvg::fontdb::Database::new();
        for (_, data) in fonts::FILES {
            db.load_font_data(data.to_vec());
        }
        db.set_sans_serif_family("Inter");
        db.set_serif_family("Inter");
        db.set_monospace_family("Inter");
        usvg::Options {
            font_family: "Inter".to_string(),
            fontdb: Arc::new(db),
            ..Default::default()
        }
    })
}

/// Rows drawn at a time. A band of a 3200-px-wide map is 1.6 MB, so it stays in the core's
/// cache from drawing through filtering and compressing, and no thread ever holds a whole
/// picture (~22 MB RGBA, which each drawing thread used to keep). Part of the PNG cache's
/// key (`png_cache::RENDERER`): anti-aliasing where a band ends can differ by a shade.
const BAND_ROWS: u32 = 128;

/// Renders `svg` to PNG bytes; `zoom` 1.0 is one pixel per SVG unit.
///
/// Drawn band by band, and each band compressed before the next is drawn: each row filtered
/// (a row like the one above by Up, all zeros; any other by Sub or Up, whichever leaves less
/// to write), then deflated by fdeflate (the png crate's fast setting) as the rows come. Our
/// maps paint their own page colour first, so every pixel is opaque and the PNG is RGB; any
/// other SVG keeps its alpha and is filtered by Sub.
pub(crate) fn render_png(svg: &str, zoom: f32) -> Result<Vec<u8>, String> {
    let drawing = Drawing::new(svg, zoom)?;
    let (w, h) = (drawing.width, drawing.height);
    let opaque = drawing.opaque();
    let bpp = if opaque { 3 } else { 4 };
    let io = |e: std::io::Error| format!("cannot encode the PNG: {e}");
    // room for a picture that deflates to a quarter, so the buffer seldom grows (untouched
    // capacity costs nothing)
    let room = w as usize * h as usize * bpp / 4;
    let mut buffer = DEFLATED.take();
    buffer.clear();
    buffer.reserve(room);
    let mut z = fdeflate::Compressor::new(buffer).map_err(io)?;
    let stride = w as usize * 4;
    let mut line = vec![0u8; 1 + w as usize * bpp];
    let mut diff = vec![0u8; stride];
    // a row the same as the one above is filter type Up and all zeros, which deflates fastest
    let mut same = vec![0u8; 1 + w as usize * bpp];
    same[0] = UP;
    // the last row of the band before
    let mut above: Vec<u8> = Vec::new();
    drawing.bands(|rows| {
        for (i, px) in rows.chunks_exact(stride).enumerate() {
            let prev = match i {
                0 => &above[..],
                _ => &rows[(i - 1) * stride..i * stride],
            };
            if px == prev {
                z.write_data(&same).map_err(io)?;
                continue;
            }
            if opaque {
                rgb_line(px, prev, &mut diff, &mut line);
            } else {
                sub_filter_rgba(px, &mut line);
            }
            z.write_data(&line).map_err(io)?;
        }
        above.clear();
        above.extend_from_slice(&rows[rows.len() - stride..]);
        Ok(())
    })?;
    let idat = z.finish().map_err(io)?;
    let mut out = Vec::with_capacity(idat.len() + 64);
    let mut enc = png::Encoder::new(&mut out, w, h);
    enc.set_color(if opaque {
        png::ColorType::Rgb
    } else {
        png::ColorType::Rgba
    });
    enc.set_depth(png::BitDepth::Eight);
    enc.write_header()
        .and_then(|mut writer| {
            writer.write_chunk(png::chunk::IDAT, &idat)?;
            writer.finish()
        })
        .map_err(|e| format!("cannot encode the PNG: {e}"))?;
    DEFLATED.set(idat);
    Ok(out)
}

thread_local! {
    /// The deflate stream's and the bands' buffers, kept by each drawing thread from one
    /// map to the next: the allocator hands large blocks back to the system, and taking
    /// fresh ones for every map had the kernel zeroing pages for 3% of a 100-map build.
    static DEFLATED: std::cell::Cell<Vec<u8>> = const { std::cell::Cell::new(Vec::new()) };
    static BAND: std::cell::Cell<Vec<u8>> = const { std::cell::Cell::new(Vec::new()) };
}

/// PNG's filter types Sub (each byte less the same channel of the pixel before) and Up
/// (less the same byte of the row above).
const SUB: u8 = 1;
const UP: u8 = 2;

/// One opaque RGBA row as a filtered PNG line of RGB (`above` is empty for the first row),
/// with `diff` for room. Compiled also for AVX2 and for SSE4.1, one chosen at run
/// time: the compiler turns these loops into wider vector code there, which takes more
/// than half the instructions off filtering and packing (callgrind, 30 maps: 1.04 G →
/// 0.47 G with AVX2). The loops are plain integer code, so every version writes the same
/// bytes (tested below).
#[multiversion::multiversion(targets("x86_64+avx2", "x86_64+sse4.1"))]
fn rgb_line(rgba: &[u8], above: &[u8], diff: &mut [u8], line: &mut [u8]) {
    rgb_line_portable(rgba, above, diff, line);
}

/// `rgb_line`'s body, which each version inlines, with `filter_rgb` and `pack_rgb` (a
/// function left as a call is compiled for the portable target only).
#[inline(always)]
fn rgb_line_portable(rgba: &[u8], above: &[u8], diff: &mut [u8], line: &mut [u8]) {
    let filter = filter_rgb(rgba, above, diff);
    pack_rgb(diff, filter, line);
}

/// Filters one opaque RGBA row into `diff` (still RGBA) by Sub or Up, whichever leaves
/// fewer pixels that are not zero, and returns the filter type (`above` is empty for the
/// first row, which takes Sub). fdeflate writes a run of zeros in one step but every byte of
/// an 8-byte word that is not all zeros as a literal: Sub suits a row of flat runs, Up a row
/// that differs from the one above in a few places, such as one card's line of text in a
/// row that crosses many cards' edges. On the benchmark's 100-journey site, choosing row by
/// row leaves 28% fewer words to write as literals than Sub alone, and the PNGs 28% smaller
/// (147 → 105 MB; the example site's five, 7.0 → 5.0 MB).
#[inline(always)]
fn filter_rgb(rgba: &[u8], above: &[u8], diff: &mut [u8]) -> u8 {
    diff[..4].copy_from_slice(&rgba[..4]);
    for ((d, now), before) in diff[4..].iter_mut().zip(&rgba[4..]).zip(rgba) {
        *d = now.wrapping_sub(*before);
    }
    if above.len() != rgba.len() || !fewer_differ(rgba, above, nonzero_pixels(diff)) {
        return SUB;
    }
    for ((d, now), before) in diff.iter_mut().zip(rgba).zip(above) {
        *d = now.wrapping_sub(*before);
    }
    UP
}

/// Whether fewer than `than` pixels of the RGBA rows `a` and `b` differ; counted 256 pixels
/// at a time, and given up as soon as the count reaches `than`.
fn fewer_differ(a: &[u8], b: &[u8], than: u32) -> bool {
    let mut n = 0;
    for (a, b) in a.chunks(1024).zip(b.chunks(1024)) {
        n += a
            .chunks_exact(4)
            .zip(b.chunks_exact(4))
            .fold(0u32, |n, (x, y)| n + (pixel(x) != pixel(y)) as u32);
        if n >= than {
            return false;
        }
    }
    true
}

/// How many pixels of the RGBA row `a` are not zero.
fn nonzero_pixels(a: &[u8]) -> u32 {
    a.chunks_exact(4).fold(0, |n, x| n + (pixel(x) != 0) as u32)
}

/// A pixel's four bytes as one word (written so that the counts above become vector code).
fn pixel(p: &[u8]) -> u32 {
    u32::from_ne_bytes(p.try_into().expect("4 bytes"))
}

/// A row filtered by `filter_rgb` as a PNG line: the filter type, then each pixel's RGB.
/// Eight pixels at a time are shifted into three words (the compiler makes no vector code of
/// a copy of 3 bytes out of every 4).
#[inline(always)]
fn pack_rgb(diff: &[u8], filter: u8, line: &mut [u8]) {
    line[0] = filter;
    let mut out = line[1..].chunks_exact_mut(24);
    let mut eights = diff.chunks_exact(32);
    for (o, d) in (&mut out).zip(&mut eights) {
        let p: [u64; 8] = std::array::from_fn(|i| {
            u32::from_le_bytes(d[i * 4..i * 4 + 4].try_into().expect("4 bytes")) as u64 & 0xFF_FFFF
        });
        let words = [
            p[0] | p[1] << 24 | p[2] << 48,
            p[2] >> 16 | p[3] << 8 | p[4] << 32 | p[5] << 56,
            p[5] >> 8 | p[6] << 16 | p[7] << 40,
        ];
        for (o, w) in o.chunks_exact_mut(8).zip(words) {
            o.copy_from_slice(&w.to_le_bytes());
        }
    }
    let rest = out.into_remainder();
    for (rgb, rgba) in rest
        .chunks_exact_mut(3)
        .zip(eights.remainder().chunks_exact(4))
    {
        rgb.copy_from_slice(&rgba[..3]);
    }
}

/// One premultiplied RGBA row as a PNG line (filter type Sub) of straight RGBA.
fn sub_filter_rgba(rgba: &[u8], line: &mut [u8]) {
    line[0] = SUB;
    let mut prev = [0u8; 4];
    for (px, out) in rgba.chunks_exact(4).zip(line[1..].chunks_exact_mut(4)) {
        let straight = tiny_skia::PremultipliedColorU8::from_rgba(px[0], px[1], px[2], px[3])
            .map_or([0; 4], |c| {
                let c = c.demultiply();
                [c.red(), c.green(), c.blue(), c.alpha()]
            });
        for k in 0..4 {
            out[k] = straight[k].wrapping_sub(prev[k]);
        }
        prev = straight;
    }
}

/// The picture itself, for tests that look at pixels: the bands that `render_png` encodes,
/// stacked.
#[cfg(test)]
pub(super) fn render_pixmap(svg: &str, zoom: f32) -> Result<tiny_skia::Pixmap, String> {
    let drawing = Drawing::new(svg, zoom)?;
    let mut data = Vec::new();
    drawing.bands(|rows| {
        data.extend_from_slice(rows);
        Ok(())
    })?;
    let size =
        tiny_skia::IntSize::from_wh(drawing.width, drawing.height).ok_or("the picture is empty")?;
    tiny_skia::Pixmap::from_vec(data, size).ok_or_else(|| "the picture is empty".to_string())
}

/// An SVG parsed for drawing at one zoom, with our text lifted out of it.
struct Drawing {
    split: Option<png_text::Split>,
    tree: usvg::Tree,
    zoom: f32,
    width: u32,
    height: u32,
}

impl Drawing {
    fn new(svg: &str, zoom: f32) -> Result<Self, String> {
        let split = png_text::split(svg);
        let shapes = split.as_ref().map_or(svg, |s| s.svg.as_str());
        let tree = parse(shapes, zoom)?;
        let (width, height) = pixel_size(&tree, zoom)?;
        if (width as usize * 4)
            .checked_mul(height as usize)
            .is_none_or(|n| n > i32::MAX as usize)
        {
            return Err(format!(
                "cannot draw a {width}×{height} picture: it is too large"
            ));
        }
        Ok(Drawing {
            split,
            tree,
            zoom,
            width,
            height,
        })
    }

    /// Every pixel will be opaque: the picture starts filled with the map's page colour.
    fn opaque(&self) -> bool {
        self.split.as_ref().is_some_and(|s| s.background.is_some())
    }

    /// Draws the picture `BAND_ROWS` rows at a time, top to bottom, handing each band's
    /// premultiplied RGBA rows to `each`.
    fn bands(&self, mut each: impl FnMut(&[u8]) -> Result<(), String>) -> Result<(), String> {
        let w = self.width;
        let mut data = BAND.take();
        data.resize(w as usize * BAND_ROWS.min(self.height) as usize * 4, 0);
        let root = tiny_skia::Transform::from_scale(self.zoom, self.zoom);
        // the tree in paint order, walked once for all bands
        let pieces = self.split.as_ref().map(|split| {
            let mut pieces = Vec::new();
            paint_order(self.tree.root(), root, split, &mut pieces);
            pieces
        });
        for top in (0..self.height).step_by(BAND_ROWS as usize) {
            let rows = BAND_ROWS.min(self.height - top);
            let band = &mut data[..w as usize * rows as usize * 4];
            let mut pixmap = tiny_skia::PixmapMut::from_bytes(band, w, rows)
                .ok_or_else(|| format!("cannot draw a {w}×{rows} band"))?;
            match self.split.as_ref().and_then(|s| s.background) {
                // a plain memset, quicker than tiny-skia's fill
                Some([255, 255, 255]) => pixmap.data_mut().fill(255),
                Some([r, g, b]) => pixmap.fill(tiny_skia::Color::from_rgba8(r, g, b, 255)),
                None => pixmap.data_mut().fill(0),
            }
            let shift = |ts: &tiny_skia::Transform| ts.post_translate(0.0, -(top as f32));
            // whether a box in the SVG's own units reaches into this band, give or take 2 px
            // of anti-aliasing
            let seen = |b: &usvg::NonZeroRect| {
                b.bottom() * self.zoom >= top as f32 - 2.0
                    && b.top() * self.zoom <= (top + rows) as f32 + 2.0
            };
            match &pieces {
                Some(pieces) => {
                    for piece in pieces {
                        match piece {
                            Piece::Lifted(png_text::Lifted::Text(run), ts) => {
                                run.draw(*ts, top, &mut pixmap)
                            }
                            Piece::Lifted(png_text::Lifted::Shape(shape), ts) => {
                                shape.draw(*ts, top, &mut pixmap)
                            }
                            Piece::Lifted(png_text::Lifted::Icon(icon), ts) => {
                                icon.draw(*ts, top, &mut pixmap)
                            }
                            Piece::Gradient(path, ts, fill) => {
                                fill.draw(path, *ts, top, &mut pixmap)
                            }
                            Piece::Shapes(node, ts, bbox) if seen(bbox) => {
                                // resvg::render_node draws a node at its own bounding box's
                                // corner: shift it back
                                let ts = shift(ts).pre_translate(bbox.x(), bbox.y());
                                resvg::render_node(node, ts, &mut pixmap);
                            }
                            Piece::Shapes(..) => {}
                        }
                    }
                }
                // not one of our maps: resvg draws it all, and clips to the band
                None => resvg::render(&self.tree, shift(&root), &mut pixmap),
            }
            each(pixmap.data_mut())?;
        }
        BAND.set(data);
        Ok(())
    }
}

/// What a map is drawn from, in paint order: each text run and lifted shape, with the
/// transform that maps its units to the whole picture's pixels, and each stretch of shapes
/// `split` wrapped in a group, with that transform and the box it covers (a group's layer
/// box takes in its strokes; a path's own box does not).
enum Piece<'a> {
    Lifted(&'a png_text::Lifted, tiny_skia::Transform),
    Gradient(&'a usvg::Path, tiny_skia::Transform, RowGradient),
    Shapes(&'a usvg::Node, tiny_skia::Transform, usvg::NonZeroRect),
}

/// Lists `group`'s pieces into `out`: markers as what they stand for, groups holding
/// markers child by child, everything else whole.
fn paint_order<'a>(
    group: &'a usvg::Group,
    ts: tiny_skia::Transform,
    split: &'a png_text::Split,
    out: &mut Vec<Piece<'a>>,
) {
    let ts = ts.pre_concat(group.transform());
    for node in group.children() {
        match node {
            usvg::Node::Path(p) => {
                if let Some(items) = png_text::marker(p.id()) {
                    let lifted = items.filter_map(|i| split.lifted.get(i));
                    out.extend(lifted.map(|item| Piece::Lifted(item, ts)));
                    continue;
                }
                if let Some(fill) = RowGradient::of(p, ts) {
                    out.push(Piece::Gradient(p, ts, fill));
                    continue;
                }
            }
            usvg::Node::Group(g) if look_inside(g) => {
                paint_order(g, ts, split, out);
                continue;
            }
            _ => {}
        }
        if let Some(bbox) = node.abs_layer_bounding_box() {
            out.push(Piece::Shapes(node, ts, bbox));
        }
    }
}

/// A path filled with a linear gradient that runs straight down the page (the emotion
/// curve's area), so its colour changes only from row to row. tiny-skia works the gradient
/// out for every pixel, which made this one shape ~7% of a map's PNG time; here its
/// coverage is rasterised into a mask, and each row's colour is worked out once.
struct RowGradient {
    y1: f32,
    y2: f32,
    /// Offset, straight RGB and alpha (stop opacity times fill opacity), in order.
    stops: Vec<(f32, [f32; 4])>,
    rule: tiny_skia::FillRule,
    anti_alias: bool,
}

impl RowGradient {
    /// The gradient `path` is filled with, if it is such a fill, and nothing else is drawn
    /// for the path (no stroke) under a transform that only scales and shifts.
    fn of(path: &usvg::Path, ts: tiny_skia::Transform) -> Option<RowGradient> {
        let fill = path.fill()?;
        let usvg::Paint::LinearGradient(g) = fill.paint() else {
            return None;
        };
        let plain = path.is_visible()
            && path.stroke().is_none()
            && g.x1() == g.x2()
            && g.y1() != g.y2()
            && g.transform().is_identity()
            && g.spread_method() == usvg::SpreadMethod::Pad
            && !g.stops().is_empty()
            && ts.kx == 0.0
            && ts.ky == 0.0
            && ts.sy != 0.0;
        plain.then(|| RowGradient {
            y1: g.y1(),
            y2: g.y2(),
            stops: g
                .stops()
                .iter()
                .map(|s| {
                    let c = s.color();
                    let a = s.opacity().get() * fill.opacity().get();
                    (
                        s.offset().get(),
                        [c.red as f32, c.green as f32, c.blue as f32, a],
                    )
                })
                .collect(),
            rule: match fill.rule() {
                usvg::FillRule::NonZero => tiny_skia::FillRule::Winding,
                usvg::FillRule::EvenOdd => tiny_skia::FillRule::EvenOdd,
            },
            anti_alias: path.rendering_mode() != usvg::ShapeRendering::CrispEdges,
        })
    }

    /// The colour at `t` along the gradient (0 at its start, 1 at its end), as the stops
    /// give it: RGB and alpha, straight.
    fn at(&self, t: f32) -> [f32; 4] {
        let t = t.clamp(0.0, 1.0);
        let (first, last) = (self.stops[0], self.stops[self.stops.len() - 1]);
        if t < first.0 {
            return first.1;
        }
        for pair in self.stops.windows(2) {
            let ((a, ca), (b, cb)) = (pair[0], pair[1]);
            if t >= a && t < b {
                let f = (t - a) / (b - a);
                return std::array::from_fn(|k| ca[k] + (cb[k] - ca[k]) * f);
            }
        }
        last.1
    }

    /// Draws `path` into the band at `top`.
    fn draw(
        &self,
        path: &usvg::Path,
        ts: tiny_skia::Transform,
        top: u32,
        pixmap: &mut tiny_skia::PixmapMut,
    ) {
        let Some(bounds) = path.data().bounds().transform(ts) else {
            return;
        };
        let (w, h) = (pixmap.width() as i32, pixmap.height() as i32);
        let x0 = (bounds.left().floor() as i32 - 1).max(0);
        let x1 = (bounds.right().ceil() as i32 + 1).min(w);
        let y0 = (bounds.top().floor() as i32 - 1 - top as i32).max(0);
        let y1 = (bounds.bottom().ceil() as i32 + 1 - top as i32).min(h);
        if x0 >= x1 || y0 >= y1 {
            return;
        }
        let (mw, mh) = ((x1 - x0) as u32, (y1 - y0) as u32);
        let Some(mut mask) = tiny_skia::Mask::new(mw, mh) else {
            return;
        };
        let shift = ts.post_translate(-x0 as f32, -(top as f32) - y0 as f32);
        mask.fill_path(path.data(), self.rule, self.anti_alias, shift);
        let data = pixmap.data_mut();
        for (r, cover) in mask.data().chunks_exact(mw as usize).enumerate() {
            let y = y0 + r as i32;
            // the pixel row's middle, in the gradient's units
            let user = ((top as i32 + y) as f32 + 0.5 - ts.ty) / ts.sy;
            let [red, green, blue, a] = self.at((user - self.y1) / (self.y2 - self.y1));
            let ink =
                png_shapes::Ink::new([red, green, blue].map(|c| c.round().clamp(0.0, 255.0) as u8));
            let alpha = (a.clamp(0.0, 1.0) * 255.0).round() as u32;
            if alpha == 0 {
                continue;
            }
            let start = (y * w + x0) as usize * 4;
            let row = &mut data[start..start + mw as usize * 4];
            // runs the path covers whole take the row's colour at once
            let mut x = 0;
            while x < cover.len() {
                let run = cover[x..].iter().take_while(|&&c| c == 255).count();
                if run > 0 {
                    ink.over_all(&mut row[x * 4..(x + run) * 4], alpha);
                    x += run;
                    continue;
                }
                let e = (alpha * cover[x] as u32 + 127) / 255;
                if e != 0 {
                    ink.over(&mut row[x * 4..x * 4 + 4], e);
                }
                x += 1;
            }
        }
    }
}

/// The SVG parsed, for drawing at `zoom`.
fn parse(svg: &str, zoom: f32) -> Result<usvg::Tree, String> {
    if !(zoom.is_finite() && zoom > 0.0) {
        return Err(format!(
            "cannot render at zoom {zoom}: it must be a positive number"
        ));
    }
    usvg::Tree::from_str(svg, options()).map_err(|e| format!("cannot read the SVG: {e}"))
}

/// Width and height in pixels of `tree` drawn at `zoom`.
fn pixel_size(tree: &usvg::Tree, zoom: f32) -> Result<(u32, u32), String> {
    let size = tree
        .size()
        .to_int_size()
        .scale_by(zoom)
        .ok_or("the picture is too large to render")?;
    Ok((size.width(), size.height()))
}

/// The picture as resvg alone draws it, text and all: what `render_pixmap` must match.
#[cfg(test)]
pub(super) fn render_pixmap_resvg(svg: &str, zoom: f32) -> Result<tiny_skia::Pixmap, String> {
    let tree = parse(svg, zoom)?;
    let (w, h) = pixel_size(&tree, zoom)?;
    let mut pixmap = tiny_skia::Pixmap::new(w, h).ok_or("too large")?;
    resvg::render(
        &tree,
        tiny_skia::Transform::from_scale(zoom, zoom),
        &mut pixmap.as_mut(),
    );
    Ok(pixmap)
}

/// Whether `paint_order` looks inside `group`: it holds a marker or a path `RowGradient`
/// fills, and nothing about the group itself (opacity, a clip, a filter) needs it drawn whole.
fn look_inside(group: &usvg::Group) -> bool {
    !group.should_isolate()
        && group.children().iter().any(|n| match n {
            usvg::Node::Path(p) => {
                png_text::marker(p.id()).is_some()
                    || RowGradient::of(p, tiny_skia::Transform::identity()).is_some()
            }
            usvg::Node::Group(g) => look_inside(g),
            _ => false,
        })
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;
    use std::collections::BTreeSet;

    #[test]
    fn the_png_holds_the_drawn_pixels() {
        let svg = super::super::tests::design_svg();
        for zoom in [1.0, 0.37] {
            let png = render_png(&svg, zoom).unwrap();
            let mut reader = ::png::Decoder::new(png.as_slice()).read_info().unwrap();
            let mut rgb = vec![0; reader.output_buffer_size()];
            reader.next_frame(&mut rgb).unwrap();
            let info = reader.info();
            assert_eq!(info.color_type, ::png::ColorType::Rgb, "a map is opaque");
            let drawn = render_pixmap(&svg, zoom).unwrap();
            assert_eq!((info.width, info.height), (drawn.width(), drawn.height()));
            assert!(
                drawn.height() > 2 * BAND_ROWS,
                "several bands at zoom {zoom}"
            );
            let expected: Vec<u8> = drawn
                .data()
                .chunks_exact(4)
                .flat_map(|p| [p[0], p[1], p[2]])
                .collect();
            assert!(
                rgb == expected,
                "the PNG differs from the drawing at zoom {zoom}"
            );
            assert_eq!(
                filter_types(&png, info.width as usize * 3),
                BTreeSet::from([SUB, UP]),
                "rows filtered both ways at zoom {zoom}"
            );
        }
    }

    /// The filter types the lines of an RGB `png` use, `width` bytes of pixels a line.
    fn filter_types(png: &[u8], width: usize) -> BTreeSet<u8> {
        let mut zlib = Vec::new();
        let mut at = 8;
        while at + 8 <= png.len() {
            let len = u32::from_be_bytes(png[at..at + 4].try_into().unwrap()) as usize;
            if &png[at + 4..at + 8] == b"IDAT" {
                zlib.extend_from_slice(&png[at + 8..at + 8 + len]);
            }
            at += 12 + len;
        }
        let lines = fdeflate::decompress_to_vec(&zlib).expect("inflates");
        lines.chunks_exact(1 + width).map(|line| line[0]).collect()
    }

    /// Each row is filtered the way that leaves fewer pixels to write, and the filtered
    /// row gives back the pixels.
    #[test]
    fn a_row_is_filtered_by_sub_or_up_whichever_leaves_less() {
        let px = |c: u8| [c, c, c, 255];
        // cards' edges every 8 pixels across a flat page
        let edges: Vec<u8> = (0..64)
            .flat_map(|i| px(if i % 8 == 0 { 90 } else { 250 }))
            .collect();
        // the same, with a short word written in one card
        let mut word = edges.clone();
        for i in 10..14 {
            word[i * 4..i * 4 + 4].copy_from_slice(&px(20 + i as u8));
        }
        // one colour all the way across
        let flat: Vec<u8> = (0..64).flat_map(|_| px(200)).collect();
        let mut diff = vec![0; edges.len()];
        let unfiltered = |diff: &[u8], filter: u8, above: &[u8]| -> Vec<u8> {
            let mut row = diff.to_vec();
            for i in 0..row.len() {
                row[i] = row[i].wrapping_add(match filter {
                    SUB if i >= 4 => row[i - 4],
                    UP => above[i],
                    _ => 0,
                });
            }
            row
        };
        assert_eq!(filter_rgb(&edges, &[], &mut diff), SUB, "the first row");
        assert_eq!(unfiltered(&diff, SUB, &[]), edges);
        assert_eq!(filter_rgb(&word, &edges, &mut diff), UP);
        assert_eq!(unfiltered(&diff, UP, &edges), word);
        assert_eq!(filter_rgb(&flat, &word, &mut diff), SUB);
        assert_eq!(unfiltered(&diff, SUB, &word), flat);
    }

    /// The version of `rgb_line` this machine runs (AVX2 on most) writes the same lines as
    /// the portable one: for every row of a map, and for rows of every width up to 67 px,
    /// so that a PNG does not depend on the machine that drew it.
    #[test]
    fn every_version_of_rgb_line_writes_the_same_bytes() {
        let picture = render_pixmap(&super::super::tests::design_svg(), 0.5).expect("draws");
        let stride = picture.width() as usize * 4;
        let rows: Vec<&[u8]> = picture.data().chunks_exact(stride).collect();
        type Filter = fn(&[u8], &[u8], &mut [u8], &mut [u8]);
        let line = |row: &[u8], above: &[u8], f: Filter| {
            let mut diff = vec![0; row.len()];
            let mut line = vec![0; 1 + row.len() / 4 * 3];
            f(row, above, &mut diff, &mut line);
            line
        };
        let mut pairs: Vec<(&[u8], &[u8])> = vec![(rows[0], &[])];
        pairs.extend(rows.windows(2).map(|w| (w[1], w[0])));
        // narrow rows cut from two rows of text, each way round, and as a first row
        let (a, b) = (rows[rows.len() / 3], rows[rows.len() / 3 + 1]);
        for w in 1..68 {
            let (a, b) = (&a[w * 4..w * 8], &b[w * 4..w * 8]);
            pairs.extend([(a, &[][..]), (a, b), (b, a)]);
        }
        for (row, above) in &pairs {
            assert_eq!(
                line(row, above, rgb_line),
                line(row, above, rgb_line_portable),
                "a row {} px wide",
                row.len() / 4
            );
        }
        let ups = pairs
            .iter()
            .filter(|(r, a)| line(r, a, rgb_line)[0] == UP)
            .count();
        assert!(
            ups > 10 && ups < pairs.len() - 10,
            "{ups} of {} rows by Up",
            pairs.len()
        );
    }

    /// The emotion curve's area is filled with a gradient straight down the page, which
    /// `RowGradient` draws a row at a time: it must match tiny-skia's gradient.
    #[test]
    fn a_gradient_down_the_page_is_drawn_as_resvg_draws_it() {
        let svg = format!(
            "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 300 200\" width=\"300\" height=\"200\" font-family=\"{}\"><defs><linearGradient id=\"f\" gradientUnits=\"userSpaceOnUse\" x1=\"0\" y1=\"20\" x2=\"0\" y2=\"180\"><stop offset=\"0\" stop-color=\"#1D7A54\" stop-opacity=\".24\"/><stop offset=\".4\" stop-color=\"#1D7A54\" stop-opacity=\".05\"/><stop offset=\".4\" stop-color=\"#B42318\" stop-opacity=\".05\"/><stop offset=\"1\" stop-color=\"#B42318\" stop-opacity=\".9\"/></linearGradient></defs><rect x=\"0\" y=\"0\" width=\"300\" height=\"200\" rx=\"0\" fill=\"#FFFFFF\"/><g><rect x=\"10\" y=\"10\" width=\"50\" height=\"170\" rx=\"4\" fill=\"#3347A8\"/><path d=\"M5 100C60 10 120 10 160 100C200 190 260 190 295 100L295 190L5 190z\" fill=\"url(#f)\"/></g></svg>",
            super::super::style::FONT_STACK
        );
        let split = png_text::split(&svg).expect("the rect is lifted");
        let tree = parse(&split.svg, 1.0).unwrap();
        let mut pieces = Vec::new();
        paint_order(
            tree.root(),
            tiny_skia::Transform::identity(),
            &split,
            &mut pieces,
        );
        assert!(
            pieces.iter().any(|p| matches!(p, Piece::Gradient(..))),
            "the area is drawn by RowGradient"
        );
        for zoom in [1.0, 0.75, 1.7] {
            let ours = render_pixmap(&svg, zoom).unwrap();
            let theirs = render_pixmap_resvg(&svg, zoom).unwrap();
            let (mut worst, mut total, mut off) = (0u8, 0u64, 0usize);
            for (a, b) in ours.data().iter().zip(theirs.data()) {
                worst = worst.max(a.abs_diff(*b));
                total += a.abs_diff(*b) as u64;
                off += usize::from(a.abs_diff(*b) > 8);
            }
            let mean = total as f64 / ours.data().len() as f64;
            // the colours agree to a shade; only anti-aliased edges differ more
            let share = off as f64 / ours.data().len() as f64;
            assert!(
                worst <= 32 && mean < 0.2 && share < 0.001,
                "zoom {zoom}: worst {worst}, mean {mean:.3}, {off} channels off by more than 8"
            );
        }
    }

    #[test]
    fn a_picture_with_transparent_pixels_keeps_its_alpha() {
        let svg = r##"<svg xmlns="http://www.w3.org/2000/svg" width="4" height="2"><rect width="2" height="2" fill="#ff0000"/><rect x="3" width="1" height="2" fill="#0000ff" fill-opacity="0.5"/></svg>"##;
        let png = render_png(svg, 1.0).unwrap();
        let mut reader = ::png::Decoder::new(png.as_slice()).read_info().unwrap();
        let mut pixels = vec![0; reader.output_buffer_size()];
        reader.next_frame(&mut pixels).unwrap();
        assert_eq!(reader.info().color_type, ::png::ColorType::Rgba);
        assert_eq!(pixels[..4], [255, 0, 0, 255]);
        assert_eq!(pixels[8..12], [0, 0, 0, 0]);
        // straight colour, not premultiplied
        assert_eq!(pixels[12..15], [0, 0, 255]);
        assert!(pixels[15].abs_diff(128) <= 1, "alpha {}", pixels[15]);
    }

    /// How far two pictures of the same size differ: the mean absolute difference per
    /// channel (0–255), the share of pixels that differ by more than 64 in some channel, and
    /// the largest mean difference over any 16×16 block.
    pub(in crate::diagram) struct Diff {
        pub mean: f64,
        pub far: f64,
        pub worst_block: f64,
    }

    /// Compares the top-left `w`×`h` pixels.
    pub(in crate::diagram) fn diff(
        a: &tiny_skia::Pixmap,
        b: &tiny_skia::Pixmap,
        (w, h): (usize, usize),
    ) -> Diff {
        assert_eq!((a.width(), a.height()), (b.width(), b.height()));
        let stride = a.width() as usize;
        let (pa, pb) = (a.data(), b.data());
        let mut total = 0u64;
        let mut far = 0usize;
        let (bw, bh) = (w.div_ceil(16), h.div_ceil(16));
        let mut blocks = vec![0u64; bw * bh];
        for y in 0..h {
            for x in 0..w {
                let i = (y * stride + x) * 4;
                let (mut sum, mut most) = (0u64, 0u8);
                for k in 0..4 {
                    let d = pa[i + k].abs_diff(pb[i + k]);
                    sum += d as u64;
                    most = most.max(d);
                }
                total += sum;
                far += usize::from(most > 64);
                blocks[(y / 16) * bw + x / 16] += sum;
            }
        }
        let worst = blocks.iter().copied().max().unwrap_or(0);
        Diff {
            mean: total as f64 / (w * h * 4) as f64,
            far: far as f64 / (w * h) as f64,
            worst_block: worst as f64 / (16 * 16 * 4) as f64,
        }
    }

    /// CPU time of this thread, in ms.
    fn cpu_ms() -> f64 {
        let mut t = libc::timespec {
            tv_sec: 0,
            tv_nsec: 0,
        };
        // SAFETY: clock_gettime only writes the timespec it is given.
        unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut t) };
        t.tv_sec as f64 * 1e3 + t.tv_nsec as f64 / 1e6
    }

    /// Where a map's PNG time goes, in CPU ms per phase (release build):
    /// `TRAILMAP_SVG=map.svg cargo test --release --lib png_phases -- --ignored --nocapture`.
    #[test]
    #[ignore]
    fn png_phases() {
        let svg = match std::env::var("TRAILMAP_SVG") {
            Ok(path) => std::fs::read_to_string(path).expect("reads the SVG"),
            Err(_) => super::super::tests::design_svg(),
        };
        // TRAILMAP_ZOOM: the zoom the loop, the comparison and the crops are drawn at
        let zoom: f32 = std::env::var("TRAILMAP_ZOOM")
            .ok()
            .and_then(|z| z.parse().ok())
            .unwrap_or(1.0);
        // TRAILMAP_PNG_LOOP=n: only render_png, n times (for `perf record`)
        if let Some(n) = std::env::var("TRAILMAP_PNG_LOOP")
            .ok()
            .and_then(|n| n.parse().ok())
        {
            for _ in 0..n {
                std::hint::black_box(render_png(&svg, zoom).unwrap());
            }
            return;
        }
        let runs = 10;
        let mut size = 0;
        let (mut parse_ms, mut draw_ms, mut total, mut old) = (0.0, 0.0, 0.0, 0.0);
        for _ in 0..runs {
            let t0 = cpu_ms();
            let drawing = Drawing::new(&svg, zoom).unwrap();
            let t1 = cpu_ms();
            drawing
                .bands(|rows| {
                    std::hint::black_box(rows);
                    Ok(())
                })
                .unwrap();
            let t2 = cpu_ms();
            size = std::hint::black_box(render_png(&svg, zoom).unwrap()).len();
            let t3 = cpu_ms();
            std::hint::black_box(render_pixmap_resvg(&svg, zoom).unwrap());
            let t4 = cpu_ms();
            parse_ms += t1 - t0;
            draw_ms += t2 - t1;
            total += t3 - t2;
            old += t4 - t3;
        }
        let n = runs as f64;
        let ours = render_pixmap(&svg, zoom).unwrap();
        let whole = (ours.width() as usize, ours.height() as usize);
        let d = diff(&ours, &render_pixmap_resvg(&svg, zoom).unwrap(), whole);
        println!(
            "against resvg's text: mean difference {:.3}/255, {:.4}% of pixels off by more than 64, worst 16-px block {:.1}/255",
            d.mean,
            d.far * 100.0,
            d.worst_block
        );
        if let Ok(dir) = std::env::var("TRAILMAP_DIAGRAM_OUT") {
            let _ = render_pixmap(&svg, zoom)
                .unwrap()
                .save_png(format!("{dir}/new.png"));
            let _ = render_pixmap_resvg(&svg, zoom)
                .unwrap()
                .save_png(format!("{dir}/old.png"));
            // old above new, for regions named in TRAILMAP_CROPS="x,y,w,h;…"
            let (a, b) = (
                render_pixmap_resvg(&svg, zoom).unwrap(),
                render_pixmap(&svg, zoom).unwrap(),
            );
            let crops = std::env::var("TRAILMAP_CROPS").unwrap_or_default();
            for (n, c) in crops.split(';').filter(|c| !c.is_empty()).enumerate() {
                let v: Vec<u32> = c.split(',').map(|x| x.parse().unwrap()).collect();
                let (x, y, w, h) = (v[0], v[1], v[2], v[3]);
                let mut out = tiny_skia::Pixmap::new(w, h * 2 + 4).unwrap();
                for (k, src) in [&a, &b].into_iter().enumerate() {
                    let part = src
                        .clone_rect(
                            tiny_skia::IntRect::from_xywh(x as i32, y as i32, w, h).unwrap(),
                        )
                        .unwrap();
                    out.draw_pixmap(
                        0,
                        (k as u32 * (h + 4)) as i32,
                        part.as_ref(),
                        &tiny_skia::PixmapPaint::default(),
                        tiny_skia::Transform::identity(),
                        None,
                    );
                }
                let _ = out.save_png(format!("{dir}/crop{n}.png"));
            }
        }
        println!(
            "split and usvg parse {:.1} ms, draw {:.1} ms, filter and compress {:.1} ms; render_png {:.1} ms; resvg alone, without encoding {:.1} ms (CPU per map)",
            parse_ms / n,
            draw_ms / n,
            (total - parse_ms - draw_ms) / n,
            total / n,
            old / n
        );
        println!("PNG: {size} bytes");
        // a scaled map needs its own glyph sizes: what a cold glyph cache costs
        let scaled = svg.clone();
        let (cold, warm, masks) = std::thread::spawn(move || {
            let t0 = cpu_ms();
            render_png(&scaled, 0.8123).unwrap();
            let t1 = cpu_ms();
            render_png(&scaled, 0.8123).unwrap();
            (t1 - t0, cpu_ms() - t1, png_text::cached_masks())
        })
        .join()
        .unwrap();
        println!("at zoom 0.8123: cold glyph cache {cold:.1} ms, warm {warm:.1} ms, {masks} masks");
    }
}
