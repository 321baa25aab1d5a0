// Starts `crossbuy-relay` (crates/relay) as a child process: for the demo shop (scripts/serve.mjs,
// which points it at its own stand-ins of Mailchimp and ActiveCampaign) and for the relay's tests
// (tests/relay/). The binary is target/debug/crossbuy-relay (`cargo build -p crossbuy-relay`, which
// scripts/test.sh runs) unless $CROSSBUY_RELAY names another.

import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { KEYS } from "./email-platforms.mjs";

const HERE = fileURLToPath(new URL(".", import.meta.url));
export const RELAY_BIN = process.env.CROSSBUY_RELAY ?? resolve(HERE, "..", "target", "debug", "crossbuy-relay");

/** The environment the stand-ins' keys are read from (names as `standinConfig` gives them). */
export const RELAY_ENV = {
  MAILCHIMP_API_KEY: KEYS.mailchimp,
  ACTIVECAMPAIGN_API_TOKEN: KEYS.activecampaignToken,
  ACTIVECAMPAIGN_EVENT_KEY: KEYS.activecampaignEventKey,
  SHOPIFY_ADMIN_TOKEN: KEYS.shopify,
  OMNISEND_API_KEY: KEYS.omnisend,
};

/**
 * A relay.toml forwarding to the stand-ins of the server at `standins` (`http://127.0.0.1:P/`),
 * accepting posts from `origins`. `platforms` picks `mailchimp`, `activecampaign`, `omnisend`; `extra`
 * is TOML put at the top (before the tables), `store` the [store] table's lines.
 */
export function standinConfig({ standins, origins, platforms = ["mailchimp", "activecampaign"], extra = "", store = "", verify = false, list = "3" }) {
  const base = standins.replace(/\/$/, "");
  const lines = [
    `listen = "127.0.0.1:0"`,
    `allowed_origins = ${JSON.stringify(origins)}`,
    extra,
    store ? `[store]\n${store}` : "",
  ];
  if (platforms.includes("mailchimp")) {
    lines.push(`[mailchimp]\nlist = "a1b2c3d4e5"\napi_key_env = "MAILCHIMP_API_KEY"\nbase = "${base}/mailchimp/3.0"`);
  }
  if (platforms.includes("activecampaign")) {
    lines.push(`[activecampaign]\nbase = "${base}/activecampaign"\nevents_base = "${base}/activecampaign"\n`
      + `api_token_env = "ACTIVECAMPAIGN_API_TOKEN"\nevent_key_env = "ACTIVECAMPAIGN_EVENT_KEY"\nactid = "${KEYS.activecampaignActid}"\nlist = "${list}"`);
  }
  if (platforms.includes("omnisend")) {
    lines.push(`[omnisend]\napi_key_env = "OMNISEND_API_KEY"\nbase = "${base}/omnisend/api"`);
  }
  if (verify) lines.push(`[verify.shopify]\nbase = "${base}/shopify"\ntoken_env = "SHOPIFY_ADMIN_TOKEN"`);
  return lines.filter(Boolean).join("\n") + "\n";
}

/**
 * Starts the relay with `toml` (written to a fresh directory, or `dir`, where the SQLite key store
 * also goes by default). Resolves once it listens: `{ url, port, dir, logs, exited, stop(signal),
 * child }`; `logs` are its JSON log lines, parsed.
 */
export async function startRelay({ toml, dir = mkdtempSync(join(tmpdir(), "crossbuy-relay-")), env = RELAY_ENV, timeout = 20_000 }) {
  if (!existsSync(RELAY_BIN)) throw new Error(`${RELAY_BIN} is missing: run cargo build -p crossbuy-relay`);
  const config = join(dir, "relay.toml");
  writeFileSync(config, toml);
  const child = spawn(RELAY_BIN, ["--config", config], {
    env: { PATH: process.env.PATH, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const logs = [];
  const raw = [];
  const exited = new Promise((ok) => child.on("exit", (code, signal) => ok({ code, signal })));
  const listening = new Promise((ok, fail) => {
    let rest = "";
    child.stderr.on("data", (chunk) => {
      rest += chunk;
      const lines = rest.split("\n");
      rest = lines.pop();
      for (const line of lines) {
        raw.push(line);
        try {
          const entry = JSON.parse(line);
          logs.push(entry);
          if (entry.fields?.event === "listening") ok(entry.fields.addr);
        } catch {
          // Not a log line (a configuration error before logging started).
        }
      }
    });
    exited.then(({ code }) => fail(new Error(`crossbuy-relay exited (${code}) before listening:\n${raw.join("\n")}`)));
    setTimeout(() => fail(new Error(`crossbuy-relay did not listen within ${timeout} ms:\n${raw.join("\n")}`)), timeout).unref();
  });
  const addr = await listening;
  const port = Number(addr.split(":").pop());
  return {
    url: `http://127.0.0.1:${port}/`,
    port,
    dir,
    logs,
    raw,
    child,
    exited,
    /** Sends `signal` (SIGTERM: finish the forwards in flight, then stop) and waits for the exit. */
    stop: async (signal = "SIGTERM") => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}
