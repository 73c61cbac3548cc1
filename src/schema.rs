//! JSON Schema for the files authors write, derived from the model types.
//!
//! Editors (VS Code's YAML extension, JetBrains) use it to validate and autocomplete as people
//! type. It is generated from the same Rust types the loader uses, so it cannot drift; the
//! authoring reference in README.md is generated from it too, and a test keeps them equal.

use crate::model::{Journey, PageMeta, Persona, SiteConfig};
use serde_json::{Map, Value};
use std::fmt::Write;

/// The kinds of file a site holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum Kind {
    /// trailmap.yaml
    Site,
    /// journeys/*.yaml (or the front matter of journeys/*.md)
    Journey,
    /// the front matter of personas/*.md
    Persona,
    /// the front matter of pages/**/*.md
    Page,
}

impl Kind {
    pub(crate) const ALL: [Kind; 4] = [Kind::Site, Kind::Journey, Kind::Persona, Kind::Page];

    pub(crate) fn name(self) -> &'static str {
        match self {
            Kind::Site => "site",
            Kind::Journey => "journey",
            Kind::Persona => "persona",
            Kind::Page => "page",
        }
    }

    fn file(self) -> &'static str {
        match self {
            Kind::Site => "`trailmap.yaml`",
            Kind::Journey => "`journeys/*.yaml`, or the front matter of `journeys/*.md`",
            Kind::Persona => "the front matter of `personas/*.md`",
            Kind::Page => "the front matter of `pages/**/*.md`",
        }
    }
}

/// The JSON Schema (draft 2020-12) of one kind of file.
pub(crate) fn schema(kind: Kind) -> Value {
    let generated = match kind {
        Kind::Site => schemars::schema_for!(SiteConfig),
        Kind::Journey => schemars::schema_for!(Journey),
        Kind::Persona => schemars::schema_for!(Persona),
        Kind::Page => schemars::schema_for!(PageMeta),
    };
    let mut value = generated.to_value();
    if let Value::Object(map) = &mut value {
        map.insert(
            "title".into(),
            Value::String(format!("trailmap {} file", kind.name())),
        );
    }
    value
}

/// One documented field: where it sits (`stages[].steps[].emotion`), its type, its meaning.
pub(crate) struct Field {
    pub path: String,
    pub ty: String,
    pub required: bool,
    pub description: String,
}

/// Every field of a kind of file, depth first, in the order the types declare them.
pub(crate) fn fields(kind: Kind) -> Vec<Field> {
    let root = schema(kind);
    let defs = root
        .get("$defs")
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default();
    let mut out = Vec::new();
    walk(&root, "", &defs, &mut out, 0);
    out
}

fn resolve<'a>(v: &'a Value, defs: &'a Map<String, Value>) -> &'a Value {
    // `$ref`, possibly wrapped in anyOf [ref, null] for optional fields.
    if let Some(r) = v.get("$ref").and_then(Value::as_str) {
        return r
            .rsplit('/')
            .next()
            .and_then(|name| defs.get(name))
            .unwrap_or(v);
    }
    if let Some(any) = v.get("anyOf").and_then(Value::as_array) {
        if let Some(inner) = any
            .iter()
            .find(|x| x.get("type") != Some(&Value::String("null".into())))
        {
            return resolve(inner, defs);
        }
    }
    v
}

fn walk(v: &Value, prefix: &str, defs: &Map<String, Value>, out: &mut Vec<Field>, depth: usize) {
    let v = resolve(v, defs);
    let Some(props) = v.get("properties").and_then(Value::as_object) else {
        return;
    };
    let required: Vec<&str> = v
        .get("required")
        .and_then(Value::as_array)
        .map(|a| a.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    for (name, prop) in props {
        let path = if prefix.is_empty() {
            name.clone()
        } else {
            format!("{prefix}.{name}")
        };
        let description = prop
            .get("description")
            .or_else(|| resolve(prop, defs).get("description"))
            .and_then(Value::as_str)
            .unwrap_or_default()
            .replace('\n', " ");
        out.push(Field {
            path: path.clone(),
            ty: type_name(prop, defs),
            required: required.contains(&name.as_str()),
            description,
        });
        if depth < 6 {
            let target = resolve(prop, defs);
            if let Some(items) = target.get("items") {
                walk(items, &format!("{path}[]"), defs, out, depth + 1);
            } else {
                walk(target, &path, defs, out, depth + 1);
            }
        }
    }
}

fn type_name(prop: &Value, defs: &Map<String, Value>) -> String {
    let t = resolve(prop, defs);
    if let Some(values) = t.get("enum").and_then(Value::as_array) {
        return values
            .iter()
            .filter_map(Value::as_str)
            .collect::<Vec<_>>()
            .join(" \\| ");
    }
    if let Some(one) = t.get("oneOf").and_then(Value::as_array) {
        let words: Vec<&str> = one
            .iter()
            .filter_map(|o| o.get("const").and_then(Value::as_str))
            .collect();
        if !words.is_empty() {
            return words.join(" \\| ");
        }
    }
    let ty = match t.get("type") {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Array(a)) => a
            .iter()
            .filter_map(Value::as_str)
            .find(|s| *s != "null")
            .unwrap_or("any")
            .to_string(),
        _ => "object".into(),
    };
    match ty.as_str() {
        "array" => {
            let item = t
                .get("items")
                .map(|i| type_name(i, defs))
                .unwrap_or_else(|| "any".into());
            format!("list of {item}")
        }
        "object" if t.get("additionalProperties").is_some_and(Value::is_object) => {
            "map of text".into()
        }
        "integer" => "whole number".into(),
        "number" => "number".into(),
        "string" => "text".into(),
        "boolean" => "true \\| false".into(),
        other => other.into(),
    }
}

/// The authoring reference in Markdown: one table per kind of file.
pub(crate) fn reference_markdown() -> String {
    let mut out = String::new();
    for kind in Kind::ALL {
        let _ = writeln!(out, "### {} — {}\n", capitalise(kind.name()), kind.file());
        out.push_str("| field | type | meaning |\n|---|---|---|\n");
        for f in fields(kind) {
            let req = if f.required { " (required)" } else { "" };
            let _ = writeln!(
                out,
                "| `{}`{req} | {} | {} |",
                f.path,
                f.ty,
                f.description.replace('|', "\\|")
            );
        }
        out.push('\n');
    }
    out
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().collect::<String>() + c.as_str())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_field_has_a_description() {
        for kind in Kind::ALL {
            for f in fields(kind) {
                assert!(
                    !f.description.is_empty(),
                    "{}: `{}` has no description",
                    kind.name(),
                    f.path
                );
            }
        }
    }

    #[test]
    fn nested_fields_are_listed() {
        let paths: Vec<String> = fields(Kind::Journey).into_iter().map(|f| f.path).collect();
        for p in [
            "stages[].steps[].emotion",
            "stages[].steps[].touchpoints[].channel",
            "transitions[].kind",
        ] {
            assert!(paths.iter().any(|x| x == p), "{p} missing from {paths:?}");
        }
    }

    #[test]
    fn readme_reference_is_generated_from_the_schema() {
        let readme = include_str!("../README.md");
        let start = "<!-- reference:start -->\n";
        let end = "<!-- reference:end -->";
        let body = readme
            .split(start)
            .nth(1)
            .and_then(|r| r.split(end).next())
            .expect("README has the reference markers");
        assert_eq!(
            body,
            reference_markdown(),
            "README.md's field reference is out of date: run `trailmap schema --reference` and paste it"
        );
    }
}
