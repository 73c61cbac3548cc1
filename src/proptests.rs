//! Property tests: whatever text arrives, the loaders and parsers answer with a value or a
//! positioned error, never a panic. Inputs mix YAML/Markdown/Mermaid punctuation with
//! arbitrary Unicode, where the parsers' edge cases live.

use proptest::prelude::*;

/// Text made of the characters that matter to YAML, Markdown and Mermaid, plus anything.
fn tricky_text() -> impl Strategy<Value = String> {
    let pieces = prop_oneof![
        Just("\n".to_string()),
        Just("  ".to_string()),
        Just("- ".to_string()),
        Just(": ".to_string()),
        Just("---\n".to_string()),
        Just("&a ".to_string()),
        Just("*a".to_string()),
        Just("[".to_string()),
        Just("]".to_string()),
        Just("{".to_string()),
        Just("\"".to_string()),
        Just("'".to_string()),
        Just("#".to_string()),
        Just("%%".to_string()),
        Just("```mermaid\njourney\n".to_string()),
        Just("section ".to_string()),
        Just("title: ".to_string()),
        Just("stages:\n  - stage: a\n    steps:\n      - id: x\n        title: y\n".to_string()),
        Just("emotion: ".to_string()),
        Just("<script>".to_string()),
        Just("[x](javascript:y)".to_string()),
        Just("| a | b |\n|---|---|\n".to_string()),
        Just("[^1]".to_string()),
        "[0-9]{1,3}",
        "\\PC{0,8}",
        any::<char>().prop_map(String::from),
    ];
    proptest::collection::vec(pieces, 0..40).prop_map(|v| v.concat())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, ..ProptestConfig::default() })]

    #[test]
    fn journey_yaml_never_panics(text in tricky_text()) {
        let _ = crate::yaml::from_str::<crate::model::Journey>(&text);
    }

    #[test]
    fn config_and_persona_yaml_never_panic(text in tricky_text()) {
        let _ = crate::yaml::from_str::<crate::model::SiteConfig>(&text);
        let _ = crate::yaml::from_str::<crate::model::Persona>(&text);
    }

    #[test]
    fn errors_point_inside_the_text(text in tricky_text()) {
        if let Err(e) = crate::yaml::from_str::<crate::model::Journey>(&text) {
            prop_assert!(e.line >= 1 && e.col >= 1);
            prop_assert!(e.line <= text.lines().count().max(1) + 1, "line {} of {}", e.line, text.lines().count());
        }
    }

    #[test]
    fn markdown_never_panics_and_never_emits_script(text in tricky_text()) {
        let html = crate::markdown::render(&text).html;
        prop_assert!(!html.contains("<script"));
        prop_assert!(!html.to_ascii_lowercase().contains("href=\"javascript:"));
    }

    #[test]
    fn mermaid_never_panics(text in tricky_text()) {
        let page = format!("```mermaid\njourney\n{text}\n```\n");
        let _ = crate::mermaid::check_markdown(&page, std::path::Path::new("p.md"), 1);
        let html = crate::markdown::render(&page).html;
        prop_assert!(!html.contains("<script"));
    }
}
