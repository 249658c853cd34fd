/**
 * Which component a resource is created under (whose tenant it is, which
 * QuotaEnforcer's role it is) is read from its chain of parents. Pulumi
 * registers a parent before its children, in the same stack, so a parent
 * the file does not hold, or a chain that loops, is a file Pulumi never
 * writes: refused as unreadable (exit 2), naming the resource and the
 * parent, in both formats, rather than proved with the chain cut short.
 */
import * as assert from "assert";
import { shippedPlan, verify, type StackDoc } from "../support/plan-files";
import { added, mutatedPlan } from "../support/plan-mutations";

const MISSING = "urn:pulumi:ops::bedrock-tenancy::bedrock-tenancy:index:QuotaEnforcer::elsewhere";
const byName = (d: StackDoc, name: string) => d.deployment.resources.find((r) => r.urn.endsWith(`::${name}`));

/** Exit 2, the ops file named, with every text of `named` in the message. */
function assertUnreadable(plan: string, shape: "stack-export" | "preview", edit: (d: StackDoc) => void, ...named: string[]): void {
    const run = verify(mutatedPlan(plan, shape, { ops: edit }));
    assert.strictEqual(run.code, 2, `exit ${run.code}: ${run.stderr}${run.stdout}`);
    for (const text of ["ops.json", ...named]) assert.ok(run.stderr.includes(text), `no ${JSON.stringify(text)} in:\n${run.stderr}`);
}

describe("chains of parents Pulumi never writes", function () {
    this.timeout(120_000);
    let plan: string;
    before(async () => {
        plan = await shippedPlan();
    });

    for (const shape of ["stack-export", "preview"] as const) {
        it(`passes the shipped plan, every parent a resource of its file (${shape})`, () => {
            const run = verify(mutatedPlan(plan, shape, {}));
            assert.strictEqual(run.code, 0, run.stderr);
        });

        it(`refuses a topic whose parent is no resource of the file (${shape})`, () => {
            assertUnreadable(plan, shape, (d) => {
                const topic = added("ops", "aws:sns/topic:Topic", "ops-events", { name: "ops-events", region: "us-east-1" });
                topic.parent = MISSING;
                d.deployment.resources.push(topic);
            }, "ops-events", MISSING, "no resource of the file");
        });

        it(`refuses two topics that are each other's parent (${shape})`, () => {
            assertUnreadable(plan, shape, (d) => {
                const one = added("ops", "aws:sns/topic:Topic", "one", { name: "one", region: "us-east-1" });
                const two = added("ops", "aws:sns/topic:Topic", "two", { name: "two", region: "us-east-1" });
                [one.parent, two.parent] = [two.urn, one.urn];
                d.deployment.resources.push(one, two);
            }, "its own ancestor", "one", "two");
        });

        it(`refuses a QuotaEnforcer that is its own parent (${shape})`, () => {
            assertUnreadable(plan, shape, (d) => {
                const enforcer = byName(d, "quota-enforcer");
                enforcer.parent = enforcer.urn;
            }, "its own ancestor", "quota-enforcer → quota-enforcer");
        });

        it(`refuses the QuotaEnforcer and the fleet as each other's parent (${shape})`, () => {
            assertUnreadable(plan, shape, (d) => {
                const [enforcer, fleet] = [byName(d, "quota-enforcer"), byName(d, "tenants")];
                [enforcer.parent, fleet.parent] = [fleet.urn, enforcer.urn];
            }, "its own ancestor", "quota-enforcer", "tenants");
        });

        it(`refuses the enforcer's role under a component the file does not hold, rather than calling it another holder (${shape})`, () => {
            assertUnreadable(plan, shape, (d) => (byName(d, "quota-enforcer-role").parent = MISSING), "quota-enforcer-role", MISSING);
        });
    }
});
