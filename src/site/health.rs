//! Site health: what makes a map untrustworthy, item by item, each linked to its file and
//! line so the fix is one click away.
//!
//! Maps go stale and assumptions pile up quietly; this page and the totals on the home page
//! make both visible. The same walk feeds both, so the numbers always agree.

use super::context::*;
use super::cross::walk;
use super::views::*;
use crate::load::{Site, Source};
use crate::path;
use crate::yaml::Seg;
use jiff::civil::Date;
use std::collections::BTreeSet;

fn item(
    site: &Site,
    src: &Source,
    at: Vec<Seg>,
    title: String,
    detail: String,
    href: String,
) -> HealthItem {
    let (line, _) = src.at(&at);
    let file = src.path.to_string_lossy().replace('\\', "/");
    HealthItem {
        title,
        detail,
        href,
        source: format!("{file}:{line}"),
        source_url: source_url(site, &src.path).map(|u| format!("{u}#L{line}")),
    }
}

/// Every health section, in the order the page shows them.
pub(crate) fn sections(site: &Site, today: Date) -> Vec<HealthSection> {
    let interval = site.config.review_interval_days;
    let mut stale = Vec::new();
    for j in &site.journeys {
        if let Some(days) = overdue_days(site, &j.item, today) {
            let reviewed = j.item.last_reviewed.clone().unwrap_or_default();
            stale.push(item(
                site,
                &j.src,
                path!["last_reviewed"],
                j.item.title.clone(),
                format!("Last reviewed {reviewed}, {days} days ago; maps are reviewed every {interval} days."),
                journey_href(&j.item.id),
            ));
        }
    }
    let (mut assumptions, mut unscored, mut unowned) = (Vec::new(), Vec::new(), Vec::new());
    let mut stage_seen: BTreeSet<(usize, usize)> = BTreeSet::new();
    for (ji, j) in site.journeys.iter().enumerate() {
        for (si, stage) in j.item.stages.iter().enumerate() {
            let missing: Vec<&str> = stage
                .steps
                .iter()
                .filter(|s| s.emotion.is_none())
                .map(|s| s.title.as_str())
                .collect();
            if !missing.is_empty() && stage_seen.insert((ji, si)) {
                unscored.push(item(
                    site,
                    &j.src,
                    path!["stages", si, "stage"],
                    format!("{} · {}", j.item.title, stage_name(site, &stage.stage)),
                    format!(
                        "{} of {} steps without an emotion score: {}",
                        missing.len(),
                        stage.steps.len(),
                        missing.join(", ")
                    ),
                    format!(
                        "{}#stage-{}-{}",
                        journey_href(&j.item.id),
                        si + 1,
                        stage.stage
                    ),
                ));
            }
        }
    }
    for w in walk(site) {
        let step_path = |rest: Vec<Seg>| {
            let mut p = path!["stages", w.si, "steps", w.ti];
            p.extend(rest);
            p
        };
        let href = super::cross::step_href(&w.j.item.id, &w.step.id);
        if w.step.evidence_level() == crate::model::EvidenceLevel::Assumption {
            assumptions.push(item(
                site,
                &w.j.src,
                step_path(path!["id"]),
                format!("{} · {}", w.j.item.title, w.step.title),
                "No research cited: the step rests on the team's assumption.".into(),
                href.clone(),
            ));
        }
        for (k, t) in w.step.touchpoints.iter().enumerate() {
            if t.owner.as_deref().is_none_or(|o| o.trim().is_empty()) {
                unowned.push(item(
                    site,
                    &w.j.src,
                    step_path(path!["touchpoints", k, "name"]),
                    t.name.clone(),
                    format!(
                        "{} · {} ({})",
                        w.j.item.title,
                        w.step.title,
                        super::cross::channel_name(site, &t.channel)
                    ),
                    href.clone(),
                ));
            }
        }
    }
    let walked: BTreeSet<&str> = site
        .journeys
        .iter()
        .flat_map(|j| j.item.personas.iter().map(String::as_str))
        .collect();
    let lonely: Vec<HealthItem> = site
        .personas
        .iter()
        .filter(|p| !walked.contains(p.item.id.as_str()))
        .map(|p| {
            item(
                site,
                &p.src,
                path!["name"],
                p.item.name.clone(),
                "No journey map names this persona yet.".into(),
                persona_href(&p.item.id),
            )
        })
        .collect();
    let section =
        |anchor: &str, title: &str, explain: String, items: Vec<HealthItem>| HealthSection {
            anchor: anchor.into(),
            title: title.into(),
            explain,
            items,
        };
    vec![
        section(
            "stale",
            "Stale maps",
            format!("Last reviewed more than {interval} days ago (the site's review interval)."),
            stale,
        ),
        section(
            "assumptions",
            "Steps without evidence",
            "Steps that cite no research: assumptions to test at the next review.".into(),
            assumptions,
        ),
        section(
            "unscored",
            "Stages without emotion",
            "Stages where at least one step has no emotion score, so the curve has a gap.".into(),
            unscored,
        ),
        section(
            "unowned",
            "Touchpoints without an owner",
            "No team is named as responsible for these touchpoints.".into(),
            unowned,
        ),
        section(
            "personas",
            "Personas without journeys",
            "Personas that no journey map is drawn for.".into(),
            lonely,
        ),
    ]
}

pub(crate) fn totals(sections: &[HealthSection]) -> HealthTotals {
    let n = |a: &str| {
        sections
            .iter()
            .find(|s| s.anchor == a)
            .map_or(0, |s| s.items.len())
    };
    let t = HealthTotals {
        stale_maps: n("stale"),
        assumptions: n("assumptions"),
        stages_without_emotion: n("unscored"),
        unowned_touchpoints: n("unowned"),
        personas_without_journeys: n("personas"),
        total: 0,
    };
    HealthTotals {
        total: t.stale_maps
            + t.assumptions
            + t.stages_without_emotion
            + t.unowned_touchpoints
            + t.personas_without_journeys,
        ..t
    }
}
