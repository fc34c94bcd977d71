// Runs fauxqs (the local SQS/S3 engine) on 127.0.0.1 only.
//   node fauxqs-launcher.mjs MODULES_DIR PORT_FILE [PORT]
// fauxqs's own start function listens on every interface, so this builds
// its app with buildApp and listens on loopback itself. PORT defaults to 0
// (any free port); the port actually bound is written to PORT_FILE once the
// server accepts connections, which is what scripts/aws-local.sh waits for.
// SIGTERM/SIGINT close the server and exit 0.
import { readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";

const [modulesDir, portFile, portArg = "0"] = process.argv.slice(2);
if (!modulesDir || !portFile) {
  console.error("usage: fauxqs-launcher.mjs MODULES_DIR PORT_FILE [PORT]");
  process.exit(2);
}

// The package lives outside this file's directory, so resolve its ESM entry
// point from its package.json instead of a bare specifier.
const packageDir = join(modulesDir, "fauxqs");
const manifest = JSON.parse(readFileSync(join(packageDir, "package.json"), "utf8"));
const entry = manifest.exports?.["."]?.import?.default ?? manifest.main;
const { buildApp } = await import(pathToFileURL(join(packageDir, entry)).href);

const app = buildApp({ logger: process.env.FAUXQS_LOGGER === "true" });
await app.listen({ host: "127.0.0.1", port: Number(portArg) });
const { port } = app.server.address();

// Write-then-rename so a reader never sees a half-written file.
writeFileSync(`${portFile}.tmp`, `${port}\n`);
renameSync(`${portFile}.tmp`, portFile);
console.log(`fauxqs ${manifest.version} listening on 127.0.0.1:${port}`);

let closing = false;
for (const signal of ["SIGTERM", "SIGINT"]) {
  process.on(signal, async () => {
    if (closing) return;
    closing = true;
    await app.close();
    process.exit(0);
  });
}
