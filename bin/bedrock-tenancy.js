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
process.exitCode = cli.main(process.argv.slice(2));
