//! Channel icons in the PNG, drawn once per zoom and place within a pixel, then laid like
//! glyphs.
//!
//! A map has a badge per touchpoint, and each holds one of a few icons (`glyphs::ICONS`):
//! strokes with round caps in a group that places and scales them. usvg and tiny-skia
//! stroked every path of every badge again (~7 M instructions of a warm map's ~195). Here
//! `png_text::split` lifts each icon group, the icon is rendered by resvg once for its zoom
//! and its position's quarter-pixel offset, and its coverage is kept as a mask, which each
//! badge then lays in its colour. An icon's strokes are all one colour, so laying them as
//! one mask gives what laying them one by one did; only its place may move, by under an
//! eighth of a pixel.

use super::png;
use super::png_text::{self, Mask};
use resvg::{tiny_skia, usvg};
use std::cell::RefCell;
use std::collections::HashMap;

/// Icon masks kept per thread before the cache starts over.
const CACHE_LIMIT: usize = 4_096;

/// The icons' own grid: `glyphs::ICONS` are drawn on 24 × 24 units.
const GRID: f32 = 24.0;

/// `<g transform="translate(x y) scale(s)" fill="none" stroke="#…" stroke-width="w"
/// stroke-linecap="round" stroke-linejoin="round">…</g>`, as `glyphs::channel_badge` writes
/// it, in user units.
#[derive(Debug, PartialEq)]
pub(super) struct Icon {
    x: f32,
    y: f32,
    scale: f32,
    rgb: [u8; 3],
    width: f32,
    /// The markup inside the group, and its hash (the mask cache's key).
    inner: String,
    hash: u128,
}

/// The icon group at the start of `rest` and its length, if it is one in the form above
/// whose inside holds no group, no text and no paint of its own.
pub(super) fn parse_icon(rest: &str) -> Option<(Icon, usize)> {
    let open = rest.find('>')?;
    let tag = rest[..open].strip_prefix("<g transform=\"translate(")?;
    let (x, tag) = tag.split_once(' ')?;
    let (y, tag) = tag.split_once(") scale(")?;
    let (scale, tag) = tag.split_once(")\" fill=\"none\" stroke=\"")?;
    let (colour, tag) = tag.split_once("\" stroke-width=\"")?;
    let width = tag.strip_suffix("\" stroke-linecap=\"round\" stroke-linejoin=\"round\"")?;
    let number = |v: &str| v.parse::<f32>().ok().filter(|v| v.is_finite());
    let (x, y, scale, width) = (number(x)?, number(y)?, number(scale)?, number(width)?);
    let close = rest.find("</g>")?;
    let inner = &rest[open + 1..close];
    let foreign = [
        "<g",
        "<text",
        "fill=",
        "stroke",
        "transform",
        "style",
        "url(",
    ];
    if !(scale > 0.0 && width > 0.0) || foreign.iter().any(|f| inner.contains(f)) {
        return None;
    }
    let icon = Icon {
        x,
        y,
        scale,
        rgb: png_text::hex_colour(colour)?,
        width,
        inner: inner.to_string(),
        hash: xxhash_rust::xxh3::xxh3_128(inner.as_bytes()),
    };
    Some((icon, close + "</g>".len()))
}

/// The inside's hash, the scale and stroke width in pixels (f32 bits), and the x and y
/// quarter-pixel steps.
type Key = (u128, u32, u32, u8, u8);

thread_local! {
    static MASKS: RefCell<HashMap<Key, Mask>> = RefCell::new(HashMap::new());
}

impl Icon {
    /// Lays the icon onto `pixmap`, which holds the picture's rows from `top` down; `ts`
    /// maps user units to the whole picture's pixels (a scale and a shift).
    pub(super) fn draw(
        &self,
        ts: tiny_skia::Transform,
        top: u32,
        pixmap: &mut tiny_skia::PixmapMut,
    ) {
        let zoom = ts.sx;
        let ((ix, qx), (iy, qy)) = (
            png_text::snap(ts.tx + self.x * zoom),
            png_text::snap(ts.ty + self.y * ts.sy),
        );
        let (scale, width) = (self.scale * zoom, self.width * self.scale * zoom);
        let reach = (GRID * scale + width) as i32 + 2;
        if iy + reach < top as i32 || iy - reach > (top + pixmap.height()) as i32 {
            return;
        }
        let key = (self.hash, scale.to_bits(), width.to_bits(), qx, qy);
        MASKS.with(|cache| {
            let mut cache = cache.borrow_mut();
            if cache.len() > CACHE_LIMIT {
                cache.clear();
            }
            let (fx, fy) = (
                qx as f32 / png_text::SUBPIXELS,
                qy as f32 / png_text::SUBPIXELS,
            );
            let mask = cache
                .entry(key)
                .or_insert_with(|| self.rasterise(scale, width, fx, fy));
            png_text::blend(pixmap, mask, ix, iy - top as i32, self.rgb);
        });
    }

    /// The icon's coverage, drawn by resvg with its corner `(fx, fy)` inside a pixel.
    fn rasterise(&self, scale: f32, width: f32, fx: f32, fy: f32) -> Mask {
        let margin = (width / 2.0).ceil() + 1.0;
        let size = (GRID * scale + 2.0 * margin).ceil() as u32;
        let svg = format!(
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{size}\" height=\"{size}\"><g transform=\"translate({} {}) scale({scale})\" fill=\"none\" stroke=\"#000000\" stroke-width=\"{}\" stroke-linecap=\"round\" stroke-linejoin=\"round\">{}</g></svg>",
            fx + margin,
            fy + margin,
            self.width,
            self.inner
        );
        let drawn = usvg::Tree::from_str(&svg, png::options())
            .ok()
            .and_then(|tree| {
                let mut pixmap = tiny_skia::Pixmap::new(size, size)?;
                resvg::render(
                    &tree,
                    tiny_skia::Transform::identity(),
                    &mut pixmap.as_mut(),
                );
                Some(pixmap)
            });
        let data: Vec<u8> = drawn.map_or(Vec::new(), |p| {
            p.pixels().iter().map(|c| c.alpha()).collect()
        });
        Mask {
            left: -(margin as i32),
            top: -(margin as i32),
            width: if data.is_empty() { 0 } else { size as usize },
            data,
        }
        .trimmed()
    }
}

#[cfg(test)]
mod tests {
    use super::super::png::{render_pixmap, render_pixmap_resvg};
    use super::super::style::FONT_STACK;
    use super::*;

    /// Badges as `glyphs::channel_badge` draws them, at places that fall at every fraction
    /// of a pixel.
    fn badges() -> String {
        let mut c = super::super::svg::Canvas::new();
        for (i, name) in ["web", "email", "ad", "partner", "phone", "store"]
            .iter()
            .enumerate()
        {
            let (x, y) = (10.3 + i as f32 * 37.45, 8.0 + (i % 3) as f32 * 31.3);
            let icon = super::super::glyphs::channel_icon(name);
            super::super::glyphs::channel_badge(&mut c, x, y, icon);
        }
        let body = c.out;
        format!(
            "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 240 110\" width=\"240\" height=\"110\" font-family=\"{FONT_STACK}\"><rect x=\"0\" y=\"0\" width=\"240\" height=\"110\" rx=\"0\" fill=\"#FFFFFF\"/><g id=\"b\">{body}</g></svg>"
        )
    }

    #[test]
    fn icons_are_lifted_and_drawn_as_resvg_draws_them() {
        let svg = badges();
        let split = png_text::split(&svg).expect("lifted");
        let icons = split.lifted.iter();
        assert_eq!(
            icons
                .filter(|l| matches!(l, png_text::Lifted::Icon(_)))
                .count(),
            6
        );
        assert!(
            !split.svg.contains("stroke-linecap"),
            "no icon is left to usvg"
        );
        for zoom in [1.0, 0.75, 2.3] {
            let ours = render_pixmap(&svg, zoom).unwrap();
            let theirs = render_pixmap_resvg(&svg, zoom).unwrap();
            // where the page ends inside a pixel, resvg leaves it part transparent and we
            // fill it with the page colour: compare what the page covers
            let (w, h) = ((240.0 * zoom) as usize, (110.0 * zoom) as usize);
            let stride = ours.width() as usize * 4;
            let (mut total, mut far) = (0u64, 0usize);
            for y in 0..h {
                let row = y * stride..y * stride + w * 4;
                for (a, b) in ours.data()[row.clone()].iter().zip(&theirs.data()[row]) {
                    total += a.abs_diff(*b) as u64;
                    far += usize::from(a.abs_diff(*b) > 96);
                }
            }
            let mean = total as f64 / (w * h * 4) as f64;
            // placed within an eighth of a pixel: edges differ by a few shades
            println!("zoom {zoom}: mean {mean:.3}, {far} channels far off");
            assert!(
                mean < 0.6 && far < 8,
                "zoom {zoom}: mean {mean:.3}, {far} channels far off"
            );
        }
    }

    #[test]
    fn only_our_icon_groups_are_lifted() {
        let head = "<g transform=\"translate(1 2) scale(0.840)\" fill=\"none\" stroke=\"#1F2937\" stroke-width=\"2.02\" stroke-linecap=\"round\" stroke-linejoin=\"round\">";
        let ours = format!("{head}<circle cx=\"12\" cy=\"12\" r=\"4.5\"/></g><text>");
        let (icon, n) = parse_icon(&ours).expect("an icon");
        assert_eq!(&ours[n..], "<text>");
        assert_eq!(
            (icon.x, icon.y, icon.scale, icon.width),
            (1.0, 2.0, 0.84, 2.02)
        );
        for foreign in [
            format!("{head}<circle cx=\"12\" cy=\"12\" r=\"4.5\" fill=\"#FF0000\"/></g>"),
            format!("{head}<g><circle cx=\"12\" cy=\"12\" r=\"4.5\"/></g></g>"),
            ours.replace("scale(0.840)", "rotate(10)"),
            ours.replace("stroke-linecap=\"round\" ", ""),
            ours.replace("#1F2937", "url(#p)"),
        ] {
            assert_eq!(parse_icon(&foreign), None, "{foreign}");
        }
    }
}
