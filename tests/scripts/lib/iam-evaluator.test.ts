/**
 * The evaluator wrapper decides requests through the evaluator's public
 * `runUnsafeSimulation`, with the context keys that apply to each action and
 * ARN looked up once (`scripts/lib/iam-evaluator.ts`): every request the
 * cross-check makes must be decided exactly as `runSimulation` decides it.
 */
import * as assert from "assert";
import * as path from "path";
import { evaluate, evaluateStrictly, type EvaluationRequest } from "../../../scripts/lib/iam-evaluator";
import { crossCheck } from "../../../scripts/plan/cross-check";
import { crossCheckCases } from "../../../scripts/plan/cross-check-fleet";
import { verifyFiles } from "../../../verifier/verify";
import { shippedPlan, stackFiles } from "../../support/plan-files";
import { writeSyntheticFleet } from "../../support/synthetic-fleet";

const MODEL = "arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-3-haiku-20240307-v1:0";
const ROLE = "arn:aws:iam::123456789012:role/r";

function invoke(context: Record<string, string>, condition?: Record<string, unknown>): EvaluationRequest {
    return {
        principal: ROLE, action: "bedrock:InvokeModel", resource: MODEL, resourceAccount: "123456789012", context,
        identityPolicies: [{ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "bedrock:InvokeModel", Resource: "*", ...(condition ? { Condition: condition } : {}) }] }],
    };
}

describe("IAM evaluator wrapper", function () {
    this.timeout(180_000);

    it("decides every cross-check request of the shipped and 40 synthetic tenants as runSimulation does", async () => {
        const plan = await shippedPlan();
        const fleets = [stackFiles(plan), [path.join(writeSyntheticFleet(path.join(plan, "ops.json"), 40), "ops.json")]];
        const mismatches: string[] = [];
        let compared = 0;
        for (const files of fleets) {
            await crossCheck(crossCheckCases(verifyFiles(files)), async (request) => {
                const [fast, strict] = await Promise.all([evaluate(request), evaluateStrictly(request)]);
                compared++;
                if (fast !== strict) mismatches.push(`${request.action} ${request.resource} ${JSON.stringify(request.context)}: ${fast} against ${strict}`);
                return strict;
            });
        }
        assert.deepStrictEqual(mismatches, []);
        assert.ok(compared > 400, `only ${compared} requests compared`);
    });

    it("drops a context key that does not apply to the action, as runSimulation does", async () => {
        // sts:ExternalId is no key of bedrock:InvokeModel: a condition on it cannot match.
        const request = invoke({ "sts:ExternalId": "x" }, { StringEquals: { "sts:ExternalId": "x" } });
        assert.strictEqual(await evaluateStrictly(request), "ImplicitlyDenied");
        assert.strictEqual(await evaluate(request), "ImplicitlyDenied");
        const region = invoke({ "aws:RequestedRegion": "us-east-1" }, { StringEquals: { "aws:RequestedRegion": "us-east-1" } });
        assert.strictEqual(await evaluate(region), "Allowed");
        assert.strictEqual(await evaluateStrictly(region), "Allowed");
    });

    it("rejects an action the evaluator does not know, naming it", async () => {
        await assert.rejects(evaluate({ ...invoke({}), action: "bedrock:NoSuchAction" }), /IAM evaluator rejected the request/);
    });
});
