//! The journey map picture: a journey in, an SVG (and its PNG, and a small thumbnail) out.
//!
//! Layout is measured first (`layout`, from `cells` and `text`), then drawn (`title`,
//! `lanes`, `emotion`, `transitions`), following the design in `shared/design/`. Nothing is
//! placed by hand: every box takes its size from its wrapped text, and every text block is
//! reported with the box it must stay inside, so tests can prove nothing overflows.

mod cells;
pub(crate) mod charts;
mod curve;
mod describe;
mod emotion;
#[cfg(test)]
mod fixtures;
mod fonts;
mod glyphs;
mod lanes;
mod layout;
mod mermaid;
mod png;
mod png_icons;
mod png_shapes;
mod png_text;
mod style;
mod svg;
#[cfg(test)]
mod tests;
mod text;
mod thumbnail;
mod title;
mod transitions;

use crate::model::{Journey, Lane, Persona, SiteConfig};
use layout::Layout;
use svg::{Canvas, Esc, N};

pub(crate) use mermaid::mermaid_journey_svg;
pub(crate) use png::render_png;
pub(crate) use png_text::clear_shared_caches;
pub(crate) use thumbnail::emotion_thumbnail;

/// What the map needs besides the journey itself, resolved by the caller.
pub(crate) struct MapContext<'a> {
    /// Prefix for every SVG id, e.g. "jm-first-purchase", so several maps share a page.
    pub id: &'a str,
    /// Stage and channel vocabularies, and the site's emotion scale.
    pub config: &'a SiteConfig,
    /// The journey's personas, resolved, in order (may be empty).
    pub personas: Vec<&'a Persona>,
    /// Display date for "Last reviewed", already formatted.
    pub reviewed: Option<String>,
    /// Flags the review date as overdue.
    pub stale: bool,
}

/// A drawn map and its measurements.
pub(crate) struct JourneyMap {
    pub svg: String,
    /// Size and text boxes are what the no-overflow tests check the layout against.
    #[cfg_attr(not(test), allow(dead_code))]
    pub width: f32,
    #[cfg_attr(not(test), allow(dead_code))]
    pub height: f32,
    #[cfg_attr(not(test), allow(dead_code))]
    pub text_boxes: Vec<TextBox>,
}

/// Every text block drawn, with the box it must stay inside (the card/pill/chip it sits
/// in), for tests.
#[derive(Clone, Debug)]
#[cfg_attr(not(test), allow(dead_code))]
pub(crate) struct TextBox {
    pub text: String,
    pub x: f32,
    pub y: f32,
    pub w: f32,
    pub h: f32,
    pub container: Option<(f32, f32, f32, f32)>,
}

/// Draws the journey map as a standalone, accessible SVG.
pub(crate) fn draw_journey(journey: &Journey, ctx: &MapContext) -> JourneyMap {
    let m = Layout::new(journey, ctx);
    let p = ctx.id;
    let (mut body, mut defs) = (Canvas::new(), Canvas::new());
    body.rect((0.0, 0.0, m.width, m.height), 0.0, style::PAGE, None);
    body.raw("\n");
    body.open_group(p, "title-block");
    m.title.draw(&mut body);
    body.close_group();
    lanes::draw_stages(&mut body, &m, p);
    lanes::draw_lane_labels(&mut body, &m, p);
    for row in &m.lanes {
        match (row.lane, &m.chart) {
            (Lane::Emotion, Some(chart)) => {
                emotion::gradient(&mut defs, chart, p);
                emotion::draw(&mut body, &m, row, chart, p);
            }
            _ => lanes::draw_card_lane(&mut body, &m, row, p),
        }
    }
    if !m.arches.is_empty() {
        transitions::arrow_marker(&mut defs, p);
        body.open_group(p, "transitions");
        let bounds = (style::MARGIN, m.width - style::MARGIN);
        transitions::draw(&mut body, &m.arches, m.band_y, bounds, p);
        body.close_group();
    }
    let svg = assemble(&m, &defs.out, &body.out);
    JourneyMap {
        svg,
        width: m.width,
        height: m.height,
        text_boxes: body.boxes,
    }
}

fn assemble(m: &Layout, defs: &str, body: &str) -> String {
    let (p, w, h) = (Esc(m.ctx.id), N(m.width), N(m.height));
    let mut out = String::with_capacity(body.len() + defs.len() + 2048);
    out.push_str("<svg xmlns=\"http://www.w3.org/2000/svg\"");
    let _ = std::fmt::Write::write_fmt(
        &mut out,
        format_args!(
            " viewBox=\"0 0 {w} {h}\" width=\"{w}\" height=\"{h}\" role=\"img\" aria-labelledby=\"{p}-title {p}-desc\" font-family=\"{}\">\n<title id=\"{p}-title\">{}</title>\n<desc id=\"{p}-desc\">{}</desc>\n<defs>{defs}</defs>\n{body}</svg>\n",
            style::FONT_STACK,
            Esc(&title_words(m)),
            Esc(&describe::describe(m)),
        ),
    );
    out
}

fn title_words(m: &Layout) -> String {
    let names: Vec<&str> = m.ctx.personas.iter().map(|p| p.name.as_str()).collect();
    if names.is_empty() {
        format!("{}: customer journey map", m.journey.title)
    } else {
        format!(
            "{}: customer journey map for {}",
            m.journey.title,
            names.join(" and ")
        )
    }
}
