// `npm test` and `npm start` on a fresh machine: Rust (rustup, cargo) and Node.js, nothing else.
// Each test copies the files scripts/setup.sh and scripts/test.sh read into a scratch folder (a
// fresh clone has no node_modules, pkg/ or target/ either), points PATH and HOME at scratch
// folders holding only basic shell tools and recording stubs for rustup, cargo, npm, apt-get
// and sudo, and runs the commands of package.json's `test` and `start` scripts. The stubs behave
// like the real tools as far as setup looks (`cargo install wasm-pack` puts a wasm-pack into
// ~/.cargo/bin, `apt-get install chromium` a chromium on PATH), so what the tests check is what
// setup would install, that it neither dies nor trusts a default it invented, and what the later
// steps are handed. scripts/build.sh is replaced by a stub that records its environment and
// stops the run: everything after it needs the real tools.
//
//   node --test tests/setup/*.test.mjs     (no build needed; the first step of `npm test`)
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync, execFileSync } from "node:child_process";
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
/** What setup and test.sh read from the repository; nothing else is copied. */
const FILES = ["scripts/setup.sh", "scripts/test.sh", "scripts/size-toolchain.toml", "Cargo.lock", "package.json", "package-lock.json"];
/** Tools any machine has; the stubs and the scripts may use them. */
const BASICS = ["bash", "sh", "env", "grep", "sed", "awk", "tr", "dirname", "basename", "cat", "mkdir", "touch", "rm", "chmod", "cp"];
const SEP = "\x1f";

// The expectations, read from the repository on their own: the pinned nightly of the size
// build and the wasm-bindgen version of Cargo.lock.
const pin = readFileSync(join(ROOT, "scripts/size-toolchain.toml"), "utf8");
const tomlString = (key) => pin.match(new RegExp(`^${key} *= *"([^"]+)"`, "m"))?.[1];
const tomlList = (key) => [...(pin.match(new RegExp(`^${key} *= *\\[([^\\]]*)\\]`, "m"))?.[1] ?? "").matchAll(/"([^"]+)"/g)].map((m) => m[1]);
const NIGHTLY = tomlString("channel");
const BINDGEN = readFileSync(join(ROOT, "Cargo.lock"), "utf8").match(/^name = "wasm-bindgen"\nversion = "([^"]+)"/m)?.[1];

/** The recording stubs (tests/setup/stubs/): rustup, cargo, apt-get, npm, sudo, id. */
const STUBS = join(ROOT, "tests/setup/stubs");

/**
 * A fresh machine in a scratch folder: `{ repo, run(command, env), calls(), installs(), state }`.
 * `calls()` lists every stub call as `[tool, ...args]`, in order.
 */
function freshMachine({ uid = 0, sudo = false } = {}) {
  const dir = mkdtempSync(join(tmpdir(), "crossbuy-fresh-"));
  const repo = join(dir, "repo");
  const bin = join(dir, "bin");
  const usrBin = join(dir, "usr-bin");
  const home = join(dir, "home");
  const state = join(dir, "state");
  const log = join(dir, "calls.log");
  for (const d of [bin, usrBin, home, state, join(repo, "scripts"), join(repo, "tests/setup")]) mkdirSync(d, { recursive: true });
  for (const f of FILES) copyFileSync(join(ROOT, f), join(repo, f));
  // The steps that need real tools stop the run, recording what they were handed.
  const recordAndStop = (name) => `printf '%s\\n' "${name}${SEP}CHROME=\${CHROME-unset}${SEP}CHROMEDRIVER=\${CHROMEDRIVER-unset}" >>"${log}"\nexit 3\n`;
  writeFileSync(join(repo, "scripts/build.sh"), `#!/usr/bin/env bash\n${recordAndStop("build.sh")}`);
  writeFileSync(join(repo, "tests/setup/stub.test.mjs"), `import { appendFileSync } from "node:fs";\nappendFileSync(${JSON.stringify(log)}, "tests/setup\\n");\n`);
  // Rust's minimal profile on stable, nothing else.
  writeFileSync(join(state, "toolchains"), "stable-x86_64-unknown-linux-gnu (default)\n");
  writeFileSync(join(state, "stable.targets"), "x86_64-unknown-linux-gnu\n");
  writeFileSync(join(state, "stable.components"), ["cargo", "rust-std", "rustc"].map((c) => `${c}-x86_64-unknown-linux-gnu\n`).join(""));
  writeFileSync(join(state, "uid"), `${uid}\n`);

  for (const tool of BASICS) {
    const path = execFileSync("bash", ["-c", `command -v ${tool}`], { encoding: "utf8" }).trim();
    assert.ok(path.startsWith("/"), `${tool} is not on this machine's PATH`);
    symlinkSync(path, join(bin, tool));
  }
  symlinkSync(process.execPath, join(bin, "node"));
  for (const tool of readdirSync(STUBS)) {
    if (tool !== "sudo" || sudo) symlinkSync(join(STUBS, tool), join(bin, tool));
  }

  const baseEnv = { PATH: `${bin}:${usrBin}`, HOME: home, STUB_LOG: log, STUB_STATE: state, STUB_USR_BIN: usrBin, LANG: "C.UTF-8" };
  const calls = () => (existsSync(log) ? readFileSync(log, "utf8").split("\n").filter(Boolean).map((l) => l.split(SEP)) : []);
  return {
    dir,
    repo,
    usrBin,
    calls,
    /** The calls that change the machine (installs), as `tool args…` lines. */
    installs: () => calls().filter(([tool, ...args]) => isInstall(tool, args)).map((c) => c.join(" ")),
    run: (command, env = {}) => spawnSync("bash", ["-c", command], { cwd: repo, env: { ...baseEnv, ...env }, encoding: "utf8" }),
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

function isInstall(tool, args) {
  if (tool === "sudo") return false;
  if (tool === "rustup") return args.includes("add") || args.includes("install");
  if (tool === "cargo" || tool === "npm") return args[0] === "install" || args[0] === "ci";
  return tool === "apt-get";
}

/** What setup must install on a machine with Rust's minimal profile and Node.js only. */
const FRESH_INSTALLS = [
  "rustup target add wasm32-unknown-unknown",
  "rustup component add clippy",
  "rustup component add rustfmt",
  `rustup toolchain install ${NIGHTLY} --profile ${tomlString("profile")} ${tomlList("components").map((c) => `--component ${c}`).join(" ")} ${tomlList("targets").map((t) => `--target ${t}`).join(" ")}`,
  `cargo install wasm-bindgen-cli --version ${BINDGEN} --force`,
  "cargo install wasm-pack",
  "apt-get update -qq",
  "apt-get install -y -qq --no-install-recommends chromium chromium-driver php-cli redis-server",
  "npm ci --no-audit --no-fund --loglevel=error",
];

const scripts = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")).scripts;
/** The `build.sh` stub's record: what the build step was handed. */
const handedToBuild = (machine) => machine.calls().filter(([tool]) => tool === "build.sh").map(([, ...env]) => env);

test("the oracle read the pin and Cargo.lock", () => {
  assert.match(NIGHTLY ?? "", /^nightly-\d{4}-\d{2}-\d{2}$/, "scripts/size-toolchain.toml pins a dated nightly");
  assert.deepEqual(tomlList("components"), ["rust-src"]);
  assert.deepEqual(tomlList("targets"), ["wasm32-unknown-unknown"]);
  assert.match(BINDGEN ?? "", /^\d+\.\d+\.\d+$/);
});

test("npm test on a machine with only Rust and Node.js: setup installs everything, then the build gets Debian's browser", (t) => {
  const machine = freshMachine();
  t.after(machine.cleanup);
  const r = machine.run(scripts.test);
  assert.doesNotMatch(r.stderr, /setup: error/);
  assert.match(r.stderr, /npm test: FAILED at step: build/, `the run reached the (stubbed) build:\n${r.stderr}`);
  assert.equal(r.status, 3);
  assert.deepEqual(machine.installs(), FRESH_INSTALLS);
  assert.deepEqual(machine.calls()[0], ["tests/setup"], "the fresh-machine check runs first");
  assert.deepEqual(handedToBuild(machine), [[`CHROME=${join(machine.usrBin, "chromium")}`, `CHROMEDRIVER=${join(machine.usrBin, "chromedriver")}`]]);
  assert.ok(existsSync(join(machine.repo, "node_modules/.package-lock.json")));
});

test("npm start on the same machine installs the same, and a second run installs and prints nothing", (t) => {
  const machine = freshMachine();
  t.after(machine.cleanup);
  const first = machine.run(scripts.start);
  assert.equal(first.status, 3, first.stderr);
  assert.deepEqual(machine.installs(), FRESH_INSTALLS);
  assert.equal(handedToBuild(machine).length, 1, "the build ran after setup");

  const before = machine.calls().length;
  const again = machine.run("bash scripts/setup.sh");
  assert.equal(again.status, 0, again.stderr);
  assert.equal(again.stderr, "");
  assert.deepEqual(machine.calls().slice(before).filter(([tool, ...args]) => isInstall(tool, args)), []);
});

test("a browser and driver the user names are checked and used, never replaced", (t) => {
  const machine = freshMachine();
  t.after(machine.cleanup);
  const own = (name) => {
    const path = join(machine.dir, name);
    writeFileSync(path, "#!/bin/sh\nexit 0\n");
    chmodSync(path, 0o755);
    return path;
  };
  const env = { CHROME: own("my-chrome"), CHROMEDRIVER: own("my-chromedriver") };
  const r = machine.run(scripts.test, env);
  assert.equal(r.status, 3, r.stderr);
  const apt = machine.installs().filter((l) => l.startsWith("apt-get install"));
  assert.deepEqual(apt, ["apt-get install -y -qq --no-install-recommends php-cli redis-server"]);
  assert.deepEqual(handedToBuild(machine), [[`CHROME=${env.CHROME}`, `CHROMEDRIVER=${env.CHROMEDRIVER}`]]);
});

test("a CHROME or CHROMEDRIVER the user set that is not a program stops setup, naming it", (t) => {
  for (const [name, other] of [["CHROME", "CHROMEDRIVER"], ["CHROMEDRIVER", "CHROME"]]) {
    const machine = freshMachine();
    t.after(machine.cleanup);
    const r = machine.run("bash scripts/setup.sh", { [name]: "/nowhere/chromium" });
    assert.equal(r.status, 1);
    assert.match(r.stderr, new RegExp(`setup: error: ${name}=/nowhere/chromium \\(set in your environment\\) is not an executable`));
    assert.deepEqual(machine.installs().filter((l) => l.startsWith("apt-get install")), [], `${name} wrong, ${other} unset: no apt-get install`);
  }
});

test("not root: apt-get goes through sudo; without sudo setup says what to run as root", (t) => {
  const withSudo = freshMachine({ uid: 1000, sudo: true });
  t.after(withSudo.cleanup);
  const r = withSudo.run("bash scripts/setup.sh");
  assert.equal(r.status, 0, r.stderr);
  assert.ok(withSudo.calls().some(([tool, ...args]) => tool === "sudo" && args.includes("apt-get") && args.includes("install")));
  assert.ok(existsSync(join(withSudo.usrBin, "chromium")));

  const without = freshMachine({ uid: 1000 });
  t.after(without.cleanup);
  const s = without.run("bash scripts/setup.sh");
  assert.equal(s.status, 1);
  assert.match(s.stderr, /setup: error: missing chromium chromium-driver php-cli redis-server: run 'apt-get install chromium chromium-driver php-cli redis-server' as root/);
});

test("an installed size toolchain lacking its target or component gets only those", (t) => {
  const machine = freshMachine();
  t.after(machine.cleanup);
  const state = join(machine.dir, "state");
  writeFileSync(join(state, "toolchains"), `stable-x86_64-unknown-linux-gnu (default)\n${NIGHTLY}-x86_64-unknown-linux-gnu\n`);
  writeFileSync(join(state, `${NIGHTLY}.components`), "rustc-x86_64-unknown-linux-gnu\n");
  writeFileSync(join(state, `${NIGHTLY}.targets`), "x86_64-unknown-linux-gnu\n");
  const r = machine.run("bash scripts/setup.sh");
  assert.equal(r.status, 0, r.stderr);
  const rust = machine.installs().filter((l) => l.includes(NIGHTLY));
  assert.deepEqual(rust, [`rustup component add --toolchain ${NIGHTLY} rust-src`, `rustup target add --toolchain ${NIGHTLY} wasm32-unknown-unknown`]);
});
