/**
 * awsx's Vpc creates the endpoints its vpcEndpointSpecs ask for, children a
 * plan written under mocks does not show: each spec is held to what a
 * declared aws:ec2/vpcEndpoint is (its service, and its policy on the
 * runtime's audit writes), and an input the proof does not read is a
 * finding, in the ops stack and the customer stack alike. The component's
 * own Vpc inputs stay clean.
 */
import * as assert from "assert";
import { addResource, editedPlan, resource, shippedPlan, verify, type StackDoc } from "../support/plan-files";

const VPC = "awsx:ec2:Vpc";
const OWN_VPC = "customer-a-vpc";
const FOREIGN_SERVICE = "com.amazonaws.vpce.us-east-1.vpce-svc-0123456789abcdef0";

/** Sets `inputs` on the component's Vpc, inputs and outputs alike. */
const ownVpcWith = (inputs: Record<string, unknown>) => (doc: StackDoc) => {
    const vpc = resource(doc, VPC, OWN_VPC);
    for (const side of [vpc.inputs, vpc.outputs]) Object.assign(side, inputs);
};

const denyArchiveWrites = JSON.stringify({ Version: "2012-10-17", Statement: [{ Sid: "NoPuts", Effect: "Deny", Principal: "*", Action: "s3:PutObject", Resource: "*" }, { Effect: "Allow", Principal: "*", Action: "*", Resource: "*" }] });

describe("awsx Vpc inputs", function () {
    this.timeout(120_000);
    let plan: string;
    before(async () => {
        plan = await shippedPlan();
    });

    const run = (stack: string, edit: (doc: StackDoc) => void) => verify(editedPlan(plan, stack, edit));
    const shown = (result: ReturnType<typeof verify>) => JSON.stringify(result.report?.violations?.map((v: any) => [v.code, v.resource, v.statement, v.why]));

    const refused: [string, string, (doc: StackDoc) => void, string, string, string, RegExp][] = [
        ["an interface endpoint to another account's endpoint service", "customer-a", ownVpcWith({ vpcEndpointSpecs: [{ serviceName: FOREIGN_SERVICE, vpcEndpointType: "Interface", privateDnsEnabled: true }] }),
            "BT-CUSTOMER-EGRESS", OWN_VPC, "vpcEndpointSpecs[0].serviceName", /connects to "com\.amazonaws\.vpce\.us-east-1\.vpce-svc-0123456789abcdef0", not an AWS service of us-east-1/],
        ["an endpoint of another Region", "customer-a", ownVpcWith({ vpcEndpointSpecs: [{ serviceName: "com.amazonaws.us-east-1.s3", vpcEndpointType: "Gateway", region: "eu-west-1" }] }),
            "BT-CUSTOMER-EGRESS", OWN_VPC, "vpcEndpointSpecs[0].serviceName", /not an AWS service of eu-west-1/],
        ["an S3 gateway endpoint whose policy denies the archive writes", "customer-a", ownVpcWith({ vpcEndpointSpecs: [{ serviceName: "com.amazonaws.us-east-1.s3", vpcEndpointType: "Gateway", policy: denyArchiveWrites }] }),
            "BT-CUSTOMER-AUDIT-REMOVAL", OWN_VPC, "vpcEndpointSpecs[0].Statement 1 (Sid \"NoPuts\")", /denies, on the runtime's path to com\.amazonaws\.us-east-1\.s3/],
        ["an input the proof does not read", "customer-a", ownVpcWith({ peerings: [{ peerVpcId: "vpc-0other" }] }),
            "BT-CUSTOMER-EGRESS", OWN_VPC, "peerings", /asks the awsx plugin, by peerings, for what the file does not show/],
        ["endpoint specs the proof cannot read", "customer-a", ownVpcWith({ vpcEndpointSpecs: "04da6b54-80e4-46f7-96ec-b56ff0331ba9" }),
            "BT-CUSTOMER-EGRESS", OWN_VPC, "vpcEndpointSpecs", /which is no list of endpoint specs/],
        ["an ops stack's awsx Vpc with an endpoint to another account's endpoint service", "ops", (doc) => addResource(doc, VPC, "ops-vpc", { cidrBlock: "10.90.0.0/16", region: "us-east-1", vpcEndpointSpecs: [{ serviceName: FOREIGN_SERVICE, vpcEndpointType: "Interface" }] }, { custom: false }),
            "BT-OPS-EGRESS", "ops-vpc", "vpcEndpointSpecs[0].serviceName", /connects to "com\.amazonaws\.vpce\.us-east-1\.vpce-svc-0123456789abcdef0"/],
        ["an ops stack's awsx Vpc whose endpoint's Region nothing in the file says", "ops", (doc) => addResource(doc, VPC, "ops-vpc", { cidrBlock: "10.90.0.0/16", vpcEndpointSpecs: [{ serviceName: "com.amazonaws.us-east-1.s3", vpcEndpointType: "Gateway" }] }, { custom: false }),
            "BT-OPS-EGRESS", "ops-vpc", "vpcEndpointSpecs[0].region", /names no Region the proof can read/],
    ];
    for (const [name, stack, edit, code, resourceName, statement, why] of refused) {
        it(`finds ${name}`, () => {
            const result = run(stack, edit);
            assert.strictEqual(result.code, 1, result.stderr);
            assert.ok(result.report.violations.some((v: any) => v.code === code && v.resource === resourceName && v.statement === statement && why.test(v.why)), shown(result));
        });
    }

    it("accepts the component's own Vpc with a gateway endpoint of its Region and the layout inputs awsx takes", () => {
        const result = run("customer-a", ownVpcWith({ availabilityZoneNames: ["us-east-1a", "us-east-1b"], subnetStrategy: "Auto", vpcEndpointSpecs: [{ serviceName: "com.amazonaws.us-east-1.dynamodb", vpcEndpointType: "Gateway" }] }));
        assert.strictEqual(result.code, 0, shown(result));
    });
});
