/**
 * The whole-account proof of one plan file against reading and parsing it,
 * side by side in one process: read + `JSON.parse`, then the proof of the
 * parsed documents (reading them as stack states, secrets decoded, and
 * `verifyStates`), alternated so that both see the same
 * machine. Prints one JSON line: medians in ms and their ratio.
 */
import * as fs from "fs";
import { stackStateOf } from "../../verifier/pulumi-formats";
import { verifyStates } from "../../verifier/verify";

const files = process.argv.slice(2);
const runs = 5;
const parse: number[] = [];
const proof: number[] = [];
for (let i = 0; i < runs; i++) {
    let started = performance.now();
    const docs = files.map((f) => JSON.parse(fs.readFileSync(f, "utf8")) as unknown);
    parse.push(performance.now() - started);
    started = performance.now();
    const result = verifyStates(files.map((f, j) => stackStateOf(f, docs[j])));
    proof.push(performance.now() - started);
    if (result.violations.length > 0) throw new Error(`the plan is not clean: ${result.violations[0].why}`);
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const readParseMs = Math.round(median(parse));
const proofMs = Math.round(median(proof));
process.stdout.write(`${JSON.stringify({ readParseMs, proofMs, ratio: Math.round((100 * proofMs) / readParseMs) / 100 })}\n`);
