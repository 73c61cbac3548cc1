//! `trailmap init`: a small site that builds at once and shows every kind of file.
//!
//! The files live beside this module as real files, so they are easy to read and edit, and
//! a test builds them like any other site.

use std::path::Path;

const FILES: [(&str, &str); 4] = [
    ("trailmap.yaml", include_str!("files/trailmap.yaml")),
    ("personas/alex.md", include_str!("files/personas/alex.md")),
    (
        "journeys/first-order.yaml",
        include_str!("files/journeys/first-order.yaml"),
    ),
    ("pages/about.md", include_str!("files/pages/about.md")),
];

/// Writes the starter site into `dir`, refusing to overwrite an existing site. Review dates
/// are set to `today`, so a new site starts out reviewed, not stale.
pub(crate) fn write(dir: &Path, today: jiff::civil::Date) -> Result<(), String> {
    if dir.join(crate::load::CONFIG_FILE).exists() {
        return Err(format!(
            "{} already holds a site (trailmap.yaml exists)",
            dir.display()
        ));
    }
    for (rel, text) in FILES {
        let path = dir.join(rel);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)
                .map_err(|e| format!("cannot create {}: {e}", parent.display()))?;
        }
        if path.exists() {
            return Err(format!(
                "{} already exists; not overwriting it",
                path.display()
            ));
        }
        let text = text.replace("{today}", &today.to_string());
        std::fs::write(&path, text).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    }
    Ok(())
}
