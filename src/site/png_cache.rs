//! PNG pictures of the maps, cached by the SVG they are drawn from.
//!
//! Rasterising is by far the slowest part of a build, and most builds change few maps. Each
//! PNG is stored under the hash of its SVG (and of the renderer's settings) in a cache folder
//! that CI can keep between runs; a build whose SVG did not change copies the bytes instead
//! of drawing them again. Entries a build did not use are pruned afterwards.

use crate::diagram;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// Part of every key: change it when the rendering changes in a way the SVG does not show
/// (fonts, zoom, encoder), so old pictures are not reused.
const RENDERER: &str =
    "resvg-0.45+png-text-2+png-shapes-2+png-icons-1+row-gradient-1/inter-4.0/zoom-1-16ths/rgb-fast-sub-or-up/bands-128";

/// Widest picture drawn at full size; wider maps are scaled down to it, which keeps text
/// legible on a slide while bounding the time and memory one picture costs.
const MAX_WIDTH: f32 = 3200.0;

fn key(svg: &str) -> String {
    let mut h = xxhash_rust::xxh3::Xxh3::new();
    h.update(RENDERER.as_bytes());
    h.update(svg.as_bytes());
    format!("{:032x}", h.digest128())
}

/// Zooms below 1 are rounded down to a multiple of this, so that maps of many widths share
/// a few zooms, and with them the glyph masks `png_text` rasterises for each size: a map
/// at a zoom no other map used paid ~50 M instructions for its masks, more than drawing
/// everything else.
const ZOOM_STEP: f32 = 1.0 / 16.0;

/// The zoom that fits the picture into `MAX_WIDTH`, read from the SVG's own width.
fn zoom_for(svg: &str) -> f32 {
    let width = svg
        .split_once(" width=\"")
        .and_then(|(_, rest)| rest.split('"').next())
        .and_then(|w| w.parse::<f32>().ok())
        .unwrap_or(MAX_WIDTH);
    let fit = (MAX_WIDTH / width).min(1.0);
    let stepped = (fit / ZOOM_STEP).floor() * ZOOM_STEP;
    if stepped > 0.0 {
        stepped
    } else {
        fit
    }
}

/// A map's PNG: drawn now, or already in the cache folder.
pub(crate) enum Png {
    Drawn(Vec<u8>),
    Cached(PathBuf),
}

/// The PNG of `svg`, from `cache` when it holds one; drawn (and stored) otherwise.
pub(crate) fn png(svg: &str, cache: Option<&Path>) -> Result<Png, String> {
    let Some(dir) = cache else {
        return diagram::render_png(svg, zoom_for(svg)).map(Png::Drawn);
    };
    let path = entry(dir, svg);
    if path.is_file() {
        return Ok(Png::Cached(path));
    }
    let bytes = diagram::render_png(svg, zoom_for(svg))?;
    // A cache that cannot be written only costs time next build; never fail the build for it.
    // Once stored, the output links to the stored file rather than writing the bytes again.
    if std::fs::create_dir_all(dir).is_ok() {
        let tmp = path.with_extension(format!("tmp{}", std::process::id()));
        if std::fs::write(&tmp, &bytes).is_ok() {
            if std::fs::rename(&tmp, &path).is_ok() {
                return Ok(Png::Cached(path));
            }
            let _ = std::fs::remove_file(&tmp);
        }
    }
    Ok(Png::Drawn(bytes))
}

/// The cache file that holds (or will hold) the PNG of `svg`.
pub(crate) fn entry(cache: &Path, svg: &str) -> PathBuf {
    cache.join(format!("{}.png", key(svg)))
}

/// Removes cached pictures other than `keep` (the entries this build used).
pub(crate) fn prune(cache: &Path, keep: &BTreeSet<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(cache) else {
        return;
    };
    for e in entries.flatten() {
        let p = e.path();
        if p.extension().is_some_and(|x| x == "png") && !keep.contains(&p) {
            let _ = std::fs::remove_file(p);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SVG: &str = r##"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 20 10" width="20" height="10"><rect width="20" height="10" fill="#123456"/></svg>"##;

    #[test]
    fn a_cached_picture_is_reused_and_pruned_when_unused() {
        let dir = tempfile::tempdir().unwrap();
        let file = entry(dir.path(), SVG);
        assert!(
            matches!(png(SVG, Some(dir.path())), Ok(Png::Cached(p)) if p == file),
            "a cold cache draws the picture and stores it"
        );
        let Ok(Png::Drawn(first)) = png(SVG, None) else {
            panic!("without a cache the picture is drawn")
        };
        assert_eq!(std::fs::read(&file).unwrap(), first, "stored as drawn");
        // a hit names the stored file, whatever it holds, and draws nothing
        std::fs::write(&file, b"cached").unwrap();
        assert!(matches!(png(SVG, Some(dir.path())), Ok(Png::Cached(p)) if p == file));
        prune(dir.path(), &BTreeSet::from([file.clone()]));
        assert!(file.exists(), "an entry in use is kept");
        prune(dir.path(), &BTreeSet::new());
        assert!(!file.exists());
    }

    #[test]
    fn wide_maps_are_scaled_to_fit() {
        assert_eq!(zoom_for(SVG), 1.0);
        assert_eq!(
            zoom_for(r#"<svg viewBox="0 0 6400 10" width="6400" height="10">"#),
            0.5
        );
        // rounded down to a sixteenth: 3200 / 4154 = 0.77 is drawn at 0.75
        let zoom = |w: u32| zoom_for(&format!(r#"<svg width="{w}" height="10">"#));
        assert_eq!(zoom(4154), 0.75);
        assert_eq!(zoom(3300), 0.9375);
        assert_eq!(zoom(3400), 0.9375);
        assert!((4154.0 * zoom(4154)).round() as u32 <= 3200);
        // too wide for any sixteenth: fitted exactly
        assert_eq!(zoom(100_000), 0.032);
    }
}
