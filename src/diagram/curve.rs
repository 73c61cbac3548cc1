//! The emotion curve's shape: a monotone cubic (Fritsch–Carlson) through the points.
//!
//! A plain spline overshoots: it would draw a customer happier than +2 or add a dip the data
//! does not have. The monotone version is smooth, passes through every point, and never
//! leaves the range between two neighbouring points.

use super::svg::N;
use std::fmt::Write;

/// SVG path data through `pts` (x strictly increasing). Fewer than two points: empty.
pub(super) fn monotone_path(pts: &[(f32, f32)]) -> String {
    let mut out = String::new();
    let Some(&(x0, y0)) = pts.first() else {
        return out;
    };
    if pts.len() < 2 {
        return out;
    }
    let m = tangents(pts);
    let _ = write!(out, "M{} {}", N(x0), N(y0));
    for i in 0..pts.len() - 1 {
        let ((xa, ya), (xb, yb)) = (pts[i], pts[i + 1]);
        let h = (xb - xa) / 3.0;
        let _ = write!(
            out,
            "C{} {} {} {} {} {}",
            N(xa + h),
            N(ya + m[i] * h),
            N(xb - h),
            N(yb - m[i + 1] * h),
            N(xb),
            N(yb)
        );
    }
    out
}

/// Slopes at each point, limited so the curve stays monotone between points.
fn tangents(pts: &[(f32, f32)]) -> Vec<f32> {
    let k = pts.len();
    let d: Vec<f32> = pts
        .windows(2)
        .map(|w| {
            let dx = w[1].0 - w[0].0;
            if dx.abs() < f32::EPSILON {
                0.0
            } else {
                (w[1].1 - w[0].1) / dx
            }
        })
        .collect();
    let mut m = vec![0.0; k];
    m[0] = d[0];
    m[k - 1] = d[k - 2];
    for i in 1..k - 1 {
        m[i] = if d[i - 1] * d[i] <= 0.0 {
            0.0
        } else {
            (d[i - 1] + d[i]) / 2.0
        };
    }
    for i in 0..k - 1 {
        if d[i] == 0.0 {
            m[i] = 0.0;
            m[i + 1] = 0.0;
            continue;
        }
        let (a, b) = (m[i] / d[i], m[i + 1] / d[i]);
        if a * a + b * b > 9.0 {
            let t = 3.0 / a.hypot(b);
            m[i] = t * a * d[i];
            m[i + 1] = t * b * d[i];
        }
    }
    m
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flat_runs_stay_flat_and_ends_are_exact() {
        let p = monotone_path(&[(0.0, 10.0), (10.0, 10.0), (20.0, 0.0)]);
        assert!(p.starts_with("M0 10C3.3 10 6.7 10 10 10"), "{p}");
        assert!(p.ends_with(" 20 0"));
    }

    #[test]
    fn one_point_draws_nothing() {
        assert!(monotone_path(&[(1.0, 1.0)]).is_empty());
    }
}
