// The demo shop's offers (demo/crossbuy.toml) as a shopper meets them, with the browser's clock in
// the test's hands (Playwright's clock): badges and struck prices, the countdown across reloads,
// tab switches and a clock set back, the end of the offer, the bundle's one request with the
// code applied, and the shopper's language and currency. (accessibility.test.mjs runs axe-core
// on these pages, offers shown.)
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { WIDGET_TIMEOUT, cards, openShop, product, shopCatalog } from "./helpers.mjs";

let env;
before(async () => { env = await openShop(); });
after(async () => { await env?.close(); });

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

/** The page in a fresh browser context whose clock stands at `time` (unix ms) until the test
 * moves it. */
async function openAt(path, time, options = {}) {
  const context = await env.browser.newContext({ locale: "en-GB", ...options });
  // The installed clock runs in real time until pauseAt stops it at `time`; a minute's margin
  // keeps pauseAt from being "in the past" on a loaded machine (no page observes the clock yet).
  await context.clock.install({ time: time - MINUTE });
  const page = await context.newPage();
  await page.clock.pauseAt(time);
  const problems = [];
  page.on("pageerror", (e) => problems.push(String(e)));
  page.on("console", (m) => m.type() === "error" && problems.push(m.text()));
  await page.goto(new URL(path, env.shop.url).href, DOM_READY);
  await cards(page).first().waitFor({ timeout: WIDGET_TIMEOUT });
  return { page, context, problems };
}

// With the clock paused the page's load event waits for it; the widget needs only the DOM.
const DOM_READY = { waitUntil: "domcontentloaded" };
const inWidget = (page, selector) => page.locator("#crossbuy").locator(selector);
const text = async (page, selector) => {
  const all = await inWidget(page, selector).allTextContents();
  return all.map((t) => t.trim()).join(" | ");
};
const timer = (page) => text(page, ".cb-time");
/** Waits until the countdown says `expected` (a tick is a timer callback away). */
const timerSays = (page, expected) =>
  inWidget(page, ".cb-time").filter({ hasText: expected }).waitFor({ timeout: WIDGET_TIMEOUT });

const orderTime = () => Date.parse(env.shop.orderTime);
const pounds = (minor) => `£${(minor / 100).toFixed(2)}`;
/** 15% off, rounded half up to the penny (docs/snapshot.md, "Offers"). */
const fifteenOff = (price) => price - Math.floor((price * 15 + 50) / 100);

test("the thank-you page shows the order's offer: badges, struck prices, the bundle saving, a countdown", async () => {
  const { page, context, problems } = await openAt("thank-you.html", orderTime() + HOUR);
  const catalog = await shopCatalog(env.shop);
  const ids = await cards(page).evaluateAll((els) => els.map((el) => el.dataset.productId));
  let total = 0;
  let regular = 0;
  for (const [i, id] of ids.entries()) {
    const card = cards(page).nth(i);
    const p = product(catalog, id);
    total += fifteenOff(p.price);
    regular += p.price;
    assert.equal((await card.locator(".cb-badge").textContent()).trim(), "-15%", id);
    assert.equal((await card.locator(".cb-now").textContent()).trim(), pounds(fifteenOff(p.price)), id);
    assert.equal((await card.locator("s.cb-was").textContent()).trim(), pounds(p.price), id);
    // Screen readers are told which price is which.
    assert.deepEqual(
      (await card.locator(".cb-price .cb-sr").allTextContents()).map((t) => t.trim()),
      ["Sale price", "Original price"]
    );
    assert.equal(await card.locator("input.cb-pick").isChecked(), true, `${id} ticked for the bundle`);
    const notes = (await card.locator(".cb-note").allTextContents()).map((t) => t.trim());
    if (p.rating !== undefined) {
      const reviews = p.review_count === 1 ? "1 review" : `${p.review_count.toLocaleString("en-GB")} reviews`;
      assert.ok(notes.includes(`★ ${p.rating.toFixed(1)} (${reviews})`), `${id}: ${notes}`);
    }
    assert.ok(notes.some((n) => n.startsWith("Pairs with your ")), `${id}: ${notes}`);
  }
  assert.equal(await text(page, ".cb-total"), `Total: ${pounds(total)} · You save ${pounds(regular - total)}`);
  assert.equal(await timer(page), "Offer ends in 1 d 23 h");
  assert.equal(await inWidget(page, ".cb-time").getAttribute("role"), "timer");
  assert.equal(await inWidget(page, ".cb-time").getAttribute("aria-live"), "off");
  // 48 hours are exempt from WCAG 2.2.1: no "Give me more time".
  assert.equal(await inWidget(page, "button.cb-more").isVisible(), false);
  assert.deepEqual(problems, []);
  await context.close();
});

test("a reload in the middle of the countdown keeps the deadline, and a clock set back adds no time", async () => {
  // At checkout the 4-hour window starts at the first view, so only the stored record holds it.
  const start = Date.now();
  const { page, context, problems } = await openAt("checkout.html", start);
  assert.equal(await timer(page), "Offer ends in 4 h 0 min");
  await page.clock.fastForward("01:00:00");
  await timerSays(page, "Offer ends in 3 h 0 min");
  await page.reload(DOM_READY);
  await timerSays(page, "Offer ends in 3 h 0 min");
  // The shopper sets the computer's clock back a day and reloads: still three hours.
  await page.clock.setSystemTime(start - 24 * HOUR);
  await page.reload(DOM_READY);
  await timerSays(page, "Offer ends in 3 h 0 min");
  // A new tab of the same browser: the same deadline.
  const tab = await context.newPage();
  await tab.goto(new URL("checkout.html", env.shop.url).href, DOM_READY);
  await timerSays(tab, "Offer ends in 3 h 0 min");
  assert.deepEqual(problems, []);
  await context.close();
});

test("the countdown ticks each second in the last hour, and stops while the tab is hidden", async () => {
  const { page, context } = await openAt("thank-you.html", orderTime() + 48 * HOUR - 2 * MINUTE);
  assert.equal(await timer(page), "Offer ends in 2 min 0 s");
  await page.clock.runFor(1000);
  await timerSays(page, "Offer ends in 1 min 59 s");
  const setHidden = (hidden) =>
    page.evaluate((hidden) => {
      Object.defineProperty(document, "hidden", { configurable: true, get: () => hidden });
      document.dispatchEvent(new Event("visibilitychange"));
    }, hidden);
  await setHidden(true);
  await page.clock.runFor(30_000);
  assert.equal(await timer(page), "Offer ends in 1 min 59 s", "no tick while hidden");
  await setHidden(false);
  await timerSays(page, "Offer ends in 1 min 29 s");
  await context.close();
});

test("at zero the offer ends once, for good: regular prices after a reload, and no code applied", async () => {
  const { page, context, problems } = await openAt("thank-you.html", orderTime() + 48 * HOUR - 10_000);
  const catalog = await shopCatalog(env.shop);
  assert.equal(await timer(page), "Offer ends in 0 min 10 s");
  await page.clock.runFor(10_000);
  const status = inWidget(page, "[role=status]");
  await status.filter({ hasText: "This offer has ended" }).waitFor({ timeout: WIDGET_TIMEOUT });
  const regularPrices = async () => {
    const ids = await cards(page).evaluateAll((els) => els.map((el) => el.dataset.productId));
    for (const [i, id] of ids.entries()) {
      const p = product(catalog, id);
      const card = cards(page).nth(i);
      assert.equal((await card.locator(".cb-now").textContent()).trim(), pounds(p.price), id);
      const higher = p.compare_at_price > p.price;
      assert.equal(await card.locator(".cb-badge").count(), higher ? 1 : 0, `${id}: no offer badge`);
    }
    assert.equal(await inWidget(page, ".cb-time").count(), 0, "no countdown");
    assert.doesNotMatch(await text(page, ".cb-total"), /You save/);
  };
  await regularPrices();
  await page.reload(DOM_READY);
  await cards(page).first().waitFor({ timeout: WIDGET_TIMEOUT });
  await regularPrices();
  assert.equal(await text(page, "[role=status]"), "", "announced once, not again on reload");

  const before = env.shop.requests.length;
  const added = page.waitForResponse((r) => r.url().endsWith("/cart/add.js"));
  await cards(page).first().locator("button.cb-add").click();
  await added;
  await status.filter({ hasText: "Added to cart" }).waitFor({ timeout: WIDGET_TIMEOUT });
  const paths = env.shop.requests.slice(before).map((r) => r.path);
  assert.deepEqual(paths.filter((p) => p.startsWith("/discount/")), [], "the code is not applied");
  assert.deepEqual(problems, []);
  await context.close();
});

test("the bundle adds the ticked items in one request and applies the offer's code", async () => {
  const { page, context, problems } = await openAt("thank-you.html", orderTime() + HOUR);
  const catalog = await shopCatalog(env.shop);
  const ids = await cards(page).evaluateAll((els) => els.map((el) => el.dataset.productId));
  await cards(page).nth(1).locator("input.cb-pick").uncheck();
  const ticked = [ids[0], ...ids.slice(2)];
  const total = ticked.reduce((t, id) => t + fifteenOff(product(catalog, id).price), 0);
  assert.match(await text(page, ".cb-total"), new RegExp(`^Total: ${pounds(total).replace(".", "\\.")} · You save`));

  const before = env.shop.requests.length;
  const added = page.waitForResponse((r) => r.url().endsWith("/cart/add.js"));
  await inWidget(page, "button.cb-all").click();
  assert.equal((await added).status(), 200);
  const status = inWidget(page, "[role=status]");
  await status.filter({ hasText: "Added to cart" }).waitFor({ timeout: WIDGET_TIMEOUT });
  assert.equal(await text(page, "[role=status]"), "Added to cart · Code THANKS15 is applied at checkout");

  const received = env.shop.requests.slice(before);
  const adds = received.filter((r) => r.path === "/cart/add.js");
  assert.equal(adds.length, 1, "one request for the bundle");
  const { items } = JSON.parse(adds[0].body);
  assert.deepEqual(
    items.map(({ id, quantity }) => [String(id), quantity]),
    ticked.map((id) => [product(catalog, id).variant_ids[0], 1])
  );
  const discounts = received.filter((r) => r.path.startsWith("/discount/"));
  assert.deepEqual(discounts.map((r) => r.path + r.query), ["/discount/THANKS15?redirect=/cart.js"]);
  const cart = await page.evaluate(async () => (await fetch("/cart.js")).json());
  assert.deepEqual(cart.items.map((l) => l.id), ticked.map((id) => product(catalog, id).variant_ids[0]));
  assert.deepEqual(cart.discount_codes, [{ code: "THANKS15", applicable: true }]);
  assert.ok((await context.cookies()).some((c) => c.name === "discount_code" && c.value === "THANKS15"));
  assert.deepEqual(problems, []);
  await context.close();
});

test("a short window offers more time, and the timer can be hidden", async () => {
  const { page, context } = await openAt("checkout.html", Date.now());
  assert.equal(await timer(page), "Offer ends in 4 h 0 min");
  await inWidget(page, "button.cb-more").click();
  await timerSays(page, "Offer ends in 8 h 0 min");
  assert.equal(await text(page, "[role=status]"), "More time added: the offer now ends in 8 h 0 min");
  await inWidget(page, "button.cb-hide").click();
  assert.equal(await inWidget(page, ".cb-time").isVisible(), false);
  assert.equal(await text(page, "button.cb-hide"), "Show timer");
  await context.close();
});

test("the French page: its texts, prices in euros from the EUR snapshot", async () => {
  const before = env.shop.requests.length;
  const { page, context, problems } = await openAt("merci.html", orderTime() + HOUR, { locale: "fr-FR" });
  const catalog = await shopCatalog(env.shop, "demo/catalog-eur.json");
  assert.equal(catalog.shop.currency, "EUR");
  assert.equal(await text(page, "h2"), "Souvent achetés ensemble");
  const id = await cards(page).first().getAttribute("data-product-id");
  const euros = (minor) => `${(minor / 100).toFixed(2).replace(".", ",")}\u00a0€`;
  const price = product(catalog, id).price;
  assert.equal((await cards(page).first().locator(".cb-now").textContent()).trim(), euros(fifteenOff(price)));
  assert.equal((await cards(page).first().locator(".cb-badge").textContent()).trim(), "-15\u202f%");
  assert.equal(await timer(page), "L’offre se termine dans 1 j 23 h");
  assert.equal(await text(page, "button.cb-all"), "Ajouter la sélection au panier");
  // The consent box speaks French too.
  assert.equal(await text(page, "label.cb-consent"), "Envoyez-moi des conseils et des offres pour ma commande");
  assert.equal(await text(page, "label[for=cb-email]"), "E-mail");
  const paths = env.shop.requests.slice(before).map((r) => r.path);
  assert.ok(paths.includes("/pkg/i18n/fr.json"), "the French texts were loaded");
  assert.ok(!paths.some((p) => /\/pkg\/i18n\/(?!fr)/.test(p)), "and no other language");
  assert.deepEqual(problems, []);
  await context.close();
});

test("the Arabic page: the widget is laid out right to left", async () => {
  const { page, context, problems } = await openAt("shukran.html", orderTime() + HOUR, { locale: "ar" });
  assert.equal(await inWidget(page, "section.cb").getAttribute("dir"), "rtl");
  assert.equal(await text(page, "h2"), "يُشترى معًا بشكل متكرر");
  // Mirrored: the first card on the right, its badge at its right edge, its box at its left.
  const box = (locator) => locator.boundingBox();
  const [first, second] = [await box(cards(page).nth(0)), await box(cards(page).nth(1))];
  assert.ok(first.x > second.x, "the first card is on the right");
  const badge = await box(cards(page).first().locator(".cb-badge"));
  const pick = await box(cards(page).first().locator(".cb-pick"));
  assert.ok(badge.x > first.x + first.width / 2, "badge at the inline start (right)");
  assert.ok(pick.x + pick.width < first.x + first.width / 2, "box at the inline end (left)");
  assert.deepEqual(problems, []);
  await context.close();
});

test("with reduced motion asked for, nothing in the widget moves", async () => {
  const { page, context } = await openAt("thank-you.html", orderTime() + HOUR, { reducedMotion: "reduce" });
  const moving = await page.locator("#crossbuy").evaluate((host) =>
    [...host.shadowRoot.querySelectorAll("*")]
      .map((el) => [el, getComputedStyle(el)])
      .filter(([, s]) => s.animationName !== "none" || !/^0s(, 0s)*$/.test(s.transitionDuration) || s.scrollBehavior === "smooth")
      .map(([el]) => el.className)
  );
  assert.deepEqual(moving, []);
  assert.deepEqual(await page.evaluate(() => document.getAnimations().length), 0);
  await context.close();
});
