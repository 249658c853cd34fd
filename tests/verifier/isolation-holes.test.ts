/**
 * Paths out and record losses the proof must catch on the shipped plan, and
 * a harmless read it must let pass: what a preview drops from the state but
 * leaves in AWS, a runtime log level that filters the records, places named
 * inside free text and in the customer stack's outputs, network routes and
 * endpoints into other accounts, other code running as the runtime role.
 */
import * as assert from "assert";
import { stackStateOf, UnreadableInputError, type StackState } from "../../verifier/pulumi-formats";
import { addResource, editedPlan, resource, shippedPlan, verify, type StackDoc } from "../support/plan-files";
import { rooted } from "../support/stack-root";

const FUNCTION = "aws:lambda/function:Function";
const LOG_GROUP = "aws:cloudwatch/logGroup:LogGroup";
const STACK = "urn:pulumi:ops::bedrock-tenancy::pulumi:pulumi:Stack::bedrock-tenancy-ops";
const LOGGING = "aws:bedrockmodel/invocationLoggingConfiguration:InvocationLoggingConfiguration";

function logConfigStep(op: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
    const urn = `urn:pulumi:ops::bedrock-tenancy::${LOGGING}::logcfg`;
    return { op, urn, oldState: { urn, type: LOGGING, custom: true, id: "us-east-1", parent: STACK, inputs: { loggingConfig: { textDataDeliveryEnabled: true } }, outputs: {}, ...extra } };
}

describe("preview steps that leave a resource in AWS", () => {
    // A preview of the stack: its root's step first, as Pulumi writes it.
    const preview = (...steps: Record<string, unknown>[]) => rooted({ steps });
    const kept = (state: StackState) => state.resources.filter((r) => r.urn !== STACK);
    for (const op of ["discard", "discard-replaced"]) {
        it(`proves the old state of a ${op} step, which stays in AWS`, () => {
            const state = stackStateOf("p.json", preview(logConfigStep(op)));
            assert.strictEqual(kept(state).length, 1);
            assert.strictEqual(kept(state)[0].retained, true);
        });
    }
    it("keeps a read resource's discard as someone else's, still in AWS", () => {
        const state = stackStateOf("p.json", preview(logConfigStep("discard", { external: true })));
        assert.strictEqual(kept(state)[0].external, true);
    });
    it("proves a remove-pending-replace of a resource that was not deleted ahead of its replacement", () => {
        assert.strictEqual(kept(stackStateOf("p.json", preview(logConfigStep("remove-pending-replace")))).length, 1);
        assert.strictEqual(kept(stackStateOf("p.json", preview(logConfigStep("remove-pending-replace", { pendingReplacement: true })))).length, 0);
    });
    it("refuses a discard without its old state, and an op Pulumi does not write", () => {
        assert.throws(() => stackStateOf("p.json", preview({ op: "discard", urn: `urn:pulumi:ops::bedrock-tenancy::${LOGGING}::x` })), (err: Error) => err instanceof UnreadableInputError && err.message.includes("has no oldState"));
        assert.throws(() => stackStateOf("p.json", preview(logConfigStep("read-discard"))), (err: Error) => err instanceof UnreadableInputError && err.message.includes("not a step Pulumi writes"));
    });
});

describe("bedrock-tenancy verify on paths out of the customer account", function () {
    this.timeout(300_000);
    let plan: string;
    before(async () => {
        plan = await shippedPlan();
    });

    function caught(edit: (doc: StackDoc) => void, statement: RegExp, why: RegExp): void {
        const run = verify(editedPlan(plan, "customer-a", edit));
        assert.strictEqual(run.code, 1, run.stderr);
        assert.ok(run.report.violations.some((v: any) => statement.test(v.statement) && why.test(v.why)), run.stderr);
    }

    for (const level of ["WARN", "ERROR", "FATAL", "warn"]) {
        it(`refuses the runtime's application log level ${level}, which drops its records`, () => {
            caught((d) => Object.assign(resource(d, FUNCTION, "customer-a-function").inputs.loggingConfig, { applicationLogLevel: level }), /applicationLogLevel/, /INFO/);
        });
    }
    it("accepts the runtime's application log level INFO", () => {
        const run = verify(editedPlan(plan, "customer-a", (d) => Object.assign(resource(d, FUNCTION, "customer-a-function").inputs.loggingConfig, { applicationLogLevel: "INFO", systemLogLevel: "WARN" })));
        assert.strictEqual(run.code, 0, run.stderr);
    });
    it("finds a foreign bucket inside a saved query's text", () => {
        caught((d) => addResource(d, "aws:athena/namedQuery:NamedQuery", "exfil", { database: "bedrock_tenancy_customer_a", query: "UNLOAD (SELECT * FROM audit_records) TO 's3://someone-elses-bucket/x/' WITH (format='JSON')" }), /^query$/, /someone-elses-bucket/);
    });
    it("finds another account's ARN inside free text", () => {
        caught((d) => addResource(d, "aws:athena/namedQuery:NamedQuery", "exfil", { database: "bedrock_tenancy_customer_a", query: "SELECT 1 -- arn:aws:iam::222222222222:root" }), /^query$/, /222222222222/);
    });
    it("finds a foreign bucket and another account in the customer stack's outputs", () => {
        caught((d) => { d.deployment.resources.find((r) => r.type === "pulumi:pulumi:Stack").outputs.exportTo = "s3://someone-elses-bucket/audit"; }, /exportTo/, /someone-elses-bucket/);
        caught((d) => { d.deployment.resources.find((r) => r.type === "pulumi:pulumi:Stack").outputs.peer = "arn:aws:iam::222222222222:root"; }, /peer/, /222222222222/);
    });
    it("finds a function on a capacity provider outside the files", () => {
        caught((d) => { resource(d, FUNCTION, "customer-a-function").inputs.capacityProviderConfig = { lambdaManagedInstancesCapacityProviderConfig: { capacityProviderArn: "shared" } }; }, /capacityProviderConfig/, /capacity provider/);
    });
    for (const [key, value] of [["vpcPeeringConnectionId", "pcx-0abc"], ["transitGatewayId", "tgw-0abc"], ["coreNetworkArn", "arn:aws:networkmanager::111111111111:core-network/core-network-0abc"]]) {
        it(`finds a route into ${key}`, () => {
            caught((d) => addResource(d, "aws:ec2/route:Route", "r", { routeTableId: "rtb-1", destinationCidrBlock: "10.99.0.0/16", [key]: value }), new RegExp(key), /another account/);
        });
    }
    it("finds a route table's inline route into a peering connection", () => {
        caught((d) => addResource(d, "aws:ec2/routeTable:RouteTable", "rt", { vpcId: "vpc-1", routes: [{ cidrBlock: "10.99.0.0/16", vpcPeeringConnectionId: "pcx-0abc" }] }), /routes\[0\]/, /another account/);
    });
    it("finds an interface endpoint to execute-api", () => {
        caught((d) => addResource(d, "aws:ec2/vpcEndpoint:VpcEndpoint", "apigw", { vpcId: "vpc-1", serviceName: "com.amazonaws.us-east-1.execute-api", vpcEndpointType: "Interface", region: "us-east-1" }), /serviceName/, /private APIs/);
    });
    it("finds other code running as the runtime role", () => {
        caught((d) => {
            const fn = resource(d, FUNCTION, "customer-a-function");
            addResource(d, FUNCTION, "helper", { ...fn.inputs, name: "helper", environment: undefined, vpcConfig: undefined });
        }, /^role$/, /only the component's own runtime function/);
        caught((d) => addResource(d, "aws:iam/instanceProfile:InstanceProfile", "ip", { role: "BedrockTenancyRuntime-customer-a" }), /^role$/, /EC2 instances/);
    });
    it("accepts a .get() read of the stack's own audit log group", () => {
        const read = (region: string) => (d: StackDoc) => {
            const g = resource(d, LOG_GROUP, "customer-a-log-group");
            const arn = `arn:aws:logs:${region}:111111111111:log-group:${g.inputs.name}`;
            addResource(d, LOG_GROUP, "audit-read", { ...g.inputs, region, arn }, { external: true, id: g.inputs.name, outputs: { arn } });
            if (g.inputs.region === undefined) g.inputs.region = "us-east-1";
        };
        const same = verify(editedPlan(plan, "customer-a", read("us-east-1")));
        assert.strictEqual(same.code, 0, same.stderr);
    });
    it("still finds a .get() read of the audit log group's name through another provider", () => {
        caught((d) => {
            const g = resource(d, LOG_GROUP, "customer-a-log-group");
            addResource(d, LOG_GROUP, "audit-read", { ...g.inputs }, { external: true, id: g.inputs.name, provider: "urn:pulumi:customer-a::bedrock-tenancy::pulumi:providers:aws::other::other-id" });
        }, /./, /DUPLICATE|physical name|provider/i);
    });
});
