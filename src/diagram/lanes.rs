//! Drawing the grid: stage trays and bands, lane labels, and the card lanes.
//!
//! Every position comes from `Layout`; these functions only turn measured boxes into SVG.
//! Each card in a lane stretches to the lane's height, so the grid stays square and an empty
//! cell simply shows the tray behind it.

use super::cells::{chip_metrics, chips_layout, FlagItem, StepCell, TagKind, ITEM_GAP, STACK_SEP};
use super::glyphs::{bars, channel_badge, evidence_mark, star, transition_glyph};
use super::layout::{LaneRow, Layout};
use super::style::*;
use super::svg::{Anchor, Canvas, Rect, N};
use super::text::{Text, Weight};
use crate::model::{Lane, Level};

pub(super) fn draw_stages(c: &mut Canvas, m: &Layout, prefix: &str) {
    c.open_group(prefix, "stages");
    for s in &m.stages {
        let (x, y, w, bh) = (s.x, m.band_y, s.w, m.band_h);
        c.rect((x, y, w, m.bottom - y), 12.0, s.tray, None);
        c.put(format_args!(
            "<path d=\"M{} {}V{}a12 12 0 0 1 12-12H{}a12 12 0 0 1 12 12V{}z\" fill=\"{}\"/>",
            N(x),
            N(y + bh),
            N(y + 12.0),
            N(x + w - 12.0),
            N(y + bh),
            s.band
        ));
        let top = y + (bh - s.name_text.height) / 2.0;
        c.text(
            &s.name_text,
            x + 16.0,
            top,
            Anchor::Start,
            Some((x, y, w, bh)),
        );
    }
    c.close_group();
}

pub(super) fn draw_lane_labels(c: &mut Canvas, m: &Layout, prefix: &str) {
    c.open_group(prefix, "lane-labels");
    for (i, row) in m.lanes.iter().enumerate() {
        let after_line = i > 0
            && m.visibility
                .is_some_and(|(vy, _)| row.y > vy && m.lanes[i - 1].y < vy);
        if i > 0 && !after_line {
            c.put(format_args!(
                "<path d=\"M{} {}H{}\" stroke=\"{GRID}\" stroke-width=\"1.5\"/>",
                N(MARGIN),
                N(row.y - LANE_GAP / 2.0),
                N(MARGIN + LABEL_W)
            ));
        }
        let cell = Some((MARGIN, row.y, row.label_w, row.h));
        c.text(&row.label, MARGIN, row.y + PAD - 4.0, Anchor::Start, cell);
        c.text(
            &row.hint,
            MARGIN,
            row.y + PAD - 2.0 + row.label.height,
            Anchor::Start,
            cell,
        );
    }
    if let Some((vy, above)) = m.visibility {
        c.put(format_args!(
            "<path d=\"M{} {}H{}\" stroke=\"{ZERO}\" stroke-width=\"1.5\" stroke-dasharray=\"8 6\"/>",
            N(MARGIN),
            N(vy),
            N(m.right)
        ));
        let label = Text::caps("Line of visibility", 11.0, LABEL_W, INK_2, 1.2);
        c.text(
            &label,
            MARGIN,
            vy - 19.0,
            Anchor::Start,
            Some((MARGIN, above, LABEL_W, vy - above)),
        );
    }
    c.close_group();
}

/// One card lane (everything but the emotion chart).
pub(super) fn draw_card_lane(c: &mut Canvas, m: &Layout, row: &LaneRow, prefix: &str) {
    c.open_group(prefix, lane_id(row.lane));
    match row.lane {
        Lane::Goal => draw_goals(c, m, row),
        Lane::Steps => m
            .steps
            .iter()
            .enumerate()
            .for_each(|(i, s)| draw_step(c, m, row, s, i + 1)),
        Lane::Actions => text_cells(c, m, row, |s| s.actions.as_ref(), CARD, Some(CARD_LINE)),
        Lane::Touchpoints => m.steps.iter().for_each(|s| draw_touchpoints(c, row, s)),
        Lane::Thinking => m.steps.iter().for_each(|s| draw_thinking(c, row, s)),
        Lane::PainPoints => m
            .steps
            .iter()
            .for_each(|s| draw_flags(c, row, s.x, &s.pains, &PAIN)),
        Lane::Opportunities => m
            .steps
            .iter()
            .for_each(|s| draw_flags(c, row, s.x, &s.opportunities, &OPP)),
        Lane::Frontstage => text_cells(c, m, row, |s| s.frontstage.as_ref(), CARD, Some(CARD_LINE)),
        Lane::Backstage => text_cells(c, m, row, |s| s.backstage.as_ref(), BACK_FILL, None),
        Lane::Support => text_cells(c, m, row, |s| s.support.as_ref(), BACK_FILL, None),
        Lane::Emotion => {}
    }
    c.close_group();
}

pub(super) fn lane_id(lane: Lane) -> &'static str {
    match lane {
        Lane::Goal => "lane-goal",
        Lane::Steps => "lane-steps",
        Lane::Actions => "lane-actions",
        Lane::Touchpoints => "lane-touchpoints",
        Lane::Thinking => "lane-thinking",
        Lane::Emotion => "lane-emotion",
        Lane::PainPoints => "lane-pain-points",
        Lane::Opportunities => "lane-opportunities",
        Lane::Frontstage => "lane-frontstage",
        Lane::Backstage => "lane-backstage",
        Lane::Support => "lane-support",
    }
}

fn draw_goals(c: &mut Canvas, m: &Layout, row: &LaneRow) {
    for s in &m.stages {
        let Some(goal) = &s.goal else { continue };
        let card = (s.x + TRAY_PAD, row.y, s.w - 2.0 * TRAY_PAD, row.h);
        c.rect(card, RADIUS, CARD, Some((CARD_LINE, 1.0)));
        c.rect((card.0, row.y, 5.0, row.h), 2.5, s.band, None);
        c.text(
            goal,
            card.0 + PAD + 6.0,
            row.y + PAD,
            Anchor::Start,
            Some(card),
        );
    }
}

fn draw_step(c: &mut Canvas, m: &Layout, row: &LaneRow, s: &StepCell, number: usize) {
    let (x, y, h) = (s.x, row.y, row.h);
    let band = m
        .stages
        .get(s.stage)
        .map_or(STAGE_COLOURS[0].0, |st| st.band);
    let card = (x, y, CARD_W, h);
    c.rect(card, RADIUS, CARD, Some((CARD_LINE, 1.0)));
    c.put(format_args!(
        "<path d=\"M{} {}V{}a{r} {r} 0 0 1 {r}-{r}H{}a{r} {r} 0 0 1 {r} {r}V{}z\" fill=\"{band}\"/>",
        N(x),
        N(y + 5.0),
        N(y + RADIUS),
        N(x + CARD_W - RADIUS),
        N(y + 5.0),
        r = N(RADIUS)
    ));
    c.rect((x, y + 4.0, CARD_W, 1.5), 0.0, band, None);
    let num = Text::caps(&format!("{number:02}"), 13.0, 60.0, band, 0.8);
    c.text(&num, x + PAD, y + PAD + 2.0, Anchor::Start, Some(card));
    evidence_mark(
        c,
        x + CARD_W - PAD - 6.0,
        y + PAD + 10.0,
        s.step.evidence_level(),
        6.0,
        INK_2,
    );
    c.text(&s.title, x + PAD, y + PAD + 22.0, Anchor::Start, Some(card));
    // flags sit on the card's foot, so they line up across the row
    for (k, tag) in s.tags.iter().rev().enumerate() {
        let my = y + h - PAD - CHIP_H - k as f32 * (CHIP_H + 6.0);
        let pill = (x + PAD, my, tag.width(), CHIP_H);
        c.rect(pill, CHIP_H / 2.0, "#FFFFFF", Some((INK, 1.4)));
        let (gx, gy) = (x + PAD + 13.0, my + CHIP_H / 2.0);
        match tag.kind {
            TagKind::Moment => star(c, gx, gy, 6.5, INK, "none"),
            TagKind::Transition(kind) => transition_glyph(c, kind, gx, gy, 5.0, INK),
        }
        let lx = x + PAD + 24.0 + (tag.label.width + 4.0) / 2.0;
        c.text(&tag.label, lx, my + 6.0, Anchor::Middle, Some(pill));
    }
}

fn text_cells<'a>(
    c: &mut Canvas,
    m: &'a Layout,
    row: &LaneRow,
    text: impl Fn(&'a StepCell) -> Option<&'a Text>,
    fill: &str,
    stroke: Option<&str>,
) {
    for s in &m.steps {
        let Some(t) = text(s) else { continue };
        let card = (s.x, row.y, CARD_W, row.h);
        c.rect(card, RADIUS, fill, stroke.map(|l| (l, 1.0)));
        c.text(t, s.x + PAD, row.y + PAD, Anchor::Start, Some(card));
    }
}

fn draw_touchpoints(c: &mut Canvas, row: &LaneRow, s: &StepCell) {
    if s.touchpoints.is_empty() {
        return;
    }
    let card = (s.x, row.y, CARD_W, row.h);
    c.rect(card, RADIUS, CARD, Some((CARD_LINE, 1.0)));
    let (x, mut by) = (s.x + PAD, row.y + PAD);
    for (i, tp) in s.touchpoints.iter().enumerate() {
        if i > 0 {
            let ly = by - STACK_SEP / 2.0;
            c.put(format_args!(
                "<path d=\"M{} {}H{}\" stroke=\"{GRID}\" stroke-width=\"1\"/>",
                N(x),
                N(ly),
                N(x + TEXT_W)
            ));
        }
        channel_badge(c, x, by, tp.icon);
        c.text(&tp.channel, x + 36.0, by + 6.8, Anchor::Start, Some(card));
        c.text(&tp.name, x, by + tp.head_h, Anchor::Start, Some(card));
        if let Some(owner) = &tp.owner {
            c.text(
                owner,
                x,
                by + tp.head_h + tp.name.height + 4.0,
                Anchor::Start,
                Some(card),
            );
        }
        by += tp.h + STACK_SEP;
    }
}

/// A speech bubble whose tail points down at the emotion curve: a card, the border cut
/// where the tail opens, and the tail. (One path drew it before; as a card it is one of the
/// shapes the PNG draws itself, which made a map's PNG ~7% quicker.)
fn draw_thinking(c: &mut Canvas, row: &LaneRow, s: &StepCell) {
    let Some(t) = &s.thinking else { return };
    let (x, y, h) = (s.x, row.y, row.h - 10.0);
    c.rect((x, y, CARD_W, h), RADIUS, CARD, Some((CARD_LINE, 1.0)));
    // the tail opens between x + 29 and x + 42; its path runs on along the border a little
    // either side, so the round joins meet the border as one outline did
    c.rect((x + 29.0, y + h - 0.5, 13.0, 1.0), 0.0, CARD, None);
    c.put(format_args!(
        "<path d=\"M{} {}H{}l-13 10v-10H{}\" fill=\"{CARD}\" stroke=\"{CARD_LINE}\" stroke-linejoin=\"round\"/>",
        N(x + 44.0),
        N(y + h),
        N(x + 42.0),
        N(x + 27.0),
    ));
    c.text(t, x + PAD, y + PAD, Anchor::Start, Some((x, y, CARD_W, h)));
}

/// Pain points or opportunities, stacked; the last card stretches to the lane's foot and
/// keeps its chips there, so single items line up across the row.
fn draw_flags(c: &mut Canvas, row: &LaneRow, x: f32, items: &[FlagItem], colours: &Flag) {
    let mut iy = row.y;
    for (i, item) in items.iter().enumerate() {
        let last = i + 1 == items.len();
        let h = if last { row.y + row.h - iy } else { item.h };
        let card = (x, iy, CARD_W, h);
        c.rect(card, RADIUS, colours.fill, Some((colours.line, 1.0)));
        c.text(&item.text, x + PAD, iy + PAD, Anchor::Start, Some(card));
        let mut below = iy + PAD + item.text.height;
        if let Some(owner) = &item.owner {
            c.text(owner, x + PAD, below + 4.0, Anchor::Start, Some(card));
            below += 4.0 + owner.height;
        }
        let (chips_h, per_row) = chips_layout(item.chips.len());
        let cy = if last {
            iy + h - PAD - chips_h
        } else {
            below + 10.0
        };
        for (k, (label, level)) in item.chips.iter().enumerate() {
            let cw = chip_metrics().w;
            let at = (
                x + PAD + (k % per_row) as f32 * (cw + 6.0),
                cy + (k / per_row) as f32 * (CHIP_H + 6.0),
            );
            chip(c, at, label, *level, colours);
        }
        iy += h + ITEM_GAP;
    }
}

/// A pill: label, three level bars, the level in words.
fn chip(c: &mut Canvas, (x, y): (f32, f32), label: &str, level: Level, colours: &Flag) {
    let cm = chip_metrics();
    let pill: Rect = (x, y, cm.w, CHIP_H);
    c.rect(pill, CHIP_H / 2.0, "#FFFFFF", Some((colours.line, 1.2)));
    let name = Text::new(label, SMALL, 100.0, Weight::Regular, colours.text).with_lh(1.0);
    c.text(&name, x + 10.0, y + 6.0, Anchor::Start, Some(pill));
    let bx = x + 10.0 + cm.label_w + 8.0;
    bars(c, bx, y + 6.5, level, colours.accent);
    let value = Text::new(level.word(), SMALL, 100.0, Weight::Bold, colours.text).with_lh(1.0);
    c.text(&value, bx + 24.0, y + 6.0, Anchor::Start, Some(pill));
}
