//! A realistic synthetic site of any size, deterministic from a seed: the input of the
//! benchmarks (and of anyone who wants to see how trailmap behaves at scale).
//!
//! N journeys of 5–7 stages with 2–4 steps each (touchpoints, emotions, pain points,
//! opportunities, evidence, some loops and current/future pairs), N/5 personas and N
//! Markdown pages of about 1.5 KB.

use std::fmt::Write;
use std::path::Path;

/// What to generate.
pub struct Spec {
    pub journeys: usize,
    pub personas: usize,
    pub pages: usize,
    pub seed: u64,
}

impl Spec {
    /// The usual proportions: N journeys, N/5 personas, N pages.
    pub fn sized(n: usize, seed: u64) -> Spec {
        Spec {
            journeys: n,
            personas: (n / 5).max(1),
            pages: n,
            seed,
        }
    }
}

/// A small, fast, seeded generator (xorshift64*): good enough to vary content, and the same
/// sequence on every machine.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn range(&mut self, lo: i64, hi: i64) -> i64 {
        lo + (self.next() % (hi - lo + 1) as u64) as i64
    }
    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }
}

const STAGES: [(&str, &str); 8] = [
    ("awareness", "Awareness"),
    ("consideration", "Consideration"),
    ("decision", "Decision"),
    ("purchase", "Purchase"),
    ("onboarding", "Onboarding"),
    ("retention", "Retention"),
    ("renewal", "Renewal"),
    ("advocacy", "Advocacy"),
];
const CHANNELS: [&str; 10] = [
    "social", "web", "email", "mobile", "store", "support", "phone", "chat", "event", "ad",
];
const VERBS: [&str; 12] = [
    "Reads",
    "Compares",
    "Asks about",
    "Checks",
    "Opens",
    "Finds",
    "Signs up for",
    "Returns to",
    "Shares",
    "Tries",
    "Pays for",
    "Reviews",
];
const THINGS: [&str; 12] = [
    "the price",
    "delivery options",
    "reviews",
    "the size chart",
    "a discount code",
    "the app",
    "the invoice",
    "a demo",
    "the onboarding guide",
    "live chat",
    "the return policy",
    "a referral link",
];
const WORDS: [&str; 24] = [
    "customer", "journey", "team", "order", "account", "support", "delivery", "quickly", "again",
    "clear", "slow", "price", "email", "store", "mobile", "friend", "trust", "minutes", "waiting",
    "simple", "checkout", "review", "help", "product",
];
const FEELINGS: [&str; 8] = [
    "Curious",
    "Unsure",
    "Reassured",
    "Anxious",
    "Relieved",
    "Annoyed",
    "Delighted",
    "Confident",
];
const LEVELS: [&str; 3] = ["low", "medium", "high"];

fn sentence(rng: &mut Rng, words: usize) -> String {
    let mut s = String::new();
    for i in 0..words {
        if i > 0 {
            s.push(' ');
        }
        s.push_str(rng.pick(&WORDS));
    }
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().collect::<String>() + c.as_str() + ".")
        .unwrap_or_default()
}

/// Writes the site into `dir` (which should be empty or absent).
pub fn generate(dir: &Path, spec: &Spec) -> std::io::Result<()> {
    let mut rng = Rng(spec.seed.max(1));
    for sub in ["journeys", "personas", "pages"] {
        std::fs::create_dir_all(dir.join(sub))?;
    }
    std::fs::write(dir.join("trailmap.yaml"), config())?;
    for p in 0..spec.personas {
        std::fs::write(
            dir.join(format!("personas/p{p:05}.md")),
            persona(&mut rng, p),
        )?;
    }
    for j in 0..spec.journeys {
        std::fs::write(
            dir.join(format!("journeys/j{j:05}.yaml")),
            journey(&mut rng, j, spec),
        )?;
    }
    for n in 0..spec.pages {
        std::fs::write(dir.join(format!("pages/page-{n:05}.md")), page(&mut rng, n))?;
    }
    Ok(())
}

fn config() -> String {
    let mut s = String::from("title: Synthetic journeys\ndescription: Generated for benchmarks.\nbase_url: https://bench.example/maps/\nreview_interval_days: 3650\nstages:\n");
    for (id, name) in STAGES {
        let _ = writeln!(s, "  - {{ id: {id}, name: {name} }}");
    }
    s.push_str("channels:\n");
    for c in CHANNELS {
        let _ = writeln!(s, "  - {{ id: {c}, name: {} }}", c.to_uppercase());
    }
    s
}

fn persona(rng: &mut Rng, p: usize) -> String {
    format!(
        "---\nname: Persona {p}\nrole: {}\nsummary: {}\ngoals: [{}]\nfrustrations: [{}]\npreferred_channels: [{}, {}]\nlast_reviewed: \"2026-06-01\"\n---\n## A day in the life\n\n{}\n",
        sentence(rng, 3),
        sentence(rng, 20),
        sentence(rng, 6),
        sentence(rng, 6),
        rng.pick(&CHANNELS),
        rng.pick(&CHANNELS),
        sentence(rng, 60)
    )
}

fn journey(rng: &mut Rng, j: usize, spec: &Spec) -> String {
    let mut s = String::new();
    let persona = j % spec.personas;
    let _ = writeln!(
        s,
        "title: \"Journey {j}: {}\"\nscenario: I want to {}\npersonas: [p{persona:05}]",
        sentence(rng, 3),
        sentence(rng, 10).to_lowercase()
    );
    // every tenth journey is the future state of the one before it
    if j % 10 == 1 {
        let _ = writeln!(s, "state: future\ncompares_with: j{:05}", j - 1);
    }
    let _ = writeln!(
        s,
        "status: published\nowner: Team {}\nlast_reviewed: \"2026-0{}-15\"",
        j % 7,
        1 + rng.below(9)
    );
    s.push_str("evidence:\n  - { id: interviews, title: Interviews, kind: interview, sample: 12 }\n  - { id: analytics, title: Funnel analytics, kind: analytics }\n");
    let n_stages = 5 + rng.below(3);
    let first = rng.below(STAGES.len() - n_stages + 1);
    s.push_str("stages:\n");
    let mut steps = Vec::new();
    for (si, (stage, _)) in STAGES[first..first + n_stages].iter().enumerate() {
        let reached = 10_000 / (si as i64 + 1);
        let _ = writeln!(s, "  - stage: {stage}\n    goal: {}\n    metrics: {{ reached: {reached}, converted: {} }}\n    steps:", sentence(rng, 5), reached * 6 / 10);
        for k in 0..2 + rng.below(3) {
            let id = format!("s{si}-{k}");
            let _ = writeln!(
                s,
                "      - id: {id}\n        title: {} {}",
                rng.pick(&VERBS),
                rng.pick(&THINGS)
            );
            let _ = writeln!(
                s,
                "        actions: {}\n        thinking: {}",
                sentence(rng, 12),
                sentence(rng, 8)
            );
            let _ = writeln!(
                s,
                "        touchpoints:\n          - {{ channel: {}, name: {}, owner: Team {} }}",
                rng.pick(&CHANNELS),
                sentence(rng, 3),
                rng.below(5)
            );
            let _ = writeln!(
                s,
                "        emotion: {}\n        feeling: {}",
                rng.range(-2, 2),
                rng.pick(&FEELINGS)
            );
            if rng.chance(15) {
                s.push_str("        moment_of_truth: true\n");
            }
            if rng.chance(50) {
                let _ = writeln!(s, "        pain_points:\n          - {{ text: {}, severity: {}, evidence: [interviews] }}", sentence(rng, 9), rng.pick(&LEVELS));
            }
            if rng.chance(40) {
                let _ = writeln!(
                    s,
                    "        opportunities:\n          - {{ text: {}, customer_value: {}, business_value: {}, effort: {}, owner: Team {} }}",
                    sentence(rng, 8),
                    rng.pick(&LEVELS),
                    rng.pick(&LEVELS),
                    rng.pick(&LEVELS),
                    rng.below(5)
                );
            }
            if rng.chance(60) {
                let _ = writeln!(s, "        backstage: {}", sentence(rng, 7));
            }
            let _ = writeln!(
                s,
                "        evidence: [{}]",
                if rng.chance(50) {
                    "interviews"
                } else {
                    "analytics"
                }
            );
            steps.push(id);
        }
    }
    // some journeys loop back from their last step to their second stage
    if j % 4 == 0 {
        let (stage, _) = STAGES[first + 1];
        let _ = writeln!(
            s,
            "transitions:\n  - {{ from: {}, to: {stage}, kind: loop, label: Comes back }}",
            steps[steps.len() - 1]
        );
    }
    s
}

fn page(rng: &mut Rng, n: usize) -> String {
    let mut s = format!(
        "---\ntitle: Research note {n}\ndescription: {}\n---\n",
        sentence(rng, 8)
    );
    for h in 0..3 {
        let _ = write!(
            s,
            "\n## Finding {h}\n\n{}\n\n- {}\n- {}\n",
            sentence(rng, 45),
            sentence(rng, 8),
            sentence(rng, 8)
        );
    }
    s
}
