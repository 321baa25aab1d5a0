// Adds the demo shop's offers and review ratings (demo/offers.json) to demo snapshots that
// `crossbuy snapshot` built: the builder does not carry offers from crossbuy.toml yet, and the
// UCI data has no reviews. Run by scripts/build.sh:
//
//   node scripts/demo-offers.mjs demo/offers.json www/demo/catalog.json [more snapshots…]
import { readFileSync, writeFileSync } from "node:fs";

const [extra, ...snapshots] = process.argv.slice(2);
if (!extra || snapshots.length === 0) {
  console.error("usage: node scripts/demo-offers.mjs OFFERS.json SNAPSHOT.json…");
  process.exit(2);
}
const { offers, ratings } = JSON.parse(readFileSync(extra, "utf8"));
for (const file of snapshots) {
  const snapshot = JSON.parse(readFileSync(file, "utf8"));
  for (const product of snapshot.products ?? []) Object.assign(product, ratings[product.id]);
  snapshot.offers = offers;
  writeFileSync(file, JSON.stringify(snapshot));
}
