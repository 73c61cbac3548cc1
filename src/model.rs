//! The journey and persona types, exactly as authors write them in YAML.
//!
//! These structs are the contract with authors: every field here is a key they can write, and
//! `deny_unknown_fields` makes a typo an error instead of silently dropped content. They hold
//! no derived data; anything computed (positions, page paths, diagrams) lives in later stages.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// `trailmap.yaml`: what the whole site shares.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SiteConfig {
    /// The site's name, shown in every page header.
    pub title: String,
    /// One or two sentences about the site, for the home page and search engines.
    #[serde(default)]
    pub description: String,
    /// Absolute URL the site is published at; used only where a URL must be absolute
    /// (sitemap, social cards). Pages link to each other relatively.
    #[serde(default)]
    pub base_url: Option<String>,
    /// Language of the content, as a BCP 47 tag (`en`, `de`, `pt-BR`).
    #[serde(default = "default_language")]
    pub language: String,
    /// Web address of the docs repository, for "edit this file" links.
    #[serde(default)]
    pub repository: Option<String>,
    /// Maps whose `last_reviewed` is older than this many days are flagged as stale.
    #[serde(default = "default_review_interval")]
    pub review_interval_days: u32,
    /// The emotion scale every map uses unless it sets its own (default −2…+2).
    #[serde(default)]
    pub emotion_scale: EmotionScale,
    /// The stage vocabulary, in journey order. Journeys refer to these ids.
    pub stages: Vec<StageDef>,
    /// The channel vocabulary. Touchpoints refer to these ids.
    pub channels: Vec<ChannelDef>,
    /// Theme name; `default` is built in.
    #[serde(default = "default_theme")]
    pub theme: String,
}

fn default_language() -> String {
    "en".into()
}
fn default_review_interval() -> u32 {
    90
}
fn default_theme() -> String {
    "default".into()
}

#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct StageDef {
    /// Stable id journeys use to refer to this stage, e.g. `consideration`.
    pub id: String,
    /// The stage's name as shown on maps and pages.
    pub name: String,
    /// What the stage means for this organisation.
    #[serde(default)]
    pub description: String,
}

#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ChannelDef {
    /// Stable id touchpoints and personas use to refer to this channel, e.g. `email`.
    pub id: String,
    /// The channel's name as shown on maps and pages.
    pub name: String,
    /// Which built-in glyph to draw; defaults to the channel id when that names a glyph.
    #[serde(default)]
    pub icon: Option<String>,
    /// Online channels are digital; offline ones (store, phone, event) are not.
    #[serde(default = "yes")]
    pub online: bool,
}

fn yes() -> bool {
    true
}

/// The emotion scale: whole points from `min` to `max`, each optionally named.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct EmotionScale {
    /// The lowest score, e.g. -2.
    pub min: i32,
    /// The highest score, e.g. 2.
    pub max: i32,
    /// Words for points on the scale, e.g. `-2: Frustrated`.
    #[serde(default)]
    pub labels: BTreeMap<i32, String>,
}

impl Default for EmotionScale {
    fn default() -> Self {
        EmotionScale {
            min: -2,
            max: 2,
            labels: BTreeMap::new(),
        }
    }
}

/// A journey map: one persona's (or several personas') experience, stage by stage.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Journey {
    /// Stable id used in URLs and references; defaults to the file name.
    #[serde(default)]
    pub id: String,
    /// The map's title, e.g. "First purchase via social ad".
    pub title: String,
    /// The job in the customer's words: "I want to ...".
    #[serde(default)]
    pub scenario: String,
    /// Ids of the personas who walk this journey (files under personas/).
    #[serde(default)]
    pub personas: Vec<String>,
    /// `current` (how it is today) or `future` (how it should be).
    #[serde(default)]
    pub state: JourneyState,
    /// The map this one is compared with: a future map names its current map or vice versa.
    #[serde(default)]
    pub compares_with: Option<String>,
    /// Workflow status: `draft`, `in-review`, `published` or `archived`.
    #[serde(default)]
    pub status: JourneyStatus,
    /// The team or person responsible for the map.
    #[serde(default)]
    pub owner: Option<String>,
    /// Free labels for finding and grouping maps.
    #[serde(default)]
    pub tags: Vec<String>,
    /// A wider journey this one zooms into.
    #[serde(default)]
    pub parent: Option<String>,
    /// When the team last reviewed the map, as YYYY-MM-DD; older than the site's review interval means stale.
    #[serde(default)]
    pub last_reviewed: Option<String>,
    /// Overrides the site's scale for this map.
    #[serde(default)]
    pub emotion_scale: Option<EmotionScale>,
    /// Which lanes the map shows, in order; all lanes with content when absent.
    #[serde(default)]
    pub lanes: Option<Vec<Lane>>,
    /// The research this map rests on; steps cite these ids.
    #[serde(default)]
    pub evidence: Vec<EvidenceSource>,
    /// The stages the customer goes through, in order.
    pub stages: Vec<Stage>,
    /// Moves that are not left to right: loops back, skips ahead, branches.
    #[serde(default)]
    pub transitions: Vec<Transition>,
    /// Markdown narrative: the body of a `.md` journey file.
    #[serde(skip_deserializing)]
    pub narrative: String,
}

#[derive(Debug, Clone, Copy, Default, Deserialize, Serialize, JsonSchema, PartialEq, Eq)]
#[serde(rename_all = "kebab-case")]
pub enum JourneyState {
    #[default]
    Current,
    Future,
}

#[derive(Debug, Clone, Copy, Default, Deserialize, Serialize, JsonSchema, PartialEq, Eq)]
#[serde(rename_all = "kebab-case")]
pub enum JourneyStatus {
    #[default]
    Draft,
    InReview,
    Published,
    Archived,
}

/// The rows a map can show, top to bottom.
#[derive(
    Debug, Clone, Copy, Deserialize, Serialize, JsonSchema, PartialEq, Eq, PartialOrd, Ord,
)]
#[serde(rename_all = "snake_case")]
pub enum Lane {
    Goal,
    Steps,
    Actions,
    Touchpoints,
    Thinking,
    Emotion,
    PainPoints,
    Opportunities,
    Frontstage,
    Backstage,
    Support,
}

impl Lane {
    pub const ALL: [Lane; 11] = [
        Lane::Goal,
        Lane::Steps,
        Lane::Actions,
        Lane::Touchpoints,
        Lane::Thinking,
        Lane::Emotion,
        Lane::PainPoints,
        Lane::Opportunities,
        Lane::Frontstage,
        Lane::Backstage,
        Lane::Support,
    ];
}

#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct EvidenceSource {
    /// Stable id steps and pain points cite, e.g. `interviews-2025`.
    pub id: String,
    /// What the source is, e.g. "12 customer interviews, Sept 2025".
    pub title: String,
    /// `interview`, `survey`, `analytics`, `support-tickets`, `usability-test`, `observation` or `other`.
    #[serde(default)]
    pub kind: EvidenceKind,
    /// Where to read it: an https://, http:// or mailto: link.
    #[serde(default)]
    pub url: Option<String>,
    /// When it was gathered, as YYYY-MM-DD.
    #[serde(default)]
    pub date: Option<String>,
    /// How many people or records it covers, e.g. 12 interviews.
    #[serde(default)]
    pub sample: Option<u32>,
}

#[derive(Debug, Clone, Copy, Default, Deserialize, Serialize, JsonSchema, PartialEq, Eq)]
#[serde(rename_all = "kebab-case")]
pub enum EvidenceKind {
    Interview,
    Survey,
    Analytics,
    SupportTickets,
    UsabilityTest,
    Observation,
    #[default]
    Other,
}

#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Stage {
    /// An id from the site's stage vocabulary.
    pub stage: String,
    /// What the customer wants from this stage.
    #[serde(default)]
    pub goal: Option<String>,
    /// Funnel numbers for this stage.
    #[serde(default)]
    pub metrics: Option<StageMetrics>,
    /// The steps in this stage, in order.
    pub steps: Vec<Step>,
}

/// Funnel numbers for a stage: how many reached it and how many went on.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct StageMetrics {
    /// How many customers reached this stage.
    #[serde(default)]
    pub reached: Option<u64>,
    /// How many of them went on to the next stage.
    #[serde(default)]
    pub converted: Option<u64>,
    /// Customer satisfaction, 1–5.
    #[serde(default)]
    pub csat: Option<f64>,
    /// Where the numbers come from, e.g. "GA4, Jul–Sep 2026".
    #[serde(default)]
    pub source: Option<String>,
}

#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Step {
    /// Stable id, unique in the journey; transitions refer to it.
    pub id: String,
    /// What happens, in a few words: "Compares sizes".
    pub title: String,
    /// What the customer does.
    #[serde(default)]
    pub actions: Option<String>,
    /// A thought or a quote, in the customer's voice.
    #[serde(default)]
    pub thinking: Option<String>,
    /// Where the step happens: each touchpoint names a channel.
    #[serde(default)]
    pub touchpoints: Vec<Touchpoint>,
    /// How the customer feels, on the map's emotion scale.
    #[serde(default)]
    pub emotion: Option<i32>,
    /// A word for the feeling: "Anxious", "Relieved".
    #[serde(default)]
    pub feeling: Option<String>,
    /// Per-persona scores where personas differ, keyed by persona id.
    #[serde(default)]
    pub persona_emotions: BTreeMap<String, i32>,
    /// A moment that makes or breaks the relationship.
    #[serde(default)]
    pub moment_of_truth: bool,
    /// What gets in the customer's way here.
    #[serde(default)]
    pub pain_points: Vec<PainPoint>,
    /// What the organisation could do better here.
    #[serde(default)]
    pub opportunities: Vec<Opportunity>,
    /// Service-blueprint lanes: what staff do in view, out of view, and what supports them.
    #[serde(default)]
    pub frontstage: Option<String>,
    /// What staff or systems do out of the customer's sight.
    #[serde(default)]
    pub backstage: Option<String>,
    /// Support processes, systems and partners behind the step.
    #[serde(default)]
    pub support: Option<String>,
    /// The team that owns this step.
    #[serde(default)]
    pub team: Option<String>,
    /// Free-form step metrics, e.g. `Load time (p75): "6.1 s"`.
    #[serde(default)]
    pub metrics: BTreeMap<String, String>,
    /// Ids of the journey's evidence sources behind this step.
    #[serde(default)]
    pub evidence: Vec<String>,
    /// Defaults to research-backed when evidence is cited, assumption otherwise.
    #[serde(default)]
    pub evidence_level: Option<EvidenceLevel>,
}

#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Touchpoint {
    /// Id of a channel from trailmap.yaml.
    pub channel: String,
    /// The touchpoint itself, e.g. "Abandoned-cart email".
    pub name: String,
    /// The team responsible for this touchpoint.
    #[serde(default)]
    pub owner: Option<String>,
}

#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PainPoint {
    /// What goes wrong, in a sentence.
    pub text: String,
    /// `low`, `medium` or `high`.
    #[serde(default)]
    pub severity: Level,
    /// Ids of the journey's evidence sources that show this pain point.
    #[serde(default)]
    pub evidence: Vec<String>,
}

#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Opportunity {
    /// The idea, in a sentence.
    pub text: String,
    /// How much customers would gain: `low`, `medium` or `high`.
    #[serde(default)]
    pub customer_value: Level,
    /// How much the business would gain: `low`, `medium` or `high`.
    #[serde(default)]
    pub business_value: Level,
    /// How much work it is: `low`, `medium` or `high`.
    #[serde(default)]
    pub effort: Level,
    /// Who would do it.
    #[serde(default)]
    pub owner: Option<String>,
    /// `idea`, `planned`, `in-progress`, `done` or `dropped`.
    #[serde(default)]
    pub status: OpportunityStatus,
}

/// Low, medium or high: severity, value and effort all use the same three steps.
#[derive(
    Debug, Clone, Copy, Default, Deserialize, Serialize, JsonSchema, PartialEq, Eq, PartialOrd, Ord,
)]
#[serde(rename_all = "kebab-case")]
pub enum Level {
    Low,
    #[default]
    Medium,
    High,
}

impl Level {
    pub fn rank(self) -> u8 {
        match self {
            Level::Low => 1,
            Level::Medium => 2,
            Level::High => 3,
        }
    }
    pub fn word(self) -> &'static str {
        match self {
            Level::Low => "Low",
            Level::Medium => "Medium",
            Level::High => "High",
        }
    }
}

#[derive(Debug, Clone, Copy, Default, Deserialize, Serialize, JsonSchema, PartialEq, Eq)]
#[serde(rename_all = "kebab-case")]
pub enum OpportunityStatus {
    #[default]
    Idea,
    Planned,
    InProgress,
    Done,
    Dropped,
}

#[derive(
    Debug, Clone, Copy, Deserialize, Serialize, JsonSchema, PartialEq, Eq, PartialOrd, Ord,
)]
#[serde(rename_all = "kebab-case")]
pub enum EvidenceLevel {
    Assumption,
    PartlyBacked,
    ResearchBacked,
}

impl EvidenceLevel {
    pub fn word(self) -> &'static str {
        match self {
            EvidenceLevel::Assumption => "Assumption",
            EvidenceLevel::PartlyBacked => "Partly backed",
            EvidenceLevel::ResearchBacked => "Research-backed",
        }
    }
}

impl Step {
    /// The evidence level as written, or derived from whether any evidence is cited.
    pub fn evidence_level(&self) -> EvidenceLevel {
        self.evidence_level.unwrap_or(if self.evidence.is_empty() {
            EvidenceLevel::Assumption
        } else {
            EvidenceLevel::ResearchBacked
        })
    }
}

/// A move that is not simply "next step": back to an earlier stage, past a stage, or a branch.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Transition {
    /// The step the customer leaves from.
    pub from: String,
    /// The stage (or step) they arrive at.
    pub to: String,
    /// `loop` (back to an earlier point), `skip` (past later steps) or `branch` (another path).
    #[serde(default)]
    pub kind: TransitionKind,
    /// Words on the arrow, e.g. "Repeat purchase: back to Consideration".
    #[serde(default)]
    pub label: Option<String>,
}

#[derive(Debug, Clone, Copy, Default, Deserialize, Serialize, JsonSchema, PartialEq, Eq)]
#[serde(rename_all = "kebab-case")]
pub enum TransitionKind {
    #[default]
    Loop,
    Skip,
    Branch,
}

/// A persona: the front matter of `personas/*.md`; the body is "a day in the life".
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Persona {
    /// Stable id journeys use to refer to this persona; defaults to the file name.
    #[serde(default)]
    pub id: String,
    /// The persona's name: "Maya Chen".
    pub name: String,
    /// Their role or situation: "First-time online shopper".
    #[serde(default)]
    pub role: String,
    /// Who they are, in two or three sentences.
    #[serde(default)]
    pub summary: String,
    /// Something they said or would say, in their own words.
    #[serde(default)]
    pub quote: Option<String>,
    /// A picture under `assets/`; an avatar with initials is drawn when absent.
    #[serde(default)]
    pub photo: Option<String>,
    /// Letters for the generated avatar; defaults to the first letters of the name.
    #[serde(default)]
    pub initials: Option<String>,
    /// Avatar colour as `#RRGGBB`.
    #[serde(default)]
    pub colour: Option<String>,
    /// Facts such as age, location, occupation: any names, text values.
    #[serde(default)]
    pub demographics: BTreeMap<String, String>,
    /// What they want to achieve.
    #[serde(default)]
    pub goals: Vec<String>,
    /// What annoys or blocks them.
    #[serde(default)]
    pub frustrations: Vec<String>,
    /// What they need from us.
    #[serde(default)]
    pub needs: Vec<String>,
    /// What drives them.
    #[serde(default)]
    pub motivations: Vec<String>,
    /// Jobs to be done, in the form "When …, I want to …, so I can …".
    #[serde(default)]
    pub jobs_to_be_done: Vec<String>,
    /// Channel ids from the site's vocabulary.
    #[serde(default)]
    pub preferred_channels: Vec<String>,
    /// The customer segment they stand for.
    #[serde(default)]
    pub segment: Option<String>,
    /// Share of the customer base, in percent.
    #[serde(default)]
    pub share_percent: Option<f64>,
    /// The research this persona rests on.
    #[serde(default)]
    pub evidence: Vec<EvidenceSource>,
    /// When the persona was last reviewed, as YYYY-MM-DD.
    #[serde(default)]
    pub last_reviewed: Option<String>,
    /// The Markdown body of the file (not a front-matter field).
    #[serde(skip_deserializing)]
    pub body: String,
}

/// A free Markdown page under `pages/`.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PageMeta {
    /// The page title; defaults to the first `# Heading` or the file name.
    #[serde(default)]
    pub title: Option<String>,
    /// One sentence for the page header and search engines.
    #[serde(default)]
    pub description: Option<String>,
    /// Position in the navigation; pages without one are not listed there.
    #[serde(default)]
    pub nav_order: Option<i32>,
}
