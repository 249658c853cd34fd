#!/usr/bin/env node
"use strict";
// The package's command. An installed package, or a built clone, runs the
// compiled CLI; a clone not built yet runs the sources through ts-node, so
// the command works right after `npm ci`. The CLI is required, not executed,
// so a rebuild that recreates the compiled file without its execute bit
// cannot break the command.
const fs = require("fs");
const path = require("path");

const root = path.join(__dirname, "..");
const compiled = path.join(root, "dist", "verifier", "cli.js");
let cli;
if (fs.existsSync(compiled)) {
    cli = require(compiled);
} else {
    require("ts-node").register({ transpileOnly: true, projectSearchDir: root });
    cli = require(path.join(root, "verifier", "cli.ts"));
}
try {
    process.exitCode = cli.main(process.argv.slice(2));
} catch (err) {
    // Exit 1 means violations (verify) or breaks (audit verify): a run that
    // could not finish exits 2, as for unreadable input. A system error (a
    // report that cannot be written, say) is one line naming its path; any
    // other error keeps its stack, for a bug report.
    const systemError = err instanceof Error && typeof err.code === "string";
    process.stderr.write(`bedrock-tenancy: ${systemError ? err.message : err instanceof Error ? err.stack : String(err)}\n`);
    process.exitCode = 2;
}
