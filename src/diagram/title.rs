//! The title block: what the map is, whose journey it is, and how much to trust it.
//!
//! The facts (personas, state, review date, evidence legend) hug the right edge beside the
//! title, as in the design. When the title is long or the map is narrow they move below it
//! instead, wrapping into rows, so nothing ever overlaps however long the words are.

use super::glyphs::evidence_mark;
use super::style::*;
use super::svg::{Anchor, Canvas, Rect, N};
use super::text::{Text, Weight};
use super::MapContext;
use crate::model::{EvidenceLevel, Journey, JourneyState, Persona};

const FACT_GAP: f32 = 48.0;
const MIN_TITLE_W: f32 = 560.0;
const MIN_CONTENT_W: f32 = 640.0;

struct Avatar {
    initials: Text,
    colour: String,
    name: Text,
    role: Text,
    w: f32,
}

enum FactKind {
    Personas(Vec<Avatar>),
    State(Text),
    Reviewed(Text),
    Evidence(Vec<(EvidenceLevel, Text)>),
}

struct Fact {
    head: Text,
    kind: FactKind,
    w: f32,
    h: f32,
    /// Top-left, once placed.
    at: (f32, f32),
}

pub(super) struct TitleBlock {
    kicker: Text,
    title: Text,
    scenario: Text,
    facts: Vec<Fact>,
    /// Height below the top margin.
    pub height: f32,
    /// Right edge of the picture's content (at least the grid's).
    pub right: f32,
}

impl TitleBlock {
    pub(super) fn new(journey: &Journey, ctx: &MapContext, grid_right: f32) -> TitleBlock {
        let mut facts = measure_facts(journey, ctx);
        let widest = facts.iter().map(|f| f.w).fold(0.0, f32::max);
        let right = grid_right.max(MARGIN + MIN_CONTENT_W.max(widest));
        let content_w = right - MARGIN;
        let facts_w =
            facts.iter().map(|f| f.w).sum::<f32>() + FACT_GAP * (facts.len().max(1) - 1) as f32;
        let side = content_w - facts_w - FACT_GAP >= MIN_TITLE_W;
        let text_w = if side {
            content_w - facts_w - FACT_GAP
        } else {
            content_w
        };
        let kicker = Text::caps("Customer journey map", SMALL, 400.0, INK_3, 1.6);
        let title =
            Text::new(&journey.title, 46.0, text_w.min(1300.0), Weight::Bold, INK).with_lh(1.15);
        let scenario = Text::new(
            &quoted(&journey.scenario),
            17.0,
            text_w.min(1000.0),
            Weight::Regular,
            INK_2,
        );
        let text_h = 22.0
            + title.height
            + if scenario.is_empty() {
                0.0
            } else {
                4.0 + scenario.height
            };
        let height = if side {
            place_row(&mut facts, right - facts_w, MARGIN + 14.0);
            text_h.max(14.0 + row_h(&facts))
        } else {
            text_h + 24.0 + place_rows(&mut facts, right, MARGIN + text_h + 24.0)
        };
        TitleBlock {
            kicker,
            title,
            scenario,
            facts,
            height,
            right,
        }
    }

    pub(super) fn draw(&self, c: &mut Canvas) {
        let area = Some((MARGIN, MARGIN, self.right - MARGIN, self.height));
        c.text(&self.kicker, MARGIN, MARGIN, Anchor::Start, area);
        c.text(&self.title, MARGIN, MARGIN + 20.0, Anchor::Start, area);
        c.text(
            &self.scenario,
            MARGIN,
            MARGIN + 24.0 + self.title.height,
            Anchor::Start,
            area,
        );
        for (i, fact) in self.facts.iter().enumerate() {
            let (x, y) = fact.at;
            if i > 0 && self.facts[i - 1].at.1 == y {
                let h = row_h(&self.facts);
                c.put(format_args!(
                    "<path d=\"M{} {}v{}\" stroke=\"{GRID}\" stroke-width=\"1.5\"/>",
                    N(x - FACT_GAP / 2.0),
                    N(y),
                    N(h)
                ));
            }
            draw_fact(c, fact, area);
        }
    }
}

/// The scenario in curly quotes, unless the author already quoted it.
fn quoted(s: &str) -> String {
    let s = s.trim();
    if s.is_empty() || s.starts_with(['"', '\u{201C}', '\u{201E}', '\'', '\u{2018}', '\u{AB}']) {
        return s.to_string();
    }
    format!("\u{201C}{s}\u{201D}")
}

fn head(s: &str) -> Text {
    Text::caps(s, SMALL, 300.0, INK_3, 1.2)
}

fn measure_facts(journey: &Journey, ctx: &MapContext) -> Vec<Fact> {
    let mut facts = Vec::new();
    if !ctx.personas.is_empty() {
        facts.push(persona_fact(&ctx.personas));
    }
    facts.push(state_fact(journey));
    facts.push(reviewed_fact(ctx));
    facts.push(evidence_fact());
    facts
}

fn fact(head: Text, kind: FactKind, w: f32, h: f32) -> Fact {
    let w = w.max(head.width);
    Fact {
        head,
        kind,
        w,
        h,
        at: (0.0, 0.0),
    }
}

fn persona_fact(personas: &[&Persona]) -> Fact {
    let shown: Vec<Avatar> = if personas.len() <= 2 {
        personas.iter().map(|p| avatar(p, &p.name)).collect()
    } else {
        vec![avatar(
            personas[0],
            &format!("{} + {} more", personas[0].name, personas.len() - 1),
        )]
    };
    let w = shown.iter().map(|a| a.w).sum::<f32>() + 24.0 * (shown.len() - 1) as f32;
    let h = shown
        .iter()
        .map(|a| (16.0 + a.name.height + 0.4 + a.role.height).max(60.0))
        .fold(0.0, f32::max);
    let head = head(if personas.len() == 1 {
        "Persona"
    } else {
        "Personas"
    });
    let w = w.max(72.0 + head.width);
    fact(head, FactKind::Personas(shown), w, h)
}

fn avatar(p: &Persona, name: &str) -> Avatar {
    let colour = p
        .colour
        .as_deref()
        .and_then(parse_hex)
        .map_or(PERSONA_COLOUR.to_string(), |(r, g, b)| {
            format!("#{r:02X}{g:02X}{b:02X}")
        });
    let letters = initials(p);
    let mut initials = Text::new(&letters, 20.0, 400.0, Weight::Bold, on(&colour)).with_lh(1.0);
    if initials.width > 46.0 {
        let size = (20.0 * 46.0 / initials.width).floor();
        initials = Text::new(&letters, size, 400.0, Weight::Bold, on(&colour)).with_lh(1.0);
    }
    let name = Text::new(name, 20.0, 260.0, Weight::Bold, INK);
    let role = Text::new(&p.role, 15.0, 260.0, Weight::Regular, INK_2);
    let w = 72.0 + name.width.max(role.width);
    Avatar {
        initials,
        colour,
        name,
        role,
        w,
    }
}

/// `Persona.initials`, else the first letters of the first two words of the name.
fn initials(p: &Persona) -> String {
    if let Some(i) = p
        .initials
        .as_deref()
        .map(str::trim)
        .filter(|i| !i.is_empty())
    {
        return i.chars().filter(|c| !c.is_whitespace()).take(3).collect();
    }
    let letters = p
        .name
        .split_whitespace()
        .take(2)
        .filter_map(|w| w.chars().next());
    letters.flat_map(char::to_uppercase).collect()
}

fn state_fact(journey: &Journey) -> Fact {
    let state = Text::new(state_words(journey), 15.0, 300.0, Weight::SemiBold, INK);
    let w = state.width + 34.0;
    fact(head("State"), FactKind::State(state), w, 58.0)
}

fn reviewed_fact(ctx: &MapContext) -> Fact {
    let (words, colour) = match (&ctx.reviewed, ctx.stale) {
        (Some(date), false) => (date.clone(), INK),
        (Some(date), true) => (format!("{date} \u{b7} overdue"), PAIN.text),
        (None, _) => ("Not reviewed".to_string(), PAIN.text),
    };
    let when = Text::new(&words, 17.0, 300.0, Weight::SemiBold, colour);
    let (w, h) = (when.width, 30.0 + when.height);
    fact(head("Last reviewed"), FactKind::Reviewed(when), w, h)
}

fn evidence_fact() -> Fact {
    let levels = [
        EvidenceLevel::Assumption,
        EvidenceLevel::PartlyBacked,
        EvidenceLevel::ResearchBacked,
    ];
    let items: Vec<_> = levels
        .iter()
        .map(|l| (*l, Text::new(l.word(), 15.0, 300.0, Weight::Regular, INK)))
        .collect();
    let w =
        items.iter().map(|(_, t)| 20.0 + t.width).sum::<f32>() + 20.0 * (items.len() - 1) as f32;
    fact(head("Evidence"), FactKind::Evidence(items), w, 52.0)
}

fn row_h(facts: &[Fact]) -> f32 {
    facts.iter().map(|f| f.h).fold(0.0, f32::max)
}

fn place_row(facts: &mut [Fact], mut x: f32, y: f32) {
    for f in facts {
        f.at = (x, y);
        x += f.w + FACT_GAP;
    }
}

/// Left to right from the margin, a new row when the next fact would pass `right`.
/// Returns the total height of the rows.
fn place_rows(facts: &mut [Fact], right: f32, top: f32) -> f32 {
    let (mut x, mut y, mut row, mut total) = (MARGIN, top, 0.0f32, 0.0);
    for f in facts.iter_mut() {
        if x > MARGIN && x + f.w > right {
            y += row + 24.0;
            total += row + 24.0;
            (x, row) = (MARGIN, 0.0);
        }
        f.at = (x, y);
        x += f.w + FACT_GAP;
        row = row.max(f.h);
    }
    total + row
}

fn draw_fact(c: &mut Canvas, f: &Fact, area: Option<Rect>) {
    let (x, fy) = f.at;
    match &f.kind {
        FactKind::Personas(list) => {
            c.text(&f.head, x + 72.0, fy, Anchor::Start, area);
            let mut bx = x;
            for a in list {
                draw_avatar(c, a, bx, fy, area);
                bx += a.w + 24.0;
            }
        }
        FactKind::State(state) => draw_state(c, &f.head, state, x, fy, area),
        FactKind::Reviewed(when) => {
            c.text(&f.head, x, fy, Anchor::Start, area);
            c.text(when, x, fy + 30.0, Anchor::Start, area);
        }
        FactKind::Evidence(items) => {
            c.text(&f.head, x, fy, Anchor::Start, area);
            let mut ex = x;
            for (level, t) in items {
                evidence_mark(c, ex + 7.0, fy + 42.0, *level, 7.0, INK_2);
                c.text(t, ex + 20.0, fy + 31.0, Anchor::Start, area);
                ex += 20.0 + t.width + 20.0;
            }
        }
    }
}

fn draw_avatar(c: &mut Canvas, a: &Avatar, x: f32, fy: f32, area: Option<Rect>) {
    c.circle(x + 30.0, fy + 30.0, 30.0, &a.colour, None);
    let disc = Some((x, fy, 60.0, 60.0));
    c.text(
        &a.initials,
        x + 30.0,
        fy + 30.0 - a.initials.height / 2.0,
        Anchor::Middle,
        disc,
    );
    c.text(&a.name, x + 72.0, fy + 16.0, Anchor::Start, area);
    c.text(
        &a.role,
        x + 72.0,
        fy + 16.4 + a.name.height,
        Anchor::Start,
        area,
    );
}

fn draw_state(c: &mut Canvas, head: &Text, state: &Text, x: f32, fy: f32, area: Option<Rect>) {
    c.text(head, x, fy, Anchor::Start, area);
    let pill = (x, fy + 26.0, state.width + 34.0, 32.0);
    c.rect(pill, 16.0, "#FFFFFF", Some((INK, 1.5)));
    c.circle(x + 15.0, fy + 42.0, 5.0, INK, None);
    c.text(
        state,
        x + 26.0 + state.width / 2.0,
        fy + 32.0,
        Anchor::Middle,
        Some(pill),
    );
}

pub(super) fn state_words(journey: &Journey) -> &'static str {
    match journey.state {
        JourneyState::Current => "Current state",
        JourneyState::Future => "Future state",
    }
}
