//! What goes in each step's cells, measured before anything is placed.
//!
//! A lane is as tall as its tallest cell, so every cell's content is wrapped and sized here
//! first; `layout` then only adds the heights up. Drawing code reads these same measured
//! texts, so what was measured is exactly what is drawn.

use super::glyphs::channel_icon;
use super::style::*;
use super::text::{Font, Text, Weight};
use crate::model::{
    ChannelDef, Level, Opportunity, PainPoint, SiteConfig, Step, Touchpoint, TransitionKind,
};
use std::sync::OnceLock;

/// Height of the channel row above a touchpoint's name, at least.
const CHANNEL_ROW: f32 = 38.0;
/// Space between stacked touchpoints (a thin rule sits in the middle).
pub(super) const STACK_SEP: f32 = 17.0;
/// Space between stacked pain-point or opportunity cards.
pub(super) const ITEM_GAP: f32 = 8.0;

/// A flag at the foot of a step header.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum TagKind {
    Moment,
    Transition(TransitionKind),
}

pub(super) struct Tag {
    pub kind: TagKind,
    pub label: Text,
}

impl Tag {
    fn new(kind: TagKind) -> Tag {
        let word = match kind {
            TagKind::Moment => "Moment of truth",
            TagKind::Transition(TransitionKind::Loop) => "Loops back",
            TagKind::Transition(TransitionKind::Skip) => "Skips ahead",
            TagKind::Transition(TransitionKind::Branch) => "Branches",
        };
        Tag {
            kind,
            label: Text::new(word, SMALL, 200.0, Weight::Bold, INK).with_lh(1.0),
        }
    }

    pub(super) fn width(&self) -> f32 {
        self.label.width + 34.0
    }
}

/// One touchpoint: a channel badge, the channel's name in capitals, the touchpoint's name.
pub(super) struct TouchBlock {
    pub icon: &'static str,
    pub channel: Text,
    pub name: Text,
    pub owner: Option<Text>,
    /// Top of the name, below the channel row.
    pub head_h: f32,
    pub h: f32,
}

impl TouchBlock {
    fn new(tp: &Touchpoint, channels: &[ChannelDef]) -> TouchBlock {
        let def = channels.iter().find(|c| c.id == tp.channel);
        let icon = channel_icon(def.and_then(|d| d.icon.as_deref()).unwrap_or(&tp.channel));
        let label = def.map_or(tp.channel.as_str(), |d| d.name.as_str());
        let channel = Text::caps(label, SMALL, TEXT_W - 36.0, INK_2, 1.1);
        let head_h = CHANNEL_ROW.max(6.8 + channel.height + 10.0);
        let name = Text::new(&tp.name, BODY, TEXT_W, Weight::Regular, INK);
        let owner = tp
            .owner
            .as_deref()
            .filter(|o| !o.trim().is_empty())
            .map(owner_text);
        let owner_h = owner.as_ref().map_or(0.0, |o| 4.0 + o.height);
        let h = head_h + name.height + owner_h;
        TouchBlock {
            icon,
            channel,
            name,
            owner,
            head_h,
            h,
        }
    }
}

fn owner_text(owner: &str) -> Text {
    Text::new(
        &format!("Owner: {owner}"),
        SMALL,
        TEXT_W,
        Weight::Regular,
        INK_3,
    )
}

/// One pain point or opportunity: its text, an optional owner, and level chips.
pub(super) struct FlagItem {
    pub text: Text,
    pub owner: Option<Text>,
    pub chips: Vec<(&'static str, Level)>,
    /// Natural height of its card.
    pub h: f32,
}

impl FlagItem {
    fn new(text: &str, owner: Option<&str>, chips: Vec<(&'static str, Level)>) -> FlagItem {
        let text = Text::new(text, BODY, TEXT_W, Weight::Regular, INK);
        let owner = owner.filter(|o| !o.trim().is_empty()).map(owner_text);
        let owner_h = owner.as_ref().map_or(0.0, |o| 4.0 + o.height);
        let h = PAD + text.height + owner_h + 10.0 + chips_layout(chips.len()).0 + PAD;
        FlagItem {
            text,
            owner,
            chips,
            h,
        }
    }

    fn pain(p: &PainPoint) -> FlagItem {
        FlagItem::new(&p.text, None, vec![("Severity", p.severity)])
    }

    fn opportunity(o: &Opportunity) -> FlagItem {
        let chips = vec![("Impact", o.customer_value), ("Effort", o.effort)];
        FlagItem::new(&o.text, o.owner.as_deref(), chips)
    }
}

/// Widths inside a chip; one chip width across the whole map, so chips line up.
pub(super) struct ChipMetrics {
    pub label_w: f32,
    pub w: f32,
}

pub(super) fn chip_metrics() -> &'static ChipMetrics {
    static CHIP: OnceLock<ChipMetrics> = OnceLock::new();
    CHIP.get_or_init(|| {
        let (regular, bold) = (
            Font::new(SMALL, Weight::Regular),
            Font::new(SMALL, Weight::Bold),
        );
        let label_w = ["Severity", "Impact", "Effort"]
            .map(|t| regular.width(t))
            .into_iter()
            .fold(0.0, f32::max);
        let value_w = ["Low", "Medium", "High"]
            .map(|t| bold.width(t))
            .into_iter()
            .fold(0.0, f32::max);
        let w = 10.0 + label_w + 8.0 + 16.0 + 8.0 + value_w + 10.0;
        ChipMetrics { label_w, w }
    })
}

/// Height of `k` chips and how many sit on one row.
pub(super) fn chips_layout(k: usize) -> (f32, usize) {
    let per_row = if 2.0 * chip_metrics().w + 6.0 <= TEXT_W {
        2
    } else {
        1
    };
    let rows = k.div_ceil(per_row);
    if rows == 0 {
        return (0.0, per_row);
    }
    (rows as f32 * CHIP_H + (rows - 1) as f32 * 6.0, per_row)
}

/// Everything drawn in one step's column, measured.
pub(super) struct StepCell<'a> {
    pub step: &'a Step,
    /// Index into the layout's stages.
    pub stage: usize,
    /// Left edge of the column.
    pub x: f32,
    pub title: Text,
    pub tags: Vec<Tag>,
    pub actions: Option<Text>,
    pub touchpoints: Vec<TouchBlock>,
    pub thinking: Option<Text>,
    pub feeling: Option<Text>,
    pub pains: Vec<FlagItem>,
    pub opportunities: Vec<FlagItem>,
    pub frontstage: Option<Text>,
    pub backstage: Option<Text>,
    pub support: Option<Text>,
}

impl<'a> StepCell<'a> {
    pub(super) fn new(
        step: &'a Step,
        stage: usize,
        x: f32,
        config: &SiteConfig,
        feeling: Option<&str>,
    ) -> Self {
        let body = |s: &Option<String>, size: f32, fill: &str| {
            s.as_deref()
                .filter(|t| !t.trim().is_empty())
                .map(|t| Text::new(t, size, TEXT_W, Weight::Regular, fill))
        };
        StepCell {
            step,
            stage,
            x,
            title: Text::new(&step.title, STEP_TITLE, TEXT_W, Weight::Bold, INK),
            tags: Vec::new(),
            actions: body(&step.actions, BODY, INK),
            touchpoints: step
                .touchpoints
                .iter()
                .map(|t| TouchBlock::new(t, &config.channels))
                .collect(),
            thinking: step
                .thinking
                .as_deref()
                .filter(|t| !t.trim().is_empty())
                .map(|t| Text::italic(t, BODY, TEXT_W, INK)),
            feeling: feeling
                .filter(|f| !f.trim().is_empty())
                .map(|f| Text::new(f, 14.0, 160.0, Weight::SemiBold, INK).with_lh(1.2)),
            pains: step.pain_points.iter().map(FlagItem::pain).collect(),
            opportunities: step
                .opportunities
                .iter()
                .map(FlagItem::opportunity)
                .collect(),
            frontstage: body(&step.frontstage, 14.0, INK),
            backstage: body(&step.backstage, 14.0, BACK_TEXT),
            support: body(&step.support, 14.0, BACK_TEXT),
        }
    }

    /// Adds the header flags: moment of truth first, then one per kind of transition.
    pub(super) fn set_tags(&mut self, kinds: &[TransitionKind]) {
        if self.step.moment_of_truth {
            self.tags.push(Tag::new(TagKind::Moment));
        }
        for kind in [
            TransitionKind::Loop,
            TransitionKind::Skip,
            TransitionKind::Branch,
        ] {
            if kinds.contains(&kind) {
                self.tags.push(Tag::new(TagKind::Transition(kind)));
            }
        }
    }

    pub(super) fn cx(&self) -> f32 {
        self.x + CARD_W / 2.0
    }

    pub(super) fn header_h(&self) -> f32 {
        self.title.height + self.tags.len() as f32 * (CHIP_H + 8.0) + 24.0 + 2.0 * PAD
    }

    pub(super) fn touch_h(&self) -> f32 {
        stack_h(self.touchpoints.iter().map(|t| t.h), STACK_SEP)
    }

    pub(super) fn flags_h(items: &[FlagItem]) -> f32 {
        if items.is_empty() {
            return 0.0;
        }
        items.iter().map(|i| i.h).sum::<f32>() + (items.len() - 1) as f32 * ITEM_GAP
    }
}

/// Height of a padded card holding blocks stacked with `sep` between them; none → 0.
fn stack_h(heights: impl Iterator<Item = f32>, sep: f32) -> f32 {
    let (sum, k) = heights.fold((0.0, 0), |(s, k), h| (s + h, k + 1));
    if k == 0 {
        return 0.0;
    }
    2.0 * PAD + sum + (k - 1) as f32 * sep
}

/// A padded text card's height; none → 0.
pub(super) fn text_h(t: &Option<Text>, extra: f32) -> f32 {
    t.as_ref().map_or(0.0, |t| t.height + 2.0 * PAD + extra)
}
