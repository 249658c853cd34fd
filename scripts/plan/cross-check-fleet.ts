/**
 * Runs the evaluator cross-check on every tenant of a verification, split
 * across one worker process per core: the requests are independent and the
 * evaluator is CPU-bound.
 */
import * as os from "os";
import * as path from "path";
import { runJsonWorker } from "../lib/json-worker";
import type { VerificationResult } from "../../verifier/verify";
import { crossCheck, readable, type CrossCheckCase, type CrossCheckResult } from "./cross-check";

/** Below this many tenants, starting worker processes costs more than it saves. */
const PARALLEL_FROM = 200;

export function crossCheckCases(result: VerificationResult): CrossCheckCase[] {
    const tenants = result.tenants;
    return tenants.map((proof, i) => {
        const next = tenants.length > 1 ? tenants[(i + 1) % tenants.length].intent : undefined;
        return {
            proof: { intent: proof.intent, trust: proof.trust, permissions: proof.permissions },
            trustDocument: proof.documents.trust,
            permissionDocuments: proof.documents.permissions,
            neighbour: next && { account: next.accounts[0], profileArn: Object.values(next.inferenceProfileArns)[0] },
            trustComplete: proof.trust.findings.length === 0 && readable(proof.documents.trust),
            permissionsComplete: proof.permissions.findings.length === 0 && proof.documents.permissions.every(readable),
        };
    });
}

export async function crossCheckFleet(result: VerificationResult): Promise<CrossCheckResult> {
    const cases = crossCheckCases(result);
    const workers = Math.min(os.availableParallelism(), Math.ceil(cases.length / PARALLEL_FROM));
    if (workers <= 1) return crossCheck(cases);
    const chunk = Math.ceil(cases.length / workers);
    const parts = await Promise.all(
        Array.from({ length: workers }, (_, w) =>
            runJsonWorker<CrossCheckCase[], CrossCheckResult>(path.join(__dirname, "cross-check-worker.ts"), cases.slice(w * chunk, (w + 1) * chunk), { failure: "an evaluator cross-check worker failed" })),
    );
    return { requests: parts.reduce((n, p) => n + p.requests, 0), disagreements: parts.flatMap((p) => p.disagreements) };
}
