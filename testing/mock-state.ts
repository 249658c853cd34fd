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
    inputs: Record<string, unknown>,
    account: string,
): Record<string, unknown> {
    const region = typeof inputs.region === "string" ? inputs.region : "us-east-1";
    const physical = typeof inputs.name === "string" ? inputs.name : name;
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
        case "aws:s3/bucket:Bucket": {
            const bucket = typeof inputs.bucket === "string" ? inputs.bucket : physical;
            return { arn: `arn:aws:s3:::${bucket}`, bucket };
        }
        case "aws:cloudwatch/compositeAlarm:CompositeAlarm":
            return { arn: `arn:aws:cloudwatch:${region}:${account}:alarm:${typeof inputs.alarmName === "string" ? inputs.alarmName : name}` };
        case "aws:cloudwatch/eventRule:EventRule":
            return { arn: `arn:aws:events:${region}:${account}:rule/${physical}` };
        case "aws:iam/policy:Policy":
            return { arn: `arn:aws:iam::${account}:policy/${physical}` };
        case "aws:budgets/budget:Budget":
            return { name: physical, arn: `arn:aws:budgets::${account}:budget/${physical}` };
        case "aws:sns/topic:Topic":
            return { arn: `arn:aws:sns:${region}:${account}:${physical}` };
        case "aws:ec2/securityGroup:SecurityGroup":
            return { arn: `arn:aws:ec2:${region}:${account}:security-group/${id}`, name: typeof inputs.name === "string" ? inputs.name : `${name}-${hexOf(name, 7)}` };
        case "awsx:ec2:Vpc":
            return awsxVpcState(name, inputs, region);
        case "random:index/randomPassword:RandomPassword":
            // Stands in for the generated value the provider would keep in state: stable per name.
            return { result: createHash("sha256").update(name).digest("hex").slice(0, Number(inputs.length ?? 32)) };
        default:
            return {};
    }
}

/** Hex digits derived from `seed`, so ids are stable from run to run. */
function hexOf(seed: string, length: number): string {
    return createHash("sha256").update(seed).digest("hex").slice(0, length);
}

/** EC2 id prefixes: a security group or VPC id is what AWS would return (`sg-0…`, 17 hex digits). */
const EC2_ID_PREFIXES: Record<string, string> = {
    "aws:ec2/securityGroup:SecurityGroup": "sg",
    "aws:ec2/vpc:Vpc": "vpc",
    "aws:ec2/subnet:Subnet": "subnet",
    "aws:ec2/vpcEndpoint:VpcEndpoint": "vpce",
};

/** The id a provider would assign: IAM addresses roles by name, EC2 mints `sg-…`/`vpc-…` ids. */
export function mockResourceId(type: string, name: string, inputs: Record<string, unknown>): string {
    if (type === "aws:iam/role:Role") return typeof inputs.name === "string" ? inputs.name : name;
    // KMS mints key ids as UUIDs, and the runtime refuses an archive key ARN that is not shaped like one.
    if (type === "aws:kms/key:Key") {
        const hex = hexOf(`${type}/${name}`, 32);
        return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
    }
    const prefix = EC2_ID_PREFIXES[type];
    return prefix ? `${prefix}-0${hexOf(`${type}/${name}`, 16)}` : `${name}-id`;
}

/**
 * awsx v3's Vpc is a remote component: under mocks it has no children, so its
 * outputs are what a deploy would give: a VPC id and one subnet per
 * availability zone and subnet spec, grouped by type.
 */
function awsxVpcState(name: string, inputs: Record<string, unknown>, region: string): Record<string, unknown> {
    const zones = typeof inputs.numberOfAvailabilityZones === "number" ? inputs.numberOfAvailabilityZones : 3;
    const specs = (Array.isArray(inputs.subnetSpecs) ? inputs.subnetSpecs : [{ type: "Private" }, { type: "Public" }]) as { type: string; name?: string }[];
    const subnets = (type: string) => specs.filter((s) => s.type === type)
        .flatMap((s) => Array.from({ length: zones }, (_, z) => `subnet-0${hexOf(`${name}/${s.name ?? type}/${z}`, 16)}`));
    return {
        vpcId: `vpc-0${hexOf(`awsx/${name}`, 16)}`,
        isolatedSubnetIds: subnets("Isolated"),
        privateSubnetIds: subnets("Private"),
        publicSubnetIds: subnets("Public"),
        availabilityZones: Array.from({ length: zones }, (_, z) => `${region}${String.fromCharCode(97 + z)}`),
    };
}

/** What `aws.getCallerIdentity` returns for `account` under mocks. */
export function mockCallerIdentity(account: string): Record<string, string> {
    return { accountId: account, arn: `arn:aws:iam::${account}:role/deployer`, userId: "AROADEPLOYER", id: account };
}

export const CALLER_IDENTITY_TOKEN = "aws:index/getCallerIdentity:getCallerIdentity";
