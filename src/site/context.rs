//! What templates see: typed, serialisable views of the model, one struct per thing a page
//! shows. Templates never reach into the raw model, so a renamed field breaks the build here,
//! not silently in a template. Strings are plain author text (templates escape them); fields
//! named `*_html` or `svg` are already safe markup, rendered with `| safe`.

use minijinja::value::{Enumerator, Object, ObjectRepr, Serde, Value};
use serde::Serialize;
use std::sync::Arc;

/// Shared by every page: made into a template value once, which every page's context then
/// shares (each page serializing the nav again was a few percent of a 10,000-page build).
#[derive(Debug)]
pub(crate) struct SiteInfo {
    data: SiteData,
    value: Value,
}

impl SiteInfo {
    pub(crate) fn new(data: SiteData) -> SiteInfo {
        let value = Value::from(Serde(&data));
        SiteInfo { data, value }
    }
}

impl std::ops::Deref for SiteInfo {
    type Target = SiteData;
    fn deref(&self) -> &SiteData {
        &self.data
    }
}

impl Serialize for SiteInfo {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        // Into a template context, MiniJinja passes the value on by reference count.
        self.value.serialize(s)
    }
}

/// A long list that becomes template values an item at a time, as the template reaches it.
/// Made whole, a cross-journey view's list as template values is about three times its size
/// as structs (heaptrack, 5,000 journeys: the channel matrix's 33 MB of cells became 95 MB,
/// the build's peak); made lazily, only the item being rendered exists twice. Serialized
/// anywhere else, it is a plain list.
#[derive(Debug)]
pub(crate) struct Lazy<T>(Arc<Vec<T>>);

impl<T> From<Vec<T>> for Lazy<T> {
    fn from(items: Vec<T>) -> Self {
        Lazy(Arc::new(items))
    }
}

impl<T: Serialize + std::fmt::Debug + Send + Sync + 'static> Serialize for Lazy<T> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        if minijinja::value::serializing_for_value() {
            Value::from_object(LazyItems(self.0.clone())).serialize(s)
        } else {
            self.0.serialize(s)
        }
    }
}

#[derive(Debug)]
struct LazyItems<T>(Arc<Vec<T>>);

impl<T: Serialize + std::fmt::Debug + Send + Sync + 'static> Object for LazyItems<T> {
    fn repr(self: &Arc<Self>) -> ObjectRepr {
        ObjectRepr::Seq
    }

    fn get_value(self: &Arc<Self>, key: &Value) -> Option<Value> {
        let item = self.0.get(key.as_usize()?)?;
        Some(Value::from(Serde(item)))
    }

    fn enumerate(self: &Arc<Self>) -> Enumerator {
        Enumerator::Seq(self.0.len())
    }
}

#[derive(Debug, Clone, Serialize)]
pub(crate) struct SiteData {
    pub title: String,
    pub description: String,
    pub language: String,
    /// Absolute site URL with a trailing slash, when configured.
    pub base_url: Option<String>,
    /// Links in the top navigation (Home, Journeys, Personas, then pages by nav_order).
    pub nav: Vec<NavLink>,
    pub journey_count: usize,
    pub persona_count: usize,
    /// Maps are due for review after this many days.
    pub review_interval_days: u32,
}

#[derive(Debug, Clone, Serialize)]
pub(crate) struct NavLink {
    pub title: String,
    /// Relative to the site root; templates prefix it with `page.root`.
    pub href: String,
    /// Which nav section the link belongs to, compared with `page.section`.
    pub section: String,
}

/// Per page: where it is, for relative links, and what it says about itself.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct PageInfo {
    pub title: String,
    pub description: String,
    /// Prefix that leads from this page to the site root: "", "../", …
    pub root: String,
    /// Output path relative to the root, e.g. "journeys/first-purchase.html".
    pub path: String,
    /// The nav section this page belongs to ("home", "journeys", "personas", or a page slug).
    pub section: String,
    /// Absolute URL of this page (only when base_url is set): canonical link and og:url.
    pub canonical: Option<String>,
    /// Absolute URL of the social-card image, when there is one.
    pub image: Option<String>,
    /// The site header (`header.html`) drawn for this page's root and nav section, as safe
    /// markup.
    pub header: Value,
}

/// What `header.html` sees: the site, and of the page only what the header may depend on,
/// so one drawing serves every page with the same root and nav section.
#[derive(Debug, Serialize)]
pub(crate) struct HeaderContext<'a> {
    pub site: &'a SiteInfo,
    pub page: HeaderPage<'a>,
}

#[derive(Debug, Serialize)]
pub(crate) struct HeaderPage<'a> {
    pub root: &'a str,
    /// One of `site.nav`'s sections, "404", or "" for a page outside the nav.
    pub section: &'a str,
}

#[derive(Debug, Clone, Serialize)]
pub(crate) struct Link {
    pub title: String,
    pub href: String,
}

/// A persona as a small card or avatar.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct PersonaRef {
    pub id: String,
    pub name: String,
    pub role: String,
    pub summary: String,
    pub initials: String,
    /// `#RRGGBB`, dark enough for white initials.
    pub colour: String,
    /// Relative to the root: "assets/maya.jpg".
    pub photo: Option<String>,
    pub href: String,
    pub segment: Option<String>,
    pub share_percent: Option<String>,
    pub quote: Option<String>,
}

/// A `JourneyCard` as a template value: drawn once per build and shared (by reference count)
/// by every page that shows it, so the home page and the lists of thousands of maps do not
/// copy each card.
pub(crate) type Card = minijinja::Value;

/// A journey as a card on the home page and persona pages.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct JourneyCard {
    pub id: String,
    pub title: String,
    pub scenario: String,
    pub href: String,
    /// "Current state" or "Future state".
    pub state: String,
    pub is_future: bool,
    /// "Draft", "In review", "Published", "Archived".
    pub status: String,
    pub personas: Vec<PersonaRef>,
    /// Inline emotion sparkline, safe SVG.
    pub thumbnail_svg: String,
    pub stage_count: usize,
    pub step_count: usize,
    pub pain_count: usize,
    pub opportunity_count: usize,
    pub reviewed: Option<String>,
    pub stale: bool,
    pub tags: Vec<String>,
    pub owner: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub(crate) struct Counts {
    pub journeys: usize,
    pub personas: usize,
    pub stages: usize,
    pub steps: usize,
    pub touchpoints: usize,
    pub pain_points: usize,
    pub opportunities: usize,
    pub moments_of_truth: usize,
    pub stale_maps: usize,
    /// Steps whose evidence level is "assumption".
    pub assumptions: usize,
    /// Share of steps that are research-backed or partly backed, 0–100.
    pub evidence_percent: u32,
}

#[derive(Debug, Serialize)]
pub(crate) struct HomeContext<'a> {
    pub site: &'a SiteInfo,
    pub page: PageInfo,
    pub counts: Counts,
    /// The health page's totals.
    pub health: HealthTotals,
    pub journeys: Vec<Card>,
    pub personas: Vec<PersonaRef>,
    pub pages: Vec<Link>,
}

#[derive(Debug, Clone, Serialize)]
pub(crate) struct EvidenceView {
    pub id: String,
    pub title: String,
    /// "Interview", "Survey", …
    pub kind: String,
    /// Only http(s)/mailto links; anything else is dropped by the checker.
    pub url: Option<String>,
    pub date: Option<String>,
    /// How many people or records, formatted: "48,200".
    pub sample: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub(crate) struct TouchpointView {
    pub channel: String,
    pub channel_id: String,
    pub name: String,
    pub owner: Option<String>,
    pub online: bool,
}

#[derive(Debug, Clone, Serialize)]
pub(crate) struct PainView {
    pub text: String,
    /// "Low" / "Medium" / "High", and the lowercase class name.
    pub severity: String,
    pub severity_class: String,
    pub evidence: Vec<EvidenceView>,
}

#[derive(Debug, Clone, Serialize)]
pub(crate) struct OpportunityView {
    pub text: String,
    pub customer_value: String,
    pub business_value: String,
    pub effort: String,
    pub owner: Option<String>,
    /// "Idea", "Planned", "In progress", "Done", "Dropped".
    pub status: String,
}

#[derive(Debug, Clone, Serialize)]
pub(crate) struct StepView {
    /// 1-based position across the whole journey, as on the map ("01").
    pub number: String,
    pub id: String,
    /// Fragment id on the journey page: "step-<id>".
    pub anchor: String,
    pub title: String,
    pub actions: Option<String>,
    pub thinking: Option<String>,
    pub touchpoints: Vec<TouchpointView>,
    /// Signed score as shown on the map ("+1", "0", "−2"); None when not scored.
    pub emotion: Option<String>,
    /// CSS class for the score colour: "emo-pos2", "emo-pos1", "emo-zero", "emo-neg1", "emo-neg2".
    pub emotion_class: String,
    pub feeling: Option<String>,
    /// Other personas' scores where they differ: ("Priya Nair", "−1").
    pub persona_emotions: Vec<(String, String)>,
    pub moment_of_truth: bool,
    pub pain_points: Vec<PainView>,
    pub opportunities: Vec<OpportunityView>,
    pub frontstage: Option<String>,
    pub backstage: Option<String>,
    pub support: Option<String>,
    pub team: Option<String>,
    pub metrics: Vec<(String, String)>,
    pub evidence: Vec<EvidenceView>,
    /// "Assumption", "Partly backed", "Research-backed", and its class name.
    pub evidence_level: String,
    pub evidence_class: String,
}

#[derive(Debug, Clone, Serialize)]
pub(crate) struct MetricsView {
    pub reached: Option<String>,
    pub converted: Option<String>,
    /// converted / reached, e.g. "42 %".
    pub conversion: Option<String>,
    pub csat: Option<String>,
    pub source: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub(crate) struct StageView {
    pub id: String,
    pub name: String,
    pub goal: Option<String>,
    /// Fragment id: "stage-<index>-<id>".
    pub anchor: String,
    pub metrics: Option<MetricsView>,
    pub steps: Vec<StepView>,
    /// Mean emotion of the stage's scored steps, "+0.5"; None when no step is scored.
    pub mean_emotion: Option<String>,
    /// The score class of the rounded mean (see `StepView::emotion_class`); empty when unscored.
    pub mean_emotion_class: String,
}

#[derive(Debug, Clone, Serialize)]
pub(crate) struct TransitionView {
    /// "Loop", "Skip", "Branch".
    pub kind: String,
    pub from: Link,
    /// Name of the stage or step it goes to, linked to its anchor on the page.
    pub to: Link,
    pub label: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub(crate) struct Downloads {
    pub svg: String,
    pub png: String,
    pub json: String,
}

#[derive(Debug, Serialize)]
pub(crate) struct JourneyContext<'a> {
    pub site: &'a SiteInfo,
    pub page: PageInfo,
    pub journey: Card,
    /// The map, inline, safe SVG.
    pub svg: String,
    pub downloads: Downloads,
    pub scale: String,
    pub last_reviewed_iso: Option<String>,
    /// Days since the last review when the map is overdue.
    pub overdue_days: Option<i64>,
    pub review_interval_days: u32,
    pub narrative_html: String,
    pub evidence: Vec<EvidenceView>,
    pub stages: Vec<StageView>,
    pub transitions: Vec<TransitionView>,
    /// The paired current/future map.
    pub compares_with: Option<Card>,
    pub parent: Option<Link>,
    pub children: Vec<Link>,
    /// Link to the source file in the repository, when the config names one.
    pub source_url: Option<String>,
    pub source_path: String,
}

#[derive(Debug, Clone, Serialize)]
pub(crate) struct PersonaView {
    pub card: PersonaRef,
    pub demographics: Vec<(String, String)>,
    pub goals: Vec<String>,
    pub frustrations: Vec<String>,
    pub needs: Vec<String>,
    pub motivations: Vec<String>,
    pub jobs_to_be_done: Vec<String>,
    pub preferred_channels: Vec<String>,
    pub evidence: Vec<EvidenceView>,
    pub reviewed: Option<String>,
    pub body_html: String,
}

#[derive(Debug, Serialize)]
pub(crate) struct PersonaContext<'a> {
    pub site: &'a SiteInfo,
    pub page: PageInfo,
    pub persona: PersonaView,
    pub journeys: Vec<Card>,
    pub source_url: Option<String>,
}

/// A list page: all journeys or all personas.
#[derive(Debug, Serialize)]
pub(crate) struct ListContext<'a> {
    pub site: &'a SiteInfo,
    pub page: PageInfo,
    pub journeys: Vec<Card>,
    pub personas: Vec<PersonaRef>,
}

#[derive(Debug, Serialize)]
pub(crate) struct MarkdownContext<'a> {
    pub site: &'a SiteInfo,
    pub page: PageInfo,
    pub body_html: String,
    /// Headings (level 2–3) for an on-page table of contents.
    pub toc: Vec<TocEntry>,
    pub source_url: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub(crate) struct TocEntry {
    pub level: u8,
    pub title: String,
    pub anchor: String,
}

#[derive(Debug, Serialize)]
pub(crate) struct SitemapContext<'a> {
    pub site: &'a SiteInfo,
    /// Absolute URLs of every HTML page but 404.
    pub urls: Vec<String>,
}

// ---------- Cross-journey views (built in `site/cross.rs`) ----------

/// A step somewhere on the site, linked: "Sees Instagram ad" in "First purchase".
#[derive(Debug, Clone, Serialize)]
pub(crate) struct StepRef {
    pub title: String,
    /// "journeys/<id>.html#step-<step>", relative to the root.
    pub href: String,
    pub journey: Link,
    pub stage: String,
    /// Position of the stage in the site's vocabulary, for sorting.
    pub stage_order: usize,
    pub emotion: Option<String>,
    pub emotion_class: String,
}

/// One opportunity in the backlog. `*_rank` fields are 1–3 (low–high) for sorting.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct BacklogRow {
    /// 1-based, as on the impact/effort matrix.
    pub number: usize,
    pub text: String,
    pub step: StepRef,
    pub personas: Vec<String>,
    pub owner: Option<String>,
    pub status: String,
    pub status_rank: u8,
    pub customer_value: String,
    pub customer_rank: u8,
    pub business_value: String,
    pub business_rank: u8,
    pub effort: String,
    pub effort_rank: u8,
    /// Customer + business value, 2–6.
    pub impact_score: u8,
    /// "Low" / "Medium" / "High" from the impact score.
    pub impact: String,
}

/// A labelled count: "Idea · 12".
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Tally {
    pub label: String,
    pub count: usize,
}

#[derive(Debug, Serialize)]
pub(crate) struct BacklogContext<'a> {
    pub site: &'a SiteInfo,
    pub page: PageInfo,
    pub rows: Lazy<BacklogRow>,
    pub matrix_svg: String,
    pub by_status: Vec<Tally>,
    /// Filter choices (distinct values, sorted).
    pub journeys: Vec<String>,
    pub owners: Vec<String>,
    pub statuses: Vec<String>,
    pub personas: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub(crate) struct PainRow {
    pub text: String,
    pub severity: String,
    pub severity_class: String,
    pub severity_rank: u8,
    pub evidence: Vec<EvidenceView>,
    pub step: StepRef,
    pub channels: Vec<String>,
}

/// Pain points under one heading (a stage or a channel).
#[derive(Debug, Clone, Serialize)]
pub(crate) struct PainGroup {
    pub anchor: String,
    pub title: String,
    pub high: usize,
    /// `PainRow`s as template values, shared between the groups a row appears in.
    pub rows: Vec<minijinja::Value>,
}

#[derive(Debug, Serialize)]
pub(crate) struct PainContext<'a> {
    pub site: &'a SiteInfo,
    pub page: PageInfo,
    pub total: usize,
    pub by_severity: Vec<Tally>,
    pub by_stage: Vec<PainGroup>,
    pub by_channel: Vec<PainGroup>,
}

#[derive(Debug, Clone, Serialize)]
pub(crate) struct MatrixCell {
    pub count: usize,
    pub mean: Option<String>,
    pub mean_class: String,
    /// "#cell-<channel>-<stage>" when the cell holds touchpoints.
    pub anchor: String,
}

#[derive(Debug, Clone, Serialize)]
pub(crate) struct MatrixRow {
    pub channel: String,
    pub channel_id: String,
    pub online: bool,
    pub cells: Vec<MatrixCell>,
    pub total: usize,
}

/// The steps behind one matrix cell.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct CellSteps {
    pub anchor: String,
    pub channel: String,
    pub stage: String,
    pub count: usize,
    pub mean: Option<String>,
    pub steps: Vec<CellStep>,
}

#[derive(Debug, Clone, Serialize)]
pub(crate) struct CellStep {
    pub step: StepRef,
    /// The touchpoints of this channel on the step.
    pub touchpoints: Vec<String>,
}

#[derive(Debug, Serialize)]
pub(crate) struct MatrixContext<'a> {
    pub site: &'a SiteInfo,
    pub page: PageInfo,
    pub stages: Vec<String>,
    pub rows: Lazy<MatrixRow>,
    pub stage_totals: Vec<usize>,
    pub total: usize,
    pub svg: String,
    pub cells: Lazy<CellSteps>,
}

#[derive(Debug, Clone, Serialize)]
pub(crate) struct FunnelStage {
    pub name: String,
    pub reached: Option<String>,
    pub converted: Option<String>,
    /// converted / reached, "40 %".
    pub conversion: Option<String>,
    /// Share of those who reached the stage and did not convert, "60 %".
    pub drop_off: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub(crate) struct FunnelJourney {
    pub journey: Link,
    pub svg: String,
    pub stages: Vec<FunnelStage>,
    pub source: Option<String>,
}

#[derive(Debug, Serialize)]
pub(crate) struct FunnelContext<'a> {
    pub site: &'a SiteInfo,
    pub page: PageInfo,
    pub funnels: Vec<FunnelJourney>,
    /// Journeys without any reached/converted numbers.
    pub without: Vec<Link>,
}

/// One step's fate between the current and the future map.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct StepChange {
    /// "Added", "Removed", "Changed", "Unchanged".
    pub kind: String,
    pub kind_class: String,
    pub title: String,
    pub stage: String,
    pub current: Option<Link>,
    pub future: Option<Link>,
    /// What differs, in words: "emotion −2 → +1", "title: A → B".
    pub details: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub(crate) struct StageCompare {
    pub name: String,
    pub current_mean: Option<String>,
    pub future_mean: Option<String>,
    pub current_steps: usize,
    pub future_steps: usize,
}

#[derive(Debug, Clone, Serialize)]
pub(crate) struct ComparePair {
    pub current: JourneyCard,
    pub future: JourneyCard,
    pub href: String,
    pub added: usize,
    pub removed: usize,
    pub changed: usize,
}

#[derive(Debug, Serialize)]
pub(crate) struct CompareContext<'a> {
    pub site: &'a SiteInfo,
    pub page: PageInfo,
    pub pair: ComparePair,
    pub svg: String,
    pub stages: Vec<StageCompare>,
    pub changes: Vec<StepChange>,
}

#[derive(Debug, Serialize)]
pub(crate) struct CompareListContext<'a> {
    pub site: &'a SiteInfo,
    pub page: PageInfo,
    pub pairs: Vec<ComparePair>,
}

/// One thing the health page asks someone to fix.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct HealthItem {
    pub title: String,
    pub detail: String,
    /// The page that shows it, relative to the root.
    pub href: String,
    /// "journeys/first-purchase.yaml:12".
    pub source: String,
    /// The file and line in the repository, when the config names one.
    pub source_url: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub(crate) struct HealthSection {
    pub anchor: String,
    pub title: String,
    pub explain: String,
    pub items: Vec<HealthItem>,
}

/// The totals shown on the health page and the home page.
#[derive(Debug, Clone, Default, Serialize)]
pub(crate) struct HealthTotals {
    pub stale_maps: usize,
    pub assumptions: usize,
    pub stages_without_emotion: usize,
    pub unowned_touchpoints: usize,
    pub personas_without_journeys: usize,
    pub total: usize,
}

#[derive(Debug, Serialize)]
pub(crate) struct HealthContext<'a> {
    pub site: &'a SiteInfo,
    pub page: PageInfo,
    pub totals: HealthTotals,
    pub sections: Vec<HealthSection>,
}

/// A page with nothing but the shared parts (search, 404).
#[derive(Debug, Serialize)]
pub(crate) struct PlainContext<'a> {
    pub site: &'a SiteInfo,
    pub page: PageInfo,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, Serialize)]
    struct Item {
        name: String,
    }

    #[derive(Serialize)]
    struct Ctx {
        items: Lazy<Item>,
        none: Lazy<Item>,
    }

    #[test]
    fn a_lazy_list_reads_as_a_list_in_templates_and_in_json() {
        let items = || Lazy::from(vec![Item { name: "a<b".into() }, Item { name: "c".into() }]);
        let mut env = minijinja::Environment::new();
        env.set_auto_escape_callback(|_| minijinja::AutoEscape::Html);
        let out = env
            .render_str(
                "{{ items|length }}:{% for i in items %}[{{ i.name }}]{% endfor %}{{ items[1].name }}\
                 {% if none %}!{% else %}-{% endif %}{{ items|map(attribute='name')|join(',') }}",
                minijinja::Value::from(minijinja::value::Serde(&Ctx {
                    items: items(),
                    none: Vec::new().into(),
                })),
            )
            .unwrap();
        assert_eq!(out, "2:[a&lt;b][c]c-a&lt;b,c");
        let json = serde_json::to_string(&Ctx {
            items: items(),
            none: Vec::new().into(),
        })
        .unwrap();
        assert_eq!(json, r#"{"items":[{"name":"a<b"},{"name":"c"}],"none":[]}"#);
    }
}
