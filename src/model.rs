//! The journey and persona types, exactly as authors write them in YAML.
//!
//! These structs are the contract with authors: every field here is a key they can write, and
//! `deny_unknown_fields` makes a typo an error instead of silently dropped content. They hold
//! no derived data; anything computed (positions, page paths, diagrams) lives in later stages.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// `trailmap.yaml`: what the whole site shares.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct SiteConfig {
    pub title: String,
    #[serde(default)]
    pub description: String,
    /// Absolute URL the site is published at; used only where a URL must be absolute
    /// (sitemap, social cards). Pages link to each other relatively.
    #[serde(default)]
    pub base_url: Option<String>,
    #[serde(default = "default_language")]
    pub language: String,
    /// Web address of the docs repository, for "edit this file" links.
    #[serde(default)]
    pub repository: Option<String>,
    /// Maps whose `last_reviewed` is older than this many days are flagged as stale.
    #[serde(default = "default_review_interval")]
    pub review_interval_days: u32,
    #[serde(default)]
    pub emotion_scale: EmotionScale,
    /// The stage vocabulary, in journey order. Journeys refer to these ids.
    pub stages: Vec<StageDef>,
    /// The channel vocabulary. Touchpoints refer to these ids.
    pub channels: Vec<ChannelDef>,
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

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct StageDef {
    pub id: String,
    pub name: String,
    #[serde(default)]
    pub description: String,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ChannelDef {
    pub id: String,
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
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct EmotionScale {
    pub min: i32,
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
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Journey {
    /// Stable id used in URLs and references; defaults to the file name.
    #[serde(default)]
    pub id: String,
    pub title: String,
    /// The job in the customer's words: "I want to ...".
    #[serde(default)]
    pub scenario: String,
    #[serde(default)]
    pub personas: Vec<String>,
    #[serde(default)]
    pub state: JourneyState,
    /// The map this one is compared with: a future map names its current map or vice versa.
    #[serde(default)]
    pub compares_with: Option<String>,
    #[serde(default)]
    pub status: JourneyStatus,
    #[serde(default)]
    pub owner: Option<String>,
    #[serde(default)]
    pub tags: Vec<String>,
    /// A wider journey this one zooms into.
    #[serde(default)]
    pub parent: Option<String>,
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
    pub stages: Vec<Stage>,
    /// Moves that are not left to right: loops back, skips ahead, branches.
    #[serde(default)]
    pub transitions: Vec<Transition>,
    /// Markdown narrative: the body of a `.md` journey file.
    #[serde(skip_deserializing)]
    pub narrative: String,
}

#[derive(Debug, Clone, Copy, Default, Deserialize, Serialize, PartialEq, Eq)]
#[serde(rename_all = "kebab-case")]
pub enum JourneyState {
    #[default]
    Current,
    Future,
}

#[derive(Debug, Clone, Copy, Default, Deserialize, Serialize, PartialEq, Eq)]
#[serde(rename_all = "kebab-case")]
pub enum JourneyStatus {
    #[default]
    Draft,
    InReview,
    Published,
    Archived,
}

/// The rows a map can show, top to bottom.
#[derive(Debug, Clone, Copy, Deserialize, Serialize, PartialEq, Eq, PartialOrd, Ord)]
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

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct EvidenceSource {
    pub id: String,
    pub title: String,
    #[serde(default)]
    pub kind: EvidenceKind,
    #[serde(default)]
    pub url: Option<String>,
    #[serde(default)]
    pub date: Option<String>,
    /// How many people or records it covers, e.g. 12 interviews.
    #[serde(default)]
    pub sample: Option<u32>,
}

#[derive(Debug, Clone, Copy, Default, Deserialize, Serialize, PartialEq, Eq)]
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

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Stage {
    /// An id from the site's stage vocabulary.
    pub stage: String,
    /// What the customer wants from this stage.
    #[serde(default)]
    pub goal: Option<String>,
    #[serde(default)]
    pub metrics: Option<StageMetrics>,
    pub steps: Vec<Step>,
}

/// Funnel numbers for a stage: how many reached it and how many went on.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct StageMetrics {
    #[serde(default)]
    pub reached: Option<u64>,
    #[serde(default)]
    pub converted: Option<u64>,
    /// Customer satisfaction, 1–5.
    #[serde(default)]
    pub csat: Option<f64>,
    #[serde(default)]
    pub source: Option<String>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Step {
    pub id: String,
    pub title: String,
    #[serde(default)]
    pub actions: Option<String>,
    /// A thought or a quote, in the customer's voice.
    #[serde(default)]
    pub thinking: Option<String>,
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
    #[serde(default)]
    pub moment_of_truth: bool,
    #[serde(default)]
    pub pain_points: Vec<PainPoint>,
    #[serde(default)]
    pub opportunities: Vec<Opportunity>,
    /// Service-blueprint lanes: what staff do in view, out of view, and what supports them.
    #[serde(default)]
    pub frontstage: Option<String>,
    #[serde(default)]
    pub backstage: Option<String>,
    #[serde(default)]
    pub support: Option<String>,
    /// The team that owns this step.
    #[serde(default)]
    pub team: Option<String>,
    #[serde(default)]
    pub metrics: BTreeMap<String, String>,
    /// Ids of the journey's evidence sources behind this step.
    #[serde(default)]
    pub evidence: Vec<String>,
    /// Defaults to research-backed when evidence is cited, assumption otherwise.
    #[serde(default)]
    pub evidence_level: Option<EvidenceLevel>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Touchpoint {
    pub channel: String,
    pub name: String,
    /// The team responsible for this touchpoint.
    #[serde(default)]
    pub owner: Option<String>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct PainPoint {
    pub text: String,
    #[serde(default)]
    pub severity: Level,
    #[serde(default)]
    pub evidence: Vec<String>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Opportunity {
    pub text: String,
    #[serde(default)]
    pub customer_value: Level,
    #[serde(default)]
    pub business_value: Level,
    #[serde(default)]
    pub effort: Level,
    #[serde(default)]
    pub owner: Option<String>,
    #[serde(default)]
    pub status: OpportunityStatus,
}

/// Low, medium or high: severity, value and effort all use the same three steps.
#[derive(Debug, Clone, Copy, Default, Deserialize, Serialize, PartialEq, Eq, PartialOrd, Ord)]
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

#[derive(Debug, Clone, Copy, Default, Deserialize, Serialize, PartialEq, Eq)]
#[serde(rename_all = "kebab-case")]
pub enum OpportunityStatus {
    #[default]
    Idea,
    Planned,
    InProgress,
    Done,
    Dropped,
}

#[derive(Debug, Clone, Copy, Deserialize, Serialize, PartialEq, Eq, PartialOrd, Ord)]
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
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Transition {
    /// The step the customer leaves from.
    pub from: String,
    /// The stage (or step) they arrive at.
    pub to: String,
    #[serde(default)]
    pub kind: TransitionKind,
    #[serde(default)]
    pub label: Option<String>,
}

#[derive(Debug, Clone, Copy, Default, Deserialize, Serialize, PartialEq, Eq)]
#[serde(rename_all = "kebab-case")]
pub enum TransitionKind {
    #[default]
    Loop,
    Skip,
    Branch,
}

/// A persona: the front matter of `personas/*.md`; the body is "a day in the life".
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Persona {
    #[serde(default)]
    pub id: String,
    pub name: String,
    #[serde(default)]
    pub role: String,
    #[serde(default)]
    pub summary: String,
    #[serde(default)]
    pub quote: Option<String>,
    /// A picture under `assets/`; an avatar with initials is drawn when absent.
    #[serde(default)]
    pub photo: Option<String>,
    #[serde(default)]
    pub initials: Option<String>,
    /// Avatar colour as `#RRGGBB`.
    #[serde(default)]
    pub colour: Option<String>,
    #[serde(default)]
    pub demographics: BTreeMap<String, String>,
    #[serde(default)]
    pub goals: Vec<String>,
    #[serde(default)]
    pub frustrations: Vec<String>,
    #[serde(default)]
    pub needs: Vec<String>,
    #[serde(default)]
    pub motivations: Vec<String>,
    #[serde(default)]
    pub jobs_to_be_done: Vec<String>,
    /// Channel ids from the site's vocabulary.
    #[serde(default)]
    pub preferred_channels: Vec<String>,
    #[serde(default)]
    pub segment: Option<String>,
    /// Share of the customer base, in percent.
    #[serde(default)]
    pub share_percent: Option<f64>,
    #[serde(default)]
    pub evidence: Vec<EvidenceSource>,
    #[serde(default)]
    pub last_reviewed: Option<String>,
    #[serde(skip_deserializing)]
    pub body: String,
}

/// A free Markdown page under `pages/`.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct PageMeta {
    #[serde(default)]
    pub title: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
    /// Position in the navigation; pages without one are not listed there.
    #[serde(default)]
    pub nav_order: Option<i32>,
}
