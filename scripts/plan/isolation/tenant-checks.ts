import { fork } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
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

async function inWorker(input: TenantCheckInput): Promise<AccessCheck[]> {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "bedrock-tenancy-proof-"));
    const inFile = path.join(dir, "input.json");
    const outFile = path.join(dir, "output.json");
    fs.writeFileSync(inFile, JSON.stringify(input));
    try {
        await new Promise<void>((resolve, reject) => {
            const child = fork(path.join(__dirname, "tenant-check-worker.ts"), [inFile, outFile], {
                execArgv: ["-r", "ts-node/register/transpile-only"],
                stdio: ["ignore", "inherit", "inherit", "ipc"],
            });
            child.on("error", reject);
            child.on("exit", (code) => (code === 0 ? resolve() : reject(new Error(`an isolation-proof worker exited with code ${code}`))));
        });
        return JSON.parse(fs.readFileSync(outFile, "utf8"));
    } finally {
        fs.rmSync(dir, { recursive: true, force: true });
    }
}
