//! SVG → PNG with resvg, using only the embedded fonts.
//!
//! The font database holds nothing but the Inter files compiled into the binary, so a fresh
//! machine (or a CI container) with no fonts installed renders the same text as a laptop.

use super::fonts;
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
    let mut pixmap = tiny_skia::Pixmap::new(size.width(), size.height()).ok_or_else(|| {
        format!(
            "cannot allocate a {}×{} picture",
            size.width(),
            size.height()
        )
    })?;
    resvg::render(
        &tree,
        tiny_skia::Transform::from_scale(zoom, zoom),
        &mut pixmap.as_mut(),
    );
    Ok(pixmap)
}
