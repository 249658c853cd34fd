/**
 * Times the ops stack program under Pulumi mocks for N tenants (default 5,000):
 * `npx ts-node --transpile-only scripts/bench-ops-stack.ts [N]`.
 */
import { installMocks, ofType, promiseOf } from "../tests/helpers/pulumi-mocks";
import { HAIKU, opsMockOptions } from "../tests/helpers/tenant-access-fixtures";
import { opsProgram } from "../stacks/ops";

async function main(): Promise<void> {
    const n = Number(process.argv[2] ?? 5000);
    const tenants = Array.from({ length: n }, (_, i) => ({ id: `t${i}`, accounts: [String(100000000000 + i)], models: [HAIKU] }));
    const identity = { calls: 0 };
    const recorded = await installMocks(opsMockOptions({ "bedrock-tenancy:tenants": tenants, "bedrock-tenancy:costAttribution": false }, identity));
    const start = process.hrtime.bigint();
    const out = opsProgram();
    const built = process.hrtime.bigint();
    const resolved = await promiseOf(out.tenants);
    const done = process.hrtime.bigint();
    const ms = (a: bigint, b: bigint) => Number(b - a) / 1e6;
    console.log(JSON.stringify({
        tenants: Object.keys(resolved).length,
        roles: ofType(recorded, "aws:iam/role:Role").length,
        callerIdentityCalls: identity.calls,
        constructMs: Math.round(ms(start, built)),
        resolveMs: Math.round(ms(built, done)),
    }));
    process.exit(0);
}

void main();
