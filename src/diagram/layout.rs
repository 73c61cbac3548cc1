//! The measured grid: every position on the map, computed once before drawing.
//!
//! Columns come from fixed widths (a step is always one card wide; text wraps instead);
//! rows come from content (a lane is as tall as its tallest cell). Drawing then only reads
//! these numbers, so the picture can never disagree with its own measurements.

use super::cells::{text_h, StepCell};
use super::style::*;
use super::text::{Text, Weight};
use super::title::TitleBlock;
use super::transitions::{self, Arch};
use super::MapContext;
use crate::model::{EmotionScale, Journey, Lane, Stage, Step};

/// A stage: its tray (column group) and band.
pub(super) struct StageCol<'a> {
    pub stage: &'a Stage,
    pub name: String,
    pub band: &'static str,
    pub tray: &'static str,
    pub x: f32,
    pub w: f32,
    pub name_text: Text,
    pub goal: Option<Text>,
}

/// A lane (row): where it sits and its label in the left column.
pub(super) struct LaneRow {
    pub lane: Lane,
    pub y: f32,
    pub h: f32,
    pub label: Text,
    pub hint: Text,
    /// Width of its label cell; the emotion lane leaves room for the scale numbers.
    pub label_w: f32,
    /// Height of the label block (label, hint, legend).
    pub label_h: f32,
}

/// The emotion chart's vertical scale.
pub(super) struct Chart {
    pub min: i32,
    pub max: i32,
    /// Pixels per point of the scale.
    pub unit: f32,
    /// Room above the top and below the bottom of the scale, for rings, stars and words.
    pub pad: f32,
    /// Where the area under the curve is measured from: 0, or the scale's middle.
    pub neutral: f32,
    pub top: f32,
}

impl Chart {
    pub(super) fn y_of(&self, v: f32) -> f32 {
        self.top + self.pad + (self.max as f32 - v) * self.unit
    }

    fn height(&self) -> f32 {
        (self.max - self.min) as f32 * self.unit + 2.0 * self.pad
    }
}

/// A further persona's emotion curve, dashed.
pub(super) struct ExtraCurve {
    pub key: String,
    pub name: Text,
    pub dash: &'static str,
}

const DASHES: [&str; 4] = ["7 5", "2 4", "12 4 2 4", "4 3"];

pub(super) struct Layout<'a> {
    pub journey: &'a Journey,
    pub ctx: &'a MapContext<'a>,
    pub scale: EmotionScale,
    pub stages: Vec<StageCol<'a>>,
    pub steps: Vec<StepCell<'a>>,
    pub lanes: Vec<LaneRow>,
    pub chart: Option<Chart>,
    pub extra_curves: Vec<ExtraCurve>,
    pub title: TitleBlock,
    pub arches: Vec<Arch>,
    /// Right edge of the grid.
    pub right: f32,
    pub width: f32,
    pub height: f32,
    pub band_y: f32,
    pub band_h: f32,
    /// Bottom of the trays.
    pub bottom: f32,
    /// The line of visibility and the bottom of the lane above it.
    pub visibility: Option<(f32, f32)>,
}

/// Left edge of the first tray.
pub(super) const GRID_LEFT: f32 = MARGIN + LABEL_W + LABEL_GAP;

impl<'a> Layout<'a> {
    pub(super) fn new(journey: &'a Journey, ctx: &'a MapContext<'a>) -> Layout<'a> {
        let scale = effective_scale(journey, ctx);
        let (stages, mut steps, right) = columns(journey, ctx, &scale);
        let arches = transitions::resolve(journey, &stages, &steps);
        for (i, cell) in steps.iter_mut().enumerate() {
            let kinds: Vec<_> = arches
                .iter()
                .filter(|a| a.from == i)
                .map(|a| a.kind)
                .collect();
            cell.set_tags(&kinds);
        }
        let band_h = stages
            .iter()
            .map(|s| s.name_text.height + 28.0)
            .fold(BAND_H, f32::max);
        let title = TitleBlock::new(journey, ctx, right);
        let band_y = MARGIN + title.height + transitions::zone_height(&arches);
        let mut map = Layout {
            journey,
            ctx,
            scale,
            stages,
            steps,
            lanes: Vec::new(),
            chart: None,
            extra_curves: Vec::new(),
            width: title.right + MARGIN,
            title,
            arches,
            right,
            height: 0.0,
            band_y,
            band_h,
            bottom: 0.0,
            visibility: None,
        };
        map.extra_curves = extra_curves(&map);
        map.place_lanes();
        map
    }

    fn who(&self) -> String {
        let first = self
            .ctx
            .personas
            .first()
            .and_then(|p| p.name.split_whitespace().next());
        first.unwrap_or("the customer").to_string()
    }

    fn place_lanes(&mut self) {
        let who = self.who();
        let mut y = self.band_y + self.band_h + TRAY_PAD;
        let mut prev_bottom = y;
        for lane in lanes_to_draw(self.journey) {
            if below_line(lane) && self.visibility.is_none() {
                if let Some(prev) = self.lanes.last_mut() {
                    // room between the lane label above and the line's own label
                    let grow = (prev.label_h + 6.0 - prev.h).max(0.0);
                    prev.h += grow;
                    (y, prev_bottom) = (y + grow, prev_bottom + grow);
                }
                y += VIS_GAP;
                self.visibility = Some((prev_bottom + VIS_GAP / 2.0 + 6.0, prev_bottom));
            }
            let row = self.lane_row(lane, &who, y);
            y += row.h + LANE_GAP;
            prev_bottom = y - LANE_GAP;
            self.lanes.push(row);
        }
        self.bottom = prev_bottom + TRAY_PAD;
        self.height = (self.bottom + MARGIN).ceil();
    }

    fn lane_row(&mut self, lane: Lane, who: &str, y: f32) -> LaneRow {
        let (label, hint) = lane_words(lane, who);
        let label_w = if lane == Lane::Emotion {
            emotion_label_w(&self.scale)
        } else {
            LABEL_W
        };
        let label = Text::new(label, 16.0, label_w - 8.0, Weight::Bold, INK);
        let hint = Text::new(&hint, 13.0, label_w - 8.0, Weight::Regular, INK_3);
        let mut label_h = PAD - 4.0 + label.height + 2.0 + hint.height + 4.0;
        if lane == Lane::Emotion {
            label_h += super::emotion::legend_h(self, label_w);
        }
        let h = self.content_h(lane, y).max(label_h);
        LaneRow {
            lane,
            y,
            h,
            label,
            hint,
            label_w,
            label_h,
        }
    }

    /// The tallest cell of a lane; the emotion lane also fixes the chart's scale here.
    fn content_h(&mut self, lane: Lane, y: f32) -> f32 {
        let max = |f: &dyn Fn(&StepCell) -> f32| self.steps.iter().map(f).fold(0.0, f32::max);
        match lane {
            Lane::Goal => self
                .stages
                .iter()
                .map(|s| text_h(&s.goal, 0.0))
                .fold(0.0, f32::max),
            Lane::Steps => max(&|c| c.header_h()),
            Lane::Actions => max(&|c| text_h(&c.actions, 0.0)),
            Lane::Touchpoints => max(&|c| c.touch_h()),
            Lane::Thinking => max(&|c| text_h(&c.thinking, 10.0)),
            Lane::Emotion => {
                let chart = chart_for(&self.scale, &self.steps, y);
                let h = chart.height();
                self.chart = Some(chart);
                h
            }
            Lane::PainPoints => max(&|c| StepCell::flags_h(&c.pains)),
            Lane::Opportunities => max(&|c| StepCell::flags_h(&c.opportunities)),
            Lane::Frontstage => max(&|c| text_h(&c.frontstage, 0.0)),
            Lane::Backstage => max(&|c| text_h(&c.backstage, 0.0)),
            Lane::Support => max(&|c| text_h(&c.support, 0.0)),
        }
    }

    /// The solid curve's legend entry, when dashed curves need telling apart from it.
    pub(super) fn main_curve_name(&self, label_w: f32) -> Text {
        let name = self
            .ctx
            .personas
            .first()
            .map_or("Customer", |p| p.name.as_str());
        Text::new(name, 13.0, label_w - 44.0, Weight::Regular, INK)
    }

    /// Left and right edges of the chart card, across all trays.
    pub(super) fn chart_x(&self) -> (f32, f32) {
        (GRID_LEFT + TRAY_PAD, self.right - TRAY_PAD)
    }
}

pub(super) fn legend_row_h(t: &Text) -> f32 {
    (t.height + 8.0).max(24.0)
}

fn effective_scale(journey: &Journey, ctx: &MapContext) -> EmotionScale {
    let mut s = journey
        .emotion_scale
        .clone()
        .unwrap_or_else(|| ctx.config.emotion_scale.clone());
    if s.max <= s.min {
        s.max = s.min + 1;
    }
    s
}

/// Scale numbers as written on the map: signed when the scale has negatives, with a real
/// minus sign.
pub(super) fn score_label(v: i32, scale: &EmotionScale) -> String {
    match v {
        v if v < 0 => format!("\u{2212}{}", v.unsigned_abs()),
        v if v > 0 && scale.min < 0 => format!("+{v}"),
        v => v.to_string(),
    }
}

/// The word for how a step feels: the author's, else the scale's name for the score.
pub(super) fn feeling_of<'a>(step: &'a Step, scale: &'a EmotionScale) -> Option<&'a str> {
    let word = step.feeling.as_deref().filter(|f| !f.trim().is_empty());
    word.or_else(|| {
        step.emotion
            .and_then(|v| scale.labels.get(&v))
            .map(String::as_str)
    })
}

/// The label column of the emotion lane stops short of the scale numbers.
fn emotion_label_w(scale: &EmotionScale) -> f32 {
    let font = super::text::Font::new(14.0, Weight::Bold);
    let widest = [scale.min, scale.max]
        .iter()
        .map(|v| font.width(&score_label(*v, scale)))
        .fold(0.0, f32::max);
    GRID_LEFT + TRAY_PAD - 27.0 - widest - 10.0 - MARGIN
}

fn chart_for(scale: &EmotionScale, steps: &[StepCell], top: f32) -> Chart {
    let span = (scale.max - scale.min) as f32;
    // long scales (0..100) get a fixed height instead of 22 px per point
    let unit = if span > 20.0 {
        440.0 / span
    } else {
        (176.0 / span).clamp(22.0, 44.0)
    };
    let word_h = steps
        .iter()
        .filter_map(|c| c.feeling.as_ref())
        .map(|t| t.height)
        .fold(0.0, f32::max);
    let pad = (29.0 + word_h + 8.0).max(64.0);
    let neutral = if scale.min <= 0 && scale.max >= 0 {
        0.0
    } else {
        (scale.min + scale.max) as f32 / 2.0
    };
    Chart {
        min: scale.min,
        max: scale.max,
        unit,
        pad,
        neutral,
        top,
    }
}

/// Trays and step columns, left to right; returns the grid's right edge too.
fn columns<'a>(
    journey: &'a Journey,
    ctx: &MapContext,
    scale: &EmotionScale,
) -> (Vec<StageCol<'a>>, Vec<StepCell<'a>>, f32) {
    let (mut stages, mut steps) = (Vec::new(), Vec::new());
    let mut x = GRID_LEFT;
    for stage in &journey.stages {
        let k = stage.steps.len().max(1) as f32;
        let w = 2.0 * TRAY_PAD + k * CARD_W + (k - 1.0) * CARD_GAP;
        for (i, step) in stage.steps.iter().enumerate() {
            let cx = x + TRAY_PAD + i as f32 * (CARD_W + CARD_GAP);
            steps.push(StepCell::new(
                step,
                stages.len(),
                cx,
                ctx.config,
                feeling_of(step, scale),
            ));
        }
        stages.push(stage_col(stage, ctx, x, w));
        x += w + STAGE_GAP;
    }
    let right = if stages.is_empty() {
        GRID_LEFT
    } else {
        x - STAGE_GAP
    };
    (stages, steps, right)
}

/// A stage's place in the six-colour sequence. Longer vocabularies are spread over it, so
/// the colours still run in order from the first stage to the last (neighbours may share one).
fn palette_index(i: usize, count: usize) -> usize {
    let n = STAGE_COLOURS.len();
    if count <= n {
        i.min(n - 1)
    } else {
        (i * (n - 1) + (count - 1) / 2) / (count - 1)
    }
}

fn stage_col<'a>(stage: &'a Stage, ctx: &MapContext, x: f32, w: f32) -> StageCol<'a> {
    let vocab = ctx.config.stages.iter().position(|d| d.id == stage.stage);
    let name = vocab.map_or(stage.stage.clone(), |i| ctx.config.stages[i].name.clone());
    let (band, tray) = STAGE_COLOURS[palette_index(vocab.unwrap_or(0), ctx.config.stages.len())];
    let name_text = Text::new(&name, 22.0, w - 32.0, Weight::Bold, "#FFFFFF").with_lh(1.1);
    let goal_w = w - 2.0 * TRAY_PAD - 2.0 * PAD - 6.0;
    let goal = stage.goal.as_deref().filter(|g| !g.trim().is_empty());
    let goal = goal.map(|g| Text::new(g, 16.0, goal_w, Weight::SemiBold, INK));
    StageCol {
        stage,
        name,
        band,
        tray,
        x,
        w,
        name_text,
        goal,
    }
}

/// The lanes this journey shows: exactly `journey.lanes` when given, else those with content.
pub(super) fn lanes_to_draw(journey: &Journey) -> Vec<Lane> {
    if let Some(lanes) = &journey.lanes {
        let mut out: Vec<Lane> = Vec::new();
        for lane in lanes {
            if !out.contains(lane) {
                out.push(*lane);
            }
        }
        return out;
    }
    Lane::ALL
        .into_iter()
        .filter(|l| has_content(journey, *l))
        .collect()
}

fn has_content(journey: &Journey, lane: Lane) -> bool {
    let set = |s: &Option<String>| s.as_deref().is_some_and(|t| !t.trim().is_empty());
    let mut steps = journey.stages.iter().flat_map(|s| s.steps.iter());
    match lane {
        Lane::Goal => journey.stages.iter().any(|s| set(&s.goal)),
        Lane::Steps => steps.next().is_some(),
        Lane::Actions => steps.any(|s| set(&s.actions)),
        Lane::Touchpoints => steps.any(|s| !s.touchpoints.is_empty()),
        Lane::Thinking => steps.any(|s| set(&s.thinking)),
        Lane::Emotion => steps.any(|s| s.emotion.is_some() || !s.persona_emotions.is_empty()),
        Lane::PainPoints => steps.any(|s| !s.pain_points.is_empty()),
        Lane::Opportunities => steps.any(|s| !s.opportunities.is_empty()),
        Lane::Frontstage => steps.any(|s| set(&s.frontstage)),
        Lane::Backstage => steps.any(|s| set(&s.backstage)),
        Lane::Support => steps.any(|s| set(&s.support)),
    }
}

/// Lanes the customer never sees sit below the line of visibility.
pub(super) fn below_line(lane: Lane) -> bool {
    matches!(lane, Lane::Backstage | Lane::Support)
}

fn lane_words(lane: Lane, who: &str) -> (&'static str, String) {
    match lane {
        Lane::Goal => ("Customer goal", format!("What {who} wants here")),
        Lane::Steps => ("Steps", "In the order they happen".into()),
        Lane::Actions => ("Actions", format!("What {who} does")),
        Lane::Touchpoints => ("Touchpoints", "Where, and on which channel".into()),
        Lane::Thinking => ("Thinking", format!("What {who} thinks")),
        Lane::Emotion => ("Emotion", format!("How {who} feels")),
        Lane::PainPoints => ("Pain points", format!("What gets in {who}\u{2019}s way")),
        Lane::Opportunities => ("Opportunities", "What we could do better".into()),
        Lane::Frontstage => (
            "Frontstage",
            format!("What our people do in {who}\u{2019}s view"),
        ),
        Lane::Backstage => ("Backstage", "What the business does out of sight".into()),
        Lane::Support => ("Support processes", "Systems and partners behind it".into()),
    }
}

/// Personas with their own scores on some step, other than the first (the solid curve).
fn extra_curves(map: &Layout) -> Vec<ExtraCurve> {
    let first = map.ctx.personas.first().map(|p| p.id.as_str());
    let mut keys: Vec<&str> = Vec::new();
    for cell in &map.steps {
        for key in cell.step.persona_emotions.keys() {
            if Some(key.as_str()) != first && !keys.contains(&key.as_str()) {
                keys.push(key);
            }
        }
    }
    let rank = |k: &str| {
        map.ctx
            .personas
            .iter()
            .position(|p| p.id == k)
            .unwrap_or(usize::MAX)
    };
    keys.sort_by(|a, b| rank(a).cmp(&rank(b)).then(a.cmp(b)));
    let label_w = emotion_label_w(&map.scale);
    keys.iter()
        .enumerate()
        .map(|(i, key)| {
            let persona = map.ctx.personas.iter().find(|p| p.id == *key);
            let name = persona.map_or(*key, |p| p.name.as_str());
            let name = Text::new(name, 13.0, label_w - 44.0, Weight::Regular, INK);
            ExtraCurve {
                key: key.to_string(),
                name,
                dash: DASHES[i % DASHES.len()],
            }
        })
        .collect()
}

#[cfg(test)]
mod palette_tests {
    use super::palette_index;

    #[test]
    fn stage_colours_run_in_order_for_any_vocabulary() {
        assert_eq!(
            (0..6).map(|i| palette_index(i, 6)).collect::<Vec<_>>(),
            [0, 1, 2, 3, 4, 5]
        );
        let eight: Vec<usize> = (0..8).map(|i| palette_index(i, 8)).collect();
        assert_eq!(eight.first(), Some(&0));
        assert_eq!(eight.last(), Some(&5));
        assert!(eight.windows(2).all(|w| w[0] <= w[1]), "{eight:?}");
    }
}
