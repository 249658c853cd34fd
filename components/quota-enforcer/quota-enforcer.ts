import * as fs from "fs";
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import {
    ArgumentError,
    QUOTA_ENFORCER_ENV,
    QUOTA_ENFORCER_HANDLER,
    QUOTA_ENFORCER_TIMEOUT_SECONDS,
    QUOTA_MAX_EVENT_AGE_BOUNDS,
    QUOTA_ENFORCER_TYPE,
    accountIdProblem,
    booleanProblem,
    integerProblem,
    quotaAlarmEventPattern,
    raise,
    recordProblem,
    regionProblem,
    optionNames,
    plainValueProblem,
    showBrief,
    tagsProblem,
    unknownOptionProblem,
} from "../../contract";
import { createCostCapExecution } from "./cost-cap-execution";
import { defaultEnforcerBundlePath } from "./enforcer-bundle";
import { enforcerPolicy, enforcerTrustPolicy } from "./enforcer-policy";
import { quotaEnforcerNames, shardNameProblem } from "../../contract";
import { stackRegion } from "../stack-region";
import { inputError } from "../input-error";

/** Defaults of {@link QuotaEnforcerArgs}. */
export const QUOTA_ENFORCER_DEFAULTS = Object.freeze({
    /** Events older than this are refused as stale (see the enforcer). */
    maxEventAgeSeconds: 900,
    /** Cost caps are opt-in: without them the stack creates no Budgets role. */
    costCaps: false,
});

export interface QuotaEnforcerArgs {
    /**
     * The Region of the tenants' quota alarms (their Bedrock home Region) and
     * of the enforcer's rule, which sees only this Region's alarms.
     * @default - the provider's `aws:region`, else `us-east-1`
     */
    region?: string;
    /**
     * The ops account id.
     * @default - the caller identity's account
     */
    accountId?: pulumi.Input<string>;
    /**
     * Path of the bundled enforcer (an ES module exporting `handler`).
     * @default - the bundle shipped in this package, `dist/enforcer/index.mjs`
     */
    bundlePath?: string;
    /**
     * Alarm events whose state is older than this many seconds are reported
     * as late (a WARN line with `lateSeconds`), and still acted on with the
     * alarm's state of now, as every event is: 60 to 86,400.
     * @default 900
     */
    maxEventAgeSeconds?: number;
    /**
     * Also create what every tenant's `costCap` shares: the managed deny
     * policy (`costCapPolicyArn`) and the role AWS Budgets applies it with
     * (`costCapExecutionRoleArn`), which may attach and detach only that
     * policy and only on `BedrockTenantAccess-*` roles. One role for the
     * fleet instead of one per tenant: IAM allows 1,000 roles per account by
     * default, 5,000 at most.
     * @default false
     */
    costCaps?: boolean;
    /**
     * Set it on each ops stack (shard) that shares its ops account with
     * another one holding a QuotaEnforcer: it is appended, after a hyphen, to
     * every account-scoped name the component creates (the enforcer's
     * function, role and log group, the rule, the cost-cap policy and Budgets
     * role), which would otherwise collide. Letters, digits, `-` and `_`,
     * 1 to 36 characters; distinct per shard regardless of case, as IAM
     * names ignore case.
     * @default - none: the single-stack names
     */
    shardName?: string;
    /**
     * Extra tags for every resource the component creates.
     * @default {}
     */
    tags?: Record<string, string>;
}

/**
 * The ops stack's one quota enforcer: a small function that attaches (on
 * ALARM) or deletes (on OK) one deny policy on a tenant's role, triggered by
 * one EventBridge rule for the whole fleet, which matches every tenant's
 * composite quota alarm by its name's prefix. The event only names the
 * alarm: the enforcer acts on the alarm's current state, read from
 * CloudWatch, and leaves the role as it is (failing the invocation) when it
 * cannot read it. It keeps no state; its role can only put and delete inline
 * policies on `BedrockTenantAccess-*` roles and describe the tenants'
 * composite quota alarms.
 */
export class QuotaEnforcer extends pulumi.ComponentResource {
    /** The function the rule targets; tenants pass it as `quota.enforcerFunctionArn`. */
    public readonly functionArn: pulumi.Output<string>;
    /** The one EventBridge rule that hands every tenant's composite quota alarm changes to the function. */
    public readonly ruleArn: pulumi.Output<string>;
    /** The function's execution role. */
    public readonly roleArn: pulumi.Output<string>;
    /** With `costCaps`: the managed deny policy tenants pass as `costCap.policyArn`. */
    public readonly costCapPolicyArn?: pulumi.Output<string>;
    /** With `costCaps`: the Budgets execution role tenants pass as `costCap.executionRoleArn`. */
    public readonly costCapExecutionRoleArn?: pulumi.Output<string>;

    constructor(name: string, args: QuotaEnforcerArgs = {}, opts: pulumi.ComponentResourceOptions = {}) {
        super(QUOTA_ENFORCER_TYPE, name, {}, opts);
        raise(
            recordProblem("args", args, "an object of QuotaEnforcer arguments"),
            unknownOptionProblem("", args, optionNames<QuotaEnforcerArgs>({ region: true, accountId: true, bundlePath: true, maxEventAgeSeconds: true, costCaps: true, shardName: true, tags: true }), "QuotaEnforcer"),
        );
        const region = args.region ?? stackRegion(aws.config.region);
        const maxAge = args.maxEventAgeSeconds ?? QUOTA_ENFORCER_DEFAULTS.maxEventAgeSeconds;
        const costCaps = args.costCaps ?? QUOTA_ENFORCER_DEFAULTS.costCaps;
        raise(
            regionProblem("region", region),
            integerProblem("maxEventAgeSeconds", maxAge, QUOTA_MAX_EVENT_AGE_BOUNDS.min, QUOTA_MAX_EVENT_AGE_BOUNDS.max),
            booleanProblem("costCaps", costCaps),
            args.shardName === undefined ? undefined : shardNameProblem("shardName", args.shardName),
            // An Output or a promise is checked once known, below.
            args.accountId === undefined || typeof args.accountId === "object" ? undefined : accountIdProblem("accountId", args.accountId),
            tagsProblem("tags", args.tags),
        );
        const bundlePath: unknown = args.bundlePath ?? defaultEnforcerBundlePath();
        // The function's code is read here, at preview: a path known only later cannot be.
        if (typeof bundlePath !== "string" || bundlePath === "") {
            throw new ArgumentError(plainValueProblem("bundlePath", bundlePath) ?? `bundlePath must be the path of the enforcer bundle's index.mjs, got ${showBrief(bundlePath)}`);
        }
        if (!fs.existsSync(bundlePath)) {
            throw new ArgumentError(`bundlePath: no enforcer bundle at ${JSON.stringify(bundlePath)}; run npm run build`);
        }
        if (!fs.statSync(bundlePath).isFile()) {
            throw new ArgumentError(`bundlePath: ${JSON.stringify(bundlePath)} is a folder; give the enforcer bundle's file (its index.mjs, which npm run build writes)`);
        }
        const tags = args.tags ?? {};
        // Checked again once known, as an Output is no plain value at preview: the id goes into every ARN of the policies.
        const account = pulumi.output(args.accountId ?? aws.getCallerIdentityOutput({}, { parent: this }).accountId).apply((acct) => {
            const problem = accountIdProblem("accountId", acct);
            if (problem !== undefined) {
                throw inputError(problem, this);
            }
            return acct;
        });
        const names = quotaEnforcerNames(args.shardName);
        const logGroupName = names.logGroup;

        const role = new aws.iam.Role(`${name}-role`, {
            name: names.enforcer,
            description: "Blocks and unblocks tenant roles on their quota alarms",
            assumeRolePolicy: account.apply(enforcerTrustPolicy),
            tags,
        }, { parent: this });
        const policy = new aws.iam.RolePolicy(`${name}-policy`, {
            role: role.id,
            name: "enforce-quotas",
            policy: account.apply((acct) => enforcerPolicy(region, acct, logGroupName)),
        }, { parent: this });
        const fn = new aws.lambda.Function(`${name}-function`, {
            name: names.enforcer,
            region,
            role: role.arn,
            runtime: "nodejs22.x",
            architectures: ["arm64"],
            handler: QUOTA_ENFORCER_HANDLER,
            code: new pulumi.asset.AssetArchive({ "index.mjs": new pulumi.asset.FileAsset(bundlePath) }),
            memorySize: 128,
            timeout: QUOTA_ENFORCER_TIMEOUT_SECONDS,
            // Alarm transitions are rare; one writer at a time keeps PutRolePolicy and DeleteRolePolicy from racing.
            reservedConcurrentExecutions: 1,
            environment: { variables: { [QUOTA_ENFORCER_ENV.maxEventAgeSeconds]: String(maxAge) } },
            // Lambda's own log group: the enforcer logs tenant ids and outcomes, never content.
            loggingConfig: { logFormat: "JSON", logGroup: logGroupName },
            tags,
        }, { parent: this, dependsOn: [policy] });
        const rule = new aws.cloudwatch.EventRule(`${name}-alarms`, {
            name: names.rule,
            description: "State changes of every tenant's composite quota alarm, to the quota enforcer",
            region,
            eventPattern: JSON.stringify(quotaAlarmEventPattern()),
            tags,
        }, { parent: this });
        const permission = new aws.lambda.Permission(`${name}-events`, {
            region,
            action: "lambda:InvokeFunction",
            function: fn.name,
            principal: "events.amazonaws.com",
            sourceAccount: account,
            sourceArn: rule.arn,
        }, { parent: this });
        new aws.cloudwatch.EventTarget(`${name}-alarms`, { rule: rule.name, region, arn: fn.arn }, { parent: this, dependsOn: [permission] });

        this.functionArn = fn.arn;
        this.roleArn = role.arn;
        this.ruleArn = rule.arn;
        if (costCaps) {
            const execution = createCostCapExecution(name, names, account, tags, this);
            this.costCapPolicyArn = execution.policyArn;
            this.costCapExecutionRoleArn = execution.roleArn;
        }
        this.registerOutputs({
            functionArn: this.functionArn, roleArn: this.roleArn, ruleArn: this.ruleArn,
            costCapPolicyArn: this.costCapPolicyArn, costCapExecutionRoleArn: this.costCapExecutionRoleArn,
            // What the isolation verifier holds the function's environment and role to.
            region, maxEventAgeSeconds: maxAge, roleName: names.enforcer,
        });
    }
}
