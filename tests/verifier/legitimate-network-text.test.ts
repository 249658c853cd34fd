/**
 * A team's own network and prose beside the components, which the proof
 * must let pass: IPv6 egress to the internet, a gateway endpoint's route
 * table association, and its own bucket named at the end of a sentence.
 */
import * as assert from "assert";
import { addResource, editedPlan, shippedPlan, verify, type StackDoc } from "../support/plan-files";

/** The customer stack's archive bucket, as the shipped plan names it. */
function ownBucket(doc: StackDoc): string {
    const bucket = doc.deployment.resources.find((r) => r.type === "aws:s3/bucketV2:BucketV2" || r.type === "aws:s3/bucket:Bucket");
    return bucket.outputs.bucket ?? bucket.inputs.bucket;
}

describe("a team's own network and prose beside the components", function () {
    this.timeout(120_000);
    let plan: string;
    before(async () => {
        plan = await shippedPlan();
    });

    const passes = (edit: (doc: StackDoc) => void) => {
        const run = verify(editedPlan(plan, "customer-a", edit));
        assert.strictEqual(run.code, 0, run.stderr);
    };

    it("accepts an egress-only internet gateway and its IPv6 route", () => {
        passes((d) => {
            addResource(d, "aws:ec2/routeTable:RouteTable", "rt", { vpcId: "vpc-1" }, { id: "rtb-1" });
            addResource(d, "aws:ec2/egressOnlyInternetGateway:EgressOnlyInternetGateway", "eigw", { vpcId: "vpc-1" });
            addResource(d, "aws:ec2/route:Route", "v6-out", { routeTableId: "rtb-1", destinationIpv6CidrBlock: "::/0", egressOnlyGatewayId: "eigw-id" });
        });
    });

    it("accepts a gateway endpoint's route table association", () => {
        passes((d) => {
            addResource(d, "aws:ec2/routeTable:RouteTable", "rt", { vpcId: "vpc-1" }, { id: "rtb-1" });
            addResource(d, "aws:ec2/vpcEndpoint:VpcEndpoint", "s3-gateway", { vpcId: "vpc-1", vpcEndpointType: "Gateway", serviceName: "com.amazonaws.us-east-1.s3", region: "us-east-1" }, { id: "vpce-1" });
            addResource(d, "aws:ec2/vpcEndpointRouteTableAssociation:VpcEndpointRouteTableAssociation", "s3-rt", { routeTableId: "rtb-1", vpcEndpointId: "vpce-1" });
        });
    });

    it("reads the stack's own bucket at the end of a sentence as that bucket", () => {
        passes((d) => {
            const bucket = ownBucket(d);
            addResource(d, "aws:athena/namedQuery:NamedQuery", "own", { database: "bedrock_tenancy_customer_a", query: `SELECT 1; -- reads arn:aws:s3:::${bucket}. Results go to s3://${bucket}/results/?` , description: `Queries over s3://${bucket}.` });
        });
    });

    it("still finds a foreign bucket at the end of a sentence", () => {
        const run = verify(editedPlan(plan, "customer-a", (d) => addResource(d, "aws:athena/namedQuery:NamedQuery", "other", { database: "bedrock_tenancy_customer_a", query: "SELECT 1", description: "Copies to s3://someone-elses-bucket." })));
        assert.strictEqual(run.code, 1, run.stderr);
        assert.ok(run.report.violations.some((v: { why: string }) => /bucket someone-elses-bucket,/.test(v.why)), run.stderr);
    });
});
