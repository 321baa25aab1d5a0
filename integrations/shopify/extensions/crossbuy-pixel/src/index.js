// crossbuy's app pixel: registers with Shopify's Web Pixels API and starts src/pixel.js with
// crossbuy's engine. The engine is crates/pixel compiled to WebAssembly; scripts/shopify-build.mjs
// copies its glue to src/generated/crossbuy_pixel.js and its module, base64, to
// src/generated/wasm.js, so this folder bundles as plain JavaScript (Shopify's CLI bundles it
// at deploy). Without WebAssembly in the sandbox nothing is sent, and one console error says so.
import { register } from '@shopify/web-pixels-extension';

import { initSync, optedIn } from './generated/crossbuy_pixel.js';
import wasm from './generated/wasm.js';
import { post, start } from './pixel.js';

register((api) => {
  try {
    const bytes = Uint8Array.from(atob(wasm), (c) => c.charCodeAt(0));
    initSync({ module: bytes });
  } catch (e) {
    console.error(`crossbuy: the pixel cannot start crossbuy's engine (WebAssembly): ${e && e.message ? e.message : e}; no signal will be sent`);
    return;
  }
  start(api, { optedIn }, post);
});
