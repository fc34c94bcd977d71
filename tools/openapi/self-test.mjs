#!/usr/bin/env node
// Self-test of the response checker; needs no server. It writes a small
// OpenAPI 3.1 document and record files into a temporary directory, runs the
// checker on them and asserts what it reports. Prints "N passed, N failed" of
// its own assertions and exits 1 when any of them fails.

import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { checkResponses, DocumentError, formatReport } from "./response-checker.mjs";

const HERE = dirname(fileURLToPath(import.meta.url));
const REQUEST_ID = { "x-request-id": "01J0000000000000000000000A" };
const JSON_HEADERS = { "content-type": "application/json", ...REQUEST_ID };

// ---------------------------------------------------------------------------
// The document under test

const jsonContent = (ref) => ({ "application/json": { schema: { $ref: ref } } });

const DOCUMENT = {
  openapi: "3.1.0",
  info: { title: "checker self-test", version: "1" },
  paths: {
    "/items": {
      get: {
        responses: {
          200: {
            description: "a page of items",
            headers: {
              "X-Request-Id": { $ref: "#/components/headers/RequestId" },
              "X-Total-Count": { schema: { type: "integer", minimum: 0 } },
            },
            content: jsonContent("#/components/schemas/ItemList"),
          },
        },
      },
      post: {
        responses: {
          201: {
            description: "created",
            headers: { Location: { required: true, schema: { type: "string", pattern: "^/items/" } } },
            content: jsonContent("#/components/schemas/Item"),
          },
          "4XX": { $ref: "#/components/responses/Error" },
        },
      },
    },
    "/items/search": {
      get: {
        responses: {
          200: { description: "matching items", content: jsonContent("#/components/schemas/ItemList") },
        },
      },
    },
    "/items/{itemId}": {
      parameters: [{ name: "itemId", in: "path", required: true, schema: { type: "string" } }],
      get: {
        responses: {
          200: {
            description: "the item",
            headers: { "X-Request-Id": { $ref: "#/components/headers/RequestId" } },
            content: jsonContent("#/components/schemas/Item"),
          },
          404: { $ref: "#/components/responses/Error" },
        },
      },
      delete: {
        responses: { 204: { description: "deleted" } },
      },
    },
  },
  components: {
    schemas: {
      Item: {
        type: "object",
        required: ["id", "name"],
        properties: { id: { type: "string" }, name: { type: "string" }, colour: { type: ["string", "null"] } },
        additionalProperties: false,
        example: { id: "i1", name: "Coat", colour: null },
      },
      ItemList: {
        type: "object",
        required: ["items"],
        properties: { items: { type: "array", items: { $ref: "#/components/schemas/Item" } } },
        additionalProperties: false,
      },
      Error: {
        type: "object",
        required: ["error", "message"],
        properties: { error: { type: "string" }, message: { type: "string" } },
        additionalProperties: false,
      },
    },
    responses: {
      Error: { description: "an error", content: jsonContent("#/components/schemas/Error") },
    },
    headers: {
      RequestId: { required: true, schema: { type: "string", pattern: "^[A-Za-z0-9._-]{1,128}$" } },
    },
  },
};

// ---------------------------------------------------------------------------
// Records

const ITEM = { id: "i1", name: "Coat", colour: null };
const ERROR_BODY = { error: "not_found", message: "no such item" };

function record(method, target, status, { headers = JSON_HEADERS, body } = {}) {
  const result = { method, target, status, headers };
  if (body !== undefined) {
    result.body = typeof body === "string" ? body : JSON.stringify(body);
  }
  return result;
}

const GOOD_GET = record("GET", "/items/i1", 200, { body: ITEM });

// ---------------------------------------------------------------------------
// Running the checker on a scenario

const root = mkdtempSync(join(tmpdir(), "openapi-self-test-"));
const documentPath = join(root, "openapi.json");
writeFileSync(documentPath, JSON.stringify(DOCUMENT, null, 2));
let scenarioCount = 0;

/** Writes files ({name: [records or raw lines]}) into a fresh directory. */
function writeScenario(files) {
  scenarioCount += 1;
  const dir = join(root, `scenario-${scenarioCount}`);
  mkdirSync(dir);
  for (const [name, lines] of Object.entries(files)) {
    const text = lines.map((line) => (typeof line === "string" ? line : JSON.stringify(line))).join("\n");
    writeFileSync(join(dir, name), text);
  }
  return dir;
}

async function run(records, options = {}) {
  const responsesDir = writeScenario({ "records.jsonl": [...records, ""] });
  return checkResponses({ documentPath, responsesDir, ...options });
}

async function runFiles(files, options = {}) {
  return checkResponses({ documentPath, responsesDir: writeScenario(files), ...options });
}

function messages(report) {
  return [...report.failures.values()].map((failure) => `${failure.operation}: ${failure.message}`);
}

function assertPasses(report) {
  assert.ok(report.ok, `expected a pass, got:\n${formatReport(report)}`);
  assert.equal(report.failed, 0);
}

function assertFailsWith(report, pattern) {
  assert.equal(report.ok, false, "expected a failure");
  assert.ok(
    messages(report).some((message) => pattern.test(message)),
    `no failure matches ${pattern}; failures: ${JSON.stringify(messages(report), null, 2)}`,
  );
}

// ---------------------------------------------------------------------------
// Assertions

const checks = [];
const check = (name, fn) => checks.push({ name, fn });

check("a conforming record passes", async () => {
  const report = await run([GOOD_GET]);
  assertPasses(report);
  assert.equal(report.passed, 1);
  assert.equal(report.statuses.get("GET /items/{itemId}").get("200"), 1);
});

check("a body missing a required field fails", async () => {
  const report = await run([record("GET", "/items/i1", 200, { body: { id: "i1" } })]);
  assertFailsWith(report, /^GET \/items\/\{itemId\}: status 200: body does not match the schema: \/ must have required property 'name'/);
  assert.equal(report.failed, 1);
});

check("an extra property under additionalProperties: false fails", async () => {
  const report = await run([record("GET", "/items/i1", 200, { body: { ...ITEM, size: "M" } })]);
  assertFailsWith(report, /must NOT have additional properties \(size\)/);
});

check("a nested schema error names its instancePath", async () => {
  const report = await run([record("GET", "/items", 200, { body: { items: [ITEM, { id: 7, name: "x" }] } })]);
  assertFailsWith(report, /body does not match the schema: \/items\/1\/id must be string/);
});

check("an undocumented status fails", async () => {
  const report = await run([record("GET", "/items/i1", 418, { body: ERROR_BODY })]);
  assertFailsWith(report, /^GET \/items\/\{itemId\}: status 418 not documented$/);
});

check("a 4XX range and a $ref response are found", async () => {
  assertPasses(await run([record("POST", "/items", 422, { body: ERROR_BODY })]));
  assertFailsWith(await run([record("POST", "/items", 422, { body: ITEM })]), /^POST \/items: status 422: body does not match/);
});

check("a wrong content type fails", async () => {
  const report = await run([record("GET", "/items/i1", 200, { headers: { "content-type": "text/html", ...REQUEST_ID }, body: "<p>hi</p>" })]);
  assertFailsWith(report, /status 200: content-type text\/html not documented \(documented: application\/json\)/);
});

check("media type parameters and case are ignored", async () => {
  const headers = { "content-type": "Application/JSON; charset=utf-8", ...REQUEST_ID };
  assertPasses(await run([record("GET", "/items/i1", 200, { headers, body: ITEM })]));
});

check("a body that is not JSON fails", async () => {
  assertFailsWith(await run([record("GET", "/items/i1", 200, { body: "{oops" })]), /status 200: body is not valid JSON/);
});

check("a body where no content is documented fails", async () => {
  assertPasses(await run([record("DELETE", "/items/i1", 204, { headers: REQUEST_ID })]));
  assertFailsWith(await run([record("DELETE", "/items/i1", 204, { body: ITEM })]), /status 204: body present, but the documented response has no content/);
});

check("a missing required header fails", async () => {
  const report = await run([record("GET", "/items/i1", 200, { headers: { "content-type": "application/json" }, body: ITEM })]);
  assertFailsWith(report, /status 200: required header x-request-id missing/);
  const location = await run([record("POST", "/items", 201, { body: ITEM })]);
  assertFailsWith(location, /^POST \/items: status 201: required header location missing$/);
});

check("header values are validated, integers converted first", async () => {
  const withCount = (count) => record("GET", "/items", 200, { headers: { ...JSON_HEADERS, "x-total-count": count }, body: { items: [] } });
  assertPasses(await run([withCount("5")]));
  assertFailsWith(await run([withCount("five")]), /header x-total-count "five" does not match the schema: \/ must be integer/);
  assertFailsWith(await run([withCount("-1")]), /header x-total-count "-1" does not match the schema/);
  const badLocation = record("POST", "/items", 201, { headers: { ...JSON_HEADERS, location: "/elsewhere" }, body: ITEM });
  assertFailsWith(await run([badLocation]), /header location "\/elsewhere" does not match the schema: \/ must match pattern/);
});

check("a HEAD record uses the GET operation", async () => {
  const head = record("HEAD", "/items/i1", 200, { headers: JSON_HEADERS });
  const report = await run([head]);
  assertPasses(report);
  assert.equal(report.statuses.get("GET /items/{itemId}").get("HEAD 200"), 1);
  assertFailsWith(await run([record("HEAD", "/items/i1", 418)]), /^GET \/items\/\{itemId\}: status 418 not documented$/);
  assertFailsWith(await run([record("HEAD", "/items/i1", 200, { headers: {} })]), /required header x-request-id missing/);
});

check("an unrouted 404 with an Error body passes", async () => {
  const report = await run([
    record("GET", "/nowhere", 404, { body: ERROR_BODY }),
    record("BREW", "/items", 405, { body: { error: "method_not_allowed", message: "use GET or POST" } }),
    record("OPTIONS", "*", 400, { body: ERROR_BODY }),
    record("GET", "http://example.invalid/items", 400, { body: ERROR_BODY }),
  ]);
  assertPasses(report);
  const unrouted = report.statuses.get("(unrouted)");
  assert.equal(unrouted.get("GET 404"), 1);
  assert.equal(unrouted.get("BREW 405"), 1);
});

check("an unrouted 404 with a non-Error JSON body fails", async () => {
  const report = await run([record("GET", "/nowhere", 404, { body: { oops: true } })]);
  assertFailsWith(report, /^\(unrouted\): status 404: error body \(#\/components\/schemas\/Error\) does not match the schema/);
});

check("a literal segment is preferred over a template", async () => {
  const report = await run([record("GET", "/items/search?q=coat", 200, { body: { items: [ITEM] } })]);
  assertPasses(report);
  assert.equal(report.statuses.get("GET /items/search").get("200"), 1);
  assert.equal(report.statuses.get("GET /items/{itemId}").size, 0);
});

check("path segments are percent-decoded and the query ignored", async () => {
  const report = await run([record("GET", "/items/%73earch?limit=2&cursor=abc", 200, { body: { items: [] } })]);
  assertPasses(report);
  assert.equal(report.statuses.get("GET /items/search").get("200"), 1);
  const empty = await run([record("GET", "/items/", 404, { body: ERROR_BODY })]);
  assert.equal(empty.statuses.get("(unrouted)").get("GET 404"), 1, "an empty segment matches no {name}");
});

check("a truncated last line is ignored", async () => {
  const report = await runFiles({ "a.jsonl": [GOOD_GET, JSON.stringify(GOOD_GET).slice(0, 25)] });
  assertPasses(report);
  assert.equal(report.records, 1);
  assert.deepEqual(report.ignoredLines, [{ file: "a.jsonl", line: 2 }]);
});

check("a corrupt line before the last fails", async () => {
  const report = await runFiles({ "a.jsonl": [GOOD_GET, "{not json", GOOD_GET] });
  assertFailsWith(report, /^\(records\): a\.jsonl:2: not valid JSON/);
  assert.equal(report.passed, 2);
  assert.equal(report.failed, 1);
});

check("a line that is JSON but not a record fails", async () => {
  const report = await runFiles({ "a.jsonl": [{ method: "GET", target: "/items" }, GOOD_GET] });
  assertFailsWith(report, /a\.jsonl:1: not a response record: no integer status/);
});

check("records from several files are all read", async () => {
  const report = await runFiles({ "one.jsonl": [GOOD_GET], "two.jsonl": [GOOD_GET, GOOD_GET], "notes.txt": ["{bad"] });
  assertPasses(report);
  assert.equal(report.records, 3);
  assert.deepEqual(report.files, ["one.jsonl", "two.jsonl"]);
});

check("--require-every-operation lists the unexercised operations", async () => {
  const report = await run([GOOD_GET], { requireEveryOperation: true });
  assert.equal(report.ok, false);
  assert.deepEqual(report.unexercised, ["GET /items", "POST /items", "GET /items/search", "DELETE /items/{itemId}"]);
  assert.match(formatReport(report), /Documented operations that received no record \(4\):\n {2}GET \/items\n/);
  assert.ok((await run([GOOD_GET])).ok, "without the option unexercised operations pass");
});

check("zero records fail, and --min-records raises the bar", async () => {
  const empty = await runFiles({});
  assert.equal(empty.ok, false);
  assert.match(formatReport(empty), /FAIL: 0 records read from 0 files, fewer than the minimum 1/);
  assert.equal((await run([GOOD_GET], { minRecords: 2 })).ok, false);
  assert.ok((await runFiles({}, { minRecords: 0 })).ok);
  const missing = await checkResponses({ documentPath, responsesDir: join(root, "absent") });
  assert.equal(missing.ok, false);
});

check("the report ends with the summary line", async () => {
  const report = await run([GOOD_GET, record("GET", "/items/i1", 418)]);
  const lines = formatReport(report).split("\n");
  assert.equal(lines.at(-1), "1 passed, 1 failed");
  assert.ok(lines.includes("  GET /items/{itemId}: 200 x1, 418 x1"), lines.join("\n"));
});

check("an invalid document is rejected", async () => {
  const brokenPath = join(root, "broken.json");
  writeFileSync(brokenPath, JSON.stringify({ ...DOCUMENT, info: { title: "no version" } }));
  await assert.rejects(checkResponses({ documentPath: brokenPath, responsesDir: root }), DocumentError);
});

check("a schema that strict mode rejects is a document error", async () => {
  const strictPath = join(root, "strict.json");
  const schemas = { ...DOCUMENT.components.schemas, Error: { type: "object", nullable: true, properties: {} } };
  writeFileSync(strictPath, JSON.stringify({ ...DOCUMENT, components: { ...DOCUMENT.components, schemas } }));
  await assert.rejects(checkResponses({ documentPath: strictPath, responsesDir: root }), (error) => {
    assert.ok(error instanceof DocumentError);
    assert.match(error.details.join("\n"), /#\/components\/schemas\/Error: .*unknown keyword: "nullable"/);
    return true;
  });
});

check("a conditional required of a declared property compiles, as a note", async () => {
  const conditionalPath = join(root, "conditional.json");
  const conditionalError = {
    ...DOCUMENT.components.schemas.Error,
    properties: { ...DOCUMENT.components.schemas.Error.properties, errors: { type: "array" } },
    if: { properties: { error: { const: "validation_failed" } } },
    then: { required: ["errors"] },
  };
  const schemas = { ...DOCUMENT.components.schemas, Error: conditionalError };
  writeFileSync(conditionalPath, JSON.stringify({ ...DOCUMENT, components: { ...DOCUMENT.components, schemas } }));
  const responsesDir = writeScenario({ "r.jsonl": [record("GET", "/nowhere", 400, { body: { error: "validation_failed", message: "bad" } })] });
  const report = await checkResponses({ documentPath: conditionalPath, responsesDir });
  assertFailsWith(report, /error body .* does not match the schema: \/ must have required property 'errors'/);
  assert.match(report.documentNotes.join("\n"), /required property "errors" is not defined .*\(strictRequired\)/);
});

check("the command line exits 0 on a pass and 1 on a failure", async () => {
  const cli = (responsesDir, ...extra) =>
    spawnSync(process.execPath, [join(HERE, "check-responses.mjs"), "--document", documentPath, "--responses", responsesDir, ...extra], { encoding: "utf8" });
  const good = cli(writeScenario({ "r.jsonl": [GOOD_GET] }));
  assert.equal(good.status, 0, good.stdout + good.stderr);
  assert.match(good.stdout, /\n1 passed, 0 failed\n$/);
  const bad = cli(writeScenario({ "r.jsonl": [record("GET", "/items/i1", 418)] }));
  assert.equal(bad.status, 1, bad.stdout + bad.stderr);
  assert.match(bad.stdout, /GET \/items\/\{itemId\}: status 418 not documented \(x1\)/);
  assert.equal(cli(root, "--min-records", "many").status, 2);
});

// ---------------------------------------------------------------------------

let passed = 0;
let failed = 0;
try {
  for (const { name, fn } of checks) {
    try {
      await fn();
      passed += 1;
      console.log(`ok - ${name}`);
    } catch (error) {
      failed += 1;
      console.log(`not ok - ${name}\n  # ${String(error.message).replace(/\n/g, "\n  # ")}`);
    }
  }
} finally {
  rmSync(root, { recursive: true, force: true });
}
console.log(`${passed} passed, ${failed} failed`);
process.exitCode = failed === 0 ? 0 : 1;
