import * as assert from "assert";
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import * as awsx from "@pulumi/awsx";
import { installMocks, isSecretOutput, ofType, promiseOf } from "../../testing";

function failureOf(output: pulumi.Output<unknown> | Promise<unknown>): Promise<Error> {
    const p = output instanceof Promise ? output : (output as unknown as { promise(): Promise<unknown> }).promise();
    return p.then(() => { throw new Error("it resolved"); }, (e: Error) => e);
}

describe("bedrock-tenancy/testing mocks", () => {
    beforeEach(async () => {
        await installMocks({
            account: "123456789012",
            region: "eu-west-1",
            stackOutputs: { "acme/p/ops": { outputs: { tenants: { a: 1 }, name: "ops" }, secretOutputNames: ["tenants"] } },
        });
    });

    it("answers the caller identity with the mocked account", async () => {
        const identity = await aws.getCallerIdentity();
        assert.strictEqual(identity.accountId, "123456789012");
        assert.strictEqual((await aws.getRegion()).region, "eu-west-1");
    });

    it("fails a data-source call it does not know, naming its token", async () => {
        const failure = await failureOf(aws.ec2.getAmi({ owners: ["amazon"], mostRecent: true }));
        assert.match(String(failure), /unexpected data-source call aws:ec2\/getAmi:getAmi/);
    });

    it("generates a RandomPassword result of the requested length, different per name", async () => {
        const a = new random.RandomPassword("a", { length: 24, special: false });
        const b = new random.RandomPassword("b", { length: 24, special: false });
        const [ra, rb] = await Promise.all([promiseOf(a.result), promiseOf(b.result)]);
        assert.strictEqual(ra.length, 24);
        assert.notStrictEqual(ra, rb);
    });

    it("mints ARNs with the account and the resource's Region", async () => {
        const role = new aws.iam.Role("r", { name: "some-role", assumeRolePolicy: "{}" });
        const group = new aws.cloudwatch.LogGroup("g", { name: "/x/audit", region: "eu-west-1" });
        assert.strictEqual(await promiseOf(role.arn), "arn:aws:iam::123456789012:role/some-role");
        assert.strictEqual(await promiseOf(group.arn), "arn:aws:logs:eu-west-1:123456789012:log-group:/x/audit");
    });

    it("returns StackReference outputs with their secrecy", async () => {
        const ref = new pulumi.StackReference("acme/p/ops");
        assert.deepStrictEqual(await promiseOf(ref.getOutput("tenants")), { a: 1 });
        assert.strictEqual(await isSecretOutput(ref.getOutput("tenants")), true);
        assert.strictEqual(await isSecretOutput(ref.getOutput("name")), false);
    });

    it("expands an awsx VPC into a VPC id and one subnet per zone and spec", async () => {
        const recorded = await installMocks();
        const vpc = new awsx.ec2.Vpc("v", { numberOfAvailabilityZones: 2, subnetSpecs: [{ type: awsx.ec2.SubnetType.Isolated }] });
        const [vpcId, isolated, privateIds] = await Promise.all([promiseOf(vpc.vpcId), promiseOf(vpc.isolatedSubnetIds), promiseOf(vpc.privateSubnetIds)]);
        assert.match(vpcId, /^vpc-0[0-9a-f]{16}$/);
        assert.strictEqual(isolated.length, 2);
        isolated.forEach((s) => assert.match(s, /^subnet-0[0-9a-f]{16}$/));
        assert.deepStrictEqual(privateIds, []);
        const sg = new aws.ec2.SecurityGroup("sg", { vpcId: vpc.vpcId });
        assert.match(await promiseOf(sg.id), /^sg-0[0-9a-f]{16}$/);
        assert.strictEqual(ofType(recorded, "awsx:ec2:Vpc").length, 1);
    });
});
