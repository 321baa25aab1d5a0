// The console's Web Worker: runs the builder (crates/console, compiled to WebAssembly) off the
// page's main thread, so the page stays responsive while a large export is read. It reads the
// dropped files a chunk at a time with FileReaderSync: nothing is uploaded anywhere.
import init, { Console, configFromForm, configRead } from "./pkg/crossbuy_console.js";

const ready = init({ module_or_path: new URL("./pkg/crossbuy_console_bg.wasm", import.meta.url) });
let session = null;
const reader = new FileReaderSync();

/** `length` bytes of `blob` from `offset`. */
function read(blob, offset, length) {
  return new Uint8Array(reader.readAsArrayBuffer(blob.slice(offset, offset + length)));
}

/** Posts `(phase, bytes, total)` to the page. */
function progress(phase, at, total) {
  postMessage({ type: "progress", phase, at, total });
}

const handlers = {
  // One session for the page: a build starts from nothing but keeps the catalog built before,
  // which a rebuild with feedback measures against (the orders from after installation).
  build({ request, files }) {
    session ??= new Console();
    const started = performance.now();
    const answer = JSON.parse(session.build(JSON.stringify(request), files, read, progress));
    answer.ms = Math.round(performance.now() - started);
    return answer;
  },
  // `crossbuy report` on the orders from after installation (a session exists even before a
  // build: a dropped catalog.json is enough).
  measure({ request, files }) {
    session ??= new Console();
    return JSON.parse(session.measure(JSON.stringify(request), files, read));
  },
  catalog: () => session?.catalog() ?? "",
  // The preview's catalog: the cards without their images (the console loads nothing from the
  // shop), made here so that the page's main thread does not parse a large catalog.
  previewCatalog() {
    const catalog = JSON.parse(session?.catalog() || '{"products":[]}');
    for (const p of catalog.products ?? []) delete p.image;
    return JSON.stringify(catalog);
  },
  products: () => JSON.parse(session?.products() ?? "[]"),
  carts: ({ n }) => JSON.parse(session?.carts(n) ?? "[]"),
  explain: ({ items, limit }) => JSON.parse(session?.explain(JSON.stringify(items), limit) ?? "{}"),
  eval: () => JSON.parse(session?.eval() ?? '{"ok":false}'),
  shardsZip: () => session?.shardsZip() ?? new Uint8Array(),
  configFromForm: ({ form }) => JSON.parse(configFromForm(JSON.stringify(form))),
  configRead: ({ name, text }) => JSON.parse(configRead(name, text)),
};

onmessage = async ({ data }) => {
  try {
    await ready;
    const result = handlers[data.type](data);
    postMessage({ type: "result", id: data.id, result });
  } catch (e) {
    postMessage({ type: "result", id: data.id, result: { ok: false, error: `crossbuy: ${e?.message ?? e}` } });
  }
};
