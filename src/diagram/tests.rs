//! Whole-map tests: nothing overflows, nothing overlaps, the SVG parses and renders text,
//! author text is escaped, output is byte-stable and every id is prefixed.

use super::fixtures::{hostile_persona, journey, persona, site, DESIGN, MAYA, STRESS};
use super::*;
use crate::model::{EmotionScale, Journey, Persona};

const OMAR: &str = "id: omar\nname: Omar Haddad\nrole: Procurement lead\ncolour: '#874180'\n";
const LEE: &str = "id: lee\nname: Lee\nrole: Student\n";

fn draw(j: &Journey, personas: &[&Persona]) -> JourneyMap {
    let config = site();
    let ctx = MapContext {
        id: "jm-test",
        config: &config,
        personas: personas.to_vec(),
        reviewed: Some("3 Nov 2025".into()),
        stale: false,
    };
    draw_journey(j, &ctx)
}

fn design_map() -> JourneyMap {
    draw(&journey(DESIGN), &[&persona(MAYA)])
}

/// The design fixture's SVG, for the PNG tests.
pub(super) fn design_svg() -> String {
    design_map().svg
}

fn stress_map() -> JourneyMap {
    let (maya, omar, lee) = (persona(MAYA), persona(OMAR), persona(LEE));
    draw(&journey(STRESS), &[&maya, &omar, &lee])
}

/// Every text box lies inside its container and the picture, and no two overlap.
fn assert_clean(map: &JourneyMap) {
    for b in &map.text_boxes {
        let (x, y, w, h) = b
            .container
            .unwrap_or_else(|| panic!("{:?} has no container", b.text));
        let inside = b.x >= x - 0.5
            && b.y >= y - 0.5
            && b.x + b.w <= x + w + 0.5
            && b.y + b.h <= y + h + 0.5;
        assert!(
            inside,
            "{:?} at {:?} overflows {:?}",
            b.text,
            (b.x, b.y, b.w, b.h),
            (x, y, w, h)
        );
        assert!(b.x >= 0.0 && b.y >= 0.0 && b.x + b.w <= map.width && b.y + b.h <= map.height);
    }
    for (i, a) in map.text_boxes.iter().enumerate() {
        for b in &map.text_boxes[i + 1..] {
            let apart = a.x + a.w <= b.x + 0.5
                || b.x + b.w <= a.x + 0.5
                || a.y + a.h <= b.y + 0.5
                || b.y + b.h <= a.y + 0.5;
            assert!(apart, "{:?} overlaps {:?}", a.text, b.text);
        }
    }
}

fn parses(svg: &str) {
    if let Err(e) = resvg::usvg::Tree::from_str(svg, png::options()) {
        panic!("SVG does not parse: {e}");
    }
}

/// Every `id="…"` and `url(#…)` starts with the map's prefix.
fn ids_prefixed(svg: &str, prefix: &str) {
    for marker in ["id=\"", "url(#"] {
        for (at, _) in svg.match_indices(marker) {
            let rest = &svg[at + marker.len()..];
            assert!(
                rest.starts_with(&format!("{prefix}-")),
                "unprefixed {marker}{}",
                &rest[..20.min(rest.len())]
            );
        }
    }
}

#[test]
fn design_map_is_clean() {
    let map = design_map();
    assert_clean(&map);
    parses(&map.svg);
    ids_prefixed(&map.svg, "jm-test");
    assert!(map.text_boxes.len() > 150);
    assert!(map.svg.contains("Repeat purchase: back to Consideration"));
    assert!(map
        .svg
        .contains("Lowest point: Compares sizes (\u{2212}2)."));
}

#[test]
fn stress_map_is_clean() {
    let map = stress_map();
    assert_clean(&map);
    parses(&map.svg);
    ids_prefixed(&map.svg, "jm-test");
    for words in [
        "Skips ahead",
        "Branches",
        "Loops back",
        "PIGEON",
        "Owner: Growth",
    ] {
        assert!(map.svg.contains(words), "missing {words}");
    }
    assert!(
        map.svg.contains("not-in-vocabulary"),
        "unknown stage ids show as their id"
    );
    assert!(map.svg.contains("Maya Chen + 2 more"));
}

#[test]
fn sparse_maps_are_clean() {
    let tiny = "title: T\nstages: [{stage: awareness, steps: [{id: a, title: Only step}]}]\n";
    let none = "title: Nothing yet\nstages: []\n";
    let blueprint = "title: B\nlanes: [steps, backstage, emotion, frontstage]\nstages: [{stage: purchase, steps: [{id: a, title: A, backstage: Ship it}]}]\n";
    let unscored = "title: U\nstages: [{stage: decision, goal: G, steps: [{id: a, title: A, moment_of_truth: true, pain_points: [{text: P}]}]}]\n";
    let percent = "title: P\nemotion_scale: {min: 0, max: 100}\nstages: [{stage: awareness, steps: [{id: a, title: A, emotion: 0}, {id: b, title: B, emotion: 55}, {id: c, title: C, emotion: 100}]}]\n";
    let seven = "title: S\nemotion_scale: {min: -3, max: 3, labels: {-3: Awful, 3: Great}}\nstages: [{stage: awareness, steps: [{id: a, title: A, emotion: -3}, {id: b, title: B}, {id: c, title: C, emotion: 3}, {id: d, title: D, emotion: 2}]}]\n";
    for yaml in [tiny, none, blueprint, unscored, percent, seven] {
        let map = draw(&journey(yaml), &[]);
        assert_clean(&map);
        parses(&map.svg);
    }
}

#[test]
fn hostile_text_is_escaped() {
    let evil = hostile_persona();
    let mut j = journey(DESIGN);
    j.title = "<svg onload=alert(1)> & 'x' \u{7}".into();
    let map = draw(&j, &[&evil]);
    assert!(!map.svg.contains("<script>"));
    assert!(!map.svg.contains("<svg onload"));
    assert!(!map.svg.contains('\u{7}'));
    assert!(!map.svg.contains("onload=\"x"));
    assert!(map
        .svg
        .contains("&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;Co&quot;"));
    parses(&map.svg);
    assert_clean(&map);
}

#[test]
fn output_is_byte_identical() {
    assert_eq!(stress_map().svg, stress_map().svg);
    assert_eq!(design_map().svg, design_map().svg);
}

#[test]
fn png_has_dark_text_in_the_title_box() {
    let map = design_map();
    let pixmap = png::render_pixmap(&map.svg, 1.0).expect("renders");
    let title = map
        .text_boxes
        .iter()
        .find(|b| b.text == "First purchase via social ad")
        .expect("title drawn");
    let mut dark = 0;
    for y in title.y as u32..(title.y + title.h) as u32 {
        for x in title.x as u32..(title.x + title.w) as u32 {
            if let Some(p) = pixmap.pixel(x, y) {
                dark += usize::from(p.red() < 80 && p.green() < 80 && p.blue() < 80);
            }
        }
    }
    assert!(dark > 500, "only {dark} dark pixels in the title");
    let bytes = render_png(&map.svg, 0.5).expect("encodes");
    let decoded = resvg::tiny_skia::Pixmap::decode_png(&bytes).expect("decodes");
    assert_eq!(decoded.width(), (map.width * 0.5).round() as u32);
}

/// A thinking bubble is a card, the border cut where its tail opens, and the tail: in the
/// PNG the border runs on either side of the opening, the opening is the card's colour,
/// and the tail's edges are drawn below it.
#[test]
fn a_thinking_bubble_opens_into_its_tail() {
    let map = design_map();
    let tail = map
        .svg
        .split("<path d=\"M")
        .find(|p| p.contains("l-13 10v-10"))
        .expect("a bubble");
    let numbers: Vec<f32> = tail
        .split(['H', 'l', ' ', '"'])
        .take(3)
        .map(|n| n.parse().expect("a number"))
        .collect();
    let (opening, y) = (numbers[2], numbers[1]);
    let zoom = 4.0;
    let pixmap = png::render_pixmap(&map.svg, zoom).expect("renders");
    let at = |x: f32, y: f32| {
        let p = pixmap
            .pixel((x * zoom) as u32, (y * zoom) as u32)
            .expect("inside");
        [p.red(), p.green(), p.blue()]
    };
    let border = [0xD5, 0xDC, 0xE5];
    let near = |a: [u8; 3], b: [u8; 3]| a.iter().zip(b).all(|(x, y)| x.abs_diff(y) <= 12);
    for x in [opening + 6.0, opening - 19.0] {
        assert!(near(at(x, y), border), "border at x {x}: {:?}", at(x, y));
    }
    for x in [opening - 3.0, opening - 6.5, opening - 10.0] {
        assert!(near(at(x, y), [255; 3]), "open at x {x}: {:?}", at(x, y));
    }
    // the tail's vertical edge, and inside the tail
    assert!(near(at(opening - 13.0, y + 5.0), border));
    assert!(near(at(opening - 10.0, y + 5.0), [255; 3]));
}

/// The PNG sets our text itself (`png_text`); it must look as resvg drew it: same places,
/// weights, colours, anchors and wrapping, only anti-aliasing may differ a little.
fn assert_png_text_matches_resvg(svg: &str, zoom: f32) {
    let ours = png::render_pixmap(svg, zoom).expect("renders");
    let theirs = png::render_pixmap_resvg(svg, zoom).expect("renders");
    // a scaled page can end inside the last row or column, which resvg leaves partly
    // transparent and we fill: compare the pixels the page covers
    let (w, h) = (ours.width() as f32, ours.height() as f32);
    let covered = |size: f32, full: f32| (full * zoom).floor().min(size) as usize;
    let (map_w, map_h) = svg_size(svg);
    let d = png::tests::diff(&ours, &theirs, (covered(w, map_w), covered(h, map_h)));
    println!(
        "{}×{}: mean {:.3}/255, {:.4}% of pixels off by more than 64, worst 16-px block {:.1}/255",
        ours.width(),
        ours.height(),
        d.mean,
        d.far * 100.0,
        d.worst_block
    );
    assert!(
        d.mean < 1.0 && d.far < 0.0002 && d.worst_block < 24.0,
        "differs from resvg: mean {:.3}, {:.4}% far off, worst block {:.1}",
        d.mean,
        d.far * 100.0,
        d.worst_block
    );
}

/// The width and height attributes of a map's SVG.
fn svg_size(svg: &str) -> (f32, f32) {
    let attr = |name: &str| -> f32 {
        let at = svg.find(&format!(" {name}=\"")).expect("sized") + name.len() + 3;
        svg[at..].split('"').next().unwrap().parse().unwrap()
    };
    (attr("width"), attr("height"))
}

#[test]
fn png_text_matches_resvg() {
    let design = design_map().svg;
    let lifted = png_text::split(&design).expect("our text is lifted");
    assert_eq!(lifted.background, Some([255; 3]), "the page rect is a fill");
    assert_eq!(
        lifted
            .lifted
            .iter()
            .filter(|l| matches!(l, png_text::Lifted::Text(_)))
            .count(),
        design.matches("<text ").count(),
        "every text run of a map is set by png_text"
    );
    assert!(!lifted.svg.contains("<text"));
    assert_png_text_matches_resvg(&design, 1.0);
    assert_png_text_matches_resvg(&stress_map().svg, 1.0);
    assert_png_text_matches_resvg(&design, 0.5);
    assert_png_text_matches_resvg(&design, 0.37);
    // every map is opaque now, scaled ones too: the PNG is RGB
    let bytes = render_png(&design, 0.37).expect("encodes");
    let decoder = ::png::Decoder::new(std::io::Cursor::new(bytes));
    let reader = decoder.read_info().expect("decodes");
    assert_eq!(reader.info().color_type, ::png::ColorType::Rgb);
}

#[test]
fn png_text_leaves_foreign_and_hostile_text_to_resvg() {
    let mut j = journey(DESIGN);
    j.title = "漢字 مرحبا שלום 😀 Ελληνικά Кириллица <b>&amp;</b>".into();
    let map = draw(&j, &[&persona(MAYA), &hostile_persona()]);
    let lifted = png_text::split(&map.svg).expect("the rest is lifted");
    assert!(
        lifted.svg.contains("漢字 مرحبا"),
        "text Inter cannot set, or right to left, stays with usvg"
    );
    assert!(
        !lifted.svg.contains("Buyer"),
        "escaped author text is lifted"
    );
    assert_png_text_matches_resvg(&map.svg, 1.0);
}

#[test]
fn png_is_byte_identical_with_a_cold_or_warm_glyph_cache() {
    let svg = design_map().svg;
    let warm = render_png(&svg, 1.0).expect("encodes");
    assert_eq!(render_png(&svg, 1.0).expect("encodes"), warm);
    let cold = std::thread::spawn(move || {
        png_text::clear_shared_caches();
        render_png(&svg, 1.0).expect("encodes")
    })
    .join()
    .expect("renders");
    assert_eq!(cold, warm);
}

#[test]
fn thumbnail_names_the_lowest_point() {
    let j = journey(DESIGN);
    let svg = emotion_thumbnail(&j, &EmotionScale::default(), "th-1");
    assert!(svg.contains("aria-label=\"Emotion curve: lowest at Compares sizes (\u{2212}2)\""));
    assert!(svg.contains("role=\"img\""));
    ids_prefixed(&svg, "th-1");
    parses(&svg);
    let empty = emotion_thumbnail(
        &journey("title: E\nstages: []\n"),
        &EmotionScale::default(),
        "th-2",
    );
    assert!(empty.contains("no scores yet"));
}

#[test]
fn fonts_are_embedded() {
    let files = &super::fonts::FILES;
    assert_eq!(files.len(), 4);
    assert!(files
        .iter()
        .all(|(name, bytes)| name.ends_with(".otf") && bytes.len() > 10_000));
}

/// Writes pictures to look at: `TRAILMAP_DIAGRAM_OUT=/some/dir cargo test gallery`.
#[test]
fn gallery() {
    let Ok(dir) = std::env::var("TRAILMAP_DIAGRAM_OUT") else {
        return;
    };
    let write = |name: &str, svg: &str| {
        let _ = std::fs::write(format!("{dir}/{name}.svg"), svg);
        let _ = std::fs::write(
            format!("{dir}/{name}.png"),
            render_png(svg, 1.0).unwrap_or_default(),
        );
    };
    write("design", &design_map().svg);
    write("stress", &stress_map().svg);
    let config = site();
    let (maya, omar) = (persona(MAYA), persona(OMAR));
    let narrow = journey("title: Renew a contract\nscenario: I want to renew without calling anyone\nstages: [{stage: renewal, goal: Keep the service running, steps: [{id: a, title: Gets a reminder, emotion: -1, moment_of_truth: true, touchpoints: [{channel: email, name: Renewal reminder, owner: Billing}]}]}]\n");
    let ctx = MapContext {
        id: "jm-n",
        config: &config,
        personas: vec![&maya, &omar],
        reviewed: Some("3 Jan 2024".into()),
        stale: true,
    };
    write("narrow", &draw_journey(&narrow, &ctx).svg);
    let ctx = MapContext {
        id: "jm-h",
        config: &config,
        personas: vec![],
        reviewed: None,
        stale: false,
    };
    write(
        "hostile",
        &draw_journey(
            &journey(DESIGN),
            &MapContext {
                personas: vec![&maya, &hostile_persona()],
                ..ctx
            },
        )
        .svg,
    );
    write(
        "thumb",
        &emotion_thumbnail(&journey(DESIGN), &EmotionScale::default(), "th"),
    );
    write(
        "thumb-stress",
        &emotion_thumbnail(
            &journey(STRESS),
            &EmotionScale {
                min: 1,
                max: 10,
                labels: Default::default(),
            },
            "th",
        ),
    );
}

/// Release-mode timing: `cargo test --release diagram::tests::timing -- --ignored --nocapture`.
#[test]
#[ignore]
fn timing() {
    let (design, config, maya) = (journey(DESIGN), site(), persona(MAYA));
    let ctx = MapContext {
        id: "jm",
        config: &config,
        personas: vec![&maya],
        reviewed: None,
        stale: false,
    };
    let _ = draw_journey(&design, &ctx);
    let start = std::time::Instant::now();
    for _ in 0..200 {
        std::hint::black_box(draw_journey(&design, &ctx));
    }
    println!("draw_journey: {:?} per map", start.elapsed() / 200);
}
