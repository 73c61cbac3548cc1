//! Which file-system events are worth a rebuild.
//!
//! Editors do not simply write a file: vim renames the old one to a backup and probes the
//! folder with a file named `4913`, JetBrains IDEs write `x___jb_tmp___` and rename it,
//! Emacs keeps `#x#` autosaves and `.#x` lock links. Reacting to each of those would rebuild
//! several times per save, sometimes while the real file is briefly missing. Each quirk is a
//! small pure function here, with a test per case, so a new editor's habit is one function
//! and one test away.

use std::path::{Component, Path, PathBuf};

/// The folders (and the one file) of a site that feed a build. Anything else below the
/// site root (the output folder, `.git`, `target`, a README) never triggers a rebuild.
pub(crate) const INPUT_DIRS: [&str; 6] = [
    "journeys",
    "personas",
    "pages",
    "assets",
    "templates",
    "themes",
];

/// One batch of changes to the site's inputs, as the rebuild sees it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub(crate) struct Changes {
    /// Input paths (relative to the site root) that may differ from the last build.
    pub paths: Vec<PathBuf>,
    /// Events were lost (the kernel's queue overflowed): anything may have changed.
    pub rescan: bool,
}

/// One path touched by the file system, and whether the touch created it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Touch {
    /// Relative to the site root.
    pub path: PathBuf,
    pub created: bool,
}

/// Vim's swap files (`.x.swp`, `.x.swo`, … `.x.swa`), its backups (`x~`) and the `4913`
/// file it creates and deletes to test that a folder is writable.
pub(crate) fn is_vim_noise(name: &str) -> bool {
    let swap = name.starts_with('.')
        && name.len() > 4
        && name.get(name.len() - 4..).is_some_and(|ext| {
            let b = ext.as_bytes();
            b[0] == b'.' && b[1] == b's' && b[2] == b'w' && b[3].is_ascii_lowercase()
        });
    swap || name.ends_with(".swpx") || name.ends_with('~') || name == "4913"
}

/// JetBrains IDEs' "safe write": `x___jb_tmp___` is written, then renamed over `x`, and the
/// old file parked as `x___jb_old___`.
pub(crate) fn is_jetbrains_noise(name: &str) -> bool {
    name.ends_with("___jb_tmp___") || name.ends_with("___jb_old___")
}

/// Emacs's autosave files (`#x#`), lock links (`.#x`) and backups (`x~`).
pub(crate) fn is_emacs_noise(name: &str) -> bool {
    (name.starts_with('#') && name.ends_with('#')) || name.starts_with(".#") || name.ends_with('~')
}

/// Hidden files (`.DS_Store`, `.directory`) and other tools' temp files: the loader skips
/// them too, so they cannot change the site.
pub(crate) fn is_other_noise(name: &str) -> bool {
    name.starts_with('.')
        || name.ends_with(".tmp")
        || name.ends_with(".kate-swp")
        || name.ends_with(".crswap")
}

/// True when a file with this name is an editor's or the OS's by-product, never content.
pub(crate) fn is_noise(name: &str) -> bool {
    is_vim_noise(name) || is_jetbrains_noise(name) || is_emacs_noise(name) || is_other_noise(name)
}

/// True when a change at `rel` (relative to the site root) can change the built site:
/// the config file, or anything below an input folder that is not editor noise.
/// Folders count too: a folder added, renamed or removed adds or removes its files.
pub(crate) fn is_input(rel: &Path) -> bool {
    let parts: Vec<&str> = match rel
        .components()
        .map(normal_name)
        .collect::<Option<Vec<_>>>()
    {
        Some(p) if !p.is_empty() => p,
        _ => return false,
    };
    let first = parts[0];
    let top_ok =
        (parts.len() == 1 && first == crate::load::CONFIG_FILE) || INPUT_DIRS.contains(&first);
    // A hidden folder (e.g. `.git` inside `assets/`) is skipped by the loader, so its files are too.
    top_ok && parts.iter().all(|p| !is_noise(p))
}

fn normal_name(c: Component<'_>) -> Option<&str> {
    match c {
        Component::Normal(s) => s.to_str(),
        _ => None,
    }
}

/// Drops the paths that came and went within one batch (a temp file created and deleted
/// before we looked), keeping everything that may differ from the last build.
pub(crate) fn settled(touches: &[Touch], exists: impl Fn(&Path) -> bool) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = Vec::new();
    for t in touches {
        if out.contains(&t.path) {
            continue;
        }
        let first = touches
            .iter()
            .find(|o| o.path == t.path)
            .is_some_and(|o| o.created);
        if first && !exists(&t.path) {
            continue;
        }
        out.push(t.path.clone());
    }
    out
}

/// The inputs a batch of touched paths changed, or `None` when nothing that feeds the
/// site changed.
pub(crate) fn classify(touches: &[Touch], exists: impl Fn(&Path) -> bool) -> Option<Changes> {
    let paths: Vec<PathBuf> = settled(touches, exists)
        .into_iter()
        .filter(|p| is_input(p))
        .collect();
    (!paths.is_empty()).then_some(Changes {
        paths,
        rescan: false,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn touch(path: &str, created: bool) -> Touch {
        Touch {
            path: PathBuf::from(path),
            created,
        }
    }

    fn all_exist(_: &Path) -> bool {
        true
    }

    /// What a batch amounts to: nothing, or a rebuild.
    fn kind(touches: &[Touch], exists: impl Fn(&Path) -> bool) -> Option<&'static str> {
        classify(touches, exists).map(|_| "reload")
    }

    #[test]
    fn vim_swap_backup_and_probe_files_are_noise() {
        for n in [
            ".first-purchase.yaml.swp",
            ".a.md.swo",
            ".a.md.swx",
            ".a.md.swpx",
            "a.yaml~",
            "4913",
        ] {
            assert!(is_vim_noise(n), "{n}");
        }
        assert!(!is_vim_noise("first-purchase.yaml") && !is_vim_noise("swap.md"));
    }

    #[test]
    fn vim_rename_on_save_rebuilds_once_for_the_real_file() {
        // :w with backupcopy=no: probe file, old file renamed to a backup, new file written.
        let batch = [
            touch("journeys/4913", true),
            touch("journeys/a.yaml", false),
            touch("journeys/a.yaml~", true),
            touch("journeys/a.yaml", true),
            touch("journeys/a.yaml~", false),
        ];
        let exists = |p: &Path| p == Path::new("journeys/a.yaml");
        assert_eq!(kind(&batch, exists), Some("reload"));
        let kept: Vec<_> = settled(&batch, exists)
            .into_iter()
            .filter(|p| is_input(p))
            .collect();
        assert_eq!(kept, vec![PathBuf::from("journeys/a.yaml")]);
    }

    #[test]
    fn jetbrains_safe_write_temp_files_are_noise() {
        assert!(
            is_jetbrains_noise("a.yaml___jb_tmp___") && is_jetbrains_noise("a.yaml___jb_old___")
        );
        assert!(!is_jetbrains_noise("a.yaml"));
        let batch = [
            touch("journeys/a.yaml___jb_tmp___", true),
            touch("journeys/a.yaml", false),
        ];
        assert_eq!(kind(&batch, all_exist), Some("reload"));
        assert_eq!(kind(&batch[..1], all_exist), None);
    }

    #[test]
    fn emacs_autosave_lock_and_backup_files_are_noise() {
        for n in ["#a.yaml#", ".#a.yaml", "a.yaml~"] {
            assert!(is_emacs_noise(n), "{n}");
        }
        assert!(!is_emacs_noise("a#b.yaml"));
    }

    #[test]
    fn hidden_and_temp_files_are_noise() {
        for n in [".DS_Store", "x.tmp", "a.yaml.kate-swp", "a.yaml.crswap"] {
            assert!(is_noise(n), "{n}");
        }
    }

    #[test]
    fn a_file_created_then_deleted_in_one_batch_is_ignored() {
        let batch = [
            touch("journeys/scratch.yaml", true),
            touch("journeys/scratch.yaml", false),
        ];
        assert_eq!(kind(&batch, |_| false), None);
        // Deleting a file that existed before is a real change.
        let batch = [touch("journeys/old.yaml", false)];
        assert_eq!(kind(&batch, |_| false), Some("reload"));
    }

    #[test]
    fn whole_folders_added_renamed_or_removed_rebuild() {
        assert_eq!(
            kind(&[touch("journeys/archive", true)], all_exist),
            Some("reload")
        );
        let renamed = [touch("pages/research", false), touch("pages/studies", true)];
        assert_eq!(kind(&renamed, all_exist), Some("reload"));
        assert_eq!(
            kind(&[touch("personas/old", false)], |_| false),
            Some("reload")
        );
        assert_eq!(kind(&[touch("journeys", false)], |_| false), Some("reload"));
    }

    #[test]
    fn output_git_and_other_folders_are_not_inputs() {
        for p in [
            "public/index.html",
            ".git/index",
            "target/debug/x",
            "README.md",
            "../journeys/a.yaml",
            "/etc/passwd",
        ] {
            assert!(!is_input(Path::new(p)), "{p}");
        }
        for p in [
            "trailmap.yaml",
            "journeys/a.yaml",
            "pages/research/notes.md",
            "assets/logo.svg",
            "templates/base.html",
        ] {
            assert!(is_input(Path::new(p)), "{p}");
        }
        assert!(!is_input(Path::new("assets/.git/config")));
    }
}
