//! Model → template views: formatting, links and derived facts (stale, counts, means).
//!
//! Everything a template shows is decided here, in plain functions, so templates stay dumb
//! and the same fact (a score label, a date) is written one way across the whole site.

use super::context::*;
use crate::check::{parse_date, safe_url, scale_of};
use crate::load::{Loaded, Site};
use crate::markdown;
use crate::model::*;
use jiff::civil::Date;
use std::collections::BTreeMap;

/// Signed score as on the map: "+1", "0", "−2" (a real minus sign).
pub(crate) fn score_label(v: i32) -> String {
    match v {
        v if v > 0 => format!("+{v}"),
        0 => "0".into(),
        v => format!("\u{2212}{}", -v),
    }
}

/// Mean with one decimal, signed the same way.
pub(crate) fn mean_label(v: f64) -> String {
    let s = format!("{:.1}", v.abs());
    if s == "0.0" {
        "0.0".into()
    } else if v > 0.0 {
        format!("+{s}")
    } else {
        format!("\u{2212}{s}")
    }
}

/// The CSS class of a score: its place on the five-colour ramp, whatever the scale.
pub(crate) fn emotion_class(v: i32, scale: &EmotionScale) -> String {
    let span = (scale.max - scale.min).max(1) as f64;
    let t = ((v - scale.min) as f64 / span).clamp(0.0, 1.0);
    ["emo-neg2", "emo-neg1", "emo-zero", "emo-pos1", "emo-pos2"][(t * 4.0).round() as usize].into()
}

/// "3 Nov 2025".
pub(crate) fn display_date(d: Date) -> String {
    d.strftime("%-d %b %Y").to_string()
}

/// Days a map is past its review date, if it is.
pub(crate) fn overdue_days(site: &Site, j: &Journey, today: Date) -> Option<i64> {
    let d = parse_date(j.last_reviewed.as_deref()?)?;
    crate::check::overdue(d, today, site.config.review_interval_days)
}

pub(crate) fn stage_name(site: &Site, id: &str) -> String {
    site.config
        .stages
        .iter()
        .find(|s| s.id == id)
        .map_or_else(|| id.to_string(), |s| s.name.clone())
}

pub(crate) fn journey_href(id: &str) -> String {
    format!("journeys/{id}.html")
}

pub(crate) fn persona_href(id: &str) -> String {
    format!("personas/{id}.html")
}

pub(crate) fn initials(p: &Persona) -> String {
    p.initials.clone().unwrap_or_else(|| {
        p.name
            .split_whitespace()
            .take(2)
            .filter_map(|w| w.chars().next())
            .flat_map(char::to_uppercase)
            .collect()
    })
}

pub(crate) fn persona_ref(p: &Persona) -> PersonaRef {
    PersonaRef {
        id: p.id.clone(),
        name: p.name.clone(),
        role: p.role.clone(),
        summary: p.summary.clone(),
        initials: initials(p),
        colour: p.colour.clone().unwrap_or_else(|| "#2D6497".into()),
        photo: p
            .photo
            .as_ref()
            .map(|ph| format!("assets/{}", ph.trim_start_matches("assets/"))),
        href: persona_href(&p.id),
        segment: p.segment.clone(),
        share_percent: p.share_percent.map(|s| format!("{s} %")),
        quote: p.quote.clone(),
    }
}

fn steps(j: &Journey) -> impl Iterator<Item = &Step> {
    j.stages.iter().flat_map(|s| s.steps.iter())
}

pub(crate) fn journey_personas<'a>(site: &'a Site, j: &Journey) -> Vec<&'a Persona> {
    j.personas
        .iter()
        .filter_map(|id| site.persona(id).map(|p| &p.item))
        .collect()
}

pub(crate) fn journey_card(site: &Site, j: &Journey, today: Date) -> JourneyCard {
    let scale = scale_of(site, j);
    JourneyCard {
        id: j.id.clone(),
        title: j.title.clone(),
        scenario: j.scenario.clone(),
        href: journey_href(&j.id),
        state: match j.state {
            JourneyState::Current => "Current state",
            JourneyState::Future => "Future state",
        }
        .into(),
        is_future: j.state == JourneyState::Future,
        status: match j.status {
            JourneyStatus::Draft => "Draft",
            JourneyStatus::InReview => "In review",
            JourneyStatus::Published => "Published",
            JourneyStatus::Archived => "Archived",
        }
        .into(),
        personas: journey_personas(site, j)
            .into_iter()
            .map(persona_ref)
            .collect(),
        thumbnail_svg: crate::diagram::emotion_thumbnail(j, scale, &format!("th-{}", j.id)),
        stage_count: j.stages.len(),
        step_count: steps(j).count(),
        pain_count: steps(j).map(|s| s.pain_points.len()).sum(),
        opportunity_count: steps(j).map(|s| s.opportunities.len()).sum(),
        reviewed: j
            .last_reviewed
            .as_deref()
            .and_then(parse_date)
            .map(display_date),
        stale: overdue_days(site, j, today).is_some(),
        tags: j.tags.clone(),
        owner: j.owner.clone(),
    }
}

pub(crate) fn counts(site: &Site, today: Date) -> Counts {
    let all: Vec<&Step> = site.journeys.iter().flat_map(|j| steps(&j.item)).collect();
    let backed = all
        .iter()
        .filter(|s| s.evidence_level() != EvidenceLevel::Assumption)
        .count();
    Counts {
        journeys: site.journeys.len(),
        personas: site.personas.len(),
        stages: site.journeys.iter().map(|j| j.item.stages.len()).sum(),
        steps: all.len(),
        touchpoints: all.iter().map(|s| s.touchpoints.len()).sum(),
        pain_points: all.iter().map(|s| s.pain_points.len()).sum(),
        opportunities: all.iter().map(|s| s.opportunities.len()).sum(),
        moments_of_truth: all.iter().filter(|s| s.moment_of_truth).count(),
        stale_maps: site
            .journeys
            .iter()
            .filter(|j| overdue_days(site, &j.item, today).is_some())
            .count(),
        assumptions: all.len() - backed,
        evidence_percent: if all.is_empty() {
            0
        } else {
            (backed * 100 / all.len()) as u32
        },
    }
}

pub(crate) fn evidence_view(e: &EvidenceSource) -> EvidenceView {
    EvidenceView {
        id: e.id.clone(),
        title: e.title.clone(),
        kind: match e.kind {
            EvidenceKind::Interview => "Interview",
            EvidenceKind::Survey => "Survey",
            EvidenceKind::Analytics => "Analytics",
            EvidenceKind::SupportTickets => "Support tickets",
            EvidenceKind::UsabilityTest => "Usability test",
            EvidenceKind::Observation => "Observation",
            EvidenceKind::Other => "Other",
        }
        .into(),
        url: e.url.clone().filter(|u| safe_url(u)),
        date: e.date.as_deref().and_then(parse_date).map(display_date),
        sample: e.sample.map(|n| thousands(n.into())),
    }
}

fn cited(j: &Journey, ids: &[String]) -> Vec<EvidenceView> {
    ids.iter()
        .filter_map(|id| j.evidence.iter().find(|e| e.id == *id))
        .map(evidence_view)
        .collect()
}

fn class_word(s: &str) -> String {
    s.to_lowercase().replace(' ', "-")
}

fn step_view(site: &Site, j: &Journey, step: &Step, number: usize) -> StepView {
    let scale = scale_of(site, j);
    let level = step.evidence_level().word();
    StepView {
        number: format!("{number:02}"),
        id: step.id.clone(),
        anchor: format!("step-{}", step.id),
        title: step.title.clone(),
        actions: step.actions.clone(),
        thinking: step.thinking.clone(),
        touchpoints: step
            .touchpoints
            .iter()
            .map(|t| {
                let ch = site.config.channels.iter().find(|c| c.id == t.channel);
                TouchpointView {
                    channel: ch.map_or_else(|| t.channel.clone(), |c| c.name.clone()),
                    channel_id: t.channel.clone(),
                    name: t.name.clone(),
                    owner: t.owner.clone(),
                    online: ch.is_none_or(|c| c.online),
                }
            })
            .collect(),
        emotion: step.emotion.map(score_label),
        emotion_class: step
            .emotion
            .map(|v| emotion_class(v, scale))
            .unwrap_or_default(),
        feeling: step
            .feeling
            .clone()
            .or_else(|| step.emotion.and_then(|v| scale.labels.get(&v).cloned())),
        persona_emotions: step
            .persona_emotions
            .iter()
            .map(|(id, v)| {
                let name = site
                    .persona(id)
                    .map_or(id.as_str(), |p| p.item.name.as_str());
                (name.to_string(), score_label(*v))
            })
            .collect(),
        moment_of_truth: step.moment_of_truth,
        pain_points: step
            .pain_points
            .iter()
            .map(|p| PainView {
                text: p.text.clone(),
                severity: p.severity.word().into(),
                severity_class: format!("sev-{}", class_word(p.severity.word())),
                evidence: cited(j, &p.evidence),
            })
            .collect(),
        opportunities: step.opportunities.iter().map(opportunity_view).collect(),
        frontstage: step.frontstage.clone(),
        backstage: step.backstage.clone(),
        support: step.support.clone(),
        team: step.team.clone(),
        metrics: step
            .metrics
            .iter()
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect(),
        evidence: cited(j, &step.evidence),
        evidence_level: level.into(),
        evidence_class: format!("ev-{}", class_word(level)),
    }
}

pub(crate) fn opportunity_view(o: &Opportunity) -> OpportunityView {
    OpportunityView {
        text: o.text.clone(),
        customer_value: o.customer_value.word().into(),
        business_value: o.business_value.word().into(),
        effort: o.effort.word().into(),
        owner: o.owner.clone(),
        status: match o.status {
            OpportunityStatus::Idea => "Idea",
            OpportunityStatus::Planned => "Planned",
            OpportunityStatus::InProgress => "In progress",
            OpportunityStatus::Done => "Done",
            OpportunityStatus::Dropped => "Dropped",
        }
        .into(),
    }
}

fn metrics_view(m: &StageMetrics) -> MetricsView {
    let conversion = match (m.reached, m.converted) {
        (Some(r), Some(c)) if r > 0 => Some(format!("{:.0} %", c as f64 * 100.0 / r as f64)),
        _ => None,
    };
    MetricsView {
        reached: m.reached.map(thousands),
        converted: m.converted.map(thousands),
        conversion,
        csat: m.csat.map(|c| format!("{c:.1} / 5")),
        source: m.source.clone(),
    }
}

/// 12400 → "12,400".
pub(crate) fn thousands(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

pub(crate) fn stage_views(site: &Site, j: &Journey) -> Vec<StageView> {
    let mut number = 0;
    j.stages
        .iter()
        .enumerate()
        .map(|(i, st)| {
            let scored: Vec<i32> = st.steps.iter().filter_map(|s| s.emotion).collect();
            let mean = (!scored.is_empty())
                .then(|| scored.iter().sum::<i32>() as f64 / scored.len() as f64);
            StageView {
                id: st.stage.clone(),
                name: stage_name(site, &st.stage),
                goal: st.goal.clone(),
                anchor: format!("stage-{}-{}", i + 1, st.stage),
                metrics: st.metrics.as_ref().map(metrics_view),
                mean_emotion: mean.map(mean_label),
                mean_emotion_class: mean
                    .map(|m| emotion_class(m.round() as i32, scale_of(site, j)))
                    .unwrap_or_default(),
                steps: st
                    .steps
                    .iter()
                    .map(|s| {
                        number += 1;
                        step_view(site, j, s, number)
                    })
                    .collect(),
            }
        })
        .collect()
}

pub(crate) fn transition_views(site: &Site, j: &Journey) -> Vec<TransitionView> {
    let step = |id: &str| steps(j).find(|s| s.id == id);
    j.transitions
        .iter()
        .filter_map(|t| {
            let from = step(&t.from)?;
            let to = match step(&t.to) {
                Some(s) => Link {
                    title: s.title.clone(),
                    href: format!("#step-{}", s.id),
                },
                None => {
                    let i = j.stages.iter().position(|s| s.stage == t.to)?;
                    Link {
                        title: stage_name(site, &t.to),
                        href: format!("#stage-{}-{}", i + 1, t.to),
                    }
                }
            };
            Some(TransitionView {
                kind: match t.kind {
                    TransitionKind::Loop => "Loop",
                    TransitionKind::Skip => "Skip",
                    TransitionKind::Branch => "Branch",
                }
                .into(),
                from: Link {
                    title: from.title.clone(),
                    href: format!("#step-{}", from.id),
                },
                to,
                label: t.label.clone(),
            })
        })
        .collect()
}

/// The links between maps, both ways: made once per render, so that finding the map that
/// names another, or a map's children, is a lookup and not a scan of every map for each
/// map (quadratic: at 5,000 maps, 25 million comparisons per question).
pub(crate) struct Links<'a> {
    site: &'a Site,
    /// Per map id, the first map that names it as `compares_with`.
    named_by: BTreeMap<&'a str, &'a Loaded<Journey>>,
    /// Per map id, the maps that name it as their `parent`, in site order.
    children: BTreeMap<&'a str, Vec<&'a Loaded<Journey>>>,
    /// Per persona id, the maps made for that persona, in site order.
    by_persona: BTreeMap<&'a str, Vec<&'a Loaded<Journey>>>,
}

impl<'a> Links<'a> {
    pub(crate) fn of(site: &'a Site) -> Links<'a> {
        let (mut named_by, mut children) = (BTreeMap::new(), BTreeMap::<_, Vec<_>>::new());
        let mut by_persona = BTreeMap::<_, Vec<_>>::new();
        for o in &site.journeys {
            for (i, id) in o.item.personas.iter().enumerate() {
                // a persona named twice lists the map once
                if !o.item.personas[..i].contains(id) {
                    by_persona.entry(id.as_str()).or_default().push(o);
                }
            }
            if let Some(id) = o.item.compares_with.as_deref() {
                named_by.entry(id).or_insert(o);
            }
            if let Some(id) = o.item.parent.as_deref() {
                children.entry(id).or_default().push(o);
            }
        }
        Links {
            site,
            named_by,
            children,
            by_persona,
        }
    }

    /// The map paired with this one: the one it names, or the one that names it.
    pub(crate) fn partner(&self, j: &Journey) -> Option<&'a Loaded<Journey>> {
        match &j.compares_with {
            Some(id) => self.site.journey(id),
            None => self.named_by.get(j.id.as_str()).copied(),
        }
    }

    /// The maps that name the map `id` as their parent.
    pub(crate) fn children(&self, id: &str) -> &[&'a Loaded<Journey>] {
        self.children.get(id).map_or(&[], Vec::as_slice)
    }

    /// The maps made for the persona `id`.
    pub(crate) fn journeys_of(&self, id: &str) -> &[&'a Loaded<Journey>] {
        self.by_persona.get(id).map_or(&[], Vec::as_slice)
    }
}

pub(crate) fn persona_view(site: &Site, p: &Persona) -> PersonaView {
    PersonaView {
        card: persona_ref(p),
        demographics: p
            .demographics
            .iter()
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect(),
        goals: p.goals.clone(),
        frustrations: p.frustrations.clone(),
        needs: p.needs.clone(),
        motivations: p.motivations.clone(),
        jobs_to_be_done: p.jobs_to_be_done.clone(),
        preferred_channels: p
            .preferred_channels
            .iter()
            .map(|id| {
                site.config
                    .channels
                    .iter()
                    .find(|c| c.id == *id)
                    .map_or_else(|| id.clone(), |c| c.name.clone())
            })
            .collect(),
        evidence: p.evidence.iter().map(evidence_view).collect(),
        reviewed: p
            .last_reviewed
            .as_deref()
            .and_then(parse_date)
            .map(display_date),
        body_html: markdown::render_section(&p.body).html,
    }
}

/// Link to a file in the docs repository, when the config names one.
pub(crate) fn source_url(site: &Site, path: &std::path::Path) -> Option<String> {
    let repo = site.config.repository.as_ref().filter(|r| safe_url(r))?;
    let rel = path
        .components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/");
    Some(format!("{}/blob/HEAD/{rel}", repo.trim_end_matches('/')))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels() {
        assert_eq!(score_label(2), "+2");
        assert_eq!(score_label(-1), "\u{2212}1");
        assert_eq!(mean_label(-0.04), "0.0");
        assert_eq!(mean_label(0.5), "+0.5");
        assert_eq!(thousands(1234567), "1,234,567");
        assert_eq!(thousands(999), "999");
        let s = EmotionScale {
            min: 1,
            max: 5,
            labels: Default::default(),
        };
        assert_eq!(emotion_class(1, &s), "emo-neg2");
        assert_eq!(emotion_class(3, &s), "emo-zero");
        assert_eq!(emotion_class(5, &s), "emo-pos2");
        assert_eq!(display_date(Date::new(2025, 11, 3).unwrap()), "3 Nov 2025");
    }

    /// The lookups answer what a scan of every map answers: on the example site, and on
    /// it with maps whose links cross (a parent with two children, a map named by two,
    /// a persona named twice, a missing id).
    #[test]
    fn links_and_lookups_agree_with_a_scan() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("example-site");
        let (site, _) = crate::load::load(&root);
        let mut site = site.expect("the example site loads");
        let ids: Vec<String> = site.journeys.iter().map(|j| j.item.id.clone()).collect();
        let persona = site.personas[0].item.id.clone();
        for (k, j) in site.journeys.iter_mut().enumerate() {
            if k > 0 {
                j.item.parent = Some(ids[0].clone());
            }
            if k >= 2 {
                j.item.compares_with = Some(ids[1].clone());
            }
            j.item.personas = vec![persona.clone(), persona.clone(), "nobody".into()];
        }
        let links = Links::of(&site);
        let name = |o: Option<&Loaded<Journey>>| o.map(|o| o.item.id.clone());
        let names = |v: Vec<&Loaded<Journey>>| -> Vec<String> {
            v.iter().map(|o| o.item.id.clone()).collect()
        };
        for j in &site.journeys {
            let j = &j.item;
            let scanned = match &j.compares_with {
                Some(id) => site.journeys.iter().find(|o| o.item.id == *id),
                None => site
                    .journeys
                    .iter()
                    .find(|o| o.item.compares_with.as_deref() == Some(&j.id)),
            };
            assert_eq!(name(links.partner(j)), name(scanned), "{}", j.id);
            let children: Vec<_> = site
                .journeys
                .iter()
                .filter(|o| o.item.parent.as_deref() == Some(&j.id))
                .collect();
            assert_eq!(names(links.children(&j.id).to_vec()), names(children));
            assert_eq!(name(site.journey(&j.id)), Some(j.id.clone()));
        }
        assert!(links.children(&ids[0]).len() >= 2, "the test has a parent");
        for p in site
            .personas
            .iter()
            .map(|p| p.item.id.as_str())
            .chain(["nobody", "zz"])
        {
            let scanned: Vec<_> = site
                .journeys
                .iter()
                .filter(|j| j.item.personas.iter().any(|x| x == p))
                .collect();
            assert_eq!(names(links.journeys_of(p).to_vec()), names(scanned), "{p}");
            let found = site.personas.iter().find(|x| x.item.id == p);
            assert_eq!(
                site.persona(p).map(|x| &x.item.id),
                found.map(|x| &x.item.id)
            );
        }
        assert!(site.journey("").is_none() && site.journey("zzz").is_none());
    }
}
