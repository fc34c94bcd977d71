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
    "/items/{itemId}/image": {
      parameters: [{ name: "itemId", in: "path", required: true, schema: { type: "string" } }],
      get: {
        responses: {
          200: {
            description: "the photo",
            headers: {
              "X-Request-Id": { $ref: "#/components/headers/RequestId" },
              ETag: { required: true, schema: { type: "string", pattern: '^"[!#-~]*"$' } },
              "Cache-Control": { required: true, schema: { type: "string", const: "private, no-cache" } },
            },
            content: { "image/png": { schema: { $ref: "#/components/schemas/ImageBytes" } }, "image/jpeg": { schema: { $ref: "#/components/schemas/ImageBytes" } } },
          },
          304: {
            description: "not modified",
            headers: { ETag: { required: true, schema: { type: "string" } } },
          },
          404: { $ref: "#/components/responses/Error" },
        },
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
      ImageBytes: { type: "string", format: "binary" },
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

// The first bytes of each format, followed by bytes that would be no text.
const PNG_BYTES = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0xff, 0xfe]);
const JPEG_BYTES = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00, 0xff]);
const IMAGE_HEADERS = { ...REQUEST_ID, etag: '"a1b2"', "cache-control": "private, no-cache" };

/** A photo record as the recorder writes it: base64 bytes and their length. */
function imageRecord(status, type, bytes, { method = "GET", headers = {}, length = bytes.length } = {}) {
  const result = { method, target: "/items/i1/image", status, headers: { ...IMAGE_HEADERS, "content-type": type, "content-length": String(bytes.length), ...headers } };
  if (bytes.length > 0) {
    result.bodyBase64 = bytes.toString("base64");
    result.bodyLength = length;
  }
  return result;
}

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

check("an image response is checked by status, content type and headers, not as JSON", async () => {
  const report = await run([imageRecord(200, "image/png", PNG_BYTES), imageRecord(200, "image/jpeg; q=1", JPEG_BYTES)]);
  assertPasses(report);
  assert.equal(report.statuses.get("GET /items/{itemId}/image").get("200"), 2);
  assertFailsWith(await run([imageRecord(200, "image/gif", Buffer.from("GIF89a\x01\x00", "latin1"))]), /status 200: content-type image\/gif not documented \(documented: image\/png, image\/jpeg\)/);
  assertFailsWith(await run([imageRecord(200, "image/png", PNG_BYTES, { headers: { "cache-control": "no-cache" } })]), /header cache-control "no-cache" does not match the schema/);
  const noTag = imageRecord(200, "image/png", PNG_BYTES);
  delete noTag.headers.etag;
  assertFailsWith(await run([noTag]), /^GET \/items\/\{itemId\}\/image: status 200: required header etag missing$/);
});

check("an image whose bytes are not of its content type fails", async () => {
  const report = await run([imageRecord(200, "image/png", JPEG_BYTES)]);
  assertFailsWith(report, /status 200: body is not a PNG image, as its content-type image\/png says \(it begins ff d8 ff e0/);
  assertFailsWith(await run([imageRecord(200, "image/jpeg", PNG_BYTES)]), /body is not a JPEG image/);
  // Bytes recorded as text (valid UTF-8) are still read as bytes.
  const { bodyBase64, ...asText } = imageRecord(200, "image/png", Buffer.from("hello"));
  assert.equal(Buffer.from(bodyBase64, "base64").toString(), "hello");
  assertFailsWith(await run([{ ...asText, body: "hello" }]), /body is not a PNG image, .*\(it begins 68 65 6c 6c 6f\)$/);
});

check("an image cut short or without bytes fails", async () => {
  const cut = imageRecord(200, "image/png", PNG_BYTES, { headers: { "content-length": "5000" } });
  assertFailsWith(await run([cut]), /status 200: content-length 5000 but the body has 14 bytes/);
  assertFailsWith(await run([imageRecord(200, "image/png", PNG_BYTES, { length: 99 })]), /the record's bodyLength 99 is not the length of its body \(14 bytes\)/);
  assertFailsWith(await run([imageRecord(200, "image/png", Buffer.alloc(0))]), /status 200: empty body \(documented: image\/png, image\/jpeg\)/);
});

check("an image's HEAD and 304 carry no body and pass on their headers", async () => {
  const head = imageRecord(200, "image/png", Buffer.alloc(0), { method: "HEAD", headers: { "content-length": "14" } });
  const notModified = { method: "GET", target: "/items/i1/image", status: 304, headers: { ...REQUEST_ID, etag: '"a1b2"' } };
  const report = await run([head, notModified]);
  assertPasses(report);
  assert.equal(report.statuses.get("GET /items/{itemId}/image").get("HEAD 200"), 1);
  assertFailsWith(await run([{ ...notModified, headers: REQUEST_ID }]), /status 304: required header etag missing/);
  assertFailsWith(await run([{ ...notModified, bodyBase64: PNG_BYTES.toString("base64") }]), /status 304: body present, but the documented response has no content/);
});

check("an error of an image route is JSON and checked as JSON", async () => {
  assertPasses(await run([record("GET", "/items/i1/image", 404, { body: ERROR_BODY })]));
  assertFailsWith(await run([record("GET", "/items/i1/image", 404, { body: { oops: 1 } })]), /^GET \/items\/\{itemId\}\/image: status 404: body does not match the schema/);
});

check("a record's body fields must be of their kinds", async () => {
  const report = await runFiles({ "a.jsonl": [{ ...imageRecord(200, "image/png", PNG_BYTES), bodyLength: "14" }, GOOD_GET] });
  assertFailsWith(report, /a\.jsonl:1: not a response record: bodyLength is not a non-negative integer/);
  const both = await runFiles({ "a.jsonl": [{ ...imageRecord(200, "image/png", PNG_BYTES), body: "x" }, GOOD_GET] });
  assertFailsWith(both, /a\.jsonl:1: not a response record: both body and bodyBase64/);
});

check("a failure's example shows a binary body's size", async () => {
  const report = await run([imageRecord(200, "image/png", JPEG_BYTES)]);
  assert.match(formatReport(report), /body: \(12 bytes, base64\) \/9j\/4AAQSkZJRgD\//);
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
  assert.deepEqual(report.unexercised, ["GET /items", "POST /items", "GET /items/search", "DELETE /items/{itemId}", "GET /items/{itemId}/image"]);
  assert.match(formatReport(report), /Documented operations that received no record \(5\):\n {2}GET \/items\n/);
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
