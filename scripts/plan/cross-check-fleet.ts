/**
 * Runs the evaluator cross-check on every tenant of a verification, in
 * chunks of tenants, on one worker process per core, one chunk at a time
 * each: the requests are independent and the evaluator is CPU-bound.
 * Chunks also bound what one evaluator process accumulates: before its
 * resource-type cache, 5,000 tenants in one process per core took 23 times as
 * long as 500; with it, two chunks of 2,500 on 2 cores take 8.4 s and 500
 * tenants in this process 1.4 s.
 */
import { UNKNOWN_VALUE } from "../../verifier/pulumi-formats";
import * as path from "path";
import { cores, inParallel } from "../lib/in-parallel";
import { compileTree } from "../lib/compiled-tree";
import { JsonWorkerPool } from "../lib/json-worker";
import type { VerificationResult } from "../../verifier/verify";
import { crossCheck, readable, type CrossCheckCase, type CrossCheckResult } from "./cross-check";

/** Up to this many tenants, the check runs in this process: a worker's start-up costs more than it saves. */
const IN_PROCESS = 400;
/**
 * At most this many tenants per worker process: each new process loads the
 * IAM data again, so 5,000 tenants go in one chunk per core (they took 10.2 to
 * 11.4 s in chunks of 1,250 and 8.3 to 8.5 s in chunks of 2,500, two runs
 * each, 2 cores, measured under ts-node).
 */
const CHUNK = 2500;

const known = (value: string | undefined) => (value === UNKNOWN_VALUE ? undefined : value);

export function crossCheckCases(result: VerificationResult): CrossCheckCase[] {
    const tenants = result.tenants;
    return tenants.map((proof, i) => {
        const next = tenants.length > 1 ? tenants[(i + 1) % tenants.length].intent : undefined;
        return {
            proof: { intent: proof.intent, trust: proof.trust, permissions: proof.permissions, boundary: proof.boundary },
            trustDocument: proof.documents.trust,
            permissionDocuments: proof.documents.permissions,
            boundaryDocument: proof.documents.boundary,
            neighbour: next && { account: next.accounts[0], profileArn: known(Object.values(next.inferenceProfileArns)[0]) },
            trustComplete: proof.trust.findings.length === 0 && proof.trust.narrowing.length === 0 && readable(proof.documents.trust),
            // A profile ARN unknown at preview names no resource the evaluator can decide on: the reducers' symbolic proof stands alone there.
            permissionsComplete: !Object.values(proof.intent.inferenceProfileArns).includes(UNKNOWN_VALUE) && proof.permissions.findings.length === 0 && proof.permissions.narrowing.length === 0 && proof.documents.permissions.every(readable) &&
                (proof.boundary === undefined || (proof.boundary.findings.length === 0 && proof.boundary.narrowing.length === 0 && readable(proof.documents.boundary))),
        };
    });
}

export async function crossCheckFleet(result: VerificationResult): Promise<CrossCheckResult> {
    const cases = crossCheckCases(result);
    if (cases.length <= IN_PROCESS) return crossCheck(cases);
    const size = Math.min(CHUNK, Math.ceil(cases.length / cores()));
    const chunks = Array.from({ length: Math.ceil(cases.length / size) }, (_, i) => cases.slice(i * size, (i + 1) * size));
    const parts: CrossCheckResult[] = [];
    // The workers run the repository's code compiled to JavaScript (`compiled-tree.ts`).
    const compiled = compileTree();
    const worker = compiled.resolve(path.join(__dirname, "cross-check-worker.ts"));
    const pool = new JsonWorkerPool<CrossCheckCase[], CrossCheckResult>(worker ?? path.join(__dirname, "cross-check-worker.ts"), cores(), { javascript: worker !== undefined });
    try {
        await inParallel(chunks, (chunk) => pool.run(chunk, { failure: "an evaluator cross-check worker failed" }), (part) => parts.push(part));
    } finally {
        await pool.close();
        compiled.dispose();
    }
    return { requests: parts.reduce((n, p) => n + p.requests, 0), disagreements: parts.flatMap((p) => p.disagreements) };
}
