//! SVG → PNG with resvg, using only the embedded fonts.
//!
//! The font database holds nothing but the Inter files compiled into the binary, so a fresh
//! machine (or a CI container) with no fonts installed renders the same text as a laptop.

use super::{fonts, png_text};
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

/// Renders `svg` to PNG bytes; `zoom` 1.0 is one pixel per SVG unit.
pub(crate) fn render_png(svg: &str, zoom: f32) -> Result<Vec<u8>, String> {
    let pixmap = render_pixmap(svg, zoom)?;
    encode(&pixmap).map_err(|e| format!("cannot encode the PNG: {e}"))
}

/// PNG bytes of a rendered map. Maps are opaque (they paint their own background), so the
/// usual path writes RGB straight from the pixels, with no un-premultiplying copy, and
/// compresses with the fast deflater: together a fifth of the cost of tiny-skia's
/// `encode_png` on a 3200-px map, for a file about as large.
fn encode(pixmap: &tiny_skia::Pixmap) -> Result<Vec<u8>, png::EncodingError> {
    let data = pixmap.data();
    if !data.chunks_exact(4).all(|px| px[3] == 255) {
        return pixmap.encode_png();
    }
    let rgb: Vec<u8> = data
        .chunks_exact(4)
        .flat_map(|px| [px[0], px[1], px[2]])
        .collect();
    let mut out = Vec::with_capacity(rgb.len() / 8);
    let mut enc = png::Encoder::new(&mut out, pixmap.width(), pixmap.height());
    enc.set_color(png::ColorType::Rgb);
    enc.set_depth(png::BitDepth::Eight);
    enc.set_compression(png::Compression::Fast);
    enc.write_header()?.write_image_data(&rgb)?;
    Ok(out)
}

pub(super) fn render_pixmap(svg: &str, zoom: f32) -> Result<tiny_skia::Pixmap, String> {
    let split = png_text::split(svg);
    let svg = split.as_ref().map_or(svg, |s| s.svg.as_str());
    let (tree, mut pixmap) = prepare(svg, zoom)?;
    let ts = tiny_skia::Transform::from_scale(zoom, zoom);
    match &split {
        Some(split) => draw(tree.root(), ts, &mut pixmap.as_mut(), &split.runs),
        None => resvg::render(&tree, ts, &mut pixmap.as_mut()),
    }
    Ok(pixmap)
}

/// The picture as resvg alone draws it, text and all: what `render_pixmap` must match.
#[cfg(test)]
pub(super) fn render_pixmap_resvg(svg: &str, zoom: f32) -> Result<tiny_skia::Pixmap, String> {
    let (tree, mut pixmap) = prepare(svg, zoom)?;
    resvg::render(
        &tree,
        tiny_skia::Transform::from_scale(zoom, zoom),
        &mut pixmap.as_mut(),
    );
    Ok(pixmap)
}

/// The parsed SVG and an empty picture of its size at `zoom`.
fn prepare(svg: &str, zoom: f32) -> Result<(usvg::Tree, tiny_skia::Pixmap), String> {
    if !(zoom.is_finite() && zoom > 0.0) {
        return Err(format!(
            "cannot render at zoom {zoom}: it must be a positive number"
        ));
    }
    let tree =
        usvg::Tree::from_str(svg, options()).map_err(|e| format!("cannot read the SVG: {e}"))?;
    let size = tree
        .size()
        .to_int_size()
        .scale_by(zoom)
        .ok_or("the picture is too large to render")?;
    let pixmap = tiny_skia::Pixmap::new(size.width(), size.height()).ok_or_else(|| {
        format!(
            "cannot allocate a {}×{} picture",
            size.width(),
            size.height()
        )
    })?;
    Ok((tree, pixmap))
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

    /// How far two pictures of the same size differ: the mean absolute difference per
    /// channel (0–255), the share of pixels that differ by more than 64 in some channel, and
    /// the largest mean difference over any 16×16 block.
    pub(in crate::diagram) struct Diff {
        pub mean: f64,
        pub far: f64,
        pub worst_block: f64,
    }

    pub(in crate::diagram) fn diff(a: &tiny_skia::Pixmap, b: &tiny_skia::Pixmap) -> Diff {
        assert_eq!((a.width(), a.height()), (b.width(), b.height()));
        let (w, h) = (a.width() as usize, a.height() as usize);
        let (pa, pb) = (a.data(), b.data());
        let mut total = 0u64;
        let mut far = 0usize;
        let (bw, bh) = (w.div_ceil(16), h.div_ceil(16));
        let mut blocks = vec![0u64; bw * bh];
        for y in 0..h {
            for x in 0..w {
                let i = (y * w + x) * 4;
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
        let runs = 10;
        let (mut split, mut parse, mut draw_ms, mut enc, mut total, mut old) =
            (0.0, 0.0, 0.0, 0.0, 0.0, 0.0);
        for _ in 0..runs {
            let t0 = cpu_ms();
            let lifted = png_text::split(&svg).expect("our text");
            let t1 = cpu_ms();
            let (tree, mut pixmap) = prepare(&lifted.svg, 1.0).unwrap();
            let t2 = cpu_ms();
            let ts = tiny_skia::Transform::identity();
            draw(tree.root(), ts, &mut pixmap.as_mut(), &lifted.runs);
            let t3 = cpu_ms();
            std::hint::black_box(encode(&pixmap).unwrap());
            let t4 = cpu_ms();
            std::hint::black_box(render_png(&svg, 1.0).unwrap());
            let t5 = cpu_ms();
            std::hint::black_box(render_pixmap_resvg(&svg, 1.0).unwrap());
            let t6 = cpu_ms();
            split += t1 - t0;
            parse += t2 - t1;
            draw_ms += t3 - t2;
            enc += t4 - t3;
            total += t5 - t4;
            old += t6 - t5;
        }
        let n = runs as f64;
        let d = diff(
            &render_pixmap(&svg, 1.0).unwrap(),
            &render_pixmap_resvg(&svg, 1.0).unwrap(),
        );
        println!(
            "against resvg's text: mean difference {:.3}/255, {:.4}% of pixels off by more than 64, worst 16-px block {:.1}/255",
            d.mean,
            d.far * 100.0,
            d.worst_block
        );
        if let Ok(dir) = std::env::var("TRAILMAP_DIAGRAM_OUT") {
            let _ = render_pixmap(&svg, 1.0)
                .unwrap()
                .save_png(format!("{dir}/new.png"));
            let _ = render_pixmap_resvg(&svg, 1.0)
                .unwrap()
                .save_png(format!("{dir}/old.png"));
            // old above new, for regions named in TRAILMAP_CROPS="x,y,w,h;…"
            let (a, b) = (
                render_pixmap_resvg(&svg, 1.0).unwrap(),
                render_pixmap(&svg, 1.0).unwrap(),
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
            parse / n,
            draw_ms / n,
            enc / n,
            total / n,
            old / n
        );
    }
}
