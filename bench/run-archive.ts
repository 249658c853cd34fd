/**
 * `npx ts-node --transpile-only bench/run-archive.ts`: runs only the archive
 * benchmark and merges its result into bench/results.json and results.md,
 * keeping the other sections' figures.
 */
import * as fs from "fs";
import * as path from "path";
import { benchArchive } from "./archive";
import { renderMarkdown } from "./report";
import type { BenchResults } from "./results";

async function main(): Promise<void> {
    const file = path.join(__dirname, "results.json");
    const results = JSON.parse(fs.readFileSync(file, "utf8")) as BenchResults;
    results.archive = await benchArchive();
    fs.writeFileSync(file, JSON.stringify(results, null, 2) + "\n");
    fs.writeFileSync(path.join(__dirname, "results.md"), renderMarkdown(results));
    process.stdout.write(JSON.stringify(results.archive, null, 2) + "\n");
}

main().catch((err) => {
    console.error(err);
    process.exit(1);
});
