// The crossbuy console: a merchant drops the shop's exports, the builder (crates/console,
// WebAssembly in a Web Worker: worker.js) builds the catalog in this browser, and the page shows
// what `crossbuy snapshot` prints, the real widget rendered from the catalog just built with the
// evidence behind each card, a form for crossbuy.toml, the evaluation as charts, the measurement
// report (`crossbuy report`) on the orders from after installation, and downloads.
// It requests nothing but this folder's own files. Every text from a file or the catalog is set
// with textContent.
//
//   import { mountConsole } from "./console.js";
//   mountConsole(element, { platform, inputs, save });
//
// `inputs(report)`: where the files come from besides the drop zone (the WooCommerce admin page:
// the shop's order history and products, read from the site); resolves to [{name, blob, role}].
// `save(catalogText)`: saves the catalog back (the WooCommerce admin page); resolves to a message.
// `widget`: where the widget's glue is (its wasm beside it), relative to this file; default
// ./widget/crossbuy.js (the build copies the widget there).

const HERE = new URL(".", import.meta.url);
const ROLES = ["orders", "products", "baskets", "storefront", "config", "ignore"];
const PLATFORMS = [
  ["shopify", "Shopify (products + orders exports)"],
  ["woocommerce", "WooCommerce (product export or Store API + crossbuy's order history)"],
  ["bigcommerce", "BigCommerce (products + orders exports)"],
  ["baskets", "A baskets CSV (order_id,item_id), with an optional products table"],
];

/** An element with attributes and children (strings become text nodes). */
function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith("on")) el.addEventListener(k.slice(2), v);
    else if (k === "text") el.textContent = v;
    else el.setAttribute(k, v === true ? "" : String(v));
  }
  for (const c of children.flat()) if (c !== null && c !== undefined) el.append(c);
  return el;
}

/** The role a file most likely has, from its name (the merchant can change it). */
export function guessRole(name) {
  const n = name.toLowerCase();
  if (n.endsWith(".toml")) return "config";
  if (n.includes("order")) return "orders";
  if (n.includes("basket")) return "baskets";
  if (n.includes("product") || n.includes("catalog") || n.includes("store-api")) return "products";
  return "orders";
}

/** Lines `key: a, b` into {key: [a, b]}. */
function readMap(text, single) {
  const out = {};
  for (const line of text.split("\n")) {
    const at = line.indexOf(":");
    if (at < 0 || !line.trim()) continue;
    const key = line.slice(0, at).trim();
    const value = line.slice(at + 1).trim();
    if (single) out[key] = value === "" || Number.isNaN(Number(value)) ? value : Number(value);
    else out[key] = value.split(",").map((s) => s.trim()).filter(Boolean);
  }
  return out;
}
const list = (text) => text.split(",").map((s) => s.trim()).filter(Boolean);
const numberOr = (text) => (text.trim() === "" ? undefined : Number.isNaN(Number(text)) ? text.trim() : Number(text));

/** The console's worker, restarted by Cancel. */
class Builder {
  constructor() {
    this.start();
  }
  start() {
    this.worker = new Worker(new URL("./worker.js", HERE), { type: "module" });
    this.pending = new Map();
    this.next = 1;
    this.onprogress = null;
    this.worker.onmessage = ({ data }) => {
      if (data.type === "progress") this.onprogress?.(data);
      else {
        this.pending.get(data.id)?.resolve(data.result);
        this.pending.delete(data.id);
      }
    };
  }
  call(type, payload = {}) {
    const id = this.next++;
    return new Promise((resolve) => {
      this.pending.set(id, { resolve });
      this.worker.postMessage({ ...payload, type, id });
    });
  }
  /** Stops the build at once (the worker is ended and a fresh one started). */
  cancel() {
    this.worker.terminate();
    for (const { resolve } of this.pending.values()) resolve({ ok: false, cancelled: true, error: "crossbuy: cancelled" });
    this.start();
  }
}

/** Makes `el` take dropped files: `onFiles(files)`, highlighted while files are over it. */
function dropZone(el, onFiles) {
  el.addEventListener("dragover", (e) => {
    e.preventDefault();
    el.classList.add("over");
  });
  el.addEventListener("dragleave", () => el.classList.remove("over"));
  el.addEventListener("drop", (e) => {
    e.preventDefault();
    el.classList.remove("over");
    onFiles([...e.dataTransfer.files]);
  });
}

/** Downloads `data` as `name`. */
function download(name, data, type) {
  const url = URL.createObjectURL(new Blob([data], { type }));
  const a = h("a", { href: url, download: name });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

/** Horizontal bar chart of `metric` per method. */
function chart(title, results, metric) {
  const NS = "http://www.w3.org/2000/svg";
  const svg = (tag, attrs, text) => {
    const el = document.createElementNS(NS, tag);
    for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
    if (text !== undefined) el.textContent = text;
    return el;
  };
  const row = 22;
  const width = 460;
  const label = 170;
  const max = Math.max(...results.map((r) => r[metric]), 1e-9);
  const root = svg("svg", { class: "chart", width, height: row * results.length + 28, role: "img", "aria-label": title });
  root.append(svg("text", { x: 0, y: 14, "font-weight": 600 }, title));
  results.forEach((r, i) => {
    const y = 22 + i * row;
    const w = Math.round(((width - label - 60) * r[metric]) / max);
    root.append(svg("text", { x: 0, y: y + 14 }, r.method));
    root.append(svg("rect", { x: label, y: y + 3, width: Math.max(w, 1), height: row - 6, fill: r.method.startsWith("crossbuy") ? "#2271b1" : "#a7aaad", "data-method": r.method, "data-value": r[metric] }));
    root.append(svg("text", { x: label + w + 6, y: y + 14 }, r[metric].toFixed(3)));
  });
  return root;
}

/** Mounts the console into `root`. Resolves once the page is ready; returns its controls. */
export function mountConsole(root, options = {}) {
  const builder = new Builder();
  const files = []; // {name, blob, role}
  let built = null; // the last build's answer
  let previewCatalog = null;
  // The widget's module, loaded and started once: picks that race share one promise.
  let widgetReady = null;
  const widget = () =>
    (widgetReady ??= (async () => {
      const glue = new URL(options.widget ?? "./widget/crossbuy.js", HERE);
      const module = await import(glue.href);
      await module.default({ module_or_path: new URL("crossbuy_bg.wasm", glue) });
      return module;
    })().catch((e) => {
      widgetReady = null;
      throw e;
    }));
  let mounted = null;
  let toml = "";

  const status = h("p", { id: "cb-status", role: "status" });
  const error = h("p", { id: "cb-error", class: "error", role: "alert" });
  const bar = h("progress", { id: "cb-progress", max: 1000, value: 0, hidden: true });
  const summary = h("pre", { id: "cb-summary", hidden: true });

  // 1. Files.
  const platform = h("select", { id: "cb-platform" }, PLATFORMS.map(([v, t]) => h("option", { value: v, text: t })));
  if (options.platform) platform.value = options.platform;
  const fileRows = h("tbody");
  const input = h("input", { type: "file", id: "cb-files", multiple: true, onchange: () => add([...input.files]) });
  const drop = h("div", { class: "drop", id: "cb-drop" }, "Drop the exports here, or ", h("label", {}, "choose files ", input));
  dropZone(drop, (dropped) => add(dropped));

  function add(list, role) {
    for (const f of list) {
      const entry = { name: f.name, blob: f, role: role ?? guessRole(f.name) };
      const same = files.findIndex((x) => x.name === entry.name);
      if (same >= 0) files.splice(same, 1);
      files.push(entry);
      if (entry.role === "config") readConfig(entry);
    }
    drawFiles();
  }
  function drawFiles() {
    fileRows.replaceChildren(
      ...files.map((f) =>
        h(
          "tr",
          { "data-file": f.name },
          h("td", { text: f.name }),
          h("td", { text: `${f.blob.size.toLocaleString("en")} B` }),
          h(
            "td",
            {},
            h(
              "select",
              {
                "aria-label": `role of ${f.name}`,
                onchange: (e) => {
                  f.role = e.target.value;
                  if (f.role === "config") readConfig(f);
                },
              },
              ROLES.map((r) => h("option", { value: r, text: r, selected: r === f.role })),
            ),
          ),
          h("td", {}, h("button", { type: "button", onclick: () => (files.splice(files.indexOf(f), 1), drawFiles()) }, "Remove")),
        ),
      ),
    );
  }

  // 2. crossbuy.toml form.
  const field = (id, label, attrs = {}) => {
    const el = h(attrs.multiline ? "textarea" : "input", { id, ...attrs, multiline: undefined });
    return [h("label", { for: id, text: label }), el];
  };
  const form = h(
    "form",
    { id: "cb-config", onsubmit: (e) => e.preventDefault() },
    h("fieldset", {}, h("legend", { text: "Shop" }), field("cb-shop-name", "Shop name"), field("cb-currency", "Currency (ISO 4217)", { size: 4 }), field("cb-locale", "Locale", { size: 6 })),
    h("fieldset", {}, h("legend", { text: "Neighbours" }), field("cb-k", "Kept per product (k)", { size: 3 }), field("cb-min-support", "Minimum orders together", { size: 3 })),
    h(
      "fieldset",
      {},
      h("legend", { text: "Rules" }),
      h("div", {}, ...field("cb-pins", "Pins, one per line: product: shown, shown", { multiline: true })),
      h("div", {}, ...field("cb-boosts", "Boosts, one per line: product: factor", { multiline: true })),
      h("div", {}, field("cb-ex-products", "Exclude products"), field("cb-ex-tags", "tags"), field("cb-ex-types", "types"), field("cb-ex-vendors", "vendors")),
    ),
    h("fieldset", { id: "cb-offers" }, h("legend", { text: "Offers" }), h("button", { type: "button", id: "cb-add-offer", onclick: () => addOffer({}) }, "Add an offer")),
  );
  const offers = [];
  function addOffer(o) {
    const box = h("div", { class: "row offer" });
    const f = (k, label, attrs = {}) => {
      const el = attrs.options
        ? h("select", { "data-key": k, "aria-label": label }, attrs.options.map((v) => h("option", { value: v, text: v, selected: o[k] === v })))
        : h("input", { "data-key": k, "aria-label": label, placeholder: label, size: attrs.size ?? 8, value: Array.isArray(o[k]) ? o[k].join(", ") : o[k] ?? "" });
      box.append(el);
      return el;
    };
    const o2 = {
      id: f("id", "offer id"),
      kind: f("kind", "kind", { options: ["percent", "amount", "bundle_price", "bundle_percent"] }),
      percent: f("percent", "percent off", { size: 4 }),
      amount: f("amount", "amount off", { size: 6 }),
      code: f("code", "discount code"),
      window_hours: f("window_hours", "hours", { size: 4 }),
      products: f("products", "products (ids)", { size: 20 }),
    };
    o2.original = o;
    box.append(h("button", { type: "button", onclick: () => (offers.splice(offers.indexOf(o2), 1), box.remove()) }, "Remove offer"));
    offers.push(o2);
    form.querySelector("#cb-offers").append(box);
  }
  const val = (id) => form.querySelector(`#${id}`).value;
  const set = (id, v) => (form.querySelector(`#${id}`).value = v ?? "");
  // The configuration last read: the keys the form does not show (an offer's pages, a
  // neighbours.score…) are kept from it; those it shows come from the form.
  let base = {};
  function formConfig() {
    const keep = (o) => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined && v !== "" && !(Array.isArray(v) && !v.length)));
    const without = (o, keys) => Object.fromEntries(Object.entries(o ?? {}).filter(([k]) => !keys.includes(k)));
    const shop = keep({ ...without(base.shop, ["name", "currency", "locale"]), name: val("cb-shop-name").trim(), currency: val("cb-currency").trim(), locale: val("cb-locale").trim() });
    const neighbours = keep({ ...without(base.neighbours, ["k", "min_support"]), k: numberOr(val("cb-k")), min_support: numberOr(val("cb-min-support")) });
    const exclude = keep({ products: list(val("cb-ex-products")), tags: list(val("cb-ex-tags")), types: list(val("cb-ex-types")), vendors: list(val("cb-ex-vendors")) });
    const OFFER_KEYS = ["id", "kind", "percent", "amount", "code", "window_hours", "products"];
    return {
      ...base,
      shop,
      neighbours,
      rules: { pin: readMap(val("cb-pins"), false), boost: readMap(val("cb-boosts"), true), exclude },
      offers: offers.map((o) =>
        keep({
          ...without(o.original, OFFER_KEYS),
          id: o.id.value.trim(),
          kind: o.kind.value,
          percent: numberOr(o.percent.value),
          amount: numberOr(o.amount.value),
          code: o.code.value.trim(),
          window_hours: numberOr(o.window_hours.value),
          products: list(o.products.value),
        }),
      ),
    };
  }
  function fillForm(c) {
    base = structuredClone(c);
    set("cb-shop-name", c.shop?.name);
    set("cb-currency", c.shop?.currency);
    set("cb-locale", c.shop?.locale);
    set("cb-k", c.neighbours?.k);
    set("cb-min-support", c.neighbours?.min_support);
    set("cb-pins", Object.entries(c.rules?.pin ?? {}).map(([k, v]) => `${k}: ${v.join(", ")}`).join("\n"));
    set("cb-boosts", Object.entries(c.rules?.boost ?? {}).map(([k, v]) => `${k}: ${v}`).join("\n"));
    const ex = c.rules?.exclude ?? {};
    set("cb-ex-products", (ex.products ?? []).join(", "));
    set("cb-ex-tags", (ex.tags ?? []).join(", "));
    set("cb-ex-types", (ex.types ?? []).join(", "));
    set("cb-ex-vendors", (ex.vendors ?? []).join(", "));
    for (const box of form.querySelectorAll(".offer")) box.remove();
    offers.length = 0;
    for (const o of c.offers ?? []) addOffer(o);
  }
  const tomlOut = h("pre", { id: "cb-toml", hidden: true });
  const configError = h("p", { id: "cb-config-error", class: "error", role: "alert" });
  /** crossbuy.toml from the form; null (and the named error shown) when it is wrong. */
  async function writeToml() {
    const answer = await builder.call("configFromForm", { form: formConfig() });
    configError.textContent = answer.ok ? "" : answer.error;
    if (!answer.ok) return null;
    toml = answer.toml;
    tomlOut.textContent = toml || "# every setting at its default";
    tomlOut.hidden = false;
    return toml;
  }
  // A crossbuy.toml being read into the form: a build started meanwhile waits for it (a file
  // dropped with the exports and built at once used to build without its settings).
  let reading = Promise.resolve();
  function readConfig(entry) {
    const read = reading.then(() => readConfigNow(entry));
    reading = read.catch(() => {});
    return read;
  }
  async function readConfigNow(entry) {
    const answer = await builder.call("configRead", { name: entry.name, text: await entry.blob.text() });
    configError.textContent = answer.ok ? "" : answer.error;
    if (answer.ok) {
      fillForm(answer.config);
      await writeToml();
    }
  }
  const tomlInput = h("input", { type: "file", id: "cb-read-toml", accept: ".toml", onchange: () => tomlInput.files[0] && readConfig({ name: tomlInput.files[0].name, blob: tomlInput.files[0] }) });

  // 3. Preview.
  const productPick = h("select", { id: "cb-product", "aria-label": "product" });
  const cartPick = h("select", { id: "cb-cart", "aria-label": "a real cart" });
  const host = h("div", { id: "cb-widget" });
  const evidence = h("ol", { id: "cb-evidence", class: "evidence" });
  const preview = h("section", { id: "cb-preview", hidden: true }, h("h2", { text: "Preview" }), h("div", { class: "row" }, h("label", { text: "A product " }, productPick), h("label", { text: "or a real cart " }, cartPick)), h("div", { class: "preview" }, host, h("div", {}, h("h3", { text: "Why these cards" }), evidence)));
  productPick.addEventListener("change", () => productPick.value && show([productPick.value]));
  cartPick.addEventListener("change", () => cartPick.value && show(JSON.parse(cartPick.value)));

  // The latest pick wins: an earlier show() still awaiting the worker or the widget's module
  // must not mount its cards over the newer one's.
  let latest = 0;
  async function show(items) {
    const turn = ++latest;
    const why = await builder.call("explain", { items, limit: 3 });
    if (turn !== latest) return;
    evidence.replaceChildren(
      ...(why.cards ?? []).map((c) =>
        h(
          "li",
          { "data-product-id": c.id },
          h("strong", { text: c.title }),
          ` (${c.name}), ${c.price} ${c.currency}`,
          h(
            "ul",
            {},
            c.pinned ? h("li", { text: `pinned by the merchant for ${c.pinned_for?.name ?? ""}` }) : h("li", { text: `score ${c.score}${c.boost ? ` (boosted ×${c.boost})` : ""}` }),
            c.evidence.map((e) => h("li", { text: `with ${e.with.name}: score ${e.score}, ${e.words}` })),
          ),
        ),
      ),
    );
    if (!why.shown) evidence.append(h("li", { text: `the widget shows nothing: ${why.cards?.length ?? 0} recommendation(s), it needs at least 2` }));
    let widgetModule;
    try {
      widgetModule = await widget();
    } catch (e) {
      error.textContent = `crossbuy: the widget could not be loaded for the preview: ${e?.message ?? e}`;
      return;
    }
    if (turn !== latest) return;
    mounted?.unmount();
    mounted?.free();
    host.replaceChildren();
    const context = { page: "checkout", currency: built.currency, items: items.map((id) => ({ product_id: id, quantity: 1 })) };
    mounted =
      widgetModule.mount(host, previewCatalog, {
        context,
        limit: 3,
        // The preview adds to no cart: nothing leaves this page.
        cart: async () => new Response("{}", { status: 200, headers: { "Content-Type": "application/json" } }),
      }) ?? null;
  }

  // 4. Evaluation.
  const charts = h("div", { id: "cb-charts" });
  async function evaluate() {
    status.textContent = "Evaluating on held-out orders…";
    const answer = await builder.call("eval");
    status.textContent = "";
    if (!answer.ok) return (error.textContent = answer.error);
    charts.replaceChildren();
    for (const [key, name] of [
      ["time", "Next orders (time split: trained on the first 80%)"],
      ["leave_one_out", "Completing a basket (leave one out)"],
    ]) {
      const r = answer[key];
      if (!r?.results) continue;
      const cases = r.results[0]?.cases ?? 0;
      charts.append(
        h("h3", { text: `${name}: ${cases.toLocaleString("en")} test cases, ${r.train_baskets.toLocaleString("en")} training baskets` }),
        h("div", { class: "row", "data-task": key }, chart("HR@4", r.results, "hr4"), chart("NDCG@4", r.results, "ndcg4"), chart("MRR", r.results, "mrr")),
      );
    }
  }

  // 5. Measure: `crossbuy report` on the orders from after installation.
  const measureOrders = h("input", { type: "file", id: "cb-measure-orders", accept: ".csv,text/csv", onchange: () => measureOrders.files[0] && measure() });
  const measureCatalog = h("input", { type: "file", id: "cb-measure-catalog", accept: ".json,application/json" });
  const experimentName = h("input", { id: "cb-experiment", size: 14, placeholder: "the catalog's" });
  const since = h("input", { id: "cb-since", size: 12, placeholder: "YYYY-MM-DD" });
  const thankYou = h("input", { type: "checkbox", id: "cb-thank-you" });
  const measureError = h("p", { id: "cb-measure-error", class: "error", role: "alert" });
  const verdicts = h("ul", { id: "cb-verdicts", class: "verdicts" });
  const measureSummary = h("pre", { id: "cb-measure-summary", hidden: true });
  // The report's page (charts, tables) as `crossbuy report --html` writes it: made in Rust with
  // every text escaped, shown in a frame that may run no script.
  const reportFrame = h("iframe", { id: "cb-report", title: "The experiment report", sandbox: "allow-same-origin", hidden: true });
  reportFrame.addEventListener("load", () => {
    const doc = reportFrame.contentDocument;
    if (doc?.documentElement) reportFrame.style.height = `${doc.documentElement.scrollHeight + 16}px`;
  });
  let measured = null;
  const reportDownloads = h(
    "div",
    { class: "row", hidden: true },
    h("button", { type: "button", id: "cb-download-report", onclick: () => measured && download("report.html", measured.html, "text/html") }, "report.html"),
    h("button", { type: "button", id: "cb-download-report-json", onclick: () => measured && download("report.json", JSON.stringify(measured.report, null, 2) + "\n", "application/json") }, "report.json (for --feedback)"),
    h(
      "button",
      {
        type: "button",
        id: "cb-rebuild-feedback",
        // The next catalog learns from what shoppers took (crossbuy snapshot --feedback): the
        // build above again, with these orders and the catalog that was live.
        onclick: () => measured && measureOrders.files[0] && build({ files: [measureOrders.files[0]], catalog: measureCatalog.files[0] }),
      },
      "Rebuild the catalog with what shoppers took",
    ),
  );
  // Files dropped on the section go to the inputs: a .json is the live catalog, the rest the orders.
  const measureDrop = h("div", { class: "drop", id: "cb-measure-drop" }, "Drop the orders export from after installation here (with the catalog.json that was live, if it is not the one built above), or choose them below.");
  dropZone(measureDrop, (dropped) => {
    const put = (input, file) => {
      if (!file) return;
      const list = new DataTransfer();
      list.items.add(file);
      input.files = list.files;
    };
    put(measureCatalog, dropped.find((f) => f.name.toLowerCase().endsWith(".json")));
    put(measureOrders, dropped.find((f) => !f.name.toLowerCase().endsWith(".json")));
    if (measureOrders.files[0]) measure();
  });
  async function measure() {
    const orders = measureOrders.files[0];
    measureError.textContent = "";
    if (!orders) return (measureError.textContent = "crossbuy: drop the orders export from after installation");
    const live = measureCatalog.files[0];
    const request = { orders: orders.name, catalog: live?.name, experiment: experimentName.value.trim() || undefined, since: since.value.trim() || undefined, thank_you: thankYou.checked };
    const inputs = [[orders.name, orders], ...(live ? [[live.name, live]] : [])];
    status.textContent = "Measuring…";
    const answer = await builder.call("measure", { request, files: inputs });
    status.textContent = "";
    verdicts.replaceChildren();
    if (!answer.ok) {
      measured = null;
      measureSummary.hidden = true;
      reportFrame.hidden = true;
      reportDownloads.hidden = true;
      measureError.textContent = answer.error;
      return answer;
    }
    measured = answer;
    verdicts.replaceChildren(...answer.verdicts.map((v) => h("li", { "data-arm": v.arm, text: `${v.arm} against ${v.against}: ${v.verdict}` })));
    if (!answer.verdicts.length) verdicts.append(h("li", { text: "No arm to compare yet." }));
    measureSummary.textContent = answer.problems + answer.summary;
    measureSummary.hidden = false;
    reportFrame.srcdoc = answer.html;
    reportFrame.hidden = false;
    reportDownloads.hidden = false;
    return answer;
  }
  const measureSection = h(
    "section",
    { id: "cb-measure" },
    h("h2", { text: "Measure" }),
    h("p", { text: "Once crossbuy has run with an experiment (crossbuy.toml's [experiment]), drop the orders export from after installation: the report shows what each arm earned, with its 95% interval (crossbuy report). The catalog is the one built above, or the catalog.json that was live." }),
    measureDrop,
    h("div", { class: "row" }, h("label", { text: "Orders export from after installation " }, measureOrders), h("label", { text: "The catalog.json that was live (optional) " }, measureCatalog)),
    h("div", { class: "row" }, h("label", { text: "Experiment " }, experimentName), h("label", { text: "Since " }, since), h("label", {}, thankYou, " on thank-you pages"), h("button", { type: "button", id: "cb-measure-run", onclick: measure }, "Measure")),
    measureError,
    verdicts,
    measureSummary,
    reportDownloads,
    reportFrame,
  );

  // 6. Build.
  const buildButton = h("button", { type: "button", id: "cb-build", onclick: () => build() }, "Build the catalog");
  const cancelButton = h("button", { type: "button", id: "cb-cancel", disabled: true, onclick: () => builder.cancel() }, "Cancel");
  const downloads = h(
    "section",
    { id: "cb-downloads", hidden: true },
    h("h2", { text: "Download" }),
    h("button", { type: "button", id: "cb-download-catalog", onclick: async () => download("catalog.json", await builder.call("catalog"), "application/json") }, "catalog.json"),
    h("button", { type: "button", id: "cb-download-shards", onclick: async () => download("catalog-shards.zip", await builder.call("shardsZip"), "application/zip") }, "Sharded catalog (zip)"),
  );
  const saveMessage = h("p", { id: "cb-save-message", role: "status" });
  if (options.save) {
    downloads.append(
      h(
        "button",
        {
          type: "button",
          id: "cb-save",
          class: "button button-primary",
          onclick: async () => {
            saveMessage.textContent = "Saving…";
            try {
              saveMessage.textContent = await options.save(await builder.call("catalog"));
            } catch (e) {
              saveMessage.textContent = `The catalog was not saved: ${e?.message ?? e}`;
            }
          },
        },
        "Save the catalog to the shop",
      ),
      saveMessage,
    );
  }

  // `feedback`: `crossbuy snapshot --feedback`'s files ({ files, catalog }: the orders export from
  // after installation and, optionally, the catalog.json that was live).
  async function build(feedback) {
    error.textContent = "";
    await reading;
    if ((await writeToml()) === null) return (error.textContent = configError.textContent);
    const by = (role) => files.filter((f) => f.role === role).map((f) => f.name);
    const request = {
      platform: platform.value === "baskets" ? "shopify" : platform.value,
      products: by("products")[0],
      orders: platform.value === "baskets" ? undefined : by("orders")[0],
      baskets: platform.value === "baskets" ? by("baskets")[0] ?? by("orders")[0] : by("baskets")[0],
      storefront: by("storefront"),
      config: toml,
      now: Math.floor(Date.now() / 1000),
      // Named apart from the build's own files: a second orders export is often called the same.
      feedback: feedback?.files.map((f) => `${f.name} (after installation)`),
      feedback_catalog: feedback?.catalog && `${feedback.catalog.name} (live)`,
    };
    const inputs = files.filter((f) => f.role !== "config" && f.role !== "ignore").map((f) => [f.name, f.blob]);
    for (const f of feedback?.files ?? []) inputs.push([`${f.name} (after installation)`, f]);
    if (feedback?.catalog) inputs.push([`${feedback.catalog.name} (live)`, feedback.catalog]);
    buildButton.disabled = true;
    cancelButton.disabled = false;
    bar.hidden = false;
    bar.value = 0;
    status.textContent = "Building…";
    builder.onprogress = ({ phase, at, total }) => {
      bar.value = total > 0 ? Math.round((1000 * at) / total) : 0;
      status.textContent = `${phase}…`;
    };
    const answer = await builder.call("build", { request, files: inputs });
    buildButton.disabled = false;
    cancelButton.disabled = true;
    bar.hidden = true;
    if (!answer.ok) {
      status.textContent = answer.cancelled ? "Cancelled: nothing was built." : "";
      error.textContent = answer.cancelled ? "" : answer.error;
      return answer;
    }
    built = answer;
    status.textContent = `Built in ${(answer.ms / 1000).toFixed(1)} s: ${answer.products.toLocaleString("en")} products.`;
    status.dataset.ms = String(answer.ms);
    summary.textContent = answer.problems + answer.summary + answer.wrote + "\n";
    summary.hidden = false;
    // The preview shows the cards without their images: the console loads nothing from the shop.
    previewCatalog = await builder.call("previewCatalog");
    const products = await builder.call("products");
    productPick.replaceChildren(h("option", { value: "", text: "— pick a product —" }), ...products.slice(0, 2000).map((p) => h("option", { value: p.id, text: `${p.title} (${p.name}), ${p.neighbours} neighbours` })));
    const carts = await builder.call("carts", { n: 50 });
    cartPick.replaceChildren(h("option", { value: "", text: "— pick a cart —" }), ...carts.map((c) => h("option", { value: JSON.stringify(c), text: c.join(" + ") })));
    preview.hidden = false;
    downloads.hidden = false;
    evalSection.hidden = false;
    charts.replaceChildren();
    if (products[0]) {
      productPick.value = products[0].id;
      await show([products[0].id]);
    }
    return answer;
  }

  const evalSection = h("section", { id: "cb-eval", hidden: true }, h("h2", { text: "Evaluation" }), h("p", { text: "How often the product a shopper went on to buy is among the cards, against best-seller and co-purchase baselines (crossbuy eval)." }), h("button", { type: "button", id: "cb-evaluate", onclick: evaluate }, "Evaluate"), charts);

  const fetchButton = options.inputs
    ? h(
        "button",
        {
          type: "button",
          id: "cb-fetch",
          onclick: async () => {
            error.textContent = "";
            status.textContent = "Reading the shop's orders and products…";
            try {
              for (const f of await options.inputs((text) => (status.textContent = text))) add([new File([f.blob], f.name)], f.role);
              status.textContent = "Read. Now build the catalog.";
            } catch (e) {
              status.textContent = "";
              error.textContent = `crossbuy: ${e?.message ?? e}`;
            }
          },
        },
        "Read the shop's orders",
      )
    : null;

  root.append(
    h("section", { id: "cb-files-section" }, h("h2", { text: "1. Your exports" }), h("label", { text: "Platform " }, platform), fetchButton, drop, h("table", {}, h("thead", {}, h("tr", {}, h("th", { text: "file" }), h("th", { text: "size" }), h("th", { text: "is" }), h("th"))), fileRows)),
    h("section", {}, h("h2", { text: "2. Settings (crossbuy.toml)" }), form, h("div", { class: "row" }, h("button", { type: "button", id: "cb-write-toml", onclick: writeToml }, "Write crossbuy.toml"), h("button", { type: "button", id: "cb-download-toml", onclick: async () => (await writeToml()) !== null && download("crossbuy.toml", toml, "application/toml") }, "Download crossbuy.toml"), h("label", { text: "Read a crossbuy.toml " }, tomlInput)), configError, tomlOut),
    h("section", {}, h("h2", { text: "3. Build" }), h("div", { class: "row" }, buildButton, cancelButton), bar, status, error, summary),
    preview,
    evalSection,
    measureSection,
    downloads,
  );
  return { build, evaluate, measure, add, builder, writeToml, fillForm };
}
