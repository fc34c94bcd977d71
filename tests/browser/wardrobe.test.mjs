// The web wardrobe page in a real browser: Debian's Chromium, driven by
// playwright-core, against a real `wdrbe serve` on a temporary data
// directory. It walks through the page at phone size as a person would,
// saves a screenshot of each state, and fails on any console error or
// failed request that the step did not expect.
//
//   node wardrobe.test.mjs [BUILD_DIR]     (default $WDRBE_BUILD_DIR, else <repo>/build)
//
// WDRBE_CHROMIUM: the browser (default /usr/bin/chromium).
// WDRBE_BROWSER_ARTIFACTS: the screenshots' directory (default BUILD_DIR/browser-artifacts).
// Prints "N passed, N failed, N skipped" last; exits non-zero on any failure.
import { execFile, spawn } from "node:child_process";
import crypto from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, readFile, rm } from "node:fs/promises";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import zlib from "node:zlib";
import { chromium } from "playwright-core";

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, "../..");
const buildDir = path.resolve(process.argv[2] || process.env.WDRBE_BUILD_DIR || path.join(repo, "build"));
const binary = path.join(buildDir, "wdrbe");
const artifacts = path.resolve(process.env.WDRBE_BROWSER_ARTIFACTS || path.join(buildDir, "browser-artifacts"));
const chromiumPath = process.env.WDRBE_CHROMIUM || "/usr/bin/chromium";
const assetsDir = path.join(repo, "src/wdrbe/web/assets/app");

const USER = "browser-user";
const PHONE = { width: 390, height: 844 };
const DESKTOP = { width: 1280, height: 900 };
const WAIT_MS = 10_000;
const BULK_ITEMS = 45;

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// ---- the server ---------------------------------------------------------------

// Our environment without any WDRBE_* variable (a developer's settings must
// not leak in), with the secret, and with throttling off: the test's bursts
// (45 creates at once) are not what it checks.
function serverEnv(secret) {
  const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith("WDRBE_")));
  return {
    ...env,
    WDRBE_JWT_SECRET: secret,
    WDRBE_RATE_LIMIT: "0",
    WDRBE_USER_RATE_LIMIT: "0",
    WDRBE_ANONYMOUS_RATE_LIMIT: "0",
  };
}

class Server {
  constructor() {
    this.secret = crypto.randomBytes(32).toString("hex");
    this.env = serverEnv(this.secret);
    this.child = null;
    this.output = "";
    this.port = 0;
  }

  // --listen 127.0.0.1:0 picks a free port; the server names it in its
  // "listening on http://HOST:PORT" log line. A restart asks for the same one.
  async start() {
    if (!this.dataDir) this.dataDir = await mkdtemp(path.join(os.tmpdir(), "wdrbe-browser-"));
    const listen = `127.0.0.1:${this.port}`;
    const args = ["serve", "--listen", listen, "--data-dir", path.join(this.dataDir, "data")];
    const child = spawn(binary, args, { env: this.env, stdio: ["ignore", "pipe", "pipe"] });
    this.child = child;
    this.exited = new Promise((resolve) => child.once("exit", (code, signal) => resolve({ code, signal })));
    child.stdout.on("data", (chunk) => (this.output += chunk));
    child.stderr.on("data", (chunk) => (this.output += chunk));
    const deadline = Date.now() + 20_000;
    for (;;) {
      // Only a whole line counts, so a half-written port number is never read.
      const match = /listening on http:\/\/([0-9.]+):([0-9]+)/.exec(this.output);
      if (match && this.output.indexOf("\n", match.index) !== -1) {
        this.port = Number(match[2]);
        break;
      }
      if (child.exitCode !== null || child.signalCode !== null) throw new Error(`wdrbe serve exited before listening:\n${this.output}`);
      if (Date.now() > deadline) throw new Error(`wdrbe serve printed no listening line in 20 s:\n${this.output}`);
      await sleep(20);
    }
    this.base = `http://127.0.0.1:${this.port}`;
    await until("/healthz to answer 200", async () => (await fetch(this.base + "/healthz")).status === 200);
  }

  async stop() {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    child.kill("SIGTERM");
    const done = await Promise.race([this.exited, sleep(10_000).then(() => null)]);
    if (!done) {
      child.kill("SIGKILL");
      await this.exited;
    }
    this.output = "";
  }

  token(sub, ttl = 3600) {
    return new Promise((resolve, reject) => {
      execFile(binary, ["token", "--sub", sub, "--ttl", String(ttl)], { env: this.env }, (error, stdout, stderr) => {
        if (error) reject(new Error(`wdrbe token failed: ${stderr || error.message}`));
        else resolve(stdout.trim());
      });
    });
  }

  // A photo straight to the API: PUT /items/{itemId}/image.
  async putPhoto(token, itemId, type, bytes) {
    const response = await fetch(`${this.base}/items/${itemId}/image`, {
      method: "PUT",
      headers: { Authorization: `Bearer ${token}`, "Content-Type": type },
      body: bytes,
    });
    return { status: response.status, body: await response.json() };
  }

  // The API directly, for what the page does not need to show being done.
  async api(token, method, apiPath, body) {
    const headers = { Authorization: `Bearer ${token}` };
    if (body !== undefined) headers["Content-Type"] = "application/json";
    const response = await fetch(this.base + apiPath, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : null };
  }
}

// ---- a helper origin: a thumbnail image, and the API under a path prefix ----------

// A PNG of width x height (navy with lighter stripes; 64x64 by default),
// made here so the test needs no file.
function swatchPng(width = 64, height = width) {
  const crcTable = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  const crc32 = (bytes) => {
    let c = 0xffffffff;
    for (const b of bytes) c = crcTable[(c ^ b) & 0xff] ^ (c >>> 8);
    return (c ^ 0xffffffff) >>> 0;
  };
  const chunk = (type, data) => {
    const head = Buffer.alloc(8);
    head.writeUInt32BE(data.length, 0);
    head.write(type, 4, "latin1");
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0);
    return Buffer.concat([head, data, crc]);
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 8; // bit depth
  header[9] = 2; // RGB
  const rows = [];
  for (let y = 0; y < height; y++) {
    const row = Buffer.alloc(1 + width * 3); // filter byte 0, then pixels
    for (let x = 0; x < width; x++) {
      const stripe = (x + y) % 16 < 4;
      row.set(stripe ? [90, 120, 190] : [20, 40, 90], 1 + x * 3);
    }
    rows.push(row);
  }
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  return Buffer.concat([signature, chunk("IHDR", header), chunk("IDAT", zlib.deflateSync(Buffer.concat(rows))), chunk("IEND", Buffer.alloc(0))]);
}

// /swatch.png, and /prod/... forwarded to the server without the prefix, as
// an API Gateway stage would: the page must work there with relative URLs.
// Streams pass through as they come (the activity stream included).
function startHelper(server) {
  const png = swatchPng();
  const helper = http.createServer((req, res) => {
    if (req.url === "/swatch.png") {
      res.writeHead(200, { "Content-Type": "image/png", "Content-Length": png.length, "Cache-Control": "max-age=3600" });
      res.end(png);
      return;
    }
    if (!req.url.startsWith("/prod/")) {
      res.writeHead(404).end();
      return;
    }
    const upstream = http.request(
      { host: "127.0.0.1", port: server.port, method: req.method, path: req.url.slice("/prod".length), headers: req.headers },
      (answer) => {
        res.writeHead(answer.statusCode, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on("error", () => res.destroy());
    res.on("close", () => upstream.destroy());
    req.pipe(upstream);
  });
  return new Promise((resolve) => helper.listen(0, "127.0.0.1", () => resolve(helper)));
}

// ---- waiting, and the page's problems ------------------------------------------------

async function until(what, check, timeout = WAIT_MS) {
  const deadline = Date.now() + timeout;
  let last;
  for (;;) {
    try {
      const value = await check();
      if (value) return value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${timeout} ms waiting for ${what}${last ? `: ${last.message}` : ""}`);
    await sleep(50);
  }
}

function assert(condition, message) {
  if (!condition) throw new Error(message);
}

// Console errors, uncaught exceptions, failed requests and 4xx/5xx answers
// are problems, except those a step announced with expectFailures(). The
// activity stream aborted by the page itself (sign-out, reload) is normal.
class Watch {
  constructor() {
    this.problems = [];
    this.allowed = [];
  }

  attach(page) {
    page.on("pageerror", (error) => this.problems.push(`uncaught: ${error.message}`));
    page.on("console", (message) => {
      if (message.type() !== "error") return;
      const url = message.location().url || "";
      if (this.match(url, null, null)) return;
      // A blocked load is reported with the page's location, naming the URL in its text.
      if (this.allowed.some((a) => a.console && a.console.test(message.text()))) return;
      this.problems.push(`console error: ${message.text()}${url ? ` (${url})` : ""}`);
    });
    page.on("requestfailed", (request) => {
      const failure = (request.failure() && request.failure().errorText) || "failed";
      // Also normal: a thumbnail still on its way when its card is re-rendered.
      if (failure === "net::ERR_ABORTED" && /\/activities\/stream\?|\/swatch\.png$|\/image\/thumbnail$/.test(request.url())) return;
      if (this.match(request.url(), request.method(), failure)) return;
      this.problems.push(`request failed: ${request.method()} ${request.url()}: ${failure}`);
    });
    page.on("response", (response) => {
      if (response.status() < 400) return;
      const request = response.request();
      if (this.match(response.url(), request.method(), response.status())) return;
      this.problems.push(`HTTP ${response.status()}: ${request.method()} ${response.url()}`);
    });
  }

  match(url, method, outcome) {
    const found = this.allowed.find(
      (a) => a.url.test(url) && (method === null || a.method === method) && (outcome === null || a.outcome.test(String(outcome))),
    );
    if (found && method !== null) found.seen++;
    return Boolean(found);
  }

  // Runs fn with these failures allowed; each must then have happened.
  async expectFailures(specs, fn) {
    const entries = specs.map((s) => ({ ...s, seen: 0 }));
    this.allowed.push(...entries);
    try {
      await fn();
      for (const entry of entries) {
        if (entry.required !== false) {
          await until(`the expected ${entry.method} ${entry.url} (${entry.outcome})`, () => entry.seen > 0, 3000);
        }
      }
    } finally {
      // Late console lines of these requests still count as expected.
      await sleep(100);
      this.allowed = this.allowed.filter((a) => !entries.includes(a));
    }
  }

  take() {
    const problems = this.problems;
    this.problems = [];
    return problems;
  }
}

// ---- the steps ----------------------------------------------------------------------

const results = { passed: 0, failed: 0, skipped: 0 };
let shotNumber = 0;

async function screenshot(page, name) {
  shotNumber++;
  const file = path.join(artifacts, `${String(shotNumber).padStart(2, "0")}-${name}.png`);
  await page.screenshot({ path: file }).catch(() => {});
  return file;
}

// A step runs, then its screenshot is taken, then the page's problems are
// checked. After a failure the rest are skipped: they build on each other.
async function step(name, page, watch, fn) {
  if (results.failed > 0) {
    results.skipped++;
    console.log(`SKIP ${name}`);
    return;
  }
  const started = Date.now();
  let error = null;
  try {
    await fn();
    await sleep(150); // let late console lines and responses arrive
  } catch (caught) {
    error = caught;
  }
  const shot = await screenshot(page, name.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, ""));
  const problems = watch.take();
  if (problems.length) {
    const report = `the page reported problems:\n    ${problems.join("\n    ")}`;
    error = new Error(error ? `${error.message}\n     and ${report}` : report);
  }
  if (error) {
    results.failed++;
    console.log(`FAIL ${name} (${Date.now() - started} ms): ${error.message}\n     screenshot: ${shot}`);
  } else {
    results.passed++;
    console.log(`ok   ${name} (${Date.now() - started} ms)`);
  }
}

const itemRow = (page, name) =>
  page.locator("#items > li", { has: page.getByRole("heading", { name, exact: true }) });
const itemCount = (page) => page.locator("#items > li").count();
const focusedId = (page) => page.evaluate(() => document.activeElement && document.activeElement.id);
const textOf = async (locator) => ((await locator.textContent()) || "").trim();

async function signIn(page, token) {
  await page.getByLabel("Access token").fill(token);
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
}

// The pixel size a PNG's header states.
function pngSize(bytes) {
  return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
}

// A real JPEG, drawn by the browser itself.
async function canvasJpeg(page, width, height) {
  const bytes = await page.evaluate(
    ([w, h]) =>
      new Promise((resolve) => {
        const canvas = document.createElement("canvas");
        canvas.width = w;
        canvas.height = h;
        const context = canvas.getContext("2d");
        context.fillStyle = "#8a1c2b";
        context.fillRect(0, 0, w, h);
        context.fillStyle = "#f2d16b";
        context.fillRect(w / 4, h / 4, w / 2, h / 2);
        canvas.toBlob(async (blob) => resolve(Array.from(new Uint8Array(await blob.arrayBuffer()))), "image/jpeg", 0.9);
      }),
    [width, height],
  );
  return Buffer.from(bytes);
}

const isThumbnail = (response) => /\/items\/[^/]+\/image\/thumbnail$/.test(response.url()) && response.request().method() === "GET";
const isPhotoUpload = (response) => /\/items\/[^/]+\/image$/.test(response.url()) && response.request().method() === "PUT";

// The card's thumbnail once it has loaded: its pixel size, alt text and URL.
async function loadedThumbnail(row) {
  return until("the thumbnail to load", () =>
    row.locator("img.thumb").evaluate((img) => img.complete && img.naturalWidth > 0 && { width: img.naturalWidth, height: img.naturalHeight, alt: img.alt, src: img.src }),
  );
}

async function waitForStream(page) {
  await until("the stream to connect", async () => (await textOf(page.locator("#stream-status"))) === "Live: connected.");
}

async function run(server, helper, browser) {
  const token = await server.token(USER);
  const context = await browser.newContext({ viewport: PHONE, deviceScaleFactor: 2, isMobile: true, hasTouch: true });
  const page = await context.newPage();
  page.setDefaultTimeout(WAIT_MS);
  const watch = new Watch();
  watch.attach(page);
  const imageUrl = `http://127.0.0.1:${helper.address().port}/swatch.png`;
  let blazerId = null;

  await step("Assets served with their types", page, watch, async () => {
    const want = { "": ["index.html", "text/html; charset=utf-8"], "app.js": ["app.js", "text/javascript; charset=utf-8"], "app.css": ["app.css", "text/css; charset=utf-8"] };
    for (const [route, [file, type]] of Object.entries(want)) {
      const response = await fetch(`${server.base}/${route}`);
      assert(response.status === 200, `GET /${route}: ${response.status}`);
      assert(response.headers.get("content-type") === type, `GET /${route}: Content-Type ${response.headers.get("content-type")}, want ${type}`);
      const served = Buffer.from(await response.arrayBuffer());
      const source = await readFile(path.join(assetsDir, file));
      assert(served.equals(source), `GET /${route} differs from ${file} in the source tree: rebuild the wdrbe binary`);
    }
  });

  await step("Signed out page", page, watch, async () => {
    await page.goto(server.base + "/");
    assert((await page.title()) === "wdrbe wardrobe", `title ${await page.title()}`);
    await page.getByLabel("Access token").waitFor();
    assert(await page.locator("#app").isHidden(), "the wardrobe shows before sign-in");
  });

  await step("A refused token asks for a new one", page, watch, async () => {
    const forged = token.slice(0, -4) + (token.endsWith("AAAA") ? "BBBB" : "AAAA");
    await watch.expectFailures(
      [
        { method: "GET", url: /\/users\/browser-user\/items\?/, outcome: /^401$/ },
        { method: "GET", url: /\/users\/browser-user\/activities\?/, outcome: /^401$/, required: false },
      ],
      async () => {
        await signIn(page, forged);
        await until("the refusal", async () => (await textOf(page.locator("#messages"))).includes("refused your token"));
      },
    );
    await page.getByLabel("Access token").waitFor();
    assert(await page.locator("#app").isHidden(), "the wardrobe stays shown after a 401");
    assert((await page.evaluate(() => sessionStorage.length)) === 0, "a refused token is kept");
    assert((await focusedId(page)) === "token", "focus is not on the token field");
  });

  await step("Sign in", page, watch, async () => {
    await signIn(page, token);
    await page.getByText(`Signed in as ${USER}`, { exact: true }).waitFor();
    assert((await page.evaluate(() => sessionStorage.getItem("wdrbe.token"))) === token, "the token is not in sessionStorage");
    assert((await page.evaluate(() => localStorage.length)) === 0, "something went to localStorage");
    await until("the empty list", async () => (await textOf(page.locator("#items-status"))).startsWith("No items yet"));
    await waitForStream(page);
  });

  await step("Create an item through the form", page, watch, async () => {
    const form = page.locator("#create-form");
    await form.getByLabel("Name").fill("Navy Blazer");
    await form.getByLabel("Category").fill("outerwear");
    await form.getByLabel("Season").selectOption("autumn");
    await form.getByLabel("Colour").fill("navy");
    await form.getByLabel("Brand").fill("Acme");
    await form.getByLabel("Purchase date").fill("2025-10-01");
    await form.getByLabel("Image URL").fill(imageUrl);
    await form.getByRole("button", { name: "Add item" }).click();
    const row = itemRow(page, "Navy Blazer");
    await row.waitFor();
    blazerId = await row.getAttribute("data-item-id");
    const facts = await textOf(row.locator(".facts"));
    for (const part of ["Categoryouterwear", "SeasonAutumn", "Colournavy", "BrandAcme", "Bought2025-10-01"]) {
      assert(facts.replace(/\s+/g, "").includes(part), `the item shows "${facts}", without ${part}`);
    }
    await until("the thumbnail", () => row.locator("img.thumb").evaluate((img) => img.complete && img.naturalWidth === 64));
    await until("the ItemCreated activity", async () => (await textOf(page.locator("#feed li").first())).startsWith("Added Navy Blazer"));
    assert((await form.getByLabel("Name").inputValue()) === "", "the form was not reset");
    await row.scrollIntoViewIfNeeded();
  });

  await step("Validation error next to its field", page, watch, async () => {
    const form = page.locator("#create-form");
    await form.getByLabel("Name").fill("   ");
    await form.getByLabel("Category").fill("shoes");
    await form.getByLabel("Image URL").fill("not a url");
    await watch.expectFailures([{ method: "POST", url: /\/users\/browser-user\/items$/, outcome: /^400$/ }], async () => {
      await form.getByRole("button", { name: "Add item" }).click();
      await page.locator("#create-name-error").waitFor();
    });
    const nameError = await textOf(page.locator("#create-name-error"));
    assert(nameError.includes("must be 1-200 characters"), `name error "${nameError}"`);
    assert((await textOf(page.locator("#create-imageUrl-error"))).includes("http"), "no error next to the image URL");
    assert(await page.locator("#create-category-error").isHidden(), "an error shows next to a valid field");
    assert((await form.getByLabel("Name").getAttribute("aria-invalid")) === "true", "name is not marked invalid");
    assert((await focusedId(page)) === "create-name", "focus did not move to the first invalid field");
    await form.getByLabel("Name").scrollIntoViewIfNeeded();
    await form.getByLabel("Image URL").fill("");
  });

  await step("Edit in a dialog", page, watch, async () => {
    await itemRow(page, "Navy Blazer").getByRole("button", { name: "Edit Navy Blazer" }).click();
    const dialog = page.locator("#edit-dialog");
    await dialog.waitFor();
    assert((await focusedId(page)) === "edit-name", "focus is not on the dialog's first field");
    assert(await dialog.getByRole("button", { name: "Remove photo" }).isHidden(), "Remove photo shows for a picture elsewhere");
    await dialog.getByLabel("Name").fill("Navy Wool Blazer");
    await dialog.getByLabel("Season").selectOption("winter");
    await dialog.getByLabel("Brand").fill(""); // cleared: sent as null
    await screenshot(page, "edit-dialog-open");
    await dialog.getByRole("button", { name: "Save" }).click();
    await dialog.waitFor({ state: "hidden" });
    const row = itemRow(page, "Navy Wool Blazer");
    await row.waitFor();
    const facts = (await textOf(row.locator(".facts"))).replace(/\s+/g, "");
    assert(facts.includes("SeasonWinter") && !facts.includes("Brand"), `after the edit the item shows "${facts}"`);
    await until("focus back on the edit button", () => page.evaluate(() => document.activeElement.classList.contains("edit-button")));
    const stored = await server.api(token, "GET", `/items/${blazerId}`);
    assert(stored.body.name === "Navy Wool Blazer" && stored.body.season === "winter" && !("brand" in stored.body), `stored ${JSON.stringify(stored.body)}`);
  });

  await step("Filter by season and category", page, watch, async () => {
    const season = page.locator("#filters").getByLabel("Season");
    const category = page.locator("#filters").getByLabel("Category");
    const status = page.locator("#items-status");
    await season.selectOption("winter");
    await until("the winter list", async () => (await textOf(status)) === "1 item, all shown." && (await itemRow(page, "Navy Wool Blazer").count()) === 1);
    await season.selectOption("summer");
    await until("the summer list", async () => (await textOf(status)) === "No items match these filters." && (await itemCount(page)) === 0);
    await screenshot(page, "filter-summer-excludes");
    await season.selectOption("");
    await category.fill("Outerwear"); // categories are case-sensitive
    await until("the Outerwear list", async () => (await textOf(status)) === "No items match these filters.");
    await category.fill("outerwear");
    await until("the outerwear list", async () => (await itemRow(page, "Navy Wool Blazer").count()) === 1);
    await category.fill("");
    await until("the whole list", async () => (await textOf(status)) === "1 item, all shown.");
  });

  await step("Share and see ItemShared live", page, watch, async () => {
    const row = itemRow(page, "Navy Wool Blazer");
    await row.getByRole("button", { name: "Share Navy Wool Blazer" }).click();
    await row.getByRole("button", { name: "Shared Navy Wool Blazer" }).waitFor();
    const shared = page.locator('#feed li[data-type="ItemShared"]').first();
    await until("the ItemShared activity", async () => (await shared.count()) === 1 && (await textOf(shared)).startsWith("Shared Navy Wool Blazer"));
    await until("the item shown as shared", async () => (await textOf(itemRow(page, "Navy Wool Blazer").locator(".facts"))).includes("1× (public)"));
    await page.locator("#feed").scrollIntoViewIfNeeded();
  });

  await step("Stream reconnects after a server restart", page, watch, async () => {
    await watch.expectFailures([{ method: "GET", url: /\/activities\/stream\?/, outcome: /ERR_CONNECTION_REFUSED|ERR_EMPTY_RESPONSE|ERR_CONNECTION_RESET/, required: false }], async () => {
      await server.stop();
      await until("the reconnecting status", async () => (await textOf(page.locator("#stream-status"))) === "Live: reconnecting…");
      await screenshot(page, "stream-reconnecting");
      await server.start(); // same port and data directory
      await waitForStream(page);
    });
    const created = await server.api(token, "POST", `/users/${USER}/items`, { name: "Linen Shirt", category: "tops", season: "summer" });
    assert(created.status === 201, `create after restart: ${created.status}`);
    await until("the activity after the restart", async () => (await textOf(page.locator("#feed li").first())).startsWith("Added Linen Shirt"));
  });

  await step("Infinite scroll loads the next pages", page, watch, async () => {
    const seasons = ["spring", "summer", "autumn", "winter", "all-season"];
    for (let i = 1; i <= BULK_ITEMS; i++) {
      const body = { name: `Item ${String(i).padStart(2, "0")}`, category: i % 2 ? "tops" : "shoes", season: seasons[i % seasons.length] };
      const created = await server.api(token, "POST", `/users/${USER}/items`, body);
      assert(created.status === 201, `create ${body.name}: ${created.status}`);
    }
    const total = BULK_ITEMS + 2;
    // A reload keeps the session: the token is in sessionStorage.
    await page.reload();
    await page.getByText(`Signed in as ${USER}`, { exact: true }).waitFor();
    await until("the first page", async () => (await itemCount(page)) === 20 && (await textOf(page.locator("#items-status"))).includes("more load as you scroll"));
    await waitForStream(page);
    await page.locator("#sentinel").scrollIntoViewIfNeeded();
    await until("the second page", async () => (await itemCount(page)) === 40);
    await screenshot(page, "infinite-scroll-second-page");
    await page.getByRole("button", { name: "Load more" }).click();
    await until("the last page", async () => (await itemCount(page)) === total && (await textOf(page.locator("#items-status"))) === `${total} items, all shown.`);
    assert(await page.getByRole("button", { name: "Load more" }).isHidden(), "Load more still shows on the last page");
    const ids = await page.locator("#items > li").evaluateAll((rows) => rows.map((row) => row.dataset.itemId));
    assert(new Set(ids).size === total, "an item shows twice");
    assert((await textOf(page.locator("#items > li h3").first())) === `Item ${BULK_ITEMS}`, "the newest item is not first");
    await page.locator("#load-more").evaluate(() => window.scrollTo(0, document.body.scrollHeight));
  });

  await step("Delete with confirmation", page, watch, async () => {
    const name = `Item ${BULK_ITEMS}`;
    const row = itemRow(page, name);
    const id = await row.getAttribute("data-item-id");
    const dialog = page.locator("#confirm-dialog");
    await row.getByRole("button", { name: `Delete ${name}` }).click();
    await dialog.waitFor();
    assert((await focusedId(page)) === "confirm-cancel", "focus is not on Keep it");
    await dialog.getByRole("button", { name: "Keep it" }).click();
    await dialog.waitFor({ state: "hidden" });
    assert((await row.count()) === 1, "Keep it deleted the item");
    assert(await page.evaluate(() => document.activeElement.classList.contains("delete-button")), "focus did not return to Delete");
    await row.getByRole("button", { name: `Delete ${name}` }).click();
    await dialog.waitFor();
    assert((await textOf(dialog)).includes(name), "the dialog does not name the item");
    await screenshot(page, "delete-confirm");
    await dialog.getByRole("button", { name: "Delete", exact: true }).click();
    await dialog.waitFor({ state: "hidden" });
    await until("the item gone", async () => (await row.count()) === 0 && (await textOf(page.locator("#messages"))) === `Deleted “${name}”.`);
    assert((await focusedId(page)) === "items-title", "focus is not on the list heading");
    assert((await server.api(token, "GET", `/items/${id}`)).status === 404, "the item still exists");
  });

  const photo = swatchPng(640, 400);
  let scarfId = null;
  let scarfThumbnail = null;

  await step("Create an item with a photo; its thumbnail loads", page, watch, async () => {
    const form = page.locator("#create-form");
    await page.locator("#add-title").scrollIntoViewIfNeeded();
    await form.getByLabel("Name").fill("Red Scarf");
    await form.getByLabel("Category").fill("accessories");
    await form.getByLabel("Photo", { exact: true }).setInputFiles({ name: "scarf.png", mimeType: "image/png", buffer: photo });
    const uploaded = page.waitForResponse(isPhotoUpload);
    const thumbnail = page.waitForResponse(isThumbnail);
    await form.getByRole("button", { name: "Add item" }).click();
    const upload = await uploaded;
    assert(upload.status() === 200, `PUT photo: ${upload.status()}`);
    const sent = (await upload.request().allHeaders())["content-type"];
    assert(sent === "image/png", `the photo went as ${sent}`);
    const item = await upload.json();
    scarfId = item.itemId;
    assert(item.imageUrl && item.imageUrl.endsWith(`/items/${scarfId}/image`), `imageUrl after the upload: ${item.imageUrl}`);
    const answer = await thumbnail;
    assert(answer.url().endsWith(`/items/${scarfId}/image/thumbnail`), `thumbnail of another item: ${answer.url()}`);
    assert(answer.status() === 200, `thumbnail: ${answer.status()}`);
    assert(answer.headers()["content-type"] === "image/png", `thumbnail Content-Type ${answer.headers()["content-type"]}`);
    const row = itemRow(page, "Red Scarf");
    scarfThumbnail = await loadedThumbnail(row);
    const { width, height } = scarfThumbnail;
    assert(width >= 1 && width <= 256 && height >= 1 && height <= 256, `thumbnail is ${width}x${height}, not within 256x256`);
    assert(Math.max(width, height) === 256 && Math.abs(width / height - 1.6) < 0.02, `a 640x400 photo made a ${width}x${height} thumbnail`);
    assert(scarfThumbnail.alt === "Photo of Red Scarf", `alt text "${scarfThumbnail.alt}"`);
    assert(scarfThumbnail.src.startsWith("blob:"), `the thumbnail is not a blob: URL but ${scarfThumbnail.src}`);
    assert((await form.getByLabel("Photo", { exact: true }).inputValue()) === "", "the photo field was not reset");
    // The original keeps its size; only the thumbnail is scaled.
    const original = await fetch(`${server.base}/items/${scarfId}/image`, { headers: { Authorization: `Bearer ${token}` } });
    assert(original.status === 200 && original.headers.get("content-type") === "image/png", `GET image: ${original.status} ${original.headers.get("content-type")}`);
    const size = pngSize(Buffer.from(await original.arrayBuffer()));
    assert(size.width === 640 && size.height === 400, `the original is ${size.width}x${size.height}`);
    await row.scrollIntoViewIfNeeded();
  });

  await step("A wrong-type or too-large photo shows the server's error", page, watch, async () => {
    const row = itemRow(page, "Red Scarf");
    await row.getByRole("button", { name: "Edit Red Scarf" }).click();
    const dialog = page.locator("#edit-dialog");
    await dialog.waitFor();
    const input = dialog.getByLabel("Photo", { exact: true });
    const error = page.locator("#edit-photo-error");
    const save = dialog.getByRole("button", { name: "Save" });
    const jpeg = await canvasJpeg(page, 120, 80);
    const files = [
      ["a text file", { name: "notes.txt", mimeType: "text/plain", buffer: Buffer.from("not a photo\n") }, 415],
      ["JPEG bytes sent as PNG", { name: "mislabelled.png", mimeType: "image/png", buffer: jpeg }, 415],
      ["over 5 MiB", { name: "huge.png", mimeType: "image/png", buffer: Buffer.concat([photo, Buffer.alloc(5 * 1024 * 1024)]) }, 413],
    ];
    for (const [what, file, status] of files) {
      await input.setInputFiles(file);
      let refusal = null;
      await watch.expectFailures([{ method: "PUT", url: new RegExp(`/items/${scarfId}/image$`), outcome: new RegExp(`^${status}$`) }], async () => {
        const answered = page.waitForResponse(isPhotoUpload);
        await save.click();
        refusal = await answered;
        await until(`the error for ${what}`, async () => (await error.isVisible()) && (await textOf(error)) !== "");
      });
      assert(refusal.status() === status, `${what}: ${refusal.status()}, want ${status}`);
      const body = await refusal.json();
      const shown = await textOf(error);
      assert(body.message && shown.includes(body.message), `${what}: the page shows "${shown}", the server said "${body.message}"`);
      assert((await input.getAttribute("aria-invalid")) === "true", `${what}: the photo field is not marked invalid`);
      assert((await focusedId(page)) === "edit-photo", `${what}: focus is not on the photo field`);
      assert(await dialog.isVisible(), `${what}: the dialog closed`);
      await screenshot(page, `photo-refused-${status}-${file.name.replace(/\W+/g, "-")}`);
    }
    await dialog.getByRole("button", { name: "Cancel" }).click();
    await dialog.waitFor({ state: "hidden" });
    const stored = await server.api(token, "GET", `/items/${scarfId}`);
    assert(stored.body.imageUrl && stored.body.imageUrl.endsWith(`/items/${scarfId}/image`), `a refused photo changed the item: ${JSON.stringify(stored.body)}`);
    assert((await row.locator("img.thumb").count()) === 1, "the thumbnail went away");
  });

  await step("Remove photo", page, watch, async () => {
    const row = itemRow(page, "Red Scarf");
    const oldSrc = await row.locator("img.thumb").getAttribute("src");
    await row.getByRole("button", { name: "Edit Red Scarf" }).click();
    const dialog = page.locator("#edit-dialog");
    await dialog.waitFor();
    const remove = dialog.getByRole("button", { name: "Remove photo" });
    await remove.click();
    await until("the removal", async () => (await textOf(dialog.locator(".photo-status"))) === "Removed the photo of “Red Scarf”.");
    assert(await remove.isHidden(), "Remove photo still shows");
    assert((await focusedId(page)) === "edit-photo", "focus is not on the photo field");
    assert((await dialog.getByLabel("Image URL").inputValue()) === "", "the dialog still shows the photo's URL");
    await until("the card without its photo", async () => (await row.locator("img.thumb").count()) === 0 && (await row.locator(".thumb.empty").count()) === 1);
    await screenshot(page, "photo-removed");
    await dialog.getByRole("button", { name: "Cancel" }).click();
    await dialog.waitFor({ state: "hidden" });
    const stored = await server.api(token, "GET", `/items/${scarfId}`);
    assert(stored.status === 200 && !("imageUrl" in stored.body), `after the removal the item is ${JSON.stringify(stored.body)}`);
    const gone = await fetch(`${server.base}/items/${scarfId}/image/thumbnail`, { headers: { Authorization: `Bearer ${token}` } });
    assert(gone.status === 404, `the thumbnail after the removal: ${gone.status}`);
    // The card's blob: URL was released with it.
    await watch.expectFailures([{ method: "GET", url: /^blob:/, outcome: /ERR_FILE_NOT_FOUND|failed/, console: /blob:/, required: false }], async () => {
      const revoked = await page.evaluate((src) => fetch(src).then(() => false, () => true), oldSrc);
      assert(revoked, `the old thumbnail's URL ${oldSrc} still answers`);
    });
    await row.getByRole("button", { name: "Edit Red Scarf" }).click();
    await dialog.waitFor();
    assert(await remove.isHidden(), "Remove photo shows for an item without a photo");
    await dialog.getByRole("button", { name: "Cancel" }).click();
    await dialog.waitFor({ state: "hidden" });
  });

  await step("API text stays text", page, watch, async () => {
    const name = '<img src="x" onerror="window.injected=1">';
    const created = await server.api(token, "POST", `/users/${USER}/items`, { name, category: "<b>bold</b>" });
    assert(created.status === 201, `create: ${created.status}`);
    await page.getByRole("button", { name: "Refresh" }).click();
    await itemRow(page, name).waitFor();
    assert((await page.locator('#items img[src="x"], #items b').count()) === 0, "API text became HTML");
    assert((await page.evaluate(() => window.injected)) === undefined, "API text ran as script");
    await itemRow(page, name).scrollIntoViewIfNeeded();
  });

  await step("Works under a path prefix", page, watch, async () => {
    const prefixed = await context.newPage();
    prefixed.setDefaultTimeout(WAIT_MS);
    const prefixWatch = new Watch();
    prefixWatch.attach(prefixed);
    try {
      await prefixed.goto(`http://127.0.0.1:${helper.address().port}/prod/`);
      await signIn(prefixed, token);
      await until("the prefixed list", async () => (await itemCount(prefixed)) === 20);
      await waitForStream(prefixed);
      const requests = [];
      // blob: URLs are the page's own thumbnails, made from what it fetched.
      prefixed.on("request", (request) => request.url().startsWith("blob:") || requests.push(new URL(request.url()).pathname));
      const scarf = await server.api(token, "POST", `/users/${USER}/items`, { name: "Prefixed Scarf", category: "accessories" });
      const withPhoto = await server.putPhoto(token, scarf.body.itemId, "image/png", swatchPng(100, 300));
      assert(withPhoto.status === 200, `PUT photo: ${withPhoto.status} ${JSON.stringify(withPhoto.body)}`);
      await until("the activity through the prefix", async () => (await textOf(prefixed.locator("#feed li").first())).startsWith("Added Prefixed Scarf"));
      await prefixed.getByRole("button", { name: "Refresh" }).click();
      await itemRow(prefixed, "Prefixed Scarf").waitFor();
      const { width, height } = await loadedThumbnail(itemRow(prefixed, "Prefixed Scarf"));
      assert(height === 256 && Math.abs(width - 85) <= 1, `a 100x300 photo made a ${width}x${height} thumbnail`);
      assert(requests.length > 0 && requests.every((p) => p.startsWith("/prod/")), `requests outside the prefix: ${requests.join(", ")}`);
      await screenshot(prefixed, "path-prefix");
      await prefixed.close();
    } finally {
      watch.problems.push(...prefixWatch.take().map((p) => `(under /prod/) ${p}`));
      if (!prefixed.isClosed()) await prefixed.close();
    }
  });

  await step("Sign out forgets the token", page, watch, async () => {
    await page.getByRole("button", { name: "Sign out" }).click();
    await page.getByLabel("Access token").waitFor();
    assert(await page.locator("#app").isHidden(), "the wardrobe still shows");
    assert((await page.evaluate(() => sessionStorage.length)) === 0, "the token is still stored");
    assert((await focusedId(page)) === "token", "focus is not on the token field");
    await page.reload();
    await page.getByLabel("Access token").waitFor();
    assert(await page.locator("#app").isHidden(), "signed in again after a reload");
  });

  await step("Desktop layout", page, watch, async () => {
    await page.setViewportSize(DESKTOP);
    await signIn(page, token);
    await until("the list", async () => (await itemCount(page)) === 20);
    await waitForStream(page);
    const items = await page.locator("section.items").boundingBox();
    const activity = await page.locator("section.activity").boundingBox();
    assert(activity.x > items.x + items.width - 1, "the activity column is not beside the list");
  });

  await step("The API reference renders from this server alone", page, watch, async () => {
    const outside = [];
    const note = (request) => {
      if (!request.url().startsWith(server.base) && !request.url().startsWith("blob:" + server.base)) outside.push(request.url());
    };
    page.on("request", note);
    // Redoc's footer asks the vendor's CDN for a logo; the page's policy
    // blocks it in the browser, so the attempt is the only trace it leaves.
    await watch.expectFailures(
      [
        {
          method: "GET",
          url: /^https:\/\/cdn\.redoc\.ly\//,
          outcome: /ERR_BLOCKED_BY_CSP|csp/i,
          console: /cdn\.redoc\.ly.*Content Security Policy/,
          required: false,
        },
      ],
      async () => {
        await page.goto(server.base + "/docs");
        await page.getByRole("heading", { name: /^wdrbe API/ }).first().waitFor();
        await page.getByText("Create, replace or replay an item").first().waitFor({ state: "attached" });
        // Each operation of the description is a section of the page.
        await page.locator('[id="operation/createItem"]').waitFor({ state: "attached" });
      },
    );
    page.off("request", note);
    const leaked = outside.filter((url) => !/^https:\/\/cdn\.redoc\.ly\//.test(url));
    assert(leaked.length === 0, `the reference fetched from elsewhere: ${leaked.join(", ")}`);
  });

  await context.close();
}

// ---- main -------------------------------------------------------------------------

async function main() {
  if (!existsSync(binary)) throw new Error(`no wdrbe binary at ${binary}: build the wdrbe target, or name the build directory`);
  if (!existsSync(chromiumPath)) throw new Error(`no Chromium at ${chromiumPath}: scripts/browser-test.sh install`);
  await rm(artifacts, { recursive: true, force: true });
  await mkdir(artifacts, { recursive: true });

  const server = new Server();
  let helper = null;
  let browser = null;
  // Ctrl-C or a CI timeout: stop what we started before going.
  const interrupted = async (signal) => {
    await browser?.close().catch(() => {});
    await server.stop().catch(() => {});
    console.log(`interrupted by ${signal}`);
    process.exit(1);
  };
  process.once("SIGINT", interrupted);
  process.once("SIGTERM", interrupted);
  try {
    await server.start();
    helper = await startHelper(server);
    browser = await chromium.launch({ executablePath: chromiumPath, args: ["--no-sandbox"] });
    await run(server, helper, browser);
  } catch (error) {
    results.failed++;
    console.log(`FAIL setup: ${error.stack || error.message}`);
  } finally {
    await browser?.close().catch(() => {});
    helper?.closeAllConnections();
    helper?.close();
    await server.stop().catch(() => {});
    if (server.dataDir) await rm(server.dataDir, { recursive: true, force: true });
  }
  console.log(`screenshots: ${artifacts}`);
  console.log(`${results.passed} passed, ${results.failed} failed, ${results.skipped} skipped`);
  process.exitCode = results.failed > 0 ? 1 : 0;
}

await main();
