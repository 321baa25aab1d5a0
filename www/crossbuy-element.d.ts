// Types of crossbuy-element.js: the <crossbuy-widget> custom element.
import type { MountOptions, Widget } from "./crossbuy.js";

/** `<crossbuy-widget catalog="…" context="…" limit="3" root="/" cart="shopify|permalink"
 * strings='{"*":{"heading":"…"}}'>`. */
export declare class CrossbuyWidget extends HTMLElement {
  /** The page language's texts: the JSON of the package's `i18n/<language>.json` (fr, de,
   * es, nl, ja, ar), set before the element is connected. Without it, English. */
  texts?: string | object;
  /** A function that adds to your own cart, set before the element is connected. */
  cart?: MountOptions["cart"];
  /** The page context (object or JSON text); setting it re-scores. Default: the `context`
   * attribute, else the page's `<script type="application/json" id="crossbuy-context">`. */
  context: string | object | null;
  /** mount()'s handle once the widget is shown. */
  widget?: Widget;
}

declare global {
  interface HTMLElementTagNameMap {
    "crossbuy-widget": CrossbuyWidget;
  }
}
