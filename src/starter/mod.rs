//! `trailmap init` and `trailmap new`: files that build at once and show every section.
//!
//! The files live beside this module as real files, so they are easy to read and edit, and
//! tests build them like any other site. `{today}`-style placeholders are filled in here.

use crate::load::Site;
use crate::schema::{self, Kind};
use jiff::civil::Date;
use std::path::{Path, PathBuf};

/// The starter site, file by file; `{today}` marks where `init` writes today's date.
pub(crate) const FILES: [(&str, &str); 4] = [
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
pub(crate) fn init(dir: &Path, today: Date) -> Result<(), String> {
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
    write_schemas(dir)
}

/// Writes `schemas/<kind>.json` into the site, for editors (see the modelines in YAML files).
pub(crate) fn write_schemas(dir: &Path) -> Result<(), String> {
    let folder = dir.join("schemas");
    std::fs::create_dir_all(&folder)
        .map_err(|e| format!("cannot create {}: {e}", folder.display()))?;
    for kind in Kind::ALL {
        let path = folder.join(format!("{}.json", kind.name()));
        let text =
            serde_json::to_string_pretty(&schema::schema(kind)).map_err(|e| e.to_string())? + "\n";
        std::fs::write(&path, text).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    }
    Ok(())
}

/// `trailmap new journey NAME`: a journey using the site's own stages and channels.
pub(crate) fn new_journey(
    site: &Site,
    name: &str,
    persona: Option<&str>,
    today: Date,
) -> Result<PathBuf, String> {
    if let Some(p) = persona {
        if !site.personas.iter().any(|x| x.item.id == p) {
            let hint = crate::diag::suggest(p, site.personas.iter().map(|x| x.item.id.as_str()));
            return Err(format!("unknown persona `{p}` ({hint})"));
        }
    }
    let personas = persona
        .map(str::to_string)
        .or_else(|| site.personas.first().map(|p| p.item.id.clone()));
    let stages = &site.config.stages;
    let (Some(first), Some(channel)) = (stages.first(), site.config.channels.first()) else {
        return Err("trailmap.yaml needs at least one stage and one channel first".into());
    };
    let second = stages.get(1).unwrap_or(first);
    let scale = &site.config.emotion_scale;
    let text = fill(include_str!("new/journey.yaml"), name, today)
        .replace("{personas}", &personas.unwrap_or_default())
        .replace("{stage1}", &first.id)
        .replace("{stage2}", &second.id)
        .replace("{channel}", &channel.id)
        .replace("{scale}", &format!("{} to {}", scale.min, scale.max))
        .replace(
            "emotion: 1\n",
            &format!("emotion: {}\n", scale.max.min(1).max(scale.min)),
        )
        .replace(
            "emotion: 0\n",
            &format!("emotion: {}\n", 0.clamp(scale.min, scale.max)),
        );
    write_new(&site.root.join("journeys"), &slug(name), "yaml", &text)
}

/// `trailmap new persona NAME`.
pub(crate) fn new_persona(site: &Site, name: &str, today: Date) -> Result<PathBuf, String> {
    let channel = site
        .config
        .channels
        .first()
        .map(|c| c.id.clone())
        .unwrap_or_default();
    let text = fill(include_str!("new/persona.md"), name, today).replace("{channel}", &channel);
    write_new(&site.root.join("personas"), &slug(name), "md", &text)
}

fn fill(template: &str, name: &str, today: Date) -> String {
    let title = name.replace('"', "'");
    template
        .replace("{id}", &slug(name))
        .replace("{title}", &format!("\"{title}\""))
        .replace("{today}", &today.to_string())
}

fn write_new(dir: &Path, id: &str, ext: &str, text: &str) -> Result<PathBuf, String> {
    if id.is_empty() {
        return Err("the name needs at least one letter or digit".into());
    }
    let path = dir.join(format!("{id}.{ext}"));
    if path.exists() {
        return Err(format!("{} already exists", path.display()));
    }
    std::fs::create_dir_all(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    std::fs::write(&path, text).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    Ok(path)
}

/// "First purchase (EU)" → "first-purchase-eu".
fn slug(name: &str) -> String {
    let mut out = String::new();
    for c in name.chars().flat_map(char::to_lowercase) {
        if c.is_ascii_alphanumeric() {
            out.push(c);
        } else if !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
    }
    out.trim_end_matches('-').to_string()
}

#[cfg(test)]
mod tests {
    #[test]
    fn slugs_are_ids() {
        assert_eq!(super::slug("First purchase (EU)"), "first-purchase-eu");
        assert!(crate::check::valid_id(&super::slug("Zoë's  journey!")));
    }
}
