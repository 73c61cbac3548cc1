//! Cross-journey views: every map's opportunities, pain points, channels and funnels side by
//! side, so a team can see where all its customers hurt and what to fix first.
//!
//! Each view is one pass over all steps (the site may hold thousands of maps); groups are
//! `BTreeMap`s keyed by the vocabulary's order so the output is the same on every build.

use super::context::*;
use super::views::*;
use crate::check::scale_of;
use crate::diagram::charts::{self, FunnelBar, HeatCell, MatrixPoint};
use crate::load::{Loaded, Site};
use crate::model::*;
use std::collections::{BTreeMap, BTreeSet};

/// One step of one map, with where it sits.
#[derive(Clone, Copy)]
pub(crate) struct Walk<'a> {
    pub j: &'a Loaded<Journey>,
    pub si: usize,
    pub stage: &'a Stage,
    pub ti: usize,
    pub step: &'a Step,
}

/// Every step of every map, in file order.
pub(crate) fn walk(site: &Site) -> impl Iterator<Item = Walk<'_>> {
    site.journeys.iter().flat_map(|j| {
        j.item
            .stages
            .iter()
            .enumerate()
            .flat_map(move |(si, stage)| {
                stage.steps.iter().enumerate().map(move |(ti, step)| Walk {
                    j,
                    si,
                    stage,
                    ti,
                    step,
                })
            })
    })
}

/// Position of each stage id in the site's vocabulary; unknown ids sort last.
pub(crate) struct Orders<'a> {
    stages: BTreeMap<&'a str, usize>,
    channels: BTreeMap<&'a str, usize>,
}

impl<'a> Orders<'a> {
    pub(crate) fn new(site: &'a Site) -> Self {
        let c = &site.config;
        Orders {
            stages: c
                .stages
                .iter()
                .enumerate()
                .map(|(i, s)| (s.id.as_str(), i))
                .collect(),
            channels: c
                .channels
                .iter()
                .enumerate()
                .map(|(i, s)| (s.id.as_str(), i))
                .collect(),
        }
    }
    pub(crate) fn stage(&self, id: &str) -> usize {
        self.stages.get(id).copied().unwrap_or(usize::MAX)
    }
    fn channel(&self, id: &str) -> usize {
        self.channels.get(id).copied().unwrap_or(usize::MAX)
    }
}

pub(crate) fn channel_name(site: &Site, id: &str) -> String {
    site.config
        .channels
        .iter()
        .find(|c| c.id == id)
        .map_or_else(|| id.to_string(), |c| c.name.clone())
}

pub(crate) fn step_href(journey: &str, step: &str) -> String {
    format!("{}#step-{step}", journey_href(journey))
}

pub(crate) fn step_ref(site: &Site, w: &Walk, orders: &Orders) -> StepRef {
    let j = &w.j.item;
    StepRef {
        title: w.step.title.clone(),
        href: step_href(&j.id, &w.step.id),
        journey: Link {
            title: j.title.clone(),
            href: journey_href(&j.id),
        },
        stage: stage_name(site, &w.stage.stage),
        stage_order: orders.stage(&w.stage.stage),
        emotion: w.step.emotion.map(score_label),
        emotion_class: w
            .step
            .emotion
            .map(|v| emotion_class(v, scale_of(site, j)))
            .unwrap_or_default(),
    }
}

fn status_word(s: OpportunityStatus) -> (&'static str, u8) {
    match s {
        OpportunityStatus::Idea => ("Idea", 1),
        OpportunityStatus::Planned => ("Planned", 2),
        OpportunityStatus::InProgress => ("In progress", 3),
        OpportunityStatus::Done => ("Done", 4),
        OpportunityStatus::Dropped => ("Dropped", 5),
    }
}

/// Customer + business value (2–6) as a level: 2–3 low, 4 medium, 5–6 high.
pub(crate) fn impact_level(score: u8) -> u8 {
    match score {
        0..=3 => 1,
        4 => 2,
        _ => 3,
    }
}

const LEVEL_WORDS: [&str; 3] = ["Low", "Medium", "High"];

/// Every opportunity, highest impact and lowest effort first.
pub(crate) fn backlog_rows(site: &Site) -> Vec<BacklogRow> {
    let orders = Orders::new(site);
    let mut rows = Vec::new();
    for w in walk(site) {
        if w.step.opportunities.is_empty() {
            continue;
        }
        let personas: Vec<String> = journey_personas(site, &w.j.item)
            .iter()
            .map(|p| p.name.clone())
            .collect();
        for o in &w.step.opportunities {
            let (status, status_rank) = status_word(o.status);
            let impact_score = o.customer_value.rank() + o.business_value.rank();
            rows.push(BacklogRow {
                number: 0,
                text: o.text.clone(),
                step: step_ref(site, &w, &orders),
                personas: personas.clone(),
                owner: o.owner.clone(),
                status: status.into(),
                status_rank,
                customer_value: o.customer_value.word().into(),
                customer_rank: o.customer_value.rank(),
                business_value: o.business_value.word().into(),
                business_rank: o.business_value.rank(),
                effort: o.effort.word().into(),
                effort_rank: o.effort.rank(),
                impact_score,
                impact: LEVEL_WORDS[usize::from(impact_level(impact_score) - 1)].into(),
            });
        }
    }
    // Stable sort: ties keep file order (journey id, then stage and step order).
    rows.sort_by(|a, b| {
        b.impact_score
            .cmp(&a.impact_score)
            .then(a.effort_rank.cmp(&b.effort_rank))
    });
    for (i, r) in rows.iter_mut().enumerate() {
        r.number = i + 1;
    }
    rows
}

pub(crate) fn backlog<'a>(site: &Site, info: &'a SiteInfo, page: PageInfo) -> BacklogContext<'a> {
    let rows = backlog_rows(site);
    let points: Vec<MatrixPoint> = rows
        .iter()
        .map(|r| MatrixPoint {
            number: r.number,
            impact: impact_level(r.impact_score),
            effort: r.effort_rank,
        })
        .collect();
    let mut by_status: BTreeMap<u8, Tally> = BTreeMap::new();
    for r in &rows {
        by_status
            .entry(r.status_rank)
            .or_insert_with(|| Tally {
                label: r.status.clone(),
                count: 0,
            })
            .count += 1;
    }
    let distinct = |f: &dyn Fn(&BacklogRow) -> Vec<String>| -> Vec<String> {
        rows.iter()
            .flat_map(f)
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect()
    };
    BacklogContext {
        site: info,
        page,
        matrix_svg: charts::impact_effort_svg(&points, "impact-effort"),
        by_status: by_status.into_values().collect(),
        journeys: distinct(&|r| vec![r.step.journey.title.clone()]),
        owners: distinct(&|r| r.owner.iter().cloned().collect()),
        statuses: {
            let mut s: Vec<(u8, String)> = rows
                .iter()
                .map(|r| (r.status_rank, r.status.clone()))
                .collect();
            s.sort();
            s.dedup();
            s.into_iter().map(|(_, w)| w).collect()
        },
        personas: distinct(&|r| r.personas.clone()),
        rows: rows.into(),
    }
}

fn severity_rank(l: Level) -> u8 {
    l.rank()
}

/// Pain points grouped by stage (vocabulary order) and by channel (each pain under every
/// channel its step uses; steps without touchpoints under "No touchpoint").
pub(crate) fn pains<'a>(site: &Site, info: &'a SiteInfo, page: PageInfo) -> PainContext<'a> {
    let orders = Orders::new(site);
    // Each row is made into a template value once and shared by its stage and every one of
    // its channels (a clone is a reference count): at 5,000 maps the copies were the largest
    // thing a build held.
    type Rows = Vec<(u8, minijinja::Value)>;
    let mut by_stage: BTreeMap<(usize, String), Rows> = BTreeMap::new();
    let mut by_channel: BTreeMap<(usize, String), Rows> = BTreeMap::new();
    let mut severities = [0usize; 3];
    let mut total = 0;
    for w in walk(site) {
        if w.step.pain_points.is_empty() {
            continue;
        }
        let channels: BTreeSet<(usize, &str)> = w
            .step
            .touchpoints
            .iter()
            .map(|t| (orders.channel(&t.channel), t.channel.as_str()))
            .collect();
        let names: Vec<String> = channels
            .iter()
            .map(|(_, c)| channel_name(site, c))
            .collect();
        for p in &w.step.pain_points {
            total += 1;
            severities[usize::from(severity_rank(p.severity) - 1)] += 1;
            let row = PainRow {
                text: p.text.clone(),
                severity: p.severity.word().into(),
                severity_class: format!("sev-{}", p.severity.word().to_lowercase()),
                severity_rank: severity_rank(p.severity),
                evidence: p
                    .evidence
                    .iter()
                    .filter_map(|id| w.j.item.evidence.iter().find(|e| e.id == *id))
                    .map(evidence_view)
                    .collect(),
                step: step_ref(site, &w, &orders),
                channels: names.clone(),
            };
            let row = (
                row.severity_rank,
                minijinja::Value::from(minijinja::value::Serde(&row)),
            );
            let key = (orders.stage(&w.stage.stage), w.stage.stage.clone());
            by_stage.entry(key).or_default().push(row.clone());
            if channels.is_empty() {
                by_channel
                    .entry((usize::MAX, String::new()))
                    .or_default()
                    .push(row);
            } else {
                for (order, id) in &channels {
                    by_channel
                        .entry((*order, id.to_string()))
                        .or_default()
                        .push(row.clone());
                }
            }
        }
    }
    let group = |prefix: &str, ((_, id), mut rows): ((usize, String), Rows), title: String| {
        rows.sort_by_key(|(rank, _)| std::cmp::Reverse(*rank));
        PainGroup {
            anchor: format!("{prefix}-{}", if id.is_empty() { "none" } else { &id }),
            high: rows.iter().filter(|(rank, _)| *rank == 3).count(),
            title,
            rows: rows.into_iter().map(|(_, row)| row).collect(),
        }
    };
    PainContext {
        site: info,
        page,
        total,
        by_severity: LEVEL_WORDS
            .iter()
            .rev()
            .zip(severities.iter().rev())
            .map(|(l, n)| Tally {
                label: (*l).into(),
                count: *n,
            })
            .collect(),
        by_stage: by_stage
            .into_iter()
            .map(|(k, rows)| {
                let title = stage_name(site, &k.1);
                group("stage", (k, rows), title)
            })
            .collect(),
        by_channel: by_channel
            .into_iter()
            .map(|(k, rows)| {
                let title = if k.1.is_empty() {
                    "No touchpoint".to_string()
                } else {
                    channel_name(site, &k.1)
                };
                group("channel", (k, rows), title)
            })
            .collect(),
    }
}

/// A score moved onto the site's scale, so maps with their own scale can be averaged.
pub(crate) fn on_site_scale(v: i32, from: &EmotionScale, to: &EmotionScale) -> f64 {
    if from == to {
        return f64::from(v);
    }
    let span = f64::from((from.max - from.min).max(1));
    f64::from(to.min) + f64::from(v - from.min) * f64::from(to.max - to.min) / span
}

#[derive(Default)]
struct Cell<'a> {
    touchpoints: usize,
    /// Steps with a touchpoint of this channel in this stage, once each.
    steps: Vec<(Walk<'a>, Vec<String>)>,
}

/// The channel × stage matrix: touchpoints per cell and the mean emotion of their steps.
pub(crate) fn matrix<'a>(site: &Site, info: &'a SiteInfo, page: PageInfo) -> MatrixContext<'a> {
    let orders = Orders::new(site);
    let mut cells: BTreeMap<(usize, usize), Cell> = BTreeMap::new();
    let (mut rows_used, mut cols_used) = (BTreeSet::new(), BTreeSet::new());
    for w in walk(site) {
        let mut per_channel: BTreeMap<usize, Vec<String>> = BTreeMap::new();
        for t in &w.step.touchpoints {
            per_channel
                .entry(orders.channel(&t.channel))
                .or_default()
                .push(t.name.clone());
        }
        let col = orders.stage(&w.stage.stage);
        for (row, names) in per_channel {
            rows_used.insert(row);
            cols_used.insert(col);
            let cell = cells.entry((row, col)).or_default();
            cell.touchpoints += names.len();
            cell.steps.push((w, names));
        }
    }
    let config = &site.config;
    let rows_used: Vec<usize> = rows_used
        .into_iter()
        .filter(|r| *r < config.channels.len())
        .collect();
    let cols_used: Vec<usize> = cols_used
        .into_iter()
        .filter(|c| *c < config.stages.len())
        .collect();
    let stages: Vec<String> = cols_used
        .iter()
        .map(|c| config.stages[*c].name.clone())
        .collect();
    let channels: Vec<String> = rows_used
        .iter()
        .map(|r| config.channels[*r].name.clone())
        .collect();
    let site_scale = &config.emotion_scale;
    let mut rows = Vec::new();
    let mut heat = Vec::new();
    let mut lists = Vec::new();
    let mut stage_totals = vec![0; cols_used.len()];
    for r in &rows_used {
        let ch = &config.channels[*r];
        let (mut row_cells, mut heat_row, mut total) = (Vec::new(), Vec::new(), 0);
        for (ci, c) in cols_used.iter().enumerate() {
            let stage = &config.stages[*c];
            let anchor = format!("cell-{}-{}", ch.id, stage.id);
            let cell = cells.get(&(*r, *c));
            let count = cell.map_or(0, |x| x.touchpoints);
            let scored: Vec<f64> = cell
                .map(|x| {
                    x.steps
                        .iter()
                        .filter_map(|(w, _)| {
                            w.step
                                .emotion
                                .map(|v| on_site_scale(v, scale_of(site, &w.j.item), site_scale))
                        })
                        .collect()
                })
                .unwrap_or_default();
            let mean =
                (!scored.is_empty()).then(|| scored.iter().sum::<f64>() / scored.len() as f64);
            total += count;
            stage_totals[ci] += count;
            row_cells.push(MatrixCell {
                count,
                mean: mean.map(mean_label),
                mean_class: mean
                    .map(|m| emotion_class(m.round() as i32, site_scale))
                    .unwrap_or_default(),
                anchor: if count > 0 {
                    anchor.clone()
                } else {
                    String::new()
                },
            });
            heat_row.push(HeatCell {
                count,
                mean: mean.map(|m| (m as f32, mean_label(m))),
                href: format!("#{anchor}"),
            });
            if let Some(cell) = cell {
                lists.push(CellSteps {
                    anchor,
                    channel: ch.name.clone(),
                    stage: stage.name.clone(),
                    count,
                    mean: mean.map(mean_label),
                    steps: cell
                        .steps
                        .iter()
                        .map(|(w, names)| CellStep {
                            step: step_ref(site, w, &orders),
                            touchpoints: names.clone(),
                        })
                        .collect(),
                });
            }
        }
        heat.push(heat_row);
        rows.push(MatrixRow {
            channel: ch.name.clone(),
            channel_id: ch.id.clone(),
            online: ch.online,
            cells: row_cells,
            total,
        });
    }
    MatrixContext {
        site: info,
        page,
        svg: charts::heat_map_svg(&stages, &channels, &heat, site_scale, "channel-matrix"),
        total: stage_totals.iter().sum(),
        stages,
        rows: rows.into(),
        stage_totals,
        cells: lists.into(),
    }
}

fn percent(part: u64, whole: u64) -> String {
    format!("{:.0} %", part as f64 * 100.0 / whole.max(1) as f64)
}

/// A funnel per journey whose stages carry reached/converted numbers.
pub(crate) fn funnels<'a>(site: &Site, info: &'a SiteInfo, page: PageInfo) -> FunnelContext<'a> {
    let mut funnels = Vec::new();
    let mut without = Vec::new();
    for j in &site.journeys {
        let j = &j.item;
        let link = Link {
            title: j.title.clone(),
            href: journey_href(&j.id),
        };
        let measured: Vec<(&Stage, &StageMetrics, u64)> = j
            .stages
            .iter()
            .filter_map(|s| {
                s.metrics
                    .as_ref()
                    .and_then(|m| m.reached.map(|r| (s, m, r)))
            })
            .collect();
        if measured.is_empty() {
            without.push(link);
            continue;
        }
        let bars: Vec<FunnelBar> = measured
            .iter()
            .map(|(s, m, r)| FunnelBar {
                stage: stage_name(site, &s.stage),
                reached: *r,
                converted: m.converted,
            })
            .collect();
        let stages = measured
            .iter()
            .map(|(s, m, r)| FunnelStage {
                name: stage_name(site, &s.stage),
                reached: Some(thousands(*r)),
                converted: m.converted.map(thousands),
                conversion: m.converted.filter(|_| *r > 0).map(|c| percent(c, *r)),
                drop_off: m
                    .converted
                    .filter(|_| *r > 0)
                    .map(|c| percent(r - c.min(*r), *r)),
            })
            .collect();
        let source = measured.iter().find_map(|(_, m, _)| m.source.clone());
        funnels.push(FunnelJourney {
            svg: charts::funnel_svg(&j.title, &bars, &format!("funnel-{}", j.id)),
            journey: link,
            stages,
            source,
        });
    }
    FunnelContext {
        site: info,
        page,
        funnels,
        without,
    }
}
