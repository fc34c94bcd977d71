// Checks recorded HTTP responses against an OpenAPI 3.1 document.
//
// The API test suite records every response it receives as one JSON object
// per line in *.jsonl files. checkResponses() reads those files, finds each
// response's operation in the document and reports every way in which a
// response differs from what the document promises. check-responses.mjs is
// the command-line front end; self-test.mjs exercises this module.

import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import Ajv2020 from "ajv/dist/2020.js";
import addFormats from "ajv-formats";
import { Validator } from "@seriousme/openapi-schema-validator";

// The fields of a Path Item that are operations; the others (summary,
// parameters, servers, ...) must never be mistaken for one, whatever method
// a test sends.
const OPERATION_METHODS = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];

// The id under which the document is known to Ajv. It is never fetched: it
// only gives the document's own "#/components/..." references a base.
const DOCUMENT_ID = "https://wdrbe.invalid/openapi.json";

// Keywords of the OpenAPI 3.1 schema dialect that are not JSON Schema
// 2020-12 keywords. They are annotations, so Ajv only has to accept them.
const OPENAPI_SCHEMA_KEYWORDS = ["example", "discriminator", "xml", "externalDocs"];

// The document sections that Ajv walks through when a reference points into
// them. Ajv compiles the root of a schema before it follows a JSON pointer
// into it, and in strict mode an unknown root keyword ("paths") is an error,
// so these names are declared as keywords that validate nothing.
const DOCUMENT_SECTIONS = ["paths", "components"];

const ERROR_SCHEMA = ["components", "schemas", "Error"];

// What the first bytes of an image of each type must be. A type not listed
// here is checked by its status, content type and headers only.
const IMAGE_SIGNATURES = {
  "image/jpeg": { name: "JPEG", matches: (bytes) => startsWith(bytes, [0xff, 0xd8, 0xff]) },
  "image/png": { name: "PNG", matches: (bytes) => startsWith(bytes, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]) },
  "image/webp": {
    name: "WebP",
    matches: (bytes) => bytes.length >= 12 && bytes.toString("latin1", 0, 4) === "RIFF" && bytes.toString("latin1", 8, 12) === "WEBP",
  },
  "image/gif": { name: "GIF", matches: (bytes) => ["GIF87a", "GIF89a"].includes(bytes.toString("latin1", 0, 6)) },
};
const EXCERPT_LENGTH = 300;
const MAX_SCHEMA_ERRORS = 5;
const MAX_DOCUMENT_ERRORS = 30;
const UNROUTED = "(unrouted)";
const RECORDS = "(records)";

/** The document cannot be used: unreadable, invalid, or its schemas do not compile. */
export class DocumentError extends Error {
  constructor(message, details = []) {
    super(message);
    this.name = "DocumentError";
    this.details = details;
  }
}

// ---------------------------------------------------------------------------
// JSON pointers and references inside the document

function escapeToken(token) {
  return String(token).replace(/~/g, "~0").replace(/\//g, "~1");
}

function unescapeToken(token) {
  return token.replace(/~1/g, "/").replace(/~0/g, "~");
}

/** "#/paths/~1items/get" as a person reads it in the document. */
function pointerText(parts) {
  return "#" + parts.map((part) => "/" + escapeToken(part)).join("");
}

/** The same location as a URI for Ajv, whose fragments are percent-encoded. */
function pointerUri(parts) {
  return DOCUMENT_ID + "#" + parts.map((part) => "/" + encodeURIComponent(escapeToken(part))).join("");
}

function parseLocalRef(ref, from) {
  if (!ref.startsWith("#/") && ref !== "#") {
    throw new DocumentError(`${pointerText(from)}: only local references are supported, not "${ref}"`);
  }
  let fragment;
  try {
    fragment = decodeURIComponent(ref.slice(1));
  } catch {
    throw new DocumentError(`${pointerText(from)}: malformed reference "${ref}"`);
  }
  return fragment === "" ? [] : fragment.slice(1).split("/").map(unescapeToken);
}

function valueAt(document, parts) {
  let node = document;
  for (const part of parts) {
    if (node === null || typeof node !== "object" || !Object.prototype.hasOwnProperty.call(node, part)) {
      return undefined;
    }
    node = node[part];
  }
  return node;
}

/**
 * The object at `parts`, after following Reference Objects ({"$ref": ...}),
 * with the location where it really lives: schemas below it must be named by
 * that location, since the referring location holds only the reference.
 */
function resolve(document, parts) {
  const seen = new Set();
  let node = valueAt(document, parts);
  while (node !== null && typeof node === "object" && typeof node.$ref === "string") {
    const key = pointerText(parts);
    if (seen.has(key)) {
      throw new DocumentError(`${key}: circular reference`);
    }
    seen.add(key);
    const target = parseLocalRef(node.$ref, parts);
    node = valueAt(document, target);
    if (node === undefined) {
      throw new DocumentError(`${key}: reference "${pointerText(target)}" does not resolve`);
    }
    parts = target;
  }
  return { node, parts };
}

// ---------------------------------------------------------------------------
// Loading and validating the document

export function loadDocument(path) {
  let text;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    throw new DocumentError(`cannot read the document ${path}: ${error.message}`);
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new DocumentError(`the document ${path} is not valid JSON: ${error.message}`);
  }
}

function describeMetaSchemaErrors(errors) {
  if (!Array.isArray(errors)) {
    return [String(errors)];
  }
  // The meta-schema's alternatives (a Reference or a Response, ...) repeat
  // the same complaint; one of each is enough to find the mistake.
  const described = [
    ...new Set(
      errors.map((error) => {
        const params = error.params && Object.keys(error.params).length > 0 ? ` ${JSON.stringify(error.params)}` : "";
        return `${error.instancePath || "/"}: ${error.message}${params}`;
      }),
    ),
  ];
  if (described.length > MAX_DOCUMENT_ERRORS) {
    const more = described.length - MAX_DOCUMENT_ERRORS;
    return [...described.slice(0, MAX_DOCUMENT_ERRORS), `and ${more} more`];
  }
  return described;
}

/** Throws a DocumentError unless the document is a valid OpenAPI 3.1 document. */
export async function validateDocument(document) {
  const validator = new Validator({ allErrors: true });
  // The validator may annotate what it is given; keep the caller's copy intact.
  const result = await validator.validate(structuredClone(document));
  if (!result.valid) {
    throw new DocumentError("the document does not match the OpenAPI meta-schema", describeMetaSchemaErrors(result.errors));
  }
  if (validator.version !== "3.1") {
    throw new DocumentError(`the document is OpenAPI ${validator.specificationVersion}; this checker reads OpenAPI 3.1`);
  }
}

// ---------------------------------------------------------------------------
// Compiling the document's schemas

function createAjv(document, note) {
  const ajv = new Ajv2020({
    // A keyword Ajv does not know, an unknown format, a bad number: an error
    // in the document, never something to ignore silently.
    strict: true,
    // Two parts of strict mode reject correct schemas, so they only note:
    // Ajv compiles if/then before the sibling "properties", so a conditional
    // "required" of a declared property looks undeclared (strictRequired),
    // and a branch that refines a declared property need not repeat its
    // type (strictTypes). Their messages still reach the report as notes.
    strictRequired: "log",
    strictTypes: "log",
    // OpenAPI 3.1 writes optional values as type unions (["string", "null"]).
    allowUnionTypes: true,
    allErrors: true,
    logger: { log: () => {}, warn: note, error: note },
  });
  addFormats(ajv);
  // OpenAPI 3.1 dropped the 3.0 "nullable"; Ajv still honours it, which would
  // hide the mistake from every other 3.1 tool. Strict mode now rejects it.
  ajv.removeKeyword("nullable");
  ajv.addVocabulary([...OPENAPI_SCHEMA_KEYWORDS, ...DOCUMENT_SECTIONS]);
  const view = { $id: DOCUMENT_ID };
  for (const section of DOCUMENT_SECTIONS) {
    if (document[section] !== undefined) {
      view[section] = document[section];
    }
  }
  ajv.addSchema(view);
  return ajv;
}

/**
 * Compiles schemas found at document locations, once each, and collects every
 * failure so that the document's author sees them all in one run.
 */
class SchemaCompiler {
  constructor(document) {
    this.document = document;
    this.notes = new Set();
    // Ajv's messages name a place inside the schema being compiled, not the
    // schema itself, so each note is prefixed with what was being compiled.
    this.compiling = "";
    this.ajv = createAjv(document, (message) => {
      this.notes.add(`${this.compiling}: ${message.split(DOCUMENT_ID).join("")}`);
    });
    this.cache = new Map();
    this.errors = [];
  }

  compile(parts) {
    const uri = pointerUri(parts);
    if (!this.cache.has(uri)) {
      this.cache.set(uri, this.compileNew(parts, uri));
    }
    return this.cache.get(uri);
  }

  compileNew(parts, uri) {
    this.compiling = pointerText(parts);
    const schema = valueAt(this.document, parts);
    if (!this.ajv.validateSchema(schema)) {
      this.errors.push(`${pointerText(parts)}: not a JSON Schema: ${this.ajv.errorsText(this.ajv.errors)}`);
      return null;
    }
    try {
      return this.ajv.compile({ $ref: uri });
    } catch (error) {
      // Ajv names places by their full URI; the document's own id is noise.
      this.errors.push(`${pointerText(parts)}: ${error.message.split(DOCUMENT_ID).join("")}`);
      return null;
    }
  }
}

// ---------------------------------------------------------------------------
// The contract: routes, operations and their responses, ready to check against

function normaliseMediaType(value) {
  return String(value).split(";")[0].trim().toLowerCase();
}

function isJsonMediaType(mediaType) {
  return mediaType === "application/json" || /^[^/]+\/[^/]+\+json$/.test(mediaType);
}

function isImageMediaType(mediaType) {
  return mediaType.startsWith("image/");
}

function startsWith(bytes, prefix) {
  return bytes.length >= prefix.length && prefix.every((byte, i) => bytes[i] === byte);
}

function parseTemplateSegment(segment) {
  if (/^\{[^{}]+\}$/.test(segment)) {
    return { kind: "parameter", rank: 2 };
  }
  if (segment.includes("{")) {
    // A segment such as "{name}.json": literal text around parameters.
    const source = segment
      .split(/\{[^{}]+\}/)
      .map((literal) => literal.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"))
      .join(".+?");
    return { kind: "mixed", rank: 1, pattern: new RegExp(`^${source}$`) };
  }
  return { kind: "literal", rank: 0, text: segment };
}

function segmentMatches(templateSegment, segment) {
  switch (templateSegment.kind) {
    case "literal":
      return templateSegment.text === segment;
    case "parameter":
      return segment !== "";
    default:
      return templateSegment.pattern.test(segment);
  }
}

/**
 * Orders matching templates best first: more literal segments first; on a
 * tie, the first segment where they differ decides (literal before mixed
 * before parameter), the order routers commonly use.
 */
function compareSpecificity(a, b) {
  if (a.literalCount !== b.literalCount) {
    return b.literalCount - a.literalCount;
  }
  for (let i = 0; i < a.segments.length; i += 1) {
    const difference = a.segments[i].rank - b.segments[i].rank;
    if (difference !== 0) {
      return difference;
    }
  }
  return 0;
}

function numericHeaderSchema(document, schemaParts) {
  let schema;
  try {
    schema = resolve(document, schemaParts).node;
  } catch {
    return false;
  }
  const types = [].concat(schema?.type ?? []);
  return types.some((type) => type === "integer" || type === "number") && !types.includes("string");
}

function buildHeaderSpecs(document, compiler, response, responseParts) {
  const specs = [];
  for (const name of Object.keys(response.headers ?? {})) {
    // OpenAPI: a header named Content-Type is ignored; content describes it.
    if (name.toLowerCase() === "content-type") {
      continue;
    }
    const { node: header, parts } = resolve(document, [...responseParts, "headers", name]);
    const schemaParts = [...parts, "schema"];
    const hasSchema = header.schema !== undefined;
    specs.push({
      name: name.toLowerCase(),
      required: header.required === true,
      validate: hasSchema ? compiler.compile(schemaParts) : null,
      numeric: hasSchema && numericHeaderSchema(document, schemaParts),
    });
  }
  return specs;
}

function buildMediaSpecs(compiler, response, responseParts) {
  const specs = new Map();
  for (const key of Object.keys(response.content ?? {})) {
    const mediaType = normaliseMediaType(key);
    if (specs.has(mediaType)) {
      continue;
    }
    const hasSchema = response.content[key].schema !== undefined;
    specs.set(mediaType, {
      validate: hasSchema ? compiler.compile([...responseParts, "content", key, "schema"]) : null,
    });
  }
  return specs;
}

function buildResponseSpecs(document, compiler, operationParts) {
  const specs = new Map();
  const responses = valueAt(document, [...operationParts, "responses"]) ?? {};
  for (const code of Object.keys(responses)) {
    const { node: response, parts } = resolve(document, [...operationParts, "responses", code]);
    specs.set(code.toUpperCase(), {
      media: buildMediaSpecs(compiler, response, parts),
      headers: buildHeaderSpecs(document, compiler, response, parts),
    });
  }
  return specs;
}

function buildRoutes(document, compiler) {
  const routes = [];
  for (const template of Object.keys(document.paths ?? {})) {
    const { node: pathItem, parts } = resolve(document, ["paths", template]);
    const segments = template.split("/").slice(1).map(parseTemplateSegment);
    const route = {
      template,
      segments,
      literalCount: segments.filter((segment) => segment.kind === "literal").length,
      operations: new Map(),
    };
    for (const method of OPERATION_METHODS) {
      if (pathItem[method] !== undefined && pathItem[method] !== null) {
        route.operations.set(method, {
          label: `${method.toUpperCase()} ${template}`,
          responses: buildResponseSpecs(document, compiler, [...parts, method]),
        });
      }
    }
    routes.push(route);
  }
  return routes;
}

function compileComponentSchemas(document, compiler) {
  // Compiled even when no response uses them: strict mode then reports a
  // broken schema the day it is written, not the day a route first uses it.
  for (const name of Object.keys(document.components?.schemas ?? {})) {
    compiler.compile(["components", "schemas", name]);
  }
}

/**
 * Everything the checker needs from a (valid) document, with every schema
 * compiled. Throws a DocumentError listing every schema that does not compile.
 */
export function buildContract(document) {
  const compiler = new SchemaCompiler(document);
  const routes = buildRoutes(document, compiler);
  compileComponentSchemas(document, compiler);
  const errorSchema = valueAt(document, ERROR_SCHEMA) === undefined ? null : compiler.compile(ERROR_SCHEMA);
  if (compiler.errors.length > 0) {
    throw new DocumentError("schemas of the document do not compile (Ajv, JSON Schema 2020-12, strict mode)", compiler.errors);
  }
  return {
    routes,
    errorSchema,
    notes: [...compiler.notes],
    operations: routes.flatMap((route) => [...route.operations.values()]),
  };
}

// ---------------------------------------------------------------------------
// Finding the operation of a record

/** The decoded path segments of a request target, or null when it has no path to match. */
export function targetSegments(target) {
  // "*" (OPTIONS *) and absolute URLs name no path of the document.
  if (typeof target !== "string" || !target.startsWith("/")) {
    return null;
  }
  const path = target.split(/[?#]/, 1)[0];
  try {
    return path.split("/").slice(1).map((segment) => decodeURIComponent(segment));
  } catch {
    return null; // malformed percent-encoding: no route can match it
  }
}

function matchRoute(routes, segments) {
  const matching = routes.filter(
    (route) =>
      route.segments.length === segments.length &&
      route.segments.every((templateSegment, i) => segmentMatches(templateSegment, segments[i])),
  );
  matching.sort(compareSpecificity);
  return matching[0] ?? null;
}

function findOperation(contract, record) {
  const segments = targetSegments(record.target);
  const route = segments === null ? null : matchRoute(contract.routes, segments);
  if (route === null) {
    return null;
  }
  const method = record.method.toLowerCase();
  if (!OPERATION_METHODS.includes(method)) {
    return null;
  }
  // A HEAD request is answered as the GET would be, without the body.
  if (method === "head") {
    return route.operations.get("head") ?? route.operations.get("get") ?? null;
  }
  return route.operations.get(method) ?? null;
}

// ---------------------------------------------------------------------------
// Checking one record

function lowercaseHeaders(headers) {
  const result = new Map();
  for (const [name, value] of Object.entries(headers)) {
    result.set(name.toLowerCase(), String(value));
  }
  return result;
}

function hasBody(record) {
  return Boolean(record.body) || Boolean(record.bodyBase64);
}

/** The body's bytes, from whichever form the recorder chose. */
function bodyBytes(record) {
  if (record.bodyBase64) {
    return Buffer.from(record.bodyBase64, "base64");
  }
  return Buffer.from(record.body ?? "", "utf8");
}

/** The first bytes of a body as hex, for a report. */
function hexPrefix(bytes) {
  return [...bytes.subarray(0, 12)].map((byte) => byte.toString(16).padStart(2, "0")).join(" ");
}

function describeSchemaErrors(errors) {
  const described = errors.slice(0, MAX_SCHEMA_ERRORS).map((error) => {
    let detail = "";
    if (error.params?.additionalProperty !== undefined) {
      detail = ` (${error.params.additionalProperty})`;
    } else if (error.params?.allowedValues !== undefined) {
      detail = ` (${JSON.stringify(error.params.allowedValues)})`;
    }
    return `${error.instancePath || "/"} ${error.message}${detail}`;
  });
  if (errors.length > MAX_SCHEMA_ERRORS) {
    described.push(`and ${errors.length - MAX_SCHEMA_ERRORS} more`);
  }
  return described.join("; ");
}

/** Parses a JSON body and validates it; returns a failure message or null. */
function checkJsonBody(record, validate, what) {
  if (record.body === undefined) {
    return `${what} is not valid UTF-8, so not JSON`;
  }
  let value;
  try {
    value = JSON.parse(record.body);
  } catch (error) {
    return `${what} is not valid JSON (${error.message})`;
  }
  if (validate !== null && !validate(value)) {
    return `${what} does not match the schema: ${describeSchemaErrors(validate.errors)}`;
  }
  return null;
}

function findResponseSpec(operation, status) {
  return (
    operation.responses.get(String(status)) ??
    operation.responses.get(`${Math.floor(status / 100)}XX`) ??
    operation.responses.get("DEFAULT") ??
    null
  );
}

function findMediaSpec(media, mediaType) {
  const [type] = mediaType.split("/");
  return media.get(mediaType) ?? media.get(`${type}/*`) ?? media.get("*/*") ?? null;
}

function checkBody(record, spec, headers, failures) {
  const documented = [...spec.media.keys()];
  const listed = documented.join(", ");
  if (!hasBody(record)) {
    // An empty body is never a JSON document nor an image, so a response
    // that can only be one of those must have one; other media types may
    // legitimately be empty.
    if (documented.length > 0 && documented.every((type) => isJsonMediaType(type) || isImageMediaType(type))) {
      failures.push(`empty body (documented: ${listed})`);
    }
    return;
  }
  if (documented.length === 0) {
    failures.push("body present, but the documented response has no content");
    return;
  }
  const mediaType = normaliseMediaType(headers.get("content-type") ?? "");
  if (mediaType === "") {
    failures.push(`body without a content-type (documented: ${listed})`);
    return;
  }
  const media = findMediaSpec(spec.media, mediaType);
  if (media === null) {
    failures.push(`content-type ${mediaType} not documented (documented: ${listed})`);
    return;
  }
  if (isJsonMediaType(mediaType)) {
    const failure = checkJsonBody(record, media.validate, "body");
    if (failure !== null) {
      failures.push(failure);
    }
  } else if (isImageMediaType(mediaType)) {
    failures.push(...checkImageBody(record, mediaType, headers));
  }
}

/**
 * An image is bytes, not JSON: its schema (a binary string) says nothing a
 * validator can check. What can be checked is that the bytes are of the
 * declared type and that they are all there.
 */
function checkImageBody(record, mediaType, headers) {
  const failures = [];
  const bytes = bodyBytes(record);
  const signature = IMAGE_SIGNATURES[mediaType];
  if (signature !== undefined && !signature.matches(bytes)) {
    failures.push(`body is not a ${signature.name} image, as its content-type ${mediaType} says (it begins ${hexPrefix(bytes)})`);
  }
  if (record.bodyLength !== undefined && record.bodyLength !== bytes.length) {
    failures.push(`the record's bodyLength ${record.bodyLength} is not the length of its body (${bytes.length} bytes)`);
  }
  const declared = headers.get("content-length");
  if (declared !== undefined && declared.trim() !== String(bytes.length)) {
    failures.push(`content-length ${declared} but the body has ${bytes.length} bytes`);
  }
  return failures;
}

function headerValue(spec, value) {
  const trimmed = value.trim();
  // Only a well-formed number is converted; anything else stays a string so
  // that the schema's type check reports it.
  if (spec.numeric && /^-?\d+(\.\d+)?([eE][+-]?\d+)?$/.test(trimmed)) {
    return Number(trimmed);
  }
  return value;
}

function checkHeaders(spec, headers, failures) {
  for (const header of spec.headers) {
    const value = headers.get(header.name);
    if (value === undefined) {
      if (header.required) {
        failures.push(`required header ${header.name} missing`);
      }
      continue;
    }
    if (header.validate !== null && !header.validate(headerValue(header, value))) {
      failures.push(`header ${header.name} ${JSON.stringify(value)} does not match the schema: ${describeSchemaErrors(header.validate.errors)}`);
    }
  }
}

function checkRouted(operation, record) {
  const isHead = record.method.toUpperCase() === "HEAD";
  const statusKey = isHead && !operation.label.startsWith("HEAD ") ? `HEAD ${record.status}` : String(record.status);
  const result = { operation: operation.label, statusKey, failures: [] };
  const spec = findResponseSpec(operation, record.status);
  if (spec === null) {
    result.failures.push(`status ${record.status} not documented`);
    return result;
  }
  const headers = lowercaseHeaders(record.headers);
  const failures = [];
  if (!isHead) {
    checkBody(record, spec, headers, failures);
  }
  checkHeaders(spec, headers, failures);
  result.failures = failures.map((failure) => `status ${record.status}: ${failure}`);
  return result;
}

/**
 * A request that names no documented operation must get the server's
 * routing error (404 unknown path, 405 unknown method, ...), whose body, when
 * it is JSON, is the document's Error.
 */
function checkUnrouted(contract, record) {
  const result = { operation: UNROUTED, statusKey: `${record.method} ${record.status}`, failures: [] };
  const isHead = record.method.toUpperCase() === "HEAD";
  const mediaType = normaliseMediaType(lowercaseHeaders(record.headers).get("content-type") ?? "");
  if (isHead || !hasBody(record) || !isJsonMediaType(mediaType)) {
    return result;
  }
  if (contract.errorSchema === null) {
    result.failures.push(`status ${record.status}: the document has no ${pointerText(ERROR_SCHEMA)} to check this error body against`);
    return result;
  }
  const failure = checkJsonBody(record, contract.errorSchema, `error body (${pointerText(ERROR_SCHEMA)})`);
  if (failure !== null) {
    result.failures.push(`status ${record.status}: ${failure}`);
  }
  return result;
}

/** Checks one record; returns its operation label, status key and failure messages. */
export function checkRecord(contract, record) {
  const operation = findOperation(contract, record);
  return operation === null ? checkUnrouted(contract, record) : checkRouted(operation, record);
}

// ---------------------------------------------------------------------------
// Reading the record files

function isPlainObject(value) {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

/** What is wrong with a parsed line as a record, or null. */
function recordShapeProblem(record) {
  if (!isPlainObject(record)) return "not a JSON object";
  if (typeof record.method !== "string" || record.method === "") return "no method";
  if (typeof record.target !== "string") return "no target";
  if (!Number.isInteger(record.status)) return "no integer status";
  if (!isPlainObject(record.headers)) return "no headers object";
  if (record.body !== undefined && typeof record.body !== "string") return "body is not a string";
  if (record.bodyBase64 !== undefined && typeof record.bodyBase64 !== "string") return "bodyBase64 is not a string";
  if (record.body !== undefined && record.bodyBase64 !== undefined) return "both body and bodyBase64";
  if (record.bodyLength !== undefined && !(Number.isInteger(record.bodyLength) && record.bodyLength >= 0)) {
    return "bodyLength is not a non-negative integer";
  }
  return null;
}

function readRecordFile(dir, file, out) {
  const lines = readFileSync(join(dir, file), "utf8").split("\n");
  let last = lines.length - 1;
  while (last >= 0 && lines[last].trim() === "") {
    last -= 1;
  }
  lines.forEach((line, index) => {
    if (line.trim() === "") {
      return;
    }
    const where = { file, line: index + 1 };
    let record;
    try {
      record = JSON.parse(line);
    } catch (error) {
      // A test process killed in mid-write leaves its file's last line cut short.
      if (index === last) {
        out.ignored.push(where);
      } else {
        out.problems.push({ ...where, message: `not valid JSON (${error.message})`, text: line });
      }
      return;
    }
    const problem = recordShapeProblem(record);
    if (problem !== null) {
      out.problems.push({ ...where, message: `not a response record: ${problem}`, text: line });
    } else {
      out.records.push({ ...where, record });
    }
  });
}

/**
 * Every record of the *.jsonl files directly in `dir`, in file name order,
 * with the lines that are not records and the truncated last lines ignored.
 */
export function readRecordFiles(dir) {
  const out = { files: [], records: [], problems: [], ignored: [] };
  out.files = readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith(".jsonl"))
    .map((entry) => entry.name)
    .sort();
  for (const file of out.files) {
    readRecordFile(dir, file, out);
  }
  return out;
}

// ---------------------------------------------------------------------------
// The whole run

/** At most EXCERPT_LENGTH characters, on one line of the report. */
function excerpt(text) {
  const cut = text.length > EXCERPT_LENGTH ? `${text.slice(0, EXCERPT_LENGTH)}...` : text;
  return cut.replace(/[\u0000-\u001f\u007f]/g, (c) => JSON.stringify(c).slice(1, -1));
}

function bodyExcerpt(record) {
  if (record.body !== undefined) {
    return excerpt(record.body);
  }
  if (!record.bodyBase64) {
    return "";
  }
  const bytes = bodyBytes(record);
  return excerpt(`(${bytes.length} bytes, base64) ${record.bodyBase64}`);
}

class Report {
  constructor(contract) {
    this.records = 0;
    this.passed = 0;
    this.failed = 0;
    this.files = [];
    this.ignoredLines = [];
    // Every documented operation, in document order, seen or not.
    this.statuses = new Map(contract.operations.map((operation) => [operation.label, new Map()]));
    this.failures = new Map();
    this.unexercised = [];
    this.runFailures = [];
    this.documentNotes = contract.notes;
  }

  get ok() {
    return this.failed === 0 && this.unexercised.length === 0 && this.runFailures.length === 0;
  }

  countStatus(operation, statusKey) {
    if (!this.statuses.has(operation)) {
      this.statuses.set(operation, new Map());
    }
    const counts = this.statuses.get(operation);
    counts.set(statusKey, (counts.get(statusKey) ?? 0) + 1);
  }

  addFailure(operation, status, message, example) {
    const key = JSON.stringify([operation, status, message]);
    const failure = this.failures.get(key);
    if (failure) {
      failure.count += 1;
    } else {
      this.failures.set(key, { operation, status, message, count: 1, example });
    }
  }

  addRecordResult(entry, result) {
    this.records += 1;
    this.countStatus(result.operation, result.statusKey);
    if (result.failures.length === 0) {
      this.passed += 1;
      return;
    }
    this.failed += 1;
    const { record } = entry;
    const example = { file: entry.file, line: entry.line, request: `${record.method} ${record.target}`, body: bodyExcerpt(record) };
    for (const message of result.failures) {
      this.addFailure(result.operation, result.statusKey, message, example);
    }
  }

  // A line that is not a record is a record that cannot pass.
  addUnreadableLine(problem) {
    this.records += 1;
    this.failed += 1;
    const example = { file: problem.file, line: problem.line, request: "", body: excerpt(problem.text) };
    this.addFailure(RECORDS, "", `${problem.file}:${problem.line}: ${problem.message}`, example);
  }
}

/**
 * Validates the document, then every record under `responsesDir` against it.
 * Throws a DocumentError when the document itself is unusable; otherwise
 * returns a Report whose `ok` says whether the run passes.
 */
export async function checkResponses({ documentPath, responsesDir, requireEveryOperation = false, minRecords = 1 }) {
  const document = loadDocument(documentPath);
  await validateDocument(document);
  const contract = buildContract(document);
  const report = new Report(contract);

  let read;
  try {
    read = readRecordFiles(responsesDir);
  } catch (error) {
    report.runFailures.push(`cannot read the responses directory ${responsesDir}: ${error.message}`);
    return report;
  }
  report.files = read.files;
  report.ignoredLines = read.ignored;
  for (const entry of read.records) {
    report.addRecordResult(entry, checkRecord(contract, entry.record));
  }
  read.problems.forEach((problem) => report.addUnreadableLine(problem));

  if (read.records.length < minRecords) {
    // A recorder that silently wrote nothing must not look like a pass.
    report.runFailures.push(`${read.records.length} records read from ${read.files.length} files, fewer than the minimum ${minRecords}`);
  }
  if (requireEveryOperation) {
    report.unexercised = contract.operations
      .map((operation) => operation.label)
      .filter((label) => report.statuses.get(label).size === 0);
  }
  return report;
}

// ---------------------------------------------------------------------------
// Printing

function formatCounts(counts) {
  if (counts.size === 0) {
    return "no record";
  }
  return [...counts].map(([status, count]) => `${status} x${count}`).join(", ");
}

/** The report as text; its last line is exactly "N passed, N failed". */
export function formatReport(report) {
  const lines = [`Responses by operation (${report.records} records from ${report.files.length} files):`];
  for (const [operation, counts] of report.statuses) {
    lines.push(`  ${operation}: ${formatCounts(counts)}`);
  }
  if (report.documentNotes.length > 0) {
    lines.push(`Notes on the document's schemas (Ajv strict checks that are not failures):`);
    report.documentNotes.forEach((note) => lines.push(`  ${note}`));
  }
  for (const { file, line } of report.ignoredLines) {
    lines.push(`Note: ${file}:${line}: unreadable last line ignored (a test process stopped while writing it)`);
  }
  if (report.failures.size > 0) {
    lines.push("", `Failures (${report.failures.size} distinct):`);
    for (const failure of report.failures.values()) {
      lines.push(`  ${failure.operation}: ${failure.message} (x${failure.count})`);
      const { example } = failure;
      if (example.request !== "") {
        lines.push(`    e.g. ${example.request} (${example.file}:${example.line})`);
      }
      if (example.body !== "") {
        lines.push(`    body: ${example.body}`);
      }
    }
  }
  if (report.unexercised.length > 0) {
    lines.push("", `Documented operations that received no record (${report.unexercised.length}):`);
    report.unexercised.forEach((label) => lines.push(`  ${label}`));
  }
  if (report.runFailures.length > 0) {
    lines.push("");
    report.runFailures.forEach((failure) => lines.push(`FAIL: ${failure}`));
  }
  lines.push("", `${report.passed} passed, ${report.failed} failed`);
  return lines.join("\n");
}
