#!/usr/bin/env node
// Validates the HTTP responses recorded by the API test suite against the
// service's OpenAPI 3.1 document. Exit status: 0 when every record conforms,
// 1 on any failure (or an unusable document), 2 on a usage error.

import { parseArgs } from "node:util";
import { checkResponses, DocumentError, formatReport } from "./response-checker.mjs";

const USAGE = `usage: node check-responses.mjs --document PATH --responses DIR [--require-every-operation] [--min-records N]

  --document PATH            the OpenAPI 3.1 document (JSON)
  --responses DIR            the directory of recorded responses (*.jsonl)
  --require-every-operation  fail for every documented operation without a record
  --min-records N            fail when fewer than N records were read (default 1)`;

function usageError(message) {
  console.error(`${message}\n\n${USAGE}`);
  process.exit(2);
}

function parseOptions(argv) {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        document: { type: "string" },
        responses: { type: "string" },
        "require-every-operation": { type: "boolean", default: false },
        "min-records": { type: "string", default: "1" },
        help: { type: "boolean", short: "h", default: false },
      },
    }));
  } catch (error) {
    usageError(error.message);
  }
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  if (!values.document || !values.responses) {
    usageError("--document and --responses are required");
  }
  if (!/^\d+$/.test(values["min-records"])) {
    usageError(`--min-records must be a non-negative integer, not "${values["min-records"]}"`);
  }
  return {
    documentPath: values.document,
    responsesDir: values.responses,
    requireEveryOperation: values["require-every-operation"],
    minRecords: Number(values["min-records"]),
  };
}

async function main() {
  const options = parseOptions(process.argv.slice(2));
  let report;
  try {
    report = await checkResponses(options);
  } catch (error) {
    if (!(error instanceof DocumentError)) {
      throw error;
    }
    console.error(`${options.documentPath}: ${error.message}`);
    error.details.forEach((detail) => console.error(`  ${detail}`));
    process.exitCode = 1;
    return;
  }
  console.log(formatReport(report));
  // exitCode rather than exit(): a long report piped to CI is flushed first.
  process.exitCode = report.ok ? 0 : 1;
}

await main();
