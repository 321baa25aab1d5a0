// The checkout page: the same widget, scored from the basket.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { WIDGET_TIMEOUT, cards, crossbuyMessages, expectedRanking, openShop, pageContext, shopCatalog, visit } from "./helpers.mjs";

let env;
before(async () => { env = await openShop(); });
after(async () => { await env?.close(); });

test("the checkout page shows the products bought with the basket's items", async () => {
  const { page, context, console, pageErrors } = await visit(env, "checkout.html");
  await cards(page).first().waitFor({ timeout: WIDGET_TIMEOUT });
  const ctx = await pageContext(page);
  assert.equal(ctx.page, "checkout");
  const expected = expectedRanking(await shopCatalog(env.shop), ctx);
  const shown = await cards(page).evaluateAll((els) => els.map((el) => el.dataset.productId));
  assert.ok(shown.length >= 2 && shown.length <= 4, `2 to 4 cards, got ${shown.length}`);
  assert.deepEqual(shown, expected.slice(0, shown.length));
  const inBasket = ctx.items.map((i) => String(i.product_id));
  assert.ok(shown.every((id) => !inBasket.includes(id)), "nothing already in the basket");
  assert.deepEqual(pageErrors, []);
  assert.deepEqual(crossbuyMessages(console, "error"), []);
  await context.close();
});
