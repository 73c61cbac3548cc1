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
const RENDERER: &str = "resvg-0.45/inter-4.0/zoom-1";

/// Widest picture drawn at full size; wider maps are scaled down to it, which keeps text
/// legible on a slide while bounding the time and memory one picture costs.
const MAX_WIDTH: f32 = 3200.0;

fn key(svg: &str) -> String {
    let mut h = xxhash_rust::xxh3::Xxh3::new();
    h.update(RENDERER.as_bytes());
    h.update(svg.as_bytes());
    format!("{:032x}", h.digest128())
}

/// The zoom that fits the picture into `MAX_WIDTH`, read from the SVG's own width.
fn zoom_for(svg: &str) -> f32 {
    let width = svg
        .split_once(" width=\"")
        .and_then(|(_, rest)| rest.split('"').next())
        .and_then(|w| w.parse::<f32>().ok())
        .unwrap_or(MAX_WIDTH);
    (MAX_WIDTH / width).min(1.0)
}

/// The PNG of `svg`, from `cache` when it holds one; drawn (and stored) otherwise.
pub(crate) fn png(svg: &str, cache: Option<&Path>) -> Result<Vec<u8>, String> {
    let Some(dir) = cache else {
        return diagram::render_png(svg, zoom_for(svg));
    };
    let path = dir.join(format!("{}.png", key(svg)));
    if let Ok(bytes) = std::fs::read(&path) {
        return Ok(bytes);
    }
    let bytes = diagram::render_png(svg, zoom_for(svg))?;
    // A cache that cannot be written only costs time next build; never fail the build for it.
    if std::fs::create_dir_all(dir).is_ok() {
        let tmp = path.with_extension(format!("tmp{}", std::process::id()));
        if std::fs::write(&tmp, &bytes).is_ok() && std::fs::rename(&tmp, &path).is_err() {
            let _ = std::fs::remove_file(&tmp);
        }
    }
    Ok(bytes)
}

/// Removes cached pictures that none of `svgs` needs any more.
pub(crate) fn prune<'a>(cache: &Path, svgs: impl Iterator<Item = &'a str>) {
    let keep: BTreeSet<PathBuf> = svgs
        .map(|s| cache.join(format!("{}.png", key(s))))
        .collect();
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
        let first = png(SVG, Some(dir.path())).unwrap();
        let file = dir.path().join(format!("{}.png", key(SVG)));
        assert!(file.is_file());
        // a hit returns the stored bytes, even if they differ from a fresh drawing
        std::fs::write(&file, b"cached").unwrap();
        assert_eq!(png(SVG, Some(dir.path())).unwrap(), b"cached");
        assert!(!first.is_empty());
        prune(dir.path(), std::iter::empty());
        assert!(!file.exists());
    }

    #[test]
    fn wide_maps_are_scaled_to_fit() {
        assert_eq!(zoom_for(SVG), 1.0);
        assert_eq!(
            zoom_for(r#"<svg viewBox="0 0 6400 10" width="6400" height="10">"#),
            0.5
        );
    }
}
