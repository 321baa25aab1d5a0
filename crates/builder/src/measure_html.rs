//! The HTML form of `crossbuy report`: one self-contained file (inline CSS and SVG, no script,
//! no external request), readable on a phone, each chart with a text title, a description and
//! the same numbers as a table. docs/measure.md explains how to read each chart.

use std::fmt::Write;

use crossbuy_engine::Currency;

use super::lift::Interval;
use super::measure::{money, Report};

/// Escapes text for HTML element content and attribute values.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

const STYLE: &str = "\
:root{color-scheme:light;--ink:#1b1f24;--muted:#4a5360;--line:#c9ced6;--bar:#2f5fb3;--hold:#6b7280;--good:#1d6b3a;--bad:#a3261b}
*{box-sizing:border-box}
body{margin:0;font:16px/1.5 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;color:var(--ink);background:#fff}
main{max-width:44rem;margin:0 auto;padding:1rem}
h1{font-size:1.5rem;margin:.5rem 0}
h2{font-size:1.2rem;margin:2rem 0 .5rem;border-top:1px solid var(--line);padding-top:1rem}
p.meta,figcaption,.note{color:var(--muted)}
.verdict{font-size:1.15rem;font-weight:600;margin:.5rem 0;padding:.75rem;border-left:.3rem solid var(--bar);background:#f3f6fb}
figure{margin:0}
svg{width:100%;height:auto;display:block}
svg text{font:13px system-ui,sans-serif;fill:#1b1f24}
.scroll{overflow-x:auto}
table{border-collapse:collapse;width:100%;font-size:.95rem;margin:.5rem 0}
th,td{padding:.35rem .5rem;border-bottom:1px solid var(--line);text-align:right;white-space:nowrap}
th:first-child,td:first-child{text-align:left}
caption{text-align:left;font-weight:600;padding:.25rem 0}
";

/// Colour of an arm's bars: the holdout grey, the others blue.
fn colour(show: &str) -> &'static str {
    if show == "none" {
        "#6b7280"
    } else {
        "#2f5fb3"
    }
}

fn pct(x: f64) -> String {
    format!("{:.1}%", x * 100.0)
}

/// Horizontal bars: one per `(label, value, colour, text)`, the label above its bar and the
/// value as text beside it. 400 units wide, so the text stays legible on a phone.
fn bars(id: &str, title: &str, desc: &str, rows: &[(String, f64, &str, String)]) -> String {
    let max = rows.iter().map(|r| r.1).fold(0.0f64, f64::max).max(1e-9);
    let (bar_w, row_h) = (290.0, 46.0);
    let h = row_h * rows.len() as f64 + 4.0;
    let mut s = String::new();
    let _ = write!(
        s,
        "<svg viewBox=\"0 0 400 {h}\" role=\"img\" aria-labelledby=\"{id}-t {id}-d\"><title id=\"{id}-t\">{}</title><desc id=\"{id}-d\">{}</desc>",
        escape(title),
        escape(desc)
    );
    for (i, (label, value, fill, text)) in rows.iter().enumerate() {
        let y = row_h * i as f64;
        let w = (value.max(0.0) / max * bar_w).max(1.0);
        let _ = write!(
            s,
            "<text x=\"0\" y=\"{}\">{}</text><rect x=\"0\" y=\"{}\" width=\"{w:.1}\" height=\"18\" fill=\"{fill}\"/><text x=\"{:.1}\" y=\"{}\">{}</text>",
            y + 14.0,
            escape(label),
            y + 20.0,
            w + 6.0,
            y + 34.0,
            escape(text)
        );
    }
    s.push_str("</svg>");
    s
}

/// A forest plot: each row an estimate with its 95% interval (label above), and the zero line.
fn forest(
    id: &str,
    title: &str,
    desc: &str,
    rows: &[(String, Interval)],
    currency: Currency,
) -> String {
    let lo = rows.iter().map(|r| r.1.low).fold(0.0f64, f64::min);
    let hi = rows.iter().map(|r| r.1.high).fold(0.0f64, f64::max);
    let span = (hi - lo).max(1.0);
    let (left, width, row_h) = (10.0, 290.0, 46.0);
    let x = |v: f64| left + (v - lo) / span * width;
    let h = row_h * rows.len() as f64 + 24.0;
    let mut s = String::new();
    let _ = write!(
        s,
        "<svg viewBox=\"0 0 400 {h}\" role=\"img\" aria-labelledby=\"{id}-t {id}-d\"><title id=\"{id}-t\">{}</title><desc id=\"{id}-d\">{}</desc>",
        escape(title),
        escape(desc)
    );
    let zero = x(0.0);
    let _ = write!(
        s,
        "<line x1=\"{zero:.1}\" y1=\"0\" x2=\"{zero:.1}\" y2=\"{}\" stroke=\"#4a5360\" stroke-dasharray=\"4 3\"/><text x=\"{zero:.1}\" y=\"{}\" text-anchor=\"middle\">0</text>",
        h - 20.0,
        h - 5.0
    );
    for (i, (label, iv)) in rows.iter().enumerate() {
        let y = row_h * i as f64;
        let fill = if iv.significant() && iv.estimate > 0.0 {
            "#1d6b3a"
        } else if iv.significant() {
            "#a3261b"
        } else {
            "#2f5fb3"
        };
        let mid = y + 30.0;
        let _ = write!(
            s,
            "<text x=\"0\" y=\"{}\">{}</text><line x1=\"{:.1}\" y1=\"{mid}\" x2=\"{:.1}\" y2=\"{mid}\" stroke=\"{fill}\" stroke-width=\"3\"/><circle cx=\"{:.1}\" cy=\"{mid}\" r=\"6\" fill=\"{fill}\"/><text x=\"{}\" y=\"{}\">{}</text>",
            y + 14.0,
            escape(label),
            x(iv.low),
            x(iv.high),
            x(iv.estimate),
            left + width + 12.0,
            mid + 5.0,
            escape(&money(iv.estimate, currency))
        );
    }
    s.push_str("</svg>");
    s
}

/// One cell of the per-arm table.
type Cell<'a> = Box<dyn Fn(&super::measure::ArmReport) -> String + 'a>;

/// The whole page.
pub fn html(r: &Report, currency: Currency) -> String {
    let m = |x: f64| money(x, currency);
    let mut s = String::new();
    let _ = write!(
        s,
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>crossbuy report: {} at {}</title><style>{STYLE}</style></head><body><main>",
        escape(&r.experiment),
        escape(&r.shop)
    );
    let _ = write!(
        s,
        "<h1>What crossbuy earns at {}</h1><p class=\"meta\">Experiment “{}”: {} of {} orders in the experiment{}. Amounts in {}.</p>",
        escape(&r.shop),
        escape(&r.experiment),
        r.orders_exposed,
        r.orders_read,
        match (&r.from, &r.to) {
            (Some(a), Some(b)) => format!(", {a} to {b}"),
            _ => String::new(),
        },
        escape(&r.currency)
    );
    s.push_str("<section aria-labelledby=\"verdict\"><h2 id=\"verdict\">Verdict</h2>");
    if r.lifts.is_empty() {
        s.push_str("<p class=\"verdict\">No arm to compare yet.</p>");
    }
    for l in &r.lifts {
        let _ = write!(
            s,
            "<p class=\"verdict\">{}</p><p>Against “{}”: revenue per order {} (95% CI {} to {}); items per order {:+.2} (95% CI {:+.2} to {:+.2}).</p>",
            escape(&l.verdict),
            escape(&l.against),
            escape(&m(l.revenue.estimate)),
            escape(&m(l.revenue.low)),
            escape(&m(l.revenue.high)),
            l.items.estimate,
            l.items.low,
            l.items.high
        );
    }
    s.push_str("</section>");

    // Lift chart: overall and by segment.
    let mut rows: Vec<(String, Interval)> = Vec::new();
    for l in &r.lifts {
        rows.push((format!("{}: all orders", l.arm), l.revenue));
    }
    for seg in &r.segments {
        for l in &seg.lifts {
            if l.revenue.n.0 >= 2 && l.revenue.n.1 >= 2 {
                rows.push((format!("{}: {}", l.arm, seg.segment), l.revenue));
            }
        }
    }
    s.push_str(
        "<section aria-labelledby=\"lift\"><h2 id=\"lift\">Lift in revenue per order</h2><figure>",
    );
    if !rows.is_empty() {
        s.push_str(&forest(
            "lift-chart",
            "Lift in revenue per order against the holdout, with 95% confidence intervals",
            "Each line is a 95% confidence interval, the dot the estimate; a line that crosses the dashed zero line is not yet a measured difference.",
            &rows,
            currency,
        ));
    }
    s.push_str("<figcaption>A dot right of zero means the arm earned more per order than the holdout; the line is the 95% confidence interval. Green: measured gain; red: measured loss; blue: not yet measurable.</figcaption></figure>");
    s.push_str("<div class=\"scroll\" tabindex=\"0\" role=\"region\" aria-label=\"Lift by segment\"><table><caption>Lift by segment</caption><thead><tr><th scope=\"col\">Arm and segment</th><th scope=\"col\">Lift</th><th scope=\"col\">95% CI</th><th scope=\"col\">Orders (arm / holdout)</th></tr></thead><tbody>");
    for (label, iv) in &rows {
        let _ = write!(
            s,
            "<tr><th scope=\"row\">{}</th><td>{}</td><td>{} to {}</td><td>{} / {}</td></tr>",
            escape(label),
            escape(&m(iv.estimate)),
            escape(&m(iv.low)),
            escape(&m(iv.high)),
            iv.n.0,
            iv.n.1
        );
    }
    s.push_str("</tbody></table></div></section>");

    // Per-arm bars.
    let arm_rows = |f: &dyn Fn(&super::measure::ArmReport) -> (f64, String)| -> Vec<(String, f64, &str, String)> {
        r.arms
            .iter()
            .map(|a| {
                let (v, t) = f(a);
                (a.arm.clone(), v, colour(&a.show), t)
            })
            .collect()
    };
    s.push_str("<section aria-labelledby=\"arms\"><h2 id=\"arms\">Each arm</h2><figure>");
    s.push_str(&bars(
        "rev-chart",
        "Revenue per order by arm",
        "Mean order value in each arm; the holdout, which saw no widget, is grey.",
        &arm_rows(&|a| (a.revenue_per_order, m(a.revenue_per_order))),
    ));
    s.push_str("<figcaption>Mean revenue per order in each arm. The holdout (grey) saw no widget.</figcaption></figure><figure>");
    s.push_str(&bars(
        "accept-chart",
        "Cross-sell acceptance rate by arm",
        "Share of orders with at least one item added from the widget.",
        &arm_rows(&|a| (a.acceptance_rate, pct(a.acceptance_rate))),
    ));
    s.push_str("<figcaption>Share of orders that added at least one recommended item from the widget.</figcaption></figure><figure>");
    s.push_str(&bars(
        "second-chart",
        "Secondary purchase within 30 days by arm",
        "Share of orders whose customer bought a recommended item in a later order within 30 days.",
        &arm_rows(&|a| (a.secondary_30d, pct(a.secondary_30d))),
    ));
    s.push_str("<figcaption>Share of orders followed, within 30 days, by the same customer's order containing an item recommended to them.</figcaption></figure>");
    s.push_str("<div class=\"scroll\" tabindex=\"0\" role=\"region\" aria-label=\"All numbers by arm\"><table><caption>All numbers by arm</caption><thead><tr><th scope=\"col\">Measure</th>");
    for a in &r.arms {
        let _ = write!(
            s,
            "<th scope=\"col\">{} ({})</th>",
            escape(&a.arm),
            escape(&a.show)
        );
    }
    s.push_str("</tr></thead><tbody>");
    let opt_pct = |x: Option<f64>| x.map_or("–".to_owned(), pct);
    let measures: Vec<(&str, Cell)> = vec![
        ("Orders", Box::new(|a| a.orders.to_string())),
        (
            "Orders that took a cross-sell",
            Box::new(|a| a.accepted.to_string()),
        ),
        ("Acceptance rate", Box::new(|a| pct(a.acceptance_rate))),
        (
            "Revenue per order",
            Box::new(move |a| m(a.revenue_per_order)),
        ),
        (
            "Items per order",
            Box::new(|a| format!("{:.2}", a.items_per_order)),
        ),
        (
            "Attributed revenue",
            Box::new(move |a| m(a.attributed_revenue as f64)),
        ),
        (
            "Attributed items",
            Box::new(|a| a.attributed_items.to_string()),
        ),
        (
            "Cross-sell order value",
            Box::new(move |a| a.cross_sell_order_value.map_or("–".to_owned(), m)),
        ),
        (
            "Secondary purchase, 7 days",
            Box::new(|a| pct(a.secondary_7d)),
        ),
        (
            "Secondary purchase, 30 days",
            Box::new(|a| pct(a.secondary_30d)),
        ),
        (
            "Median days to it",
            Box::new(|a| {
                a.secondary_median_days
                    .map_or("–".to_owned(), |d| format!("{d:.1}"))
            }),
        ),
        ("New product type, 7 days", Box::new(|a| pct(a.new_type_7d))),
        (
            "New product type, 30 days",
            Box::new(|a| pct(a.new_type_30d)),
        ),
        (
            "Refund rate, cross-sold units",
            Box::new(move |a| opt_pct(a.refund_rate_cross_sold)),
        ),
        (
            "Refund rate, other units",
            Box::new(move |a| opt_pct(a.refund_rate_rest)),
        ),
        (
            "Refunded within 7 days, cross-sold units",
            Box::new(move |a| opt_pct(a.refund_rate_cross_sold_7d)),
        ),
        (
            "Refunded within 30 days, cross-sold units",
            Box::new(move |a| opt_pct(a.refund_rate_cross_sold_30d)),
        ),
        (
            "Refunded within 7 days, other units",
            Box::new(move |a| opt_pct(a.refund_rate_rest_7d)),
        ),
        (
            "Refunded within 30 days, other units",
            Box::new(move |a| opt_pct(a.refund_rate_rest_30d)),
        ),
    ];
    for (name, f) in &measures {
        let _ = write!(s, "<tr><th scope=\"row\">{name}</th>");
        for a in &r.arms {
            let _ = write!(s, "<td>{}</td>", escape(&f(a)));
        }
        s.push_str("</tr>");
    }
    s.push_str("</tbody></table></div></section>");

    s.push_str("<section aria-labelledby=\"pairs\"><h2 id=\"pairs\">Recommended pairs</h2><p>What the widget showed (recomputed from the snapshot) and how often shoppers took it. Pairs shown often and never taken lose weight in the next snapshot built with <code>--feedback</code>.</p><div class=\"scroll\" tabindex=\"0\" role=\"region\" aria-label=\"Most shown pairs\"><table><caption>Most shown pairs</caption><thead><tr><th scope=\"col\">In the cart</th><th scope=\"col\">Recommended</th><th scope=\"col\">Shown</th><th scope=\"col\">Taken</th><th scope=\"col\">Rate</th></tr></thead><tbody>");
    for p in r.pairs.iter().take(25) {
        let _ = write!(
            s,
            "<tr><th scope=\"row\">{}</th><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            escape(&p.from),
            escape(&p.to),
            p.shown,
            p.taken,
            pct(p.taken as f64 / p.shown.max(1) as f64)
        );
    }
    s.push_str("</tbody></table></div></section>");
    if !r.notes.is_empty() {
        s.push_str("<section aria-labelledby=\"notes\"><h2 id=\"notes\">Notes</h2><ul>");
        for n in &r.notes {
            let _ = write!(s, "<li class=\"note\">{}</li>", escape(n));
        }
        s.push_str("</ul></section>");
    }
    s.push_str("<p class=\"note\">Made by <code>crossbuy report</code>. How to read it: docs/measure.md.</p></main></body></html>\n");
    s
}
