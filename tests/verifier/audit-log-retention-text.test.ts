/**
 * The audit log group's retention as the provider may record it: number
 * text is the number it spells, and only an unset or zero retention keeps
 * records forever, so the finding must say what the group really keeps.
 */
import * as assert from "assert";
import { shippedPlan, verify } from "../support/plan-files";
import { find, mutatedPlan } from "../support/plan-mutations";

const LOG_GROUP = "aws:cloudwatch/logGroup:LogGroup";
const AUDIT_GROUP = "/bedrock-tenancy/customer-a/audit";

describe("the audit log group's retention recorded as text", function () {
    this.timeout(120_000);
    let plan: string;
    before(async () => {
        plan = await shippedPlan();
    });

    const run = (days: unknown) => verify(mutatedPlan(plan, "stack-export", {
        "customer-a": (doc) => {
            const g = find(doc, LOG_GROUP, (r) => r.inputs.name === AUDIT_GROUP);
            g.inputs = { ...g.inputs, retentionInDays: days };
            g.outputs = { ...g.outputs, retentionInDays: days };
        },
    }));
    const retentionFindings = (r: ReturnType<typeof verify>) => r.report.violations.filter((v: any) => v.code === "BT-CUSTOMER-LOG-GROUP" && v.statement === "retentionInDays");

    it("accepts \"365\", the 365 days asked for", () => {
        const r = run("365");
        assert.strictEqual(r.code, 0, r.stderr);
    });

    it("reports \"30\" as 30 days, not as records that never expire", () => {
        const [hit, ...rest] = retentionFindings(run("30"));
        assert.ok(hit, "no retention finding");
        assert.strictEqual(rest.length, 0);
        assert.match(hit.why, /keeps the audit records 30 days, not the 365 days/);
        assert.doesNotMatch(hit.why, /never expire/);
    });

    it("reports \"0\" as records that never expire", () => {
        const [hit] = retentionFindings(run("0"));
        assert.match(hit?.why ?? "", /never expire/);
    });

    it("reports text that spells no number as no number of days", () => {
        const [hit] = retentionFindings(run("a year"));
        assert.match(hit?.why ?? "", /not a number of days/);
        assert.doesNotMatch(hit.why, /never expire/);
    });
});
