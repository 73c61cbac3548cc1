//! Cross-file checks on a loaded site: every reference resolves, every score is on its scale,
//! ids are unique, dates are dates. Each problem points at the exact value and suggests the
//! closest valid name, because most broken references are typos.

use crate::diag::{suggest, Diagnostic};
use crate::load::{Loaded, Site, Source};
use crate::model::{EmotionScale, EvidenceSource, Journey, Persona};
use crate::path;
use crate::yaml::Seg;
use jiff::civil::Date;
use rayon::prelude::*;
use std::collections::{BTreeMap, BTreeSet};

/// Checks everything; `today` decides which maps are overdue for review.
pub(crate) fn check(site: &Site, today: Date) -> Vec<Diagnostic> {
    let mut c = Checker {
        site,
        today,
        out: Vec::new(),
    };
    c.config();
    c.unique_ids();
    // Each file's own rules are independent of the others': check them on every core, in
    // file order (`serve` runs this after every save).
    let each = |f: &(dyn Fn(&mut Checker) + Sync)| {
        let mut one = Checker {
            site,
            today,
            out: Vec::new(),
        };
        f(&mut one);
        one.out
    };
    let personas: Vec<Vec<Diagnostic>> = site
        .personas
        .par_iter()
        .map(|p| each(&|c| c.persona(p)))
        .collect();
    let journeys: Vec<Vec<Diagnostic>> = site
        .journeys
        .par_iter()
        .map(|j| each(&|c| c.journey(j)))
        .collect();
    c.out.extend(personas.into_iter().chain(journeys).flatten());
    c.hierarchy();
    c.page_slugs();
    c.mermaid();
    c.out
}

/// Parses an author's date; `None` for anything that is not `YYYY-MM-DD`.
pub(crate) fn parse_date(s: &str) -> Option<Date> {
    (s.len() == 10).then(|| s.parse::<Date>().ok()).flatten()
}

/// Days since `reviewed` when that is longer ago than the review interval: a stale map.
pub(crate) fn overdue(reviewed: Date, today: Date, interval_days: u32) -> Option<i64> {
    let age = i64::from((today - reviewed).get_days());
    (age > i64::from(interval_days)).then_some(age)
}

/// Ids become file names and URL parts, so keep them to a safe, readable alphabet.
pub(crate) fn valid_id(id: &str) -> bool {
    let mut chars = id.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphanumeric())
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        && id.len() <= 80
}

/// The scale a journey's scores are read on.
pub(crate) fn scale_of<'a>(site: &'a Site, j: &'a Journey) -> &'a EmotionScale {
    j.emotion_scale
        .as_ref()
        .unwrap_or(&site.config.emotion_scale)
}

struct Checker<'a> {
    site: &'a Site,
    today: Date,
    out: Vec<Diagnostic>,
}

impl Checker<'_> {
    fn err(
        &mut self,
        src: &Source,
        at: Vec<Seg>,
        code: &'static str,
        msg: String,
        hint: Option<String>,
    ) {
        self.out
            .push(Diagnostic::error(&src.path, src.at(&at), code, msg).maybe_hint(hint));
    }

    fn warn(&mut self, src: &Source, at: Vec<Seg>, code: &'static str, msg: String, hint: String) {
        self.out
            .push(Diagnostic::warning(&src.path, src.at(&at), code, msg).hint(hint));
    }

    fn config(&mut self) {
        let (cfg, src) = (&self.site.config, &self.site.config_src);
        self.scale(src, path!["emotion_scale"], &cfg.emotion_scale);
        let mut seen = BTreeSet::new();
        for (i, s) in cfg.stages.iter().enumerate() {
            self.id_syntax(src, path!["stages", i, "id"], &s.id);
            if !seen.insert(&s.id) {
                self.err(
                    src,
                    path!["stages", i, "id"],
                    "duplicate-id",
                    format!("stage `{}` is defined twice", s.id),
                    None,
                );
            }
        }
        let mut seen = BTreeSet::new();
        for (i, ch) in cfg.channels.iter().enumerate() {
            self.id_syntax(src, path!["channels", i, "id"], &ch.id);
            if !seen.insert(&ch.id) {
                self.err(
                    src,
                    path!["channels", i, "id"],
                    "duplicate-id",
                    format!("channel `{}` is defined twice", ch.id),
                    None,
                );
            }
        }
        if let Some(url) = &cfg.base_url {
            if !(url.starts_with("https://") || url.starts_with("http://")) {
                self.err(
                    src,
                    path!["base_url"],
                    "bad-url",
                    format!("base_url `{url}` is not an absolute http(s) URL"),
                    Some("write it like https://org.github.io/maps/".into()),
                );
            }
        }
    }

    fn scale(&mut self, src: &Source, at: Vec<Seg>, scale: &EmotionScale) {
        if scale.min >= scale.max || scale.max - scale.min > 20 {
            let msg = format!(
                "the emotion scale {}…{} is not usable",
                scale.min, scale.max
            );
            self.err(
                src,
                at.clone(),
                "bad-scale",
                msg,
                Some("min must be below max, at most 20 points apart, e.g. -2 and 2".into()),
            );
        }
        for k in scale.labels.keys() {
            if *k < scale.min || *k > scale.max {
                let mut p = at.clone();
                p.push(Seg::Key(k.to_string()));
                self.err(
                    src,
                    p,
                    "score-off-scale",
                    format!(
                        "label for {k} is outside the scale {}…{}",
                        scale.min, scale.max
                    ),
                    None,
                );
            }
        }
    }

    fn id_syntax(&mut self, src: &Source, at: Vec<Seg>, id: &str) {
        if !valid_id(id) {
            self.err(
                src,
                at,
                "bad-id",
                format!("`{id}` is not a usable id"),
                Some("use letters, digits, `-` and `_`, starting with a letter or digit (ids become URLs)".into()),
            );
        }
    }

    fn date(&mut self, src: &Source, at: Vec<Seg>, value: &Option<String>) -> Option<Date> {
        let s = value.as_ref()?;
        let d = parse_date(s);
        if d.is_none() {
            self.err(
                src,
                at,
                "bad-date",
                format!("`{s}` is not a date"),
                Some("write dates as YYYY-MM-DD, e.g. 2025-11-03".into()),
            );
        }
        d
    }

    fn unique_ids(&mut self) {
        let mut first: BTreeMap<&str, &Source> = BTreeMap::new();
        for j in &self.site.journeys {
            if let Some(prev) = first.insert(&j.item.id, &j.src) {
                let msg = format!(
                    "journey id `{}` is also used by {}",
                    j.item.id,
                    prev.path.display()
                );
                self.err(
                    &j.src,
                    path!["id"],
                    "duplicate-id",
                    msg,
                    Some("give each journey its own id".into()),
                );
            }
        }
        let mut first: BTreeMap<&str, &Source> = BTreeMap::new();
        for p in &self.site.personas {
            if let Some(prev) = first.insert(&p.item.id, &p.src) {
                let msg = format!(
                    "persona id `{}` is also used by {}",
                    p.item.id,
                    prev.path.display()
                );
                self.err(
                    &p.src,
                    path!["id"],
                    "duplicate-id",
                    msg,
                    Some("give each persona its own id".into()),
                );
            }
        }
    }

    fn channel_ref(&mut self, src: &Source, at: Vec<Seg>, id: &str) {
        let channels = &self.site.config.channels;
        if !channels.iter().any(|c| c.id == id) {
            let hint = suggest(id, channels.iter().map(|c| c.id.as_str()));
            let hint = format!("{hint} (channels are defined in trailmap.yaml)");
            self.err(
                src,
                at,
                "unknown-channel",
                format!("unknown channel `{id}`"),
                Some(hint),
            );
        }
    }

    fn evidence_sources(&mut self, src: &Source, list: &[EvidenceSource]) {
        let mut seen = BTreeSet::new();
        for (i, e) in list.iter().enumerate() {
            self.id_syntax(src, path!["evidence", i, "id"], &e.id);
            if !seen.insert(&e.id) {
                self.err(
                    src,
                    path!["evidence", i, "id"],
                    "duplicate-id",
                    format!("evidence `{}` is listed twice", e.id),
                    None,
                );
            }
            if let Some(url) = &e.url {
                if !safe_url(url) {
                    self.err(
                        src,
                        path!["evidence", i, "url"],
                        "bad-url",
                        format!("evidence link `{url}` is not a web address"),
                        Some("links must start with https://, http:// or mailto:".into()),
                    );
                }
            }
            self.date(src, path!["evidence", i, "date"], &e.date);
        }
    }

    fn persona(&mut self, p: &Loaded<Persona>) {
        let (item, src) = (&p.item, &p.src);
        self.id_syntax(src, path!["id"], &item.id);
        for (i, ch) in item.preferred_channels.iter().enumerate() {
            self.channel_ref(src, path!["preferred_channels", i], ch);
        }
        if let Some(c) = &item.colour {
            if !is_hex_colour(c) {
                self.err(
                    src,
                    path!["colour"],
                    "bad-colour",
                    format!("`{c}` is not a colour"),
                    Some("write it as #RRGGBB, e.g. #2D6497".into()),
                );
            }
        }
        if let Some(photo) = &item.photo {
            let rel = photo.trim_start_matches("assets/");
            if !self.site.assets.iter().any(|a| a == rel) {
                self.err(
                    src,
                    path!["photo"],
                    "missing-file",
                    format!("photo `{photo}` is not in assets/"),
                    Some("put the picture in the site's assets/ folder and name it relative to that folder".into()),
                );
            }
        }
        if let Some(share) = item.share_percent {
            if !(0.0..=100.0).contains(&share) {
                self.err(
                    src,
                    path!["share_percent"],
                    "bad-number",
                    format!("share_percent {share} is not a percentage"),
                    None,
                );
            }
        }
        self.evidence_sources(src, &item.evidence);
        self.date(src, path!["last_reviewed"], &item.last_reviewed);
    }

    fn journey(&mut self, j: &Loaded<Journey>) {
        let (item, src) = (&j.item, &j.src);
        let site = self.site;
        self.id_syntax(src, path!["id"], &item.id);
        // lookups by id, not scans: a scan per map made checking grow with the square of
        // the number of maps
        for (i, p) in item.personas.iter().enumerate() {
            if site.persona(p).is_none() && !site.unloaded.contains(p) {
                let hint = suggest(p, site.personas.iter().map(|p| p.item.id.as_str()));
                self.err(
                    src,
                    path!["personas", i],
                    "unknown-persona",
                    format!("unknown persona `{p}`"),
                    Some(hint),
                );
            }
        }
        for (key, value) in [
            ("compares_with", &item.compares_with),
            ("parent", &item.parent),
        ] {
            let Some(v) = value else { continue };
            if v == &item.id {
                self.err(
                    src,
                    path![key],
                    "self-reference",
                    format!("`{key}` names this journey itself"),
                    None,
                );
            } else if site.journey(v).is_none() && !site.unloaded.contains(v) {
                let hint = suggest(v, site.journeys.iter().map(|j| j.item.id.as_str()));
                self.err(
                    src,
                    path![key],
                    "unknown-journey",
                    format!("unknown journey `{v}`"),
                    Some(hint),
                );
            }
        }
        if let Some(scale) = &item.emotion_scale {
            self.scale(src, path!["emotion_scale"], scale);
        }
        if let Some(d) = self.date(src, path!["last_reviewed"], &item.last_reviewed) {
            if let Some(age) = overdue(d, self.today, site.config.review_interval_days) {
                let msg = format!(
                    "last reviewed {age} days ago; the site asks for a review every {} days",
                    site.config.review_interval_days
                );
                self.warn(
                    src,
                    path!["last_reviewed"],
                    "stale-map",
                    msg,
                    "review the map with the team and update last_reviewed".into(),
                );
            }
        } else if item.last_reviewed.is_none() {
            self.warn(
                src,
                path!["title"],
                "never-reviewed",
                "the map has no last_reviewed date".into(),
                "add `last_reviewed: YYYY-MM-DD` once the team has reviewed it".into(),
            );
        }
        self.evidence_sources(src, &item.evidence);
        self.stages(j);
        self.transitions(j);
    }

    fn stages(&mut self, j: &Loaded<Journey>) {
        let (item, src) = (&j.item, &j.src);
        let scale = scale_of(self.site, item).clone();
        let vocab: Vec<&str> = self
            .site
            .config
            .stages
            .iter()
            .map(|s| s.id.as_str())
            .collect();
        let evidence: Vec<&str> = item.evidence.iter().map(|e| e.id.as_str()).collect();
        let mut step_ids = BTreeSet::new();
        if item.stages.is_empty() {
            self.err(
                src,
                path!["stages"],
                "empty-journey",
                "the journey has no stages".into(),
                Some("add at least one stage with one step".into()),
            );
        }
        for (si, stage) in item.stages.iter().enumerate() {
            if !vocab.contains(&stage.stage.as_str()) {
                let hint = format!(
                    "{} (stages are defined in trailmap.yaml)",
                    suggest(&stage.stage, vocab.iter().copied())
                );
                self.err(
                    src,
                    path!["stages", si, "stage"],
                    "unknown-stage",
                    format!("unknown stage `{}`", stage.stage),
                    Some(hint),
                );
            }
            if let Some(m) = &stage.metrics {
                if let (Some(r), Some(c)) = (m.reached, m.converted) {
                    if c > r {
                        self.err(
                            src,
                            path!["stages", si, "metrics", "converted"],
                            "bad-number",
                            format!("converted ({c}) is more than reached ({r})"),
                            None,
                        );
                    }
                }
                if let Some(csat) = m.csat {
                    if !(1.0..=5.0).contains(&csat) {
                        self.err(
                            src,
                            path!["stages", si, "metrics", "csat"],
                            "bad-number",
                            format!("csat {csat} is outside 1–5"),
                            None,
                        );
                    }
                }
            }
            if stage.steps.is_empty() {
                self.err(
                    src,
                    path!["stages", si, "steps"],
                    "empty-stage",
                    "the stage has no steps".into(),
                    Some("add a step, or remove the stage".into()),
                );
            }
            for (ti, step) in stage.steps.iter().enumerate() {
                let at = |rest: Vec<Seg>| {
                    let mut p = path!["stages", si, "steps", ti];
                    p.extend(rest);
                    p
                };
                self.id_syntax(src, at(path!["id"]), &step.id);
                if !step_ids.insert(step.id.as_str()) {
                    self.err(
                        src,
                        at(path!["id"]),
                        "duplicate-id",
                        format!("step id `{}` is used twice in this journey", step.id),
                        None,
                    );
                }
                if let Some(score) = step.emotion {
                    self.score(src, at(path!["emotion"]), score, &scale);
                }
                for (pid, score) in &step.persona_emotions {
                    if !item.personas.contains(pid) {
                        let hint = suggest(pid, item.personas.iter().map(String::as_str));
                        self.err(
                            src,
                            at(path!["persona_emotions", pid.as_str()]),
                            "unknown-persona",
                            format!("`{pid}` is not one of this journey's personas"),
                            Some(hint),
                        );
                    }
                    self.score(
                        src,
                        at(path!["persona_emotions", pid.as_str()]),
                        *score,
                        &scale,
                    );
                }
                for (k, tp) in step.touchpoints.iter().enumerate() {
                    self.channel_ref(src, at(path!["touchpoints", k, "channel"]), &tp.channel);
                }
                for (k, e) in step.evidence.iter().enumerate() {
                    self.evidence_ref(src, at(path!["evidence", k]), e, &evidence);
                }
                for (k, pain) in step.pain_points.iter().enumerate() {
                    for (m, e) in pain.evidence.iter().enumerate() {
                        self.evidence_ref(
                            src,
                            at(path!["pain_points", k, "evidence", m]),
                            e,
                            &evidence,
                        );
                    }
                }
            }
        }
    }

    fn score(&mut self, src: &Source, at: Vec<Seg>, score: i32, scale: &EmotionScale) {
        // An unusable scale is reported once, where it is defined.
        let usable = scale.min < scale.max;
        if usable && (score < scale.min || score > scale.max) {
            let msg = format!(
                "emotion {score} is off the scale {}…{}",
                scale.min, scale.max
            );
            let hint = format!("use a whole number from {} to {}", scale.min, scale.max);
            self.err(src, at, "score-off-scale", msg, Some(hint));
        }
    }

    fn evidence_ref(&mut self, src: &Source, at: Vec<Seg>, id: &str, known: &[&str]) {
        if !known.contains(&id) {
            let hint = format!(
                "{} (list sources under the journey's `evidence:`)",
                suggest(id, known.iter().copied())
            );
            self.err(
                src,
                at,
                "unknown-evidence",
                format!("unknown evidence `{id}`"),
                Some(hint),
            );
        }
    }

    fn transitions(&mut self, j: &Loaded<Journey>) {
        let (item, src) = (&j.item, &j.src);
        let steps: Vec<&str> = item
            .stages
            .iter()
            .flat_map(|s| s.steps.iter().map(|t| t.id.as_str()))
            .collect();
        let stages: Vec<&str> = item.stages.iter().map(|s| s.stage.as_str()).collect();
        for (i, t) in item.transitions.iter().enumerate() {
            if !steps.contains(&t.from.as_str()) {
                let hint = suggest(&t.from, steps.iter().copied());
                self.err(
                    src,
                    path!["transitions", i, "from"],
                    "unknown-step",
                    format!("unknown step `{}`", t.from),
                    Some(hint),
                );
            }
            if !steps.contains(&t.to.as_str()) && !stages.contains(&t.to.as_str()) {
                let hint = suggest(&t.to, stages.iter().chain(steps.iter()).copied());
                let msg = format!("`{}` is neither a stage nor a step of this journey", t.to);
                self.err(
                    src,
                    path!["transitions", i, "to"],
                    "unknown-step",
                    msg,
                    Some(hint),
                );
            }
        }
    }

    /// Parents must not form a cycle, or the hierarchy has no top.
    fn hierarchy(&mut self) {
        let parent: BTreeMap<&str, &str> = self
            .site
            .journeys
            .iter()
            .filter_map(|j| j.item.parent.as_deref().map(|p| (j.item.id.as_str(), p)))
            .collect();
        for j in &self.site.journeys {
            let mut at = j.item.id.as_str();
            for _ in 0..=parent.len() {
                match parent.get(at) {
                    Some(p) if *p == j.item.id => {
                        self.err(
                            &j.src,
                            path!["parent"],
                            "parent-cycle",
                            format!("journey `{}` is its own ancestor", j.item.id),
                            Some("one of the `parent` links in this chain must go".into()),
                        );
                        break;
                    }
                    Some(p) => at = p,
                    None => break,
                }
            }
        }
    }

    /// Mermaid journeys in Markdown bodies: what Mermaid would silently draw wrong.
    fn mermaid(&mut self) {
        use crate::mermaid::check_markdown;
        let site = self.site;
        for p in &site.pages {
            self.out
                .extend(check_markdown(&p.body, &p.src.path, p.src.body_line));
        }
        for j in &site.journeys {
            let (text, src) = (&j.item.narrative, &j.src);
            self.out
                .extend(check_markdown(text, &src.path, src.body_line));
        }
        for p in &site.personas {
            let (text, src) = (&p.item.body, &p.src);
            self.out
                .extend(check_markdown(text, &src.path, src.body_line));
        }
    }

    /// Pages share the output folder with generated pages; a clash would overwrite one.
    fn page_slugs(&mut self) {
        const TAKEN: [&str; 6] = ["index", "404", "journeys", "personas", "static", "assets"];
        let views = crate::site::RESERVED_PAGES;
        for p in &self.site.pages {
            let top = p.slug.split('/').next().unwrap_or_default();
            if TAKEN.contains(&top) || views.contains(&top) {
                self.out.push(
                    Diagnostic::error(
                        &p.src.path,
                        (1, 1),
                        "reserved-name",
                        format!("the page name `{}` is used by trailmap itself", p.slug),
                    )
                    .hint("rename the file"),
                );
            }
            if !p.slug.split('/').all(valid_id) {
                self.out.push(
                    Diagnostic::error(
                        &p.src.path,
                        (1, 1),
                        "bad-id",
                        format!("`{}` is not a usable page name", p.slug),
                    )
                    .hint("use letters, digits, `-` and `_` in page file and folder names"),
                );
            }
        }
    }
}

/// Only links a reader can safely follow: no `javascript:`, `data:` and the like.
pub(crate) fn safe_url(url: &str) -> bool {
    let lower = url.trim().to_ascii_lowercase();
    ["https://", "http://", "mailto:"]
        .iter()
        .any(|p| lower.starts_with(p))
}

fn is_hex_colour(s: &str) -> bool {
    s.len() == 7 && s.starts_with('#') && s[1..].chars().all(|c| c.is_ascii_hexdigit())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_and_urls() {
        assert!(valid_id("first-purchase_2"));
        assert!(!valid_id("-x") && !valid_id("a b") && !valid_id("") && !valid_id("../x"));
        assert!(safe_url("https://x") && safe_url("mailto:a@b"));
        assert!(
            !safe_url("javascript:alert(1)")
                && !safe_url(" JavaScript:x")
                && !safe_url("data:text/html,x")
        );
    }

    #[test]
    fn dates() {
        assert!(parse_date("2025-11-03").is_some());
        assert!(parse_date("2025-13-03").is_none() && parse_date("3 Nov 2025").is_none());
    }
}
