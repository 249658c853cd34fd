/**
 * The IAM state of every account in a set of plans, read from the resources
 * the stacks declare (through the verifier's own reader): roles with their
 * trust, inline and attached policies and boundary, managed policies, KMS key
 * policies, buckets with their policies and Object Lock retention, log groups,
 * application inference profiles and Budgets actions. The enforcing stand-ins
 * answer every request from this state, and their IAM API changes it.
 */
import * as fs from "fs";
import * as path from "path";
import { readStackState, type StackResource, type StackState } from "../../verifier/pulumi-formats";

export type PolicyDocument = { Version?: string; Statement: unknown };

export interface TwinRole {
    arn: string;
    name: string;
    account: string;
    trust: PolicyDocument;
    /** Inline policies by name: the plan's, then whatever IAM's API puts or deletes. */
    inline: Map<string, PolicyDocument>;
    /** ARNs of attached managed policies. */
    attached: Set<string>;
    boundaryArn?: string;
    /** @default 3600 */
    maxSessionDuration: number;
    stack: string;
}

export interface TwinBucket {
    name: string;
    account: string;
    region: string;
    policy?: PolicyDocument;
    /** Default Object Lock retention, when the bucket has one. */
    lock?: { mode: string; days: number };
}

export interface TwinLogGroup {
    name: string;
    account: string;
    region: string;
    arn: string;
    kmsKeyArn?: string;
}

export interface TwinFunction {
    name: string;
    account: string;
    roleArn: string;
    handler: string;
    bundlePath?: string;
    environment: Record<string, string>;
    logGroup?: string;
    stack: string;
}

export interface TwinBudgetAction {
    budgetName: string;
    executionRoleArn: string;
    policyArn: string;
    roles: string[];
    account: string;
}

export interface TwinModel {
    stacks: StackState[];
    roles: Map<string, TwinRole>;
    managedPolicies: Map<string, PolicyDocument>;
    keys: Map<string, { arn: string; account: string; policy: PolicyDocument }>;
    buckets: Map<string, TwinBucket>;
    logGroups: TwinLogGroup[];
    /** Application inference profile ARN → the model or system profile it copies. */
    profiles: Map<string, string>;
    /** System inference profile id (`us.…`) → the Regions it routes to. */
    destinations: Map<string, string[]>;
    functions: TwinFunction[];
    budgetActions: TwinBudgetAction[];
}

/** The policy document of a plan value: an object, or JSON text as real stacks hold it. */
export function policyOf(value: unknown, where: string): PolicyDocument {
    const doc = typeof value === "string" ? JSON.parse(value) : value;
    if (!doc || typeof doc !== "object" || !("Statement" in doc)) {
        throw new Error(`${where} is not an IAM policy document: ${JSON.stringify(value)?.slice(0, 200)}`);
    }
    return doc as PolicyDocument;
}

export const accountOfArn = (arn: string): string => arn.split(":")[4];
const regionOfArn = (arn: string): string => arn.split(":")[3];

/** Reads every `*.json` plan of a folder that is a stack export or a preview (reports are skipped by name). */
export function readPlanFolder(dir: string): StackState[] {
    const files = fs.readdirSync(dir).filter((f) => f.endsWith(".json") && !f.startsWith("isolation-report")).sort();
    if (files.length === 0) throw new Error(`${dir} holds no plan files (*.json): run \`npm start\` or give --plans a folder of \`pulumi stack export\` files`);
    return files.map((f) => readStackState(path.join(dir, f), fs.readFileSync(path.join(dir, f), "utf8")));
}

export function buildModel(stacks: StackState[]): TwinModel {
    const model: TwinModel = { stacks, roles: new Map(), managedPolicies: new Map(), keys: new Map(), buckets: new Map(), logGroups: [], profiles: new Map(), destinations: new Map(), functions: [], budgetActions: [] };
    const byId = new Map<string, StackResource>();
    for (const stack of stacks) {
        for (const r of stack.resources) if (r.id) byId.set(`${stack.stack}/${r.type}/${r.id}`, r);
    }
    const out = (r: StackResource) => ({ ...r.inputs, ...r.outputs }) as Record<string, any>;
    // Roles first: policies and attachments name them.
    for (const stack of stacks) {
        for (const r of stack.resources) {
            const o = out(r);
            const where = `${stack.file}: ${r.urn}`;
            switch (r.type) {
                case "aws:iam/role:Role": {
                    const arn = String(o.arn);
                    model.roles.set(arn, {
                        arn, name: String(o.name), account: accountOfArn(arn), stack: stack.stack,
                        trust: policyOf(o.assumeRolePolicy, `${where} assumeRolePolicy`),
                        inline: new Map(), attached: new Set(o.managedPolicyArns ?? []),
                        boundaryArn: o.permissionsBoundary || undefined,
                        maxSessionDuration: Number(o.maxSessionDuration ?? 3600),
                    });
                    break;
                }
                case "aws:iam/policy:Policy":
                    model.managedPolicies.set(String(o.arn), policyOf(o.policy, `${where} policy`));
                    break;
                case "aws:kms/key:Key":
                    model.keys.set(String(o.arn), { arn: String(o.arn), account: accountOfArn(String(o.arn)), policy: policyOf(o.policy, `${where} policy`) });
                    break;
                case "aws:s3/bucket:Bucket":
                    model.buckets.set(String(o.bucket), { name: String(o.bucket), account: "", region: String(o.region ?? "us-east-1") });
                    break;
                case "aws:cloudwatch/logGroup:LogGroup":
                    model.logGroups.push({ name: String(o.name), arn: String(o.arn), account: accountOfArn(String(o.arn)), region: regionOfArn(String(o.arn)), kmsKeyArn: o.kmsKeyId || undefined });
                    break;
                case "aws:bedrock/inferenceProfile:InferenceProfile":
                    model.profiles.set(String(o.arn), String(o.modelSource?.copyFrom));
                    break;
                case "bedrock-tenancy:index:BedrockTenantAccess":
                    for (const [id, regions] of Object.entries((o.modelDestinations ?? {}) as Record<string, string[]>)) model.destinations.set(id, regions);
                    break;
                case "aws:lambda/function:Function": {
                    const asset = o.code?.assets?.["index.mjs"];
                    model.functions.push({
                        name: String(o.name), account: accountOfArn(String(o.arn)), roleArn: String(o.role), handler: String(o.handler), stack: stack.stack,
                        bundlePath: typeof asset?.path === "string" ? asset.path : undefined,
                        environment: (o.environment?.variables ?? {}) as Record<string, string>, logGroup: o.loggingConfig?.logGroup,
                    });
                    break;
                }
                case "aws:budgets/budgetAction:BudgetAction": {
                    const def = o.definition?.iamActionDefinition;
                    if (o.actionType === "APPLY_IAM_POLICY" && def) {
                        model.budgetActions.push({ budgetName: String(o.budgetName), executionRoleArn: String(o.executionRoleArn), policyArn: String(def.policyArn), roles: [...(def.roles ?? [])], account: accountOfArn(String(o.executionRoleArn)) });
                    }
                    break;
                }
            }
        }
    }
    const roleNamed = (stack: StackState, name: string) => [...model.roles.values()].find((role) => role.name === name && role.stack === stack.stack);
    for (const stack of stacks) {
        for (const r of stack.resources) {
            const o = out(r);
            const where = `${stack.file}: ${r.urn}`;
            if (r.type === "aws:iam/rolePolicy:RolePolicy") {
                const role = roleNamed(stack, String(o.role)) ?? externalRole(model, stack, String(o.role), where);
                role.inline.set(String(o.name), policyOf(o.policy, `${where} policy`));
            } else if (r.type === "aws:iam/rolePolicyAttachment:RolePolicyAttachment") {
                roleNamed(stack, String(o.role))?.attached.add(String(o.policyArn));
            } else if (r.type === "aws:s3/bucketPolicy:BucketPolicy") {
                const bucket = model.buckets.get(String(o.bucket));
                if (bucket) bucket.policy = policyOf(o.policy, `${where} policy`);
            } else if (r.type === "aws:s3/bucketObjectLockConfiguration:BucketObjectLockConfiguration") {
                const retention = o.rule?.defaultRetention;
                const bucket = model.buckets.get(String(o.bucket));
                if (bucket && retention) bucket.lock = { mode: String(retention.mode), days: Number(retention.days ?? 0) + 365 * Number(retention.years ?? 0) };
            } else if (r.type === "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration" && o.expectedBucketOwner) {
                const bucket = model.buckets.get(String(o.bucket));
                if (bucket) bucket.account = String(o.expectedBucketOwner);
            }
        }
    }
    // A bucket's owner is the account of the stack's other resources when no configuration names it.
    for (const bucket of model.buckets.values()) {
        if (bucket.account) continue;
        const stack = stacks.find((s) => s.resources.some((r) => r.type === "aws:s3/bucket:Bucket" && out(r).bucket === bucket.name));
        bucket.account = (stack && stackAccount(stack)) ?? "";
    }
    return model;
}

/**
 * A role the stack attaches policies to but does not create (a role the
 * account manages itself): it exists, with the stack's policies, and no
 * principal of the plans may assume it; a test acts as it directly.
 */
function externalRole(model: TwinModel, stack: StackState, name: string, where: string): TwinRole {
    const account = stackAccount(stack);
    if (!account) throw new Error(`${where} puts a policy on role ${name}, which no plan declares, in a stack whose account no ARN names`);
    const role: TwinRole = { arn: `arn:aws:iam::${account}:role/${name}`, name, account, stack: stack.stack, trust: { Version: "2012-10-17", Statement: [] }, inline: new Map(), attached: new Set(), maxSessionDuration: 3600 };
    model.roles.set(role.arn, role);
    return role;
}

/** The account of a stack: the one its resources' ARNs name. */
export function stackAccount(stack: StackState): string | undefined {
    const arn = stack.resources.map((r) => (typeof r.outputs.arn === "string" ? r.outputs.arn : "")).find((a) => /^arn:aws:[a-z0-9-]+:[a-z0-9-]*:\d{12}:/.test(a));
    return arn ? accountOfArn(arn) : undefined;
}

/** The identity policies of a role as IAM evaluates them now: inline, then attached managed policies. */
export function identityPolicies(model: TwinModel, role: TwinRole): { name: string; policy: PolicyDocument }[] {
    return [
        ...[...role.inline].map(([name, policy]) => ({ name: `inline:${name}`, policy })),
        ...[...role.attached].map((arn) => {
            const policy = model.managedPolicies.get(arn);
            if (!policy) throw new Error(`role ${role.name} has ${arn} attached, which no plan declares`);
            return { name: arn, policy };
        }),
    ];
}

/** The role an ARN names: a role ARN or an assumed-role session ARN. */
export function roleOf(model: TwinModel, arn: string): TwinRole | undefined {
    const session = arn.match(/^arn:aws:sts::(\d{12}):assumed-role\/([^/]+)\//);
    if (session) return [...model.roles.values()].find((r) => r.account === session[1] && r.name === session[2]);
    return model.roles.get(arn);
}
