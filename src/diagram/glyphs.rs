//! Small pictures drawn as paths: channel marks, the moment-of-truth star, transition
//! badges, evidence dots and level bars.
//!
//! They are paths rather than font characters so that no reader's font can drop or swap
//! them, and each one is always paired with words elsewhere (colour and shape never carry
//! meaning alone).

use super::style::{BADGE, INK};
use super::svg::{Canvas, N};
use crate::model::{EvidenceLevel, Level, TransitionKind};
use std::f32::consts::PI;

/// Channel marks on a 24 × 24 grid, stroked. Keys are the glyph names authors may write as a
/// channel's `icon`.
const ICONS: [(&str, &str); 15] = [
    ("social", "<circle cx=\"6\" cy=\"12\" r=\"2.6\"/><circle cx=\"17.5\" cy=\"5.5\" r=\"2.6\"/><circle cx=\"17.5\" cy=\"18.5\" r=\"2.6\"/><path d=\"M8.3 10.7 15.2 6.8M8.3 13.3 15.2 17.2\"/>"),
    ("web", "<circle cx=\"12\" cy=\"12\" r=\"9\"/><ellipse cx=\"12\" cy=\"12\" rx=\"3.8\" ry=\"9\"/><path d=\"M3 12h18\"/>"),
    ("email", "<rect x=\"3\" y=\"5.5\" width=\"18\" height=\"13\" rx=\"2\"/><path d=\"M3.8 7 12 13l8.2-6\"/>"),
    ("mobile", "<rect x=\"6.5\" y=\"2.5\" width=\"11\" height=\"19\" rx=\"2.2\"/><path d=\"M10.5 18.2h3\"/>"),
    ("store", "<path d=\"M3.5 9.5 5.2 4h13.6l1.7 5.5z\"/><path d=\"M5 9.5V20h14V9.5M10 20v-5h4v5\"/>"),
    ("support", "<path d=\"M4.5 14v-2a7.5 7.5 0 0 1 15 0v2\"/><rect x=\"3\" y=\"13\" width=\"4\" height=\"6\" rx=\"1.5\"/><rect x=\"17\" y=\"13\" width=\"4\" height=\"6\" rx=\"1.5\"/><path d=\"M19 19c0 2-1.5 2.5-4 2.5h-2\"/>"),
    ("phone", "<path d=\"M5.5 3.5h3l1.6 4.2-2 1.4a11 11 0 0 0 6.8 6.8l1.4-2 4.2 1.6v3a2 2 0 0 1-2 2A16.5 16.5 0 0 1 3.5 5.5a2 2 0 0 1 2-2z\"/>"),
    ("chat", "<path d=\"M4.5 4.5h15a1.5 1.5 0 0 1 1.5 1.5v9.5a1.5 1.5 0 0 1-1.5 1.5H10l-5 4v-4h-.5A1.5 1.5 0 0 1 3 15.5V6a1.5 1.5 0 0 1 1.5-1.5z\"/><path d=\"M7.5 9.5h9M7.5 12.5h6\"/>"),
    ("event", "<rect x=\"3.5\" y=\"5\" width=\"17\" height=\"15.5\" rx=\"2\"/><path d=\"M3.5 10h17M8 3v4M16 3v4M8 14h2M14 14h2M8 17h2\"/>"),
    ("ad", "<path d=\"M3.5 10v4h3l8 4.5v-13l-8 4.5z\"/><path d=\"M18 9a4 4 0 0 1 0 6M6.5 14l1.5 5.5h2.5L9.5 15\"/>"),
    ("print", "<path d=\"M6 3h8.5l4 4v14H6z\"/><path d=\"M14.5 3v4h4M9 11h6.5M9 14h6.5M9 17h4\"/>"),
    ("app", "<rect x=\"4\" y=\"4\" width=\"7\" height=\"7\" rx=\"1.8\"/><rect x=\"13\" y=\"4\" width=\"7\" height=\"7\" rx=\"1.8\"/><rect x=\"4\" y=\"13\" width=\"7\" height=\"7\" rx=\"1.8\"/><rect x=\"13\" y=\"13\" width=\"7\" height=\"7\" rx=\"1.8\"/>"),
    ("video", "<rect x=\"3\" y=\"5\" width=\"18\" height=\"14\" rx=\"2.5\"/><path d=\"M10 9v6l5-3z\"/>"),
    ("sales", "<circle cx=\"12\" cy=\"8\" r=\"4\"/><path d=\"M4.5 20.5a7.5 7.5 0 0 1 15 0\"/>"),
    ("partner", "<circle cx=\"8.5\" cy=\"8.5\" r=\"3\"/><circle cx=\"15.5\" cy=\"8.5\" r=\"3\"/><path d=\"M3 19a5.5 5.5 0 0 1 11 0M10 19a5.5 5.5 0 0 1 11 0\"/>"),
];

/// Drawn for a channel that names no known glyph.
const GENERIC: &str = "<circle cx=\"12\" cy=\"12\" r=\"4.5\"/>";

/// Other words authors use for the same channels.
const ALIASES: [(&str, &str); 30] = [
    ("instagram", "social"),
    ("facebook", "social"),
    ("tiktok", "social"),
    ("twitter", "social"),
    ("linkedin", "social"),
    ("website", "web"),
    ("online", "web"),
    ("search", "web"),
    ("newsletter", "email"),
    ("sms", "chat"),
    ("text", "chat"),
    ("whatsapp", "chat"),
    ("messaging", "chat"),
    ("live-chat", "chat"),
    ("shop", "store"),
    ("retail", "store"),
    ("in-store", "store"),
    ("branch", "store"),
    ("call", "phone"),
    ("call-centre", "phone"),
    ("call-center", "phone"),
    ("helpdesk", "support"),
    ("webinar", "event"),
    ("tv", "video"),
    ("youtube", "video"),
    ("advert", "ad"),
    ("ads", "ad"),
    ("mail", "print"),
    ("agent", "sales"),
    ("reseller", "partner"),
];

/// The glyph markup for a channel: its `icon` if set, else its id; unknown → a dot.
pub(super) fn channel_icon(name: &str) -> &'static str {
    let key = name.trim().to_ascii_lowercase();
    let key = ALIASES
        .iter()
        .find(|(a, _)| *a == key)
        .map_or(key.as_str(), |(_, g)| *g);
    ICONS
        .iter()
        .find(|(k, _)| *k == key)
        .map_or(GENERIC, |(_, svg)| *svg)
}

/// A round badge holding the channel glyph; the channel's name is always written beside it.
pub(super) fn channel_badge(c: &mut Canvas, x: f32, y: f32, icon: &str) {
    let size = 28.0;
    let glyph = size * 0.72;
    let s = glyph / 24.0;
    let off = (size - glyph) / 2.0;
    c.circle(x + size / 2.0, y + size / 2.0, size / 2.0, BADGE, None);
    c.put(format_args!(
        "<g transform=\"translate({} {}) scale({:.3})\" fill=\"none\" stroke=\"{}\" stroke-width=\"{:.2}\" stroke-linecap=\"round\" stroke-linejoin=\"round\">{}</g>",
        N(x + off),
        N(y + off),
        s,
        INK,
        1.7 / s,
        icon
    ));
}

/// A five-pointed star centred on (cx, cy).
pub(super) fn star(c: &mut Canvas, cx: f32, cy: f32, r: f32, fill: &str, stroke: &str) {
    c.raw("<polygon points=\"");
    for i in 0..10 {
        let a = PI / 2.0 + i as f32 * PI / 5.0;
        let rr = if i % 2 == 0 { r } else { r * 0.45 };
        let sep = if i == 0 { "" } else { " " };
        c.put(format_args!(
            "{sep}{},{}",
            N(cx + rr * a.cos()),
            N(cy - rr * a.sin())
        ));
    }
    c.put(format_args!(
        "\" fill=\"{fill}\" stroke=\"{stroke}\" stroke-width=\"1.5\" stroke-linejoin=\"round\"/>"
    ));
}

/// A circular arrow: "this goes back".
pub(super) fn loop_glyph(c: &mut Canvas, cx: f32, cy: f32, r: f32, colour: &str) {
    let (a0, a1) = (50f32.to_radians(), 340f32.to_radians());
    let (sx, sy) = (cx + r * a0.cos(), cy - r * a0.sin());
    let (ex, ey) = (cx + r * a1.cos(), cy - r * a1.sin());
    let (head, w) = (0.75 * r, if r >= 7.0 { 2.2 } else { 1.8 });
    c.put(format_args!(
        "<path d=\"M{} {}A{} {} 0 1 0 {} {}\" fill=\"none\" stroke=\"{colour}\" stroke-width=\"{}\" stroke-linecap=\"round\"/>",
        N(sx), N(sy), N(r), N(r), N(ex), N(ey), N(w)
    ));
    c.put(format_args!(
        "<path d=\"M{} {}L{} {}L{} {}\" fill=\"none\" stroke=\"{colour}\" stroke-width=\"{}\" stroke-linecap=\"round\" stroke-linejoin=\"round\"/>",
        N(sx - head), N(sy - 0.5), N(sx), N(sy), N(sx + 0.5), N(sy - head), N(w)
    ));
}

/// Two chevrons: "this jumps ahead".
pub(super) fn skip_glyph(c: &mut Canvas, cx: f32, cy: f32, r: f32, colour: &str) {
    let (h, w) = (0.7 * r, if r >= 7.0 { 2.2 } else { 1.8 });
    c.put(format_args!(
        "<path d=\"M{} {}L{} {}L{} {}M{} {}L{} {}L{} {}\" fill=\"none\" stroke=\"{colour}\" stroke-width=\"{}\" stroke-linecap=\"round\" stroke-linejoin=\"round\"/>",
        N(cx - r * 0.8), N(cy - h), N(cx - r * 0.1), N(cy), N(cx - r * 0.8), N(cy + h),
        N(cx + r * 0.1), N(cy - h), N(cx + r * 0.8), N(cy), N(cx + r * 0.1), N(cy + h), N(w)
    ));
}

/// A fork: "the path splits here".
pub(super) fn branch_glyph(c: &mut Canvas, cx: f32, cy: f32, r: f32, colour: &str) {
    let w = if r >= 7.0 { 2.2 } else { 1.8 };
    c.put(format_args!(
        "<path d=\"M{} {}H{}M{} {}C{} {} {} {} {} {}M{} {}C{} {} {} {} {} {}\" fill=\"none\" stroke=\"{colour}\" stroke-width=\"{}\" stroke-linecap=\"round\"/>",
        N(cx - r), N(cy), N(cx - r * 0.2),
        N(cx - r * 0.2), N(cy), N(cx + r * 0.3), N(cy), N(cx + r * 0.3), N(cy - r * 0.75), N(cx + r), N(cy - r * 0.75),
        N(cx - r * 0.2), N(cy), N(cx + r * 0.3), N(cy), N(cx + r * 0.3), N(cy + r * 0.75), N(cx + r), N(cy + r * 0.75),
        N(w)
    ));
}

/// The badge glyph for a kind of transition.
pub(super) fn transition_glyph(
    c: &mut Canvas,
    kind: TransitionKind,
    cx: f32,
    cy: f32,
    r: f32,
    colour: &str,
) {
    match kind {
        TransitionKind::Loop => loop_glyph(c, cx, cy, r, colour),
        TransitionKind::Skip => skip_glyph(c, cx, cy, r, colour),
        TransitionKind::Branch => branch_glyph(c, cx, cy, r, colour),
    }
}

/// How well backed a step is, as a fill level: hollow, half, full. Survives greyscale.
pub(super) fn evidence_mark(
    c: &mut Canvas,
    cx: f32,
    cy: f32,
    level: EvidenceLevel,
    r: f32,
    ink: &str,
) {
    if level == EvidenceLevel::ResearchBacked {
        return c.circle(cx, cy, r, ink, Some((ink, 1.6)));
    }
    c.circle(cx, cy, r, "#FFFFFF", Some((ink, 1.6)));
    if level == EvidenceLevel::PartlyBacked {
        c.put(format_args!(
            "<path d=\"M{} {}A{} {} 0 0 0 {} {}z\" fill=\"{ink}\"/>",
            N(cx),
            N(cy - r),
            N(r),
            N(r),
            N(cx),
            N(cy + r)
        ));
    }
}

/// Three rising bars, as many filled as the level: low, medium, high.
pub(super) fn bars(c: &mut Canvas, x: f32, y: f32, level: Level, colour: &str) {
    for i in 0..3u8 {
        let h = 5.0 + 3.0 * i as f32;
        let fill = if i < level.rank() { colour } else { "none" };
        c.put(format_args!(
            "<rect x=\"{}\" y=\"{}\" width=\"4\" height=\"{}\" rx=\"1\" fill=\"{fill}\" stroke=\"{colour}\" stroke-width=\"1.2\"/>",
            N(x + i as f32 * 6.0),
            N(y + 11.0 - h),
            N(h)
        ));
    }
}

/// The moment-of-truth star, ink with a white edge.
pub(super) fn mot_star(c: &mut Canvas, cx: f32, cy: f32, r: f32) {
    star(c, cx, cy, r, INK, "#FFFFFF");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn icons_resolve_by_name_alias_or_fall_back() {
        assert!(channel_icon("Social").contains("circle"));
        assert_eq!(channel_icon("instagram"), channel_icon("social"));
        assert_eq!(channel_icon("carrier-pigeon"), GENERIC);
    }
}
