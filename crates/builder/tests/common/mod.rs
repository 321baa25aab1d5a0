//! What the builder's tests share.

use crossbuy_engine::Catalog;

/// The snapshot as the widget reads it, one line per product:
/// `id price[/was] [unavailable] [every Nd] -> neighbour(count) …`.
pub fn describe(catalog: &Catalog) -> String {
    let mut lines = Vec::new();
    for p in &catalog.products {
        let mut line = format!("{} {}", p.id, p.price);
        if let Some(w) = p.was_price() {
            line.push_str(&format!("/{w}"));
        }
        if !p.available {
            line.push_str(" unavailable");
        }
        if let Some(d) = p.repurchase_days {
            line.push_str(&format!(" every {d}d"));
        }
        if !p.neighbours.is_empty() {
            line.push_str(" ->");
            for n in &p.neighbours {
                line.push_str(&format!(" {}({})", catalog.products[n.product].id, n.count));
            }
        }
        lines.push(line);
    }
    lines.join("\n")
}
