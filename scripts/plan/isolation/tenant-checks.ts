import * as os from "os";
import * as path from "path";
import { runJsonWorker } from "../../lib/json-worker";
import { assumeRoleMatrix, type AccessCheck, type Tenant } from "./access-matrix";
import { modelChecks, type TenantEntitlement } from "./model-checks";
import type { PlannedRole } from "./planned-iam";

/** Everything the per-tenant checks read; plain data, so it can cross to a worker process. */
export interface TenantCheckInput {
    tenants: Tenant[];
    /** Tenants whose roles this run checks. */
    targets: string[];
    opsRoles: [string, PlannedRole][];
    runtimeRoles: [string, PlannedRole][];
    entitlements: [string, TenantEntitlement][];
    opsAccount: string;
    sample?: number;
}

/** Below this many tenants, starting worker processes costs more than it saves. */
const PARALLEL_FROM = 100;

/** The AssumeRole matrix and the model checks for the input's targets. */
export async function runTenantChecks(input: TenantCheckInput): Promise<AccessCheck[]> {
    const targets = new Set(input.targets);
    const opsRoles = new Map(input.opsRoles);
    return [
        ...(await assumeRoleMatrix(input.tenants, opsRoles, new Map(input.runtimeRoles), input.sample, targets)),
        ...(await modelChecks(input.tenants, new Map(input.entitlements), opsRoles, input.opsAccount, targets)),
    ];
}

/**
 * Splits the targets across one worker process per core: each request is
 * independent and the evaluator is CPU-bound, so large proofs scale with cores.
 */
export async function runTenantChecksInParallel(input: TenantCheckInput): Promise<AccessCheck[]> {
    const workers = Math.min(os.availableParallelism(), Math.ceil(input.targets.length / PARALLEL_FROM));
    if (workers <= 1) return runTenantChecks(input);
    const chunk = Math.ceil(input.targets.length / workers);
    const parts = await Promise.all(
        Array.from({ length: workers }, (_, w) => inWorker({ ...input, targets: input.targets.slice(w * chunk, (w + 1) * chunk) })),
    );
    return parts.flat();
}

function inWorker(input: TenantCheckInput): Promise<AccessCheck[]> {
    return runJsonWorker(path.join(__dirname, "tenant-check-worker.ts"), input, { failure: "an isolation-proof worker failed" });
}
