//! Current vs future: a current map and the future map paired with it, on one page.
//!
//! Steps are matched by id (authors keep ids when a step survives the redesign), so the page
//! can say what was added, removed or changed, step by step, without guessing from titles.

use super::context::*;
use super::cross::Orders;
use super::views::*;
use crate::check::scale_of;
use crate::diagram::charts::{self, Series};
use crate::load::{Loaded, Site};
use crate::model::*;
use jiff::civil::Date;
use std::collections::{BTreeMap, BTreeSet};

/// (current, future) pairs, by the current map's id.
pub(crate) fn pairs<'a>(
    site: &'a Site,
    links: &Links<'a>,
) -> Vec<(&'a Loaded<Journey>, &'a Loaded<Journey>)> {
    site.journeys
        .iter()
        .filter(|j| j.item.state == JourneyState::Current)
        .filter_map(|j| links.partner(&j.item).map(|f| (j, f)))
        .filter(|(_, f)| f.item.state == JourneyState::Future)
        .collect()
}

pub(crate) fn compare_href(current: &str) -> String {
    format!("compare/{current}.html")
}

struct Located<'a> {
    stage: &'a str,
    step: &'a Step,
}

fn located(j: &Journey) -> Vec<Located<'_>> {
    j.stages
        .iter()
        .flat_map(|s| {
            s.steps.iter().map(move |step| Located {
                stage: &s.stage,
                step,
            })
        })
        .collect()
}

fn names(tps: &[Touchpoint]) -> Vec<&str> {
    tps.iter().map(|t| t.name.as_str()).collect()
}

/// What differs between two versions of a step, in words.
fn differences(site: &Site, a: &Located, b: &Located) -> Vec<String> {
    let mut out = Vec::new();
    let (x, y) = (a.step, b.step);
    if x.title != y.title {
        out.push(format!("title: “{}” → “{}”", x.title, y.title));
    }
    if a.stage != b.stage {
        out.push(format!(
            "stage: {} → {}",
            stage_name(site, a.stage),
            stage_name(site, b.stage)
        ));
    }
    if x.emotion != y.emotion {
        let w = |v: Option<i32>| v.map_or("unscored".to_string(), score_label);
        out.push(format!("emotion {} → {}", w(x.emotion), w(y.emotion)));
    }
    if names(&x.touchpoints) != names(&y.touchpoints) {
        out.push(format!(
            "touchpoints: {} → {}",
            list_or_none(&names(&x.touchpoints)),
            list_or_none(&names(&y.touchpoints))
        ));
    }
    let texts = |p: &[PainPoint]| p.iter().map(|p| p.text.clone()).collect::<Vec<_>>();
    if texts(&x.pain_points) != texts(&y.pain_points) {
        out.push(format!(
            "pain points: {} → {}",
            x.pain_points.len(),
            y.pain_points.len()
        ));
    }
    if x.moment_of_truth != y.moment_of_truth {
        out.push(
            if y.moment_of_truth {
                "now a moment of truth"
            } else {
                "no longer a moment of truth"
            }
            .into(),
        );
    }
    if x.actions != y.actions {
        out.push("what the customer does".into());
    }
    out
}

fn list_or_none(v: &[&str]) -> String {
    if v.is_empty() {
        "none".into()
    } else {
        v.join(", ")
    }
}

fn link(j: &Journey, step: &Step) -> Link {
    Link {
        title: step.title.clone(),
        href: super::cross::step_href(&j.id, &step.id),
    }
}

fn change(
    kind: &str,
    title: &str,
    stage: String,
    current: Option<Link>,
    future: Option<Link>,
    details: Vec<String>,
) -> StepChange {
    StepChange {
        kind: kind.into(),
        kind_class: format!("change-{}", kind.to_lowercase()),
        title: title.to_string(),
        stage,
        current,
        future,
        details,
    }
}

/// The step-by-step changes, stage by stage in vocabulary order.
pub(crate) fn changes(site: &Site, cur: &Journey, fut: &Journey) -> Vec<StepChange> {
    let orders = Orders::new(site);
    let (a, b) = (located(cur), located(fut));
    let in_future: BTreeMap<&str, &Located> = b.iter().map(|l| (l.step.id.as_str(), l)).collect();
    let in_current: BTreeSet<&str> = a.iter().map(|l| l.step.id.as_str()).collect();
    let mut keyed: Vec<(usize, usize, StepChange)> = Vec::new();
    for (i, l) in a.iter().enumerate() {
        let c = match in_future.get(l.step.id.as_str()) {
            Some(f) => {
                let d = differences(site, l, f);
                let kind = if d.is_empty() { "Unchanged" } else { "Changed" };
                change(
                    kind,
                    &f.step.title,
                    stage_name(site, f.stage),
                    Some(link(cur, l.step)),
                    Some(link(fut, f.step)),
                    d,
                )
            }
            None => change(
                "Removed",
                &l.step.title,
                stage_name(site, l.stage),
                Some(link(cur, l.step)),
                None,
                Vec::new(),
            ),
        };
        let stage = in_future
            .get(l.step.id.as_str())
            .map_or(l.stage, |f| f.stage);
        keyed.push((orders.stage(stage), i, c));
    }
    for (i, l) in b.iter().enumerate() {
        if !in_current.contains(l.step.id.as_str()) {
            let c = change(
                "Added",
                &l.step.title,
                stage_name(site, l.stage),
                None,
                Some(link(fut, l.step)),
                Vec::new(),
            );
            keyed.push((orders.stage(l.stage), a.len() + i, c));
        }
    }
    keyed.sort_by_key(|(s, i, _)| (*s, *i));
    keyed.into_iter().map(|(_, _, c)| c).collect()
}

pub(crate) fn pair_card(site: &Site, cur: &Journey, fut: &Journey, today: Date) -> ComparePair {
    let ch = changes(site, cur, fut);
    let count = |k: &str| ch.iter().filter(|c| c.kind == k).count();
    ComparePair {
        current: journey_card(site, cur, today),
        future: journey_card(site, fut, today),
        href: compare_href(&cur.id),
        added: count("Added"),
        removed: count("Removed"),
        changed: count("Changed"),
    }
}

fn mean(v: &[i32]) -> Option<String> {
    (!v.is_empty()).then(|| mean_label(f64::from(v.iter().sum::<i32>()) / v.len() as f64))
}

/// The comparison page of one pair.
pub(crate) fn compare<'a>(
    site: &Site,
    info: &'a SiteInfo,
    page: PageInfo,
    cur: &Journey,
    fut: &Journey,
    today: Date,
) -> CompareContext<'a> {
    let orders = Orders::new(site);
    let mut ids: Vec<&str> = cur
        .stages
        .iter()
        .chain(&fut.stages)
        .map(|s| s.stage.as_str())
        .collect();
    ids.sort_by_key(|id| orders.stage(id));
    ids.dedup();
    let scores = |j: &Journey, id: &str| -> Vec<Option<i32>> {
        j.stages
            .iter()
            .filter(|s| s.stage == id)
            .flat_map(|s| s.steps.iter().map(|t| t.emotion))
            .collect()
    };
    let (sa, sb): (Vec<_>, Vec<_>) = ids
        .iter()
        .map(|id| (scores(cur, id), scores(fut, id)))
        .unzip();
    let stages: Vec<String> = ids.iter().map(|id| stage_name(site, id)).collect();
    let svg = charts::two_curves_svg(
        &stages,
        &Series {
            label: &format!("Current: {}", cur.title),
            stages: sa.clone(),
        },
        &Series {
            label: &format!("Future: {}", fut.title),
            stages: sb.clone(),
        },
        scale_of(site, cur),
        "compare-curves",
    );
    let flat = |v: &[Option<i32>]| v.iter().flatten().copied().collect::<Vec<i32>>();
    CompareContext {
        site: info,
        page,
        pair: pair_card(site, cur, fut, today),
        svg,
        stages: stages
            .iter()
            .enumerate()
            .map(|(i, name)| StageCompare {
                name: name.clone(),
                current_mean: mean(&flat(&sa[i])),
                future_mean: mean(&flat(&sb[i])),
                current_steps: sa[i].len(),
                future_steps: sb[i].len(),
            })
            .collect(),
        changes: changes(site, cur, fut),
    }
}
