/**
 * 5. Planning at scale: the ops stack program under the mock engine, each
 * size in a fresh process, as compiled JavaScript; ts-node at the smaller
 * sizes shows what running the TypeScript directly costs.
 */
import { compileEntry, PACKAGE_ROOT } from "./compile";
import { runChild } from "./child";
import { median, round } from "./stats";
import { trustCapacities, type TrustCapacity } from "./trust-capacity";
import type { OpsPlanResult } from "./workers/ops-plan";
import { INLINE_POLICY_SIZE_QUOTA, DEFAULT_TRUST_POLICY_SIZE_QUOTA } from "../contract/iam-quotas";

export interface PlanningParams {
    sizes: number[];
    /** Fresh processes per size; the median is reported. */
    runs: number;
    /** Sizes also run under ts-node (it is far slower, so only small ones). */
    tsNodeSizes: number[];
}

export const FULL_PLANNING: PlanningParams = { sizes: [10, 100, 1000, 5000], runs: 3, tsNodeSizes: [10, 100] };
/** The engine keeps every resource's state in memory (about 1 MB per tenant): 5,000 tenants pass Node's default 4 GiB heap. */
const WORKER_HEAP_MIB = 12_288;

export interface PlanningRow {
    tenants: number;
    runner: "compiled" | "ts-node";
    runs: number;
    resources: number;
    medianTotalMs: number;
    medianMsPerTenant: number;
    medianPeakRssMiB: number;
    /** Time growth per 10x tenants from the previous size, scaled to a factor of 10 (10 means linear). */
    growthPer10x?: number;
}

export interface PlanningResult {
    params: PlanningParams;
    rows: PlanningRow[];
    largestTrustPolicyChars: number;
    largestPermissionsPolicyChars: number;
    quotas: { trustPolicy: number; inlinePolicies: number };
    trustCapacity: TrustCapacity[];
}

/** `(t2 / t1) ^ (1 / log10(n2 / n1))`: the time factor 10x more tenants would bring at the observed rate. */
export function growthPer10x(smaller: Pick<PlanningRow, "tenants" | "medianTotalMs">, larger: Pick<PlanningRow, "tenants" | "medianTotalMs">): number {
    return round((larger.medianTotalMs / smaller.medianTotalMs) ** (1 / Math.log10(larger.tenants / smaller.tenants)), 1);
}

async function measure(worker: string, tenants: number, runs: number, runner: PlanningRow["runner"]): Promise<{ row: PlanningRow; last: OpsPlanResult }> {
    const results: OpsPlanResult[] = [];
    for (let i = 0; i < runs; i++) {
        const execArgv = [`--max-old-space-size=${WORKER_HEAP_MIB}`, ...(runner === "ts-node" ? ["-r", "ts-node/register"] : [])];
        const env = runner === "ts-node" ? { TS_NODE_TRANSPILE_ONLY: "true", TS_NODE_PROJECT: `${PACKAGE_ROOT}/tsconfig.json` } : {};
        results.push((await runChild<OpsPlanResult>(worker, { args: [String(tenants)], execArgv, env })).result);
    }
    const total = median(results.map((r) => r.totalMs));
    return {
        row: {
            tenants,
            runner,
            runs,
            resources: results[0].resources,
            medianTotalMs: round(total, 0),
            medianMsPerTenant: round(total / tenants, 2),
            medianPeakRssMiB: round(median(results.map((r) => r.peakRssBytes)) / 2 ** 20, 0),
        },
        last: results[results.length - 1],
    };
}

export async function benchPlanning(params: PlanningParams = FULL_PLANNING): Promise<PlanningResult> {
    const compiled = compileEntry("bench/workers/ops-plan.ts");
    const rows: PlanningRow[] = [];
    let largestTrust = 0;
    let largestPermissions = 0;
    for (const [runner, sizes, script] of [["compiled", params.sizes, compiled], ["ts-node", params.tsNodeSizes, `${PACKAGE_ROOT}/bench/workers/ops-plan.ts`]] as const) {
        for (const tenants of sizes) {
            const { row, last } = await measure(script, tenants, params.runs, runner);
            const smaller = rows.filter((r) => r.runner === runner).pop();
            rows.push(smaller ? { ...row, growthPer10x: growthPer10x(smaller, row) } : row);
            largestTrust = Math.max(largestTrust, last.largestTrustPolicyChars);
            largestPermissions = Math.max(largestPermissions, last.largestPermissionsPolicyChars);
        }
    }
    return {
        params,
        rows,
        largestTrustPolicyChars: largestTrust,
        largestPermissionsPolicyChars: largestPermissions,
        quotas: { trustPolicy: DEFAULT_TRUST_POLICY_SIZE_QUOTA, inlinePolicies: INLINE_POLICY_SIZE_QUOTA },
        trustCapacity: trustCapacities(),
    };
}
