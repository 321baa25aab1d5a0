// Adds the demo shop's review ratings (demo/ratings.json) to demo snapshots that
// `crossbuy snapshot` built: the UCI data has no reviews. (The demo's offers come from
// demo/crossbuy.toml through the builder.) Run by scripts/build.sh:
//
//   node scripts/demo-ratings.mjs demo/ratings.json www/demo/catalog.json [more snapshots…]
import { readFileSync, writeFileSync } from "node:fs";

const [extra, ...snapshots] = process.argv.slice(2);
if (!extra || snapshots.length === 0) {
  console.error("usage: node scripts/demo-ratings.mjs RATINGS.json SNAPSHOT.json…");
  process.exit(2);
}
const { ratings } = JSON.parse(readFileSync(extra, "utf8"));
for (const file of snapshots) {
  const snapshot = JSON.parse(readFileSync(file, "utf8"));
  for (const product of snapshot.products ?? []) Object.assign(product, ratings[product.id]);
  writeFileSync(file, JSON.stringify(snapshot));
}
