import { createHash } from "crypto";

/**
 * Plausible provider-computed outputs for the resource types the components
 * create, so a program run under Pulumi mocks can read `arn`, `name` and ids
 * the way it would after a real deploy. Shared by the tests and the offline plan.
 */
export function mockResourceState(
    type: string,
    name: string,
    id: string,
    inputs: Record<string, any>,
    account: string,
): Record<string, unknown> {
    const region = inputs.region ?? "us-east-1";
    const physical = inputs.name ?? name;
    switch (type) {
        case "aws:iam/role:Role":
            return { arn: `arn:aws:iam::${account}:role/${physical}`, name: physical, uniqueId: `AROA${id}` };
        case "aws:kms/key:Key":
            return { arn: `arn:aws:kms:${region}:${account}:key/${id}`, keyId: id };
        case "aws:kms/alias:Alias":
            return { arn: `arn:aws:kms:${region}:${account}:${physical}` };
        case "aws:cloudwatch/logGroup:LogGroup":
            return { arn: `arn:aws:logs:${region}:${account}:log-group:${physical}`, name: physical };
        case "aws:lambda/function:Function":
            return { arn: `arn:aws:lambda:${region}:${account}:function:${physical}`, name: physical };
        case "aws:bedrock/inferenceProfile:InferenceProfile":
            return { arn: `arn:aws:bedrock:${region}:${account}:application-inference-profile/${id}` };
        case "aws:cloudwatch/metricAlarm:MetricAlarm":
            return { arn: `arn:aws:cloudwatch:${region}:${account}:alarm:${physical}` };
        case "aws:s3/bucket:Bucket":
            return { arn: `arn:aws:s3:::${inputs.bucket ?? physical}`, bucket: inputs.bucket ?? physical };
        case "aws:cloudwatch/compositeAlarm:CompositeAlarm":
            return { arn: `arn:aws:cloudwatch:${region}:${account}:alarm:${inputs.alarmName ?? name}` };
        case "aws:cloudwatch/eventRule:EventRule":
            return { arn: `arn:aws:events:${region}:${account}:rule/${physical}` };
        case "aws:iam/policy:Policy":
            return { arn: `arn:aws:iam::${account}:policy/${physical}` };
        case "aws:budgets/budget:Budget":
            return { name: physical, arn: `arn:aws:budgets::${account}:budget/${physical}` };
        case "aws:sns/topic:Topic":
            return { arn: `arn:aws:sns:${region}:${account}:${physical}` };
        case "random:index/randomPassword:RandomPassword":
            // Stands in for the generated value the provider would keep in state: stable per name.
            return { result: createHash("sha256").update(name).digest("hex").slice(0, Number(inputs.length ?? 32)) };
        default:
            return {};
    }
}

/** The id a provider would assign: IAM addresses roles by name, and so do policies attached to them. */
export function mockResourceId(type: string, name: string, inputs: Record<string, any>): string {
    return type === "aws:iam/role:Role" ? String(inputs.name ?? name) : `${name}-id`;
}

/** What `aws.getCallerIdentity` returns for `account` under mocks. */
export function mockCallerIdentity(account: string): Record<string, string> {
    return { accountId: account, arn: `arn:aws:iam::${account}:role/deployer`, userId: "AROADEPLOYER", id: account };
}

export const CALLER_IDENTITY_TOKEN = "aws:index/getCallerIdentity:getCallerIdentity";
