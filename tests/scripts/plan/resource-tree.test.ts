/** The tree `npm start` prints marks each resource as `pulumi preview` would: created, updated, or left as it is. */
import * as assert from "assert";
import { renderTree } from "../../../scripts/plan/resource-tree";
import type { ResourceSummary } from "../../../scripts/plan/join-shards";

const STACK = "urn:pulumi:customer-a::bedrock-tenancy::pulumi:pulumi:Stack::bedrock-tenancy-customer-a";
const resource = (name: string, op?: ResourceSummary["op"], parent = STACK): ResourceSummary => ({
    urn: `urn:pulumi:customer-a::bedrock-tenancy::aws:cloudwatch/logGroup:LogGroup::${name}`, type: "aws:cloudwatch/logGroup:LogGroup", name, custom: true, parent, ...(op ? { op } : {}),
});

describe("the resource tree of a plan", () => {
    it("marks a preview's steps: + created, ~ updated, none unchanged", () => {
        const tree = renderTree("customer-a", [
            { urn: STACK, type: "pulumi:pulumi:Stack", name: "bedrock-tenancy-customer-a", custom: false, op: "same" },
            resource("new-group", "create"),
            resource("changed-group", "update"),
            resource("kept-group", "same"),
        ]);
        assert.deepStrictEqual(tree.split("\n"), [
            "  pulumi:pulumi:Stack  customer-a",
            "  ├─ + aws:cloudwatch/logGroup:LogGroup  new-group",
            "  ├─ ~ aws:cloudwatch/logGroup:LogGroup  changed-group",
            "  └─   aws:cloudwatch/logGroup:LogGroup  kept-group",
        ]);
    });

    it("marks every resource of a plan without steps (a new stack's export) as created", () => {
        const tree = renderTree("customer-a", [{ urn: STACK, type: "pulumi:pulumi:Stack", name: "bedrock-tenancy-customer-a", custom: false }, resource("group")]);
        assert.deepStrictEqual(tree.split("\n"), ["+ pulumi:pulumi:Stack  customer-a", "  └─ + aws:cloudwatch/logGroup:LogGroup  group"]);
    });
});
