/**
 * A preview whose update deletes where the customer's audit records rest:
 * the proof reads what stays, and a replacement leaves a twin that passes
 * every check of its own, so the deletion itself must be the finding.
 */
import * as assert from "assert";
import type { Violation } from "../../verifier/findings";
import { stackStateOf, UNKNOWN_VALUE } from "../../verifier/pulumi-formats";
import { verifyStates } from "../../verifier/verify";
import { shippedDocs, type StackDoc } from "../support/plan-files";
import { asPreview } from "../support/plan-mutations";

const LOG_GROUP = "aws:cloudwatch/logGroup:LogGroup";
const KEY = "aws:kms/key:Key";
const BUCKET = "aws:s3/bucket:Bucket";
const LOG_STREAM = "aws:cloudwatch/logStream:LogStream";

type Step = { op: string; urn: string; oldState?: any; newState?: any };

describe("a preview that deletes where the audit records rest (BT-CUSTOMER-AUDIT-REMOVAL)", function () {
    this.timeout(300_000);
    let ops: StackDoc;
    let customer: StackDoc;
    before(async () => {
        ({ ops, customer } = await shippedDocs());
    });

    /** The removal findings of the shipped plan with customer-a as a preview whose steps `edit` rewrites. */
    function removals(edit: (steps: Step[]) => Step[]): Violation[] {
        const preview = asPreview(JSON.parse(JSON.stringify(customer)));
        preview.steps = edit(preview.steps);
        const result = verifyStates([stackStateOf("ops.json", JSON.parse(JSON.stringify(ops))), stackStateOf("customer-a.json", preview)]);
        return result.violations.filter((v) => v.code === "BT-CUSTOMER-AUDIT-REMOVAL" && v.why.startsWith("the preview's update"));
    }
    const isType = (type: string) => (s: Step) => s.oldState?.type === type;
    /** The steps of replacing the first resource `which` picks: the engine's order for delete-before-replace, or create-before-replace. */
    const replaced = (which: (s: Step) => boolean, order: "delete-first" | "create-first", old: (o: any) => any = (o) => o) => (steps: Step[]): Step[] => {
        const at = steps.findIndex(which);
        const oldState = old(steps[at].oldState);
        const newState = { ...steps[at].newState, id: UNKNOWN_VALUE, outputs: { ...steps[at].newState.outputs, arn: UNKNOWN_VALUE } };
        const urn = steps[at].urn;
        const gone = { op: "delete-replaced", urn, oldState };
        const made = [{ op: "create-replacement", urn, oldState, newState }, { op: "replace", urn, oldState, newState }];
        return [...steps.slice(0, at), ...(order === "delete-first" ? [gone, ...made] : [...made, gone]), ...steps.slice(at + 1)];
    };

    it("finds the audit log group replaced by deleting the old one first (deleteBeforeReplace)", () => {
        const found = removals(replaced(isType(LOG_GROUP), "delete-first"));
        assert.strictEqual(found.length, 1, JSON.stringify(found));
        assert.strictEqual(found[0].resource, "customer-a-log-group");
        assert.match(found[0].why, /replaces it by deleting the old one, the audit log group \/bedrock-tenancy\/customer-a\/audit: every record in it is deleted with it/);
    });

    it("finds it replaced the other way round, the new one made before the old one is deleted", () => {
        assert.strictEqual(removals(replaced(isType(LOG_GROUP), "create-first")).length, 1);
    });

    it("finds the audit key and the archive bucket replaced", () => {
        const key = removals(replaced(isType(KEY), "create-first"));
        assert.ok(key.some((v) => v.resource === "customer-a-key" && v.why.includes("no record it encrypted can be read")), JSON.stringify(key));
        const bucket = removals(replaced(isType(BUCKET), "delete-first"));
        assert.ok(bucket.some((v) => v.resource === "customer-a-archive" && v.why.includes("the archive bucket btn-customer-a-archive-111111111111")), JSON.stringify(bucket));
    });

    it("finds a stream of the audit log group deleted, and the log group recorded as deleted ahead of its replacement", () => {
        const stream = (steps: Step[]): Step[] => {
            const group = steps.find(isType(LOG_GROUP))!.oldState;
            const urn = `urn:pulumi:customer-a::bedrock-tenancy::${LOG_STREAM}::backfill`;
            const oldState = { urn, type: LOG_STREAM, custom: true, id: "backfill", parent: steps.find(isType("pulumi:pulumi:Stack"))!.urn, inputs: { name: "backfill", logGroupName: group.inputs.name }, outputs: { name: "backfill", logGroupName: group.inputs.name } };
            return [...steps, { op: "delete", urn, oldState }];
        };
        assert.deepStrictEqual(removals(stream).map((v) => v.resource), ["backfill"]);
        const pending = (steps: Step[]): Step[] => {
            const at = steps.findIndex(isType(LOG_GROUP));
            return [...steps, { op: "remove-pending-replace", urn: steps[at].urn, oldState: { ...steps[at].oldState, pendingReplacement: true } }];
        };
        assert.strictEqual(removals(pending).length, 1);
    });

    it("lets pass a replacement whose old audit log group stays in AWS (retainOnDelete, protect, skipDestroy), and the deletion of a log group of another name", () => {
        for (const keep of [{ retainOnDelete: true }, { protect: true }]) {
            assert.deepStrictEqual(removals(replaced(isType(LOG_GROUP), "delete-first", (o) => ({ ...o, ...keep }))), [], JSON.stringify(keep));
        }
        assert.deepStrictEqual(removals(replaced(isType(LOG_GROUP), "delete-first", (o) => ({ ...o, inputs: { ...o.inputs, skipDestroy: true } }))), []);
        const other = (steps: Step[]): Step[] => {
            const urn = `urn:pulumi:customer-a::bedrock-tenancy::${LOG_GROUP}::scratch`;
            const oldState = { urn, type: LOG_GROUP, custom: true, id: "/scratch", parent: steps.find(isType("pulumi:pulumi:Stack"))!.urn, inputs: { name: "/scratch" }, outputs: { name: "/scratch" } };
            return [...steps, { op: "delete", urn, oldState }];
        };
        assert.deepStrictEqual(removals(other), []);
        assert.deepStrictEqual(removals((steps) => steps), []);
    });
});
