//! Test fixtures: the design's reference map and a stress case, written as authors would.

use crate::model::{Journey, Persona, SiteConfig};

pub(super) const SITE: &str = r#"
title: Test site
stages:
  - {id: awareness, name: Awareness}
  - {id: consideration, name: Consideration}
  - {id: decision, name: Decision}
  - {id: purchase, name: Purchase}
  - {id: retention, name: Retention}
  - {id: advocacy, name: Advocacy}
  - {id: onboarding, name: Onboarding}
  - {id: renewal, name: Renewal}
channels:
  - {id: social, name: Social}
  - {id: web, name: Web}
  - {id: email, name: Email}
  - {id: mobile, name: Mobile}
  - {id: store, name: Store}
  - {id: support, name: Support}
  - {id: phone, name: Phone}
  - {id: chat, name: Chat}
  - {id: event, name: Event}
  - {id: ad, name: Print ad, icon: print}
  - {id: app, name: App}
  - {id: video, name: Video}
  - {id: sales, name: Sales rep}
  - {id: partner, name: Partner}
  - {id: pigeon, name: Carrier pigeon}
"#;

pub(super) const MAYA: &str = r#"
id: maya
name: Maya Chen
role: First-time online shopper
initials: MC
"#;

/// The journey of `shared/design/make_mock.py`.
pub(super) const DESIGN: &str = r#"
id: first-purchase
title: First purchase via social ad
scenario: "“I want to buy the dress I saw on Instagram without worrying whether it fits.”"
personas: [maya]
stages:
  - stage: awareness
    goal: Find clothes that feel like me
    steps:
      - id: ad
        title: Sees Instagram ad
        evidence: [s1]
        actions: Scrolls her feed at lunch and stops on a reel of a linen dress.
        touchpoints: [{channel: social, name: Instagram Reels ad}]
        thinking: Cute! But is this shop legit?
        emotion: 1
        feeling: Curious
        backstage: Lookalike-audience ad targeting
      - id: pdp
        title: Visits product page
        evidence: [s1]
        actions: "Taps “Shop now”; the page opens in Instagram’s in-app browser."
        touchpoints: [{channel: mobile, name: Product page in the in-app browser}]
        thinking: Nice photos. Where’s the size chart?
        emotion: 0
        feeling: Unsure
        pain_points: [{text: Page takes 6 s to load in the in-app browser, severity: high}]
        opportunities: [{text: Lighter product page for in-app browsers, customer_value: high, effort: medium}]
        backstage: Stock levels synced from the warehouse
  - stage: consideration
    goal: Be sure it fits before I pay
    steps:
      - id: reviews
        title: Reads reviews
        evidence: [s1]
        actions: Scrolls through 214 reviews looking for someone her height.
        touchpoints: [{channel: web, name: Reviews on the product page}]
        thinking: Real people, real photos. Good sign.
        emotion: 1
        feeling: Reassured
        pain_points: [{text: Reviews can’t be filtered by height or usual size, severity: medium}]
        opportunities: [{text: Filter reviews by height and usual size, customer_value: medium, effort: low}]
        backstage: Review moderation queue
      - id: sizes
        title: Compares sizes
        evidence_level: partly-backed
        moment_of_truth: true
        actions: Holds a tape measure to the size chart; sizes run differently from her usual brand.
        touchpoints: [{channel: web, name: Size chart}]
        thinking: I’m between an S and an M. If it doesn’t fit, returns are such a hassle.
        emotion: -2
        feeling: Anxious
        pain_points: [{text: Size chart in cm only; no model measurements, severity: high}]
        opportunities: [{text: "Fit finder: “I wear S at brand X”", customer_value: high, effort: medium}]
        backstage: Return reasons logged but never fed back to sizing
      - id: chat
        title: Asks about fit in chat
        evidence: [s1]
        actions: Opens live chat and asks which size to pick for her height.
        touchpoints: [{channel: support, name: Live chat on the product page}]
        thinking: A real person answered in 4 minutes!
        emotion: 1
        feeling: Relieved
        pain_points: [{text: Chat is staffed 9–5 only; evening questions wait, severity: low}]
        backstage: Agent reads fit notes from the design team
  - stage: decision
    goal: A fair price, no surprises
    steps:
      - id: cart
        title: Adds to cart
        evidence: [s1]
        actions: Adds size S, sees $9.95 shipping and leaves the tab open.
        touchpoints: [{channel: mobile, name: Cart}]
        thinking: $9.95 shipping? I’ll sleep on it.
        emotion: -1
        feeling: Hesitant
        pain_points: [{text: Shipping cost only appears in the cart, severity: medium}]
        opportunities: [{text: Show the free-shipping threshold on the product page, customer_value: medium, effort: low}]
        backstage: Cart saved against her email
      - id: code
        title: Gets 10% code by email
        evidence_level: partly-backed
        actions: Next morning, an email offers 10% off the dress in her cart.
        touchpoints: [{channel: email, name: Abandoned-cart email}]
        thinking: OK, that tips it.
        emotion: 1
        feeling: Tempted
        backstage: Abandoned-cart trigger after 20 hours
  - stage: purchase
    goal: Pay safely, get it soon
    steps:
      - id: checkout
        title: Checks out
        evidence: [s1]
        moment_of_truth: true
        actions: Must create an account, then approve the card in her bank app.
        touchpoints: [{channel: mobile, name: Checkout}]
        thinking: Why do I need an account? Is my card safe here?
        emotion: -1
        feeling: Wary
        pain_points: [{text: "Forced sign-up: 38% of first-time buyers leave here", severity: high}]
        opportunities: [{text: Guest checkout with Apple Pay and Google Pay, customer_value: high, effort: medium}]
        backstage: "Fraud check and 3-D\u00a0Secure"
      - id: receive
        title: Receives order
        evidence: [s1]
        moment_of_truth: true
        actions: Picks up the parcel at her local store two days later and tries it on.
        touchpoints: [{channel: store, name: Click & collect counter}]
        thinking: It fits! And the packaging is lovely.
        emotion: 2
        feeling: Delighted
        pain_points: [{text: No message when the parcel is ready; she phoned to check, severity: low}]
        opportunities: [{text: "“Ready for pickup” text message", customer_value: medium, effort: low}]
        backstage: Warehouse pick & pack, transfer to store
  - stage: retention
    goal: Keep it looking new, find more
    steps:
      - id: care
        title: Gets care-tips email
        actions: Reads a short guide to washing and ironing linen.
        touchpoints: [{channel: email, name: "Care-tips email, day\u00a07"}]
        thinking: Useful. I didn’t know that about linen.
        emotion: 1
        feeling: Looked after
        backstage: Lifecycle email flow in the CRM
      - id: reorder
        title: Reorders
        evidence_level: partly-backed
        actions: Six weeks later, buys the same dress in sage from the app.
        touchpoints: [{channel: mobile, name: "Shop app: “Buy\u00a0again”"}]
        thinking: I know my size now. Two minutes, done.
        emotion: 2
        feeling: Confident
        pain_points: [{text: The app asks for her size again, severity: low}]
        opportunities: [{text: Remember size and fit across orders, customer_value: medium, effort: low}]
        backstage: Order history synced from web to app
  - stage: advocacy
    goal: Share a find I’m proud of
    steps:
      - id: review
        title: Posts a review
        evidence_level: partly-backed
        actions: Follows the link in her pickup email and fills in the review form.
        touchpoints: [{channel: web, name: Review form}]
        thinking: Happy to help, but why 12 fields?
        emotion: -1
        feeling: Annoyed
        pain_points: [{text: "12 fields, and photo upload fails on mobile", severity: medium}]
        opportunities: [{text: "Three-field review with photo, size pre-filled", customer_value: medium, effort: low}]
        backstage: Reviews syndicated to shopping search
      - id: share
        title: Shares on Instagram
        actions: Posts a story wearing the dress and tags the brand.
        touchpoints: [{channel: social, name: Instagram story}]
        thinking: Friends keep asking where it’s from!
        emotion: 2
        feeling: Proud
        opportunities: [{text: Referral code in the post-purchase email, customer_value: high, effort: low}]
        backstage: Social listening picks up the tag
transitions:
  - {from: reorder, to: consideration, label: "Repeat purchase: back to Consideration"}
"#;

/// Everything awkward at once: eight stages, a one-step stage, long words, many touchpoints,
/// several pain points, unscored steps, a 1..10 scale, every kind of transition, blueprint lanes.
pub(super) const STRESS: &str = r#"
id: stress
title: "An extraordinarily long journey title that keeps going well past where any sensible author would stop writing it"
scenario: I want to see whether everything still fits when the content is far longer than the design expected
personas: [maya, omar, lee]
state: future
emotion_scale: {min: 1, max: 10, labels: {1: Furious, 10: Ecstatic}}
stages:
  - stage: awareness
    goal: Supercalifragilisticexpialidociousnessless-and-then-some
    steps:
      - id: s1
        title: Pneumonoultramicroscopicsilicovolcanoconiosis
        actions: "Antidisestablishmentarianism is a long word; so is floccinaucinihilipilification."
        touchpoints:
          - {channel: social, name: Instagram, owner: Growth marketing team}
          - {channel: phone, name: Hotline}
          - {channel: chat, name: WhatsApp}
          - {channel: event, name: Trade fair booth with a very long descriptive name}
          - {channel: pigeon, name: Unknown channel}
        emotion: 10
        moment_of_truth: true
        persona_emotions: {omar: 4, lee: 7}
  - stage: consideration
    steps:
      - id: s2
        title: Compares
        touchpoints: [{channel: ad, name: Newspaper}, {channel: app, name: App}, {channel: video, name: YouTube}]
        pain_points:
          - {text: First pain, severity: low}
          - {text: "Second pain that is a bit longer and wraps over lines", severity: high}
          - {text: Third, severity: medium}
        opportunities:
          - {text: One, customer_value: low, effort: high, owner: Product}
          - {text: Two, customer_value: high, effort: low}
        persona_emotions: {omar: 2}
      - id: s3
        title: Unscored step
        touchpoints: [{channel: sales, name: Rep visit}, {channel: partner, name: Reseller}]
        frontstage: Rep walks through the options
        emotion: 1
        persona_emotions: {omar: 3}
      - id: s4
        title: Scored again
        emotion: 5
        feeling: "A feeling described in rather a lot of words indeed"
  - stage: decision
    steps: []
  - stage: purchase
    steps:
      - {id: s5, title: Buys, emotion: 3, moment_of_truth: true, support: Payment provider}
  - stage: retention
    steps:
      - {id: s6, title: Uses, backstage: "Ops team monitors usage"}
  - stage: advocacy
    steps:
      - {id: s7, title: Tells a friend, emotion: 9, evidence: [x]}
  - stage: onboarding
    steps:
      - {id: s8, title: Onboards, emotion: 8}
  - stage: not-in-vocabulary
    steps:
      - {id: s9, title: Mystery, emotion: 2}
transitions:
  - {from: s8, to: consideration, kind: loop}
  - {from: s1, to: s5, kind: skip}
  - {from: s3, to: advocacy, kind: branch, label: "Some go straight to telling friends"}
  - {from: s7, to: s2, kind: loop}
  - {from: nowhere, to: consideration}
  - {from: s1, to: nowhere}
"#;

pub(super) fn site() -> SiteConfig {
    serde_yaml::from_str(SITE).expect("fixture site parses")
}

pub(super) fn persona(yaml: &str) -> Persona {
    serde_yaml::from_str(yaml).expect("fixture persona parses")
}

pub(super) fn journey(yaml: &str) -> Journey {
    serde_yaml::from_str(yaml).expect("fixture journey parses")
}

pub(super) fn hostile_persona() -> Persona {
    persona("id: omar\nname: \"<script>alert(1)</script> & \\\"Co\\\"\"\nrole: \"Buyer's <b>agent</b>\"\ncolour: \"red\\\" onload=\\\"x\"\n")
}
