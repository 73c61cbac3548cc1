//! Exports: the whole checked model as `site.json`, and steps, pain points and opportunities
//! as CSV for spreadsheets, so the same files feed whatever a team already uses.
//!
//! CSV cells are quoted when needed, and a cell that starts like a formula (`=`, `+`, `-`,
//! `@`) gets a leading `'`, so opening an export can never run author text as a formula.

use super::cross::{backlog_rows, channel_name, step_href, walk};
use super::views::*;
use crate::load::Site;
use crate::model::{JourneyStatus, PageMeta, Persona, SiteConfig};
use serde::Serialize;
use std::io::{Result, Write};

#[derive(Serialize)]
struct PageExport<'a> {
    slug: &'a str,
    #[serde(flatten)]
    meta: &'a PageMeta,
}

#[derive(Serialize)]
struct SiteExport<'a> {
    config: &'a SiteConfig,
    journeys: Vec<&'a crate::model::Journey>,
    personas: Vec<&'a Persona>,
    pages: Vec<PageExport<'a>>,
}

/// `site.json`: the checked model, exactly as authors wrote it (ids filled in).
pub(crate) fn site_json(site: &Site, w: &mut dyn Write) -> Result<()> {
    let export = SiteExport {
        config: &site.config,
        journeys: site.journeys.iter().map(|j| &j.item).collect(),
        personas: site.personas.iter().map(|p| &p.item).collect(),
        pages: site
            .pages
            .iter()
            .map(|p| PageExport {
                slug: &p.slug,
                meta: &p.meta,
            })
            .collect(),
    };
    serde_json::to_writer_pretty(&mut *w, &export)?;
    w.write_all(b"\n")
}

/// One CSV cell.
fn cell(s: &str) -> String {
    let number = s.parse::<f64>().is_ok_and(f64::is_finite);
    let s = if !number && s.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{s}")
    } else {
        s.to_string()
    };
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s
    }
}

/// Writes a CSV file row by row: a large export never sits whole in memory.
fn csv(w: &mut dyn Write, header: &[&str], rows: impl Iterator<Item = Vec<String>>) -> Result<()> {
    write!(w, "{}\r\n", header.join(","))?;
    for r in rows {
        let cells: Vec<String> = r.iter().map(|c| cell(c)).collect();
        write!(w, "{}\r\n", cells.join(","))?;
    }
    Ok(())
}

fn status(s: JourneyStatus) -> &'static str {
    match s {
        JourneyStatus::Draft => "draft",
        JourneyStatus::InReview => "in-review",
        JourneyStatus::Published => "published",
        JourneyStatus::Archived => "archived",
    }
}

pub(crate) fn steps_csv(site: &Site, out: &mut dyn Write) -> Result<()> {
    let rows = walk(site).map(|w| {
        let s = w.step;
        let tps: Vec<String> = s
            .touchpoints
            .iter()
            .map(|t| format!("{} ({})", t.name, channel_name(site, &t.channel)))
            .collect();
        vec![
            w.j.item.id.clone(),
            w.j.item.title.clone(),
            status(w.j.item.status).into(),
            stage_name(site, &w.stage.stage),
            s.id.clone(),
            s.title.clone(),
            s.emotion.map(|v| v.to_string()).unwrap_or_default(),
            s.feeling.clone().unwrap_or_default(),
            s.moment_of_truth.to_string(),
            tps.join("; "),
            s.team.clone().unwrap_or_default(),
            s.evidence_level().word().into(),
            s.pain_points.len().to_string(),
            s.opportunities.len().to_string(),
            step_href(&w.j.item.id, &s.id),
        ]
    });
    csv(
        out,
        &[
            "journey_id",
            "journey",
            "journey_status",
            "stage",
            "step_id",
            "step",
            "emotion",
            "feeling",
            "moment_of_truth",
            "touchpoints",
            "team",
            "evidence_level",
            "pain_points",
            "opportunities",
            "url",
        ],
        rows,
    )
}

pub(crate) fn pains_csv(site: &Site, out: &mut dyn Write) -> Result<()> {
    let rows = walk(site).flat_map(|w| {
        w.step.pain_points.iter().map(move |p| {
            vec![
                w.j.item.id.clone(),
                w.j.item.title.clone(),
                stage_name(site, &w.stage.stage),
                w.step.id.clone(),
                w.step.title.clone(),
                p.text.clone(),
                p.severity.word().into(),
                p.evidence.join("; "),
                step_href(&w.j.item.id, &w.step.id),
            ]
        })
    });
    csv(
        out,
        &[
            "journey_id",
            "journey",
            "stage",
            "step_id",
            "step",
            "pain_point",
            "severity",
            "evidence",
            "url",
        ],
        rows,
    )
}

pub(crate) fn opportunities_csv(site: &Site, out: &mut dyn Write) -> Result<()> {
    let rows = backlog_rows(site).into_iter().map(|r| {
        vec![
            r.number.to_string(),
            r.text,
            r.step.journey.title,
            r.step.stage,
            r.step.title,
            r.personas.join("; "),
            r.owner.unwrap_or_default(),
            r.status,
            r.customer_value,
            r.business_value,
            r.effort,
            r.impact,
            r.step.href,
        ]
    });
    csv(
        out,
        &[
            "number",
            "opportunity",
            "journey",
            "stage",
            "step",
            "personas",
            "owner",
            "status",
            "customer_value",
            "business_value",
            "effort",
            "impact",
            "url",
        ],
        rows,
    )
}

#[cfg(test)]
mod tests {
    use super::cell;

    #[test]
    fn cells_are_quoted_and_never_formulas() {
        assert_eq!(cell("plain"), "plain");
        assert_eq!(cell("a, \"b\""), "\"a, \"\"b\"\"\"");
        assert_eq!(cell("=HYPERLINK(1)"), "'=HYPERLINK(1)");
        assert_eq!(cell("-2"), "-2");
        assert_eq!(cell("-cmd"), "'-cmd");
    }
}
