//! The site-wide pages (home, lists, backlog, pain points, channel matrix, health, search
//! index, exports), rendered in the background after an incremental rebuild.
//!
//! They gather every map, so on a large site they take seconds while the edited map's own
//! page takes milliseconds (see `rebuild`). The background renderer keeps its own copy of
//! the model: sharing one would make the next edit copy the whole model (half a second on
//! 1000 maps) whenever a render is still running.

use super::rebuild::render_options;
use crate::diag::Diagnostic;
use crate::load::{Loaded, Site};
use crate::model::{Journey, Persona};
use crate::output::OutputFile;
use crate::site::{self, Selection};
use jiff::civil::Date;
use std::collections::BTreeSet;
use std::sync::Arc;

/// Rendered files, or the problems that stopped them.
pub(crate) type Rendered = Result<Vec<OutputFile>, Vec<Diagnostic>>;

/// Work for the background renderer.
pub(crate) enum SitePagesJob {
    /// From now on render from this model (sent after a whole-site rebuild, which rendered
    /// the site-wide pages itself). The renderer copies it once, in the background.
    Reset(Arc<Site>),
    /// These journeys and personas were re-read (ids unchanged): patch them in and render.
    Patch {
        journeys: Vec<Loaded<Journey>>,
        personas: Vec<Loaded<Persona>>,
        today: Date,
        version: u64,
    },
}

/// The background renderer's model: the last `Reset`, with every `Patch` since applied.
#[derive(Default)]
pub(crate) struct SitePagesModel {
    site: Option<Site>,
    /// The newest patch not rendered yet: (today, version).
    pending: Option<(Date, u64)>,
}

impl SitePagesModel {
    pub(crate) fn apply(&mut self, job: SitePagesJob) {
        match job {
            SitePagesJob::Reset(site) => {
                self.site = Some(Arc::unwrap_or_clone(site));
                self.pending = None;
            }
            SitePagesJob::Patch {
                journeys,
                personas,
                today,
                version,
            } => {
                let Some(site) = self.site.as_mut() else {
                    return;
                };
                for j in journeys {
                    if let Some(slot) = site.journeys.iter_mut().find(|o| o.src.path == j.src.path)
                    {
                        *slot = j;
                    }
                }
                for p in personas {
                    if let Some(slot) = site.personas.iter_mut().find(|o| o.src.path == p.src.path)
                    {
                        *slot = p;
                    }
                }
                self.pending = Some((today, version));
            }
        }
    }

    /// Renders home, lists and the cross-journey views if a patch is waiting: the files
    /// and the version they belong to.
    pub(crate) fn render(&mut self) -> Option<(Rendered, u64)> {
        let (today, version) = self.pending.take()?;
        let site = self.site.as_ref()?;
        let only = Selection {
            journeys: BTreeSet::new(),
            personas: BTreeSet::new(),
            site_pages: true,
        };
        Some((
            site::render_selected(site, &render_options(today), Some(&only)),
            version,
        ))
    }
}
