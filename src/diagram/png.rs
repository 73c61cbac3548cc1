//! SVG → PNG with resvg, using only the embedded fonts.
//!
//! The font database holds nothing but the Inter files compiled into the binary, so a fresh
//! machine (or a CI container) with no fonts installed renders the same text as a laptop.

use super::{fonts, png_text};
use resvg::{tiny_skia, usvg};
use std::cell::RefCell;
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

thread_local! {
    /// This thread's picture, kept from map to map: a fresh one would cost ~25 MB of page
    /// faults and zeroing per map.
    static PIXELS: RefCell<Vec<u8>> = const { RefCell::new(Vec::new()) };
}

/// Buffers larger than this are given back after use rather than kept.
const KEEP_BYTES: usize = 64 << 20;

/// Renders `svg` to PNG bytes; `zoom` 1.0 is one pixel per SVG unit.
pub(crate) fn render_png(svg: &str, zoom: f32) -> Result<Vec<u8>, String> {
    PIXELS.with(|pixels| {
        let pixels = &mut *pixels.borrow_mut();
        let drawn = render_into(svg, zoom, pixels).and_then(|(w, h)| {
            let n = w as usize * h as usize * 4;
            match encode_rgb(&mut pixels[..n], w, h) {
                Some(png) => png,
                // packing RGB over the pixels lost their alpha: draw them again
                None => render_into(svg, zoom, pixels).map(|_| encode_rgba(&pixels[..n], w, h))?,
            }
            .map_err(|e| format!("cannot encode the PNG: {e}"))
        });
        if pixels.len() > KEEP_BYTES {
            *pixels = Vec::new();
        }
        drawn
    })
}

/// PNG bytes of a rendered opaque map, or `None` when a pixel is not opaque (and `rgba` is
/// then spoilt). Maps paint their own background, so the usual picture is written as RGB,
/// packed over the RGBA pixels in place (a second buffer for it would cost ~20 MB per
/// thread), and compressed with the fast deflater: together a fifth of the cost of
/// tiny-skia's `encode_png` on a 3200-px map, for a file about as large.
fn encode_rgb(rgba: &mut [u8], w: u32, h: u32) -> Option<Result<Vec<u8>, png::EncodingError>> {
    if to_rgb(rgba) != 255 {
        return None;
    }
    let rgb = &rgba[..w as usize * h as usize * 3];
    let mut out = Vec::with_capacity(rgb.len() / 8);
    let mut enc = png::Encoder::new(&mut out, w, h);
    enc.set_color(png::ColorType::Rgb);
    enc.set_depth(png::BitDepth::Eight);
    enc.set_compression(png::Compression::Fast);
    let written = enc.write_header().and_then(|mut w| w.write_image_data(rgb));
    Some(written.map(|()| out))
}

/// A picture with transparent pixels (an SVG that is not one of our maps), encoded with its
/// alpha by tiny-skia.
fn encode_rgba(rgba: &[u8], w: u32, h: u32) -> Result<Vec<u8>, png::EncodingError> {
    let size = tiny_skia::IntSize::from_wh(w, h).ok_or(png::EncodingError::LimitsExceeded)?;
    tiny_skia::Pixmap::from_vec(rgba.to_vec(), size)
        .ok_or(png::EncodingError::LimitsExceeded)?
        .encode_png()
}

/// Packs RGBA pixels into RGB at the front of the same slice; returns the AND of all alphas
/// (255: opaque). Four pixels (four little-endian words) become three words with shifts,
/// which compiles to a few instructions per pixel; each write lands at or before what has
/// been read, never on pixels still to come.
fn to_rgb(px: &mut [u8]) -> u8 {
    let mut alpha = u32::MAX;
    let quads = px.len() / 16;
    for k in 0..quads {
        // a fixed-size array, so each word is one load
        let f: [u8; 16] = px[k * 16..k * 16 + 16].try_into().expect("16 bytes");
        let word = |i: usize| u32::from_le_bytes([f[i], f[i + 1], f[i + 2], f[i + 3]]);
        let (p0, p1, p2, p3) = (word(0), word(4), word(8), word(12));
        alpha &= p0 & p1 & p2 & p3;
        let t = &mut px[k * 12..k * 12 + 12];
        t[0..4].copy_from_slice(&((p0 & 0xFF_FFFF) | (p1 << 24)).to_le_bytes());
        t[4..8].copy_from_slice(&(((p1 >> 8) & 0xFFFF) | (p2 << 16)).to_le_bytes());
        t[8..12].copy_from_slice(&(((p2 >> 16) & 0xFF) | (p3 << 8)).to_le_bytes());
    }
    let mut opaque = (alpha >> 24) as u8;
    for i in quads * 4..px.len() / 4 {
        opaque &= px[i * 4 + 3];
        px.copy_within(i * 4..i * 4 + 3, i * 3);
    }
    opaque
}

/// The picture itself, for tests that look at pixels.
#[cfg(test)]
pub(super) fn render_pixmap(svg: &str, zoom: f32) -> Result<tiny_skia::Pixmap, String> {
    let mut data = Vec::new();
    let (w, h) = render_into(svg, zoom, &mut data)?;
    data.truncate(w as usize * h as usize * 4);
    let size = tiny_skia::IntSize::from_wh(w, h).ok_or("the picture is empty")?;
    tiny_skia::Pixmap::from_vec(data, size).ok_or_else(|| "the picture is empty".to_string())
}

/// Draws `svg` into `data` (grown as needed; what lies beyond the picture is left alone) and
/// returns the picture's size.
fn render_into(svg: &str, zoom: f32, data: &mut Vec<u8>) -> Result<(u32, u32), String> {
    let split = png_text::split(svg);
    let shapes = split.as_ref().map_or(svg, |s| s.svg.as_str());
    let tree = parse(shapes, zoom)?;
    let (w, h) = pixel_size(&tree, zoom)?;
    let n = (w as usize)
        .checked_mul(h as usize)
        .and_then(|p| p.checked_mul(4))
        .filter(|n| *n <= i32::MAX as usize)
        .ok_or_else(|| format!("cannot allocate a {w}×{h} picture"))?;
    if data.len() < n {
        data.resize(n, 0);
    }
    let mut pixmap = tiny_skia::PixmapMut::from_bytes(&mut data[..n], w, h)
        .ok_or_else(|| format!("cannot allocate a {w}×{h} picture"))?;
    match split.as_ref().and_then(|s| s.background) {
        // a plain memset, quicker than tiny-skia's fill
        Some([255, 255, 255]) => pixmap.data_mut().fill(255),
        Some([r, g, b]) => pixmap.fill(tiny_skia::Color::from_rgba8(r, g, b, 255)),
        None => pixmap.data_mut().fill(0),
    }
    let ts = tiny_skia::Transform::from_scale(zoom, zoom);
    match &split {
        Some(split) => draw(tree.root(), ts, &mut pixmap, &split.runs),
        None => resvg::render(&tree, ts, &mut pixmap),
    }
    Ok((w, h))
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

/// Draws `group` in document order: text markers as their runs, groups holding markers child
/// by child, everything else (a stretch of shapes `split` wrapped in a group) by resvg.
fn draw(
    group: &usvg::Group,
    ts: tiny_skia::Transform,
    pixmap: &mut tiny_skia::PixmapMut,
    runs: &[png_text::Run],
) {
    let ts = ts.pre_concat(group.transform());
    for node in group.children() {
        match node {
            usvg::Node::Path(p) => {
                if let Some(run) = png_text::marker(p.id()).and_then(|i| runs.get(i)) {
                    run.draw(ts, pixmap);
                    continue;
                }
            }
            usvg::Node::Group(g) if holds_marker(g) => {
                draw(g, ts, pixmap, runs);
                continue;
            }
            _ => {}
        }
        // resvg::render_node draws a node at its own bounding box's corner: shift it back
        if let Some(bbox) = node.abs_layer_bounding_box() {
            resvg::render_node(node, ts.pre_translate(bbox.x(), bbox.y()), pixmap);
        }
    }
}

fn holds_marker(group: &usvg::Group) -> bool {
    !group.should_isolate()
        && group.children().iter().any(|n| match n {
            usvg::Node::Path(p) => png_text::marker(p.id()).is_some(),
            usvg::Node::Group(g) => holds_marker(g),
            _ => false,
        })
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;

    #[test]
    fn rgb_packing_keeps_every_pixel_and_sees_alpha() {
        let rgba: Vec<u8> = (0..7 * 4)
            .map(|i| if i % 4 == 3 { 255 } else { i as u8 })
            .collect();
        let mut packed = rgba.clone();
        assert_eq!(to_rgb(&mut packed), 255);
        let expected: Vec<u8> = (0..7 * 4).filter(|i| i % 4 != 3).map(|i| i as u8).collect();
        assert_eq!(packed[..7 * 3], expected);
        for at in [3, 7 * 4 - 1] {
            let mut seen = rgba.clone();
            seen[at] = 254;
            assert_ne!(to_rgb(&mut seen), 255, "alpha at {at}");
        }
    }

    #[test]
    fn a_picture_with_transparent_pixels_keeps_its_alpha() {
        let svg = r##"<svg xmlns="http://www.w3.org/2000/svg" width="4" height="2"><rect width="2" height="2" fill="#ff0000"/></svg>"##;
        let png = render_png(svg, 1.0).unwrap();
        let mut reader = ::png::Decoder::new(png.as_slice()).read_info().unwrap();
        let mut pixels = vec![0; reader.output_buffer_size()];
        reader.next_frame(&mut pixels).unwrap();
        assert_eq!(reader.info().color_type, ::png::ColorType::Rgba);
        assert_eq!(pixels[..4], [255, 0, 0, 255]);
        assert_eq!(pixels[12..16], [0, 0, 0, 0]);
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
        // TRAILMAP_PNG_LOOP=n: only render_png, n times (for `perf record`)
        if let Some(n) = std::env::var("TRAILMAP_PNG_LOOP")
            .ok()
            .and_then(|n| n.parse().ok())
        {
            for _ in 0..n {
                std::hint::black_box(render_png(&svg, 1.0).unwrap());
            }
            return;
        }
        let runs = 10;
        let mut size = 0;
        let (mut split, mut parse_ms, mut draw_ms, mut enc, mut total, mut old) =
            (0.0, 0.0, 0.0, 0.0, 0.0, 0.0);
        let mut rgba = Vec::new();
        for _ in 0..runs {
            let t0 = cpu_ms();
            let lifted = png_text::split(&svg).expect("our text");
            let t1 = cpu_ms();
            std::hint::black_box(parse(&lifted.svg, 1.0).unwrap());
            let t2 = cpu_ms();
            let (w, h) = render_into(&svg, 1.0, &mut rgba).unwrap();
            let t3 = cpu_ms();
            let n = w as usize * h as usize * 4;
            let png = encode_rgb(&mut rgba[..n], w, h).unwrap().unwrap();
            let t4 = cpu_ms();
            std::hint::black_box(render_png(&svg, 1.0).unwrap());
            let t5 = cpu_ms();
            std::hint::black_box(render_pixmap_resvg(&svg, 1.0).unwrap());
            let t6 = cpu_ms();
            split += t1 - t0;
            parse_ms += t2 - t1;
            draw_ms += (t3 - t2) - (t2 - t0);
            enc += t4 - t3;
            total += t5 - t4;
            old += t6 - t5;
            size = png.len();
        }
        let n = runs as f64;
        // TRAILMAP_ZOOM: the zoom the comparison and crops are drawn at
        let zoom: f32 = std::env::var("TRAILMAP_ZOOM")
            .ok()
            .and_then(|z| z.parse().ok())
            .unwrap_or(1.0);
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
            "split {:.1} ms, usvg parse {:.1} ms, draw {:.1} ms, encode {:.1} ms; render_png {:.1} ms; resvg alone, without encoding {:.1} ms (CPU per map)",
            split / n,
            parse_ms / n,
            draw_ms / n,
            enc / n,
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
