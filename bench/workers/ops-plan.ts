/**
 * Worker of the planning benchmark: the ops stack program under the Pulumi
 * mock engine for N tenants, in a fresh process per size. Tenants mix one to
 * three customer accounts and one or two models (a foundation model and a
 * cross-Region profile), so the policies are not all the smallest kind.
 */
import { installMocks, ofType, promiseOf } from "../../testing/pulumi-mocks";
import { HAIKU, US_HAIKU_35, opsMockOptions, parsePolicy, settled } from "../../testing/tenant-access-fixtures";
import { opsProgram } from "../../stacks/ops";
import { policySize } from "../../contract/iam-quotas";
import { reply } from "../child";
import { msSince } from "../stats";

export interface OpsPlanResult {
    tenants: number;
    resources: number;
    /** Registering every resource (the program's synchronous part). */
    constructMs: number;
    /** Until the `tenants` output resolved, construction included. */
    totalMs: number;
    peakRssBytes: number;
    heapUsedBytes: number;
    largestTrustPolicyChars: number;
    largestPermissionsPolicyChars: number;
}

export function benchTenants(n: number) {
    return Array.from({ length: n }, (_, i) => ({
        id: `t${i}`,
        accounts: Array.from({ length: (i % 3) + 1 }, (_, k) => String(100000000000 + i * 3 + k)),
        models: i % 2 === 0 ? [HAIKU] : [HAIKU, US_HAIKU_35],
    }));
}

async function main(n: number): Promise<OpsPlanResult> {
    // Cost attribution off: 5,000 tenants' profiles would exceed the per-Region quota check.
    const recorded = await installMocks(opsMockOptions({ "bedrock-tenancy:tenants": benchTenants(n), "bedrock-tenancy:costAttribution": false }));
    const start = process.hrtime.bigint();
    const out = opsProgram();
    const constructMs = msSince(start);
    const resolved = await promiseOf(out.tenants);
    // The record is built from names known up front, so it can resolve before every resource is registered.
    await settled();
    const totalMs = msSince(start);
    if (Object.keys(resolved).length !== n) {
        throw new Error(`expected ${n} tenants in the output, got ${Object.keys(resolved).length}`);
    }
    const sizes = (type: string, input: string) => ofType(recorded, type).map((r) => policySize(parsePolicy(r.inputs[input])));
    return {
        tenants: n,
        resources: recorded.length,
        constructMs,
        totalMs,
        peakRssBytes: process.resourceUsage().maxRSS * 1024,
        heapUsedBytes: process.memoryUsage().heapUsed,
        largestTrustPolicyChars: Math.max(...sizes("aws:iam/role:Role", "assumeRolePolicy")),
        largestPermissionsPolicyChars: Math.max(...sizes("aws:iam/rolePolicy:RolePolicy", "policy")),
    };
}

main(Number(process.argv[2])).then(reply, (err) => {
    console.error(err);
    process.exit(1);
});
