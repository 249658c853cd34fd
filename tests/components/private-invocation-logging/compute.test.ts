import * as assert from "assert";
import * as pulumi from "@pulumi/pulumi";
import { PrivateInvocationLogging } from "../../../components/private-invocation-logging/private-invocation-logging";
import { resolvePrivateInvocationLoggingArgs } from "../../../components/private-invocation-logging/validation";
import { ArgumentError } from "../../../contract";
import { CUSTOMER_A_ACCOUNT, customerAArgs, fixtureBundle, settle } from "../../support/customer-fixtures";
import { type RecordedResource, installMocks, ofType, promiseOf } from "../../../testing/pulumi-mocks";
import { parsePolicy } from "../../../testing/tenant-access-fixtures";

const ROLE = "BedrockTenancyRuntime-customer-a";

async function deploy(args: Record<string, unknown>): Promise<{ recorded: RecordedResource[]; component: PrivateInvocationLogging }> {
    const recorded = await installMocks({
        account: CUSTOMER_A_ACCOUNT,
        // The shared mocks know neither resource's computed outputs; without them these Outputs stay unknown.
        state: (r) =>
            r.type === "aws:lambda/functionUrl:FunctionUrl"
                ? { functionUrl: "https://url-id.lambda-url.us-east-1.on.aws/" }
                : r.type === "aws:iam/instanceProfile:InstanceProfile"
                  ? { arn: `arn:aws:iam::${CUSTOMER_A_ACCOUNT}:instance-profile/${r.inputs.name}` }
                  : {},
    });
    // The bundle is the Lambda's alone: other computes refuse it.
    const bundle = args.compute === undefined || args.compute === "lambda" ? { lambdaBundlePath: fixtureBundle() } : {};
    const component = new PrivateInvocationLogging("audit", customerAArgs({ ...bundle, ...args }));
    await settle(component);
    await Promise.all([promiseOf(component.functionUrl), promiseOf(component.instanceProfileArn)]);
    return { recorded, component };
}

/** Every principal any statement of the created runtime role's trust policy admits. */
function trustedPrincipals(recorded: RecordedResource[]): unknown[] {
    const roles = ofType(recorded, "aws:iam/role:Role");
    assert.strictEqual(roles.length, 1, "one runtime role per tenant and account");
    assert.strictEqual(roles[0].inputs.name, ROLE);
    const trust = JSON.parse(roles[0].inputs.assumeRolePolicy);
    return trust.Statement.map((s: { Effect: string; Principal: unknown; Action: unknown }) => {
        assert.strictEqual(s.Effect, "Allow");
        assert.strictEqual(s.Action, "sts:AssumeRole");
        return s.Principal;
    });
}

describe("PrivateInvocationLogging compute choice", () => {
    it("lambda (default): the role trusts Lambda only, and a buffered handler without a URL", async () => {
        const { recorded, component } = await deploy({});
        assert.deepStrictEqual(trustedPrincipals(recorded), [{ Service: "lambda.amazonaws.com" }]);
        const fn = ofType(recorded, "aws:lambda/function:Function");
        assert.strictEqual(fn.length, 1);
        assert.strictEqual(fn[0].inputs.handler, "index.handler");
        assert.strictEqual(ofType(recorded, "aws:lambda/functionUrl:FunctionUrl").length, 0);
        assert.strictEqual(await promiseOf(component.functionUrl), undefined);
    });

    it("lambda with responseStreaming: the streaming handler behind an IAM-authenticated RESPONSE_STREAM URL", async () => {
        const { recorded } = await deploy({ responseStreaming: true });
        const fn = ofType(recorded, "aws:lambda/function:Function");
        assert.strictEqual(fn[0].inputs.handler, "index.streamingHandler");
        const urls = ofType(recorded, "aws:lambda/functionUrl:FunctionUrl");
        assert.strictEqual(urls.length, 1);
        assert.strictEqual(urls[0].inputs.authorizationType, "AWS_IAM");
        assert.strictEqual(urls[0].inputs.invokeMode, "RESPONSE_STREAM");
        assert.strictEqual(urls[0].inputs.functionName, fn[0].inputs.name);
    });

    it("ecs: no function; the role trusts ECS tasks only and keeps the runtime policy", async () => {
        const { recorded, component } = await deploy({ compute: "ecs" });
        assert.deepStrictEqual(trustedPrincipals(recorded), [{ Service: "ecs-tasks.amazonaws.com" }]);
        assert.strictEqual(ofType(recorded, "aws:lambda/function:Function").length, 0);
        assert.strictEqual(ofType(recorded, "aws:iam/instanceProfile:InstanceProfile").length, 0);
        const policy = ofType(recorded, "aws:iam/rolePolicy:RolePolicy");
        assert.strictEqual(policy.length, 1);
        assert.strictEqual(policy[0].inputs.role, ROLE);
        assert.strictEqual(await promiseOf(component.functionName), undefined);
        assert.strictEqual(await promiseOf(component.runtimeRoleArn), `arn:aws:iam::${CUSTOMER_A_ACCOUNT}:role/${ROLE}`);
        // The log group, key, filters and alarm do not depend on the Lambda.
        assert.strictEqual(ofType(recorded, "aws:cloudwatch/logGroup:LogGroup").length, 1);
        assert.strictEqual(ofType(recorded, "aws:cloudwatch/metricAlarm:MetricAlarm").length, 1);
    });

    it("ec2: the role trusts EC2 only and gets an instance profile", async () => {
        const { recorded, component } = await deploy({ compute: "ec2" });
        assert.deepStrictEqual(trustedPrincipals(recorded), [{ Service: "ec2.amazonaws.com" }]);
        const profiles = ofType(recorded, "aws:iam/instanceProfile:InstanceProfile");
        assert.strictEqual(profiles.length, 1);
        assert.strictEqual(profiles[0].inputs.role, ROLE);
        assert.strictEqual(await promiseOf(component.instanceProfileArn), `arn:aws:iam::${CUSTOMER_A_ACCOUNT}:instance-profile/${ROLE}`);
        assert.strictEqual(ofType(recorded, "aws:lambda/function:Function").length, 0);
    });

    it("existing-role: no role is created; the runtime policy goes to the role the ops trust names", async () => {
        const { recorded, component } = await deploy({ compute: "existing-role", existingRoleName: ROLE });
        assert.strictEqual(ofType(recorded, "aws:iam/role:Role").length, 0);
        const policy = ofType(recorded, "aws:iam/rolePolicy:RolePolicy");
        assert.strictEqual(policy.length, 1);
        assert.strictEqual(policy[0].inputs.role, ROLE);
        assert.deepStrictEqual(
            (parsePolicy(policy[0].inputs.policy) as any).Statement.flatMap((s: { Action: string[] }) => s.Action).sort(),
            ["logs:CreateLogStream", "logs:PutLogEvents", "sts:AssumeRole", "sts:SetSourceIdentity", "sts:TagSession"],
        );
        assert.strictEqual(await promiseOf(component.runtimeRoleArn), `arn:aws:iam::${CUSTOMER_A_ACCOUNT}:role/${ROLE}`);
    });

    const refusals: [string, Record<string, unknown>, RegExp][] = [
        ["an unknown compute", { compute: "fargate" }, /compute must be one of .*got "fargate"/],
        ["an existing role the ops trust does not name", { compute: "existing-role", existingRoleName: "AppRole" }, /existingRoleName must be "BedrockTenancyRuntime-customer-a".*got "AppRole"/],
        ["existing-role without a name", { compute: "existing-role" }, /existingRoleName must be "BedrockTenancyRuntime-customer-a".*got undefined/],
        ["existingRoleName without existing-role", { compute: "ecs", existingRoleName: ROLE }, /existingRoleName is used only with compute "existing-role", got compute "ecs"/],
        ["streaming without the Lambda", { compute: "ecs", responseStreaming: true }, /responseStreaming applies to the Lambda only, got compute "ecs"/],
        ["network isolation without the Lambda", { compute: "ec2", networkIsolation: {} }, /networkIsolation applies to the Lambda only, got compute "ec2"/],
        ["a non-boolean responseStreaming", { responseStreaming: "yes" }, /responseStreaming must be .*got "yes"/],
        ["a bundle path without the Lambda", { compute: "ecs", lambdaBundlePath: "dist/lambda/index.mjs" }, /^lambdaBundlePath applies to the Lambda only, got compute "ecs"$/],
        ["a bundle path that is no string", { lambdaBundlePath: 42 }, /^lambdaBundlePath must be the path of the runtime bundle's index\.mjs, got 42$/],
        ["an empty bundle path", { lambdaBundlePath: "" }, /^lambdaBundlePath must be the path of the runtime bundle's index\.mjs, got ""$/],
        ["a bundle path known only at deploy", { lambdaBundlePath: pulumi.output("dist/lambda/index.mjs") }, /^lambdaBundlePath must be a plain value known at preview, not an Output$/],
    ];
    for (const [what, args, message] of refusals) {
        it(`refuses ${what}, naming the argument and the value`, () => {
            assert.throws(
                () => resolvePrivateInvocationLoggingArgs(customerAArgs(args)),
                (err: Error) => err instanceof ArgumentError && message.test(err.message),
            );
        });
    }
});
