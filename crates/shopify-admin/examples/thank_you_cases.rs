//! The cases of the thank-you extension's differential test
//! (`integrations/shopify/extensions/crossbuy-thank-you/tests/engine.test.js`): generated shops
//! published as metafields, generated orders, and what the engine makes of them from the whole
//! snapshot: the recommendations, the offer, each card's price, the bundle row and the order's
//! deadline, and the snapshot `metafields::assemble` joins for the order's products. The
//! JavaScript ranking must give the same from the metafields, and the theme's Liquid must join
//! the same snapshot.
//!
//!   cargo run -q -p crossbuy-shopify-admin --example thank_you_cases -- 3000 > cases.json
use crossbuy_engine::deadline::Deadline;
use crossbuy_engine::json::Writer;
use crossbuy_engine::price::{bundle_quote, card_price, choose_offer, Badge};
use crossbuy_engine::time::HOUR_MS;
use crossbuy_engine::{context_products, recommend, Catalog, PageContext, PageKind};
use crossbuy_shopify_admin::metafields;

struct Rng(u64);
impl Rng {
    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d) % n.max(1)
    }
}

const T0: i64 = 1_795_168_800_000; // 2026-11-20T10:00:00Z

fn shop(rng: &mut Rng) -> String {
    let n = 3 + rng.below(25) as usize;
    let id = |i: usize| 9_100_000_000u64 + i as u64;
    let currency = ["GBP", "JPY", "KWD"][rng.below(3) as usize];
    let products: Vec<String> = (0..n)
        .map(|i| {
            let mut nb: Vec<usize> = (0..rng.below(9)).map(|_| rng.below(n as u64) as usize).filter(|&j| j != i).collect();
            nb.sort();
            nb.dedup();
            let neighbours: Vec<String> = nb
                .iter()
                .map(|&j| {
                    // Four significant digits, as the builder writes scores; ties happen.
                    let score = match rng.below(4) {
                        0 => "0.5".to_owned(),
                        1 => format!("{}", 1 + rng.below(30)),
                        _ => format!("0.{:04}", 1 + rng.below(9999)),
                    };
                    format!(r#"{{"id":"{}","score":{score},"count":{}}}"#, id(j), 1 + rng.below(50))
                })
                .collect();
            let price = rng.below(30_000);
            let compare = if rng.below(3) == 0 { format!(r#","compare_at_price":{}"#, price + rng.below(5000)) } else { String::new() };
            format!(
                r#"{{"id":"{}","variant_ids":["{}7","{}8"],"handle":"h{i}","url":"/products/h{i}","title":"Item {i} é","price":{price}{compare},"available":{},"tags":["{}"],"type":"{}","neighbours":[{}]}}"#,
                id(i),
                id(i),
                id(i),
                rng.below(8) != 0,
                ["Gift", "sale", "Home"][rng.below(3) as usize],
                ["Candles", "mugs"][rng.below(2) as usize],
                neighbours.join(",")
            )
        })
        .collect();
    let mut rules = Vec::new();
    if rng.below(2) == 0 {
        rules.push(format!(
            r#""pin":{{"{}":["{}","{}"]}}"#,
            id(rng.below(n as u64) as usize),
            id(rng.below(n as u64) as usize),
            id(rng.below(n as u64) as usize)
        ));
    }
    if rng.below(2) == 0 {
        rules.push(format!(
            r#""exclude":["{}"]"#,
            id(rng.below(n as u64) as usize)
        ));
    }
    if rng.below(2) == 0 {
        rules.push(format!(
            r#""boost":{{"{}":{},"{}":0.5}}"#,
            id(rng.below(n as u64) as usize),
            1 + rng.below(4),
            id(rng.below(n as u64) as usize)
        ));
    }
    let offers: Vec<String> = (0..rng.below(4))
        .map(|k| {
            let kind = match rng.below(4) {
                0 => format!(r#""kind":"percent","percent":{}"#, 1 + rng.below(100)),
                1 => format!(r#""kind":"amount","amount":{}"#, 1 + rng.below(5000)),
                2 => format!(
                    r#""kind":"bundle_price","bundle_price":{}"#,
                    rng.below(20000)
                ),
                _ => format!(
                    r#""kind":"bundle_percent","percent":{},"min_items":{}"#,
                    1 + rng.below(50),
                    2 + rng.below(2)
                ),
            };
            let mut o = format!(
                r#"{{"id":"O-{k}",{kind},"window_hours":{}"#,
                1 + rng.below(72)
            );
            match rng.below(4) {
                0 => o.push_str(r#","tags":["gift"]"#),
                1 => o.push_str(r#","types":["candles"]"#),
                2 => o.push_str(&format!(
                    r#","products":["{}","{}"]"#,
                    id(rng.below(n as u64) as usize),
                    id(rng.below(n as u64) as usize)
                )),
                _ => {}
            }
            if rng.below(3) == 0 {
                o.push_str(&format!(r#","min_price":{}"#, rng.below(3000)));
            }
            if rng.below(3) == 0 {
                o.push_str(r#","pages":["checkout"]"#);
            }
            if rng.below(4) == 0 {
                o.push_str(r#","ends_at":"2026-11-21T10:00:00Z""#);
            }
            if rng.below(5) == 0 {
                o.push_str(r#","starts_at":"2026-11-22T00:00:00Z""#);
            }
            o.push('}');
            o
        })
        .collect();
    format!(
        r#"{{"version":1,"shop":{{"name":"Shop","currency":"{currency}"}},"products":[{}],"rules":{{{}}},"offers":[{}]}}"#,
        products.join(","),
        rules.join(","),
        offers.join(",")
    )
}

fn main() {
    let count: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(3000);
    let mut rng = Rng(0x5eed_1234_abcd_ef01);
    let mut w = Writer(String::new());
    w.open('[');
    let mut made = 0;
    while made < count {
        let text = shop(&mut rng);
        let catalog = match Catalog::parse(&text) {
            Ok(c) => c,
            Err(_) => continue, // a generated offer limited to nothing, or a pin on itself
        };
        let Ok(published) = metafields::build(&text) else {
            continue;
        };
        let n = catalog.products.len();
        let items: Vec<(String, String)> = (0..1 + rng.below(4))
            .map(|_| {
                let p = &catalog.products[rng.below(n as u64) as usize];
                // A Shopify line always names its product (the metafield's owner).
                match rng.below(2) {
                    0 => (p.id.clone(), p.variant_ids[1].clone()),
                    _ => (p.id.clone(), String::new()),
                }
            })
            .collect();
        let context = format!(
            r#"{{"page":"thank_you","items":[{}]}}"#,
            items
                .iter()
                .map(|(p, v)| if v.is_empty() {
                    format!(r#"{{"product_id":"{p}"}}"#)
                } else {
                    format!(r#"{{"product_id":"{p}","variant_id":"{v}"}}"#)
                })
                .collect::<Vec<_>>()
                .join(",")
        );
        let Ok(context) = PageContext::parse(&context) else {
            continue;
        };
        let now = T0 + (rng.below(60) as i64 - 10) * HOUR_MS;
        let limit = 2 + rng.below(3) as usize;
        let recs: Vec<usize> = recommend(&catalog, &context_products(&catalog, &context), limit)
            .into_iter()
            .map(|r| r.product)
            .collect();
        let offer = choose_offer(&catalog.offers, &catalog, PageKind::ThankYou, &recs, now);
        // A view an hour ago may have stored a record.
        let stored = (rng.below(2) == 0)
            .then(|| {
                offer.map(|o| Deadline::start(None, None, catalog.offers[o].window, now - HOUR_MS))
            })
            .flatten();
        let deadline =
            offer.map(|o| Deadline::start(stored.as_ref(), None, catalog.offers[o].window, now));
        let shown = offer
            .filter(|_| deadline.is_some_and(|d| d.remaining_ms(now) > 0))
            .map(|o| &catalog.offers[o]);
        let ticked: Vec<bool> = recs.iter().map(|_| rng.below(4) != 0).collect();

        // The page's snapshot as metafields::assemble joins it (the theme's Liquid must write
        // the same).
        let values: Vec<Option<&str>> = items
            .iter()
            .map(|(p, _)| {
                published
                    .products
                    .iter()
                    .find(|(id, _)| id == p)
                    .map(|(_, v)| v.as_str())
            })
            .collect();
        let Ok(snapshot) = metafields::assemble(&published.shop, &values) else {
            continue;
        };
        w.open('{');
        w.key("shop").str(&published.shop);
        w.key("products").open('{');
        for (id, v) in &published.products {
            // Product ids are digits: keys without escapes.
            w.key(id).str(v);
        }
        w.close('}');
        w.key("items").open('[');
        for (p, v) in &items {
            w.open('{').key("product_id").str(p);
            if !v.is_empty() {
                w.key("variant_id").str(v);
            }
            w.close('}');
        }
        w.close(']');
        w.key("snapshot").str(&snapshot);
        w.key("now").int(now).key("limit").int(limit as i64);
        w.key("stored")
            .raw(&stored.map_or("null".to_owned(), |d| d.to_json()));
        w.key("ticked").open('[');
        for t in &ticked {
            w.bool(*t);
        }
        w.close(']');
        w.key("recs").open('[');
        for &p in &recs {
            w.str(&catalog.products[p].id);
        }
        w.close(']');
        w.key("offer").raw(&offer.map_or("null".to_owned(), |o| {
            format!("\"{}\"", catalog.offers[o].id)
        }));
        w.key("deadline")
            .raw(&deadline.map_or("null".to_owned(), |d| d.to_json()));
        w.key("cards").open('[');
        for &p in &recs {
            let c = card_price(&catalog, p, shown);
            w.open('{').key("price").int(c.price);
            w.key("was")
                .raw(&c.was.map_or("null".to_owned(), |x| x.to_string()));
            w.key("badge");
            match c.badge {
                Some(Badge::PercentOff(x)) => {
                    w.open('{').key("percent").int(i64::from(x)).close('}')
                }
                Some(Badge::Save(x)) => w.open('{').key("save").int(x).close('}'),
                None => w.raw("null"),
            };
            w.close('}');
        }
        w.close(']');
        // Generated prices are small: their sum always fits.
        let q = bundle_quote(&catalog, &recs, &ticked, shown).expect("generated prices add up");
        w.key("bundle")
            .open('{')
            .key("total")
            .int(q.total)
            .key("saving")
            .int(q.saving)
            .key("lines")
            .open('[');
        for l in &q.lines {
            w.open('{')
                .key("id")
                .str(&catalog.products[l.product].id)
                .key("price")
                .int(l.price);
            w.key("was")
                .raw(&l.was.map_or("null".to_owned(), |x| x.to_string()));
            w.close('}');
        }
        w.close(']').close('}');
        w.close('}');
        made += 1;
    }
    w.close(']');
    println!("{}", w.0);
}
