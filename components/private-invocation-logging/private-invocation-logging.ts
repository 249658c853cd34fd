import * as fs from "fs";
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import {
    ACCOUNT_ID_PATTERN,
    ArgumentError,
    PRIVATE_INVOCATION_LOGGING_TYPE,
    SNS_TOPIC_ARN_PATTERN,
    TENANT_TAG_KEY,
    encodeRuntimeEnvironment,
    externalIdProblem,
    guardrailProblem,
    logGroupArn,
    modelSettingsProblem,
    parseArn,
    patternProblem,
    raise,
    recordProblem,
    regionProblem,
    roleArn,
    RuntimeEnv,
    runtimeRoleName,
    type Problem,
} from "../../contract";
import type { PrivateInvocationLoggingArgs } from "./args";
import { createAuditArchive, type AuditArchive } from "./archive";
import { archiveKeyProblem, resolveArchiveArgs } from "./archive-validation";
import { standIn, withLateLeaves, type LateValues } from "../bedrock-tenant-access/document-leaves";
import { logKeyPolicy } from "./key-policy";
import { bundleFileName, bundleFiles, defaultLambdaBundlePath } from "./lambda-bundle";
import { AuditMetric, auditMetricFilters, opsRoleArnProblem, routesAccountProblem } from "../../contract";
import { createRuntimeNetwork } from "./runtime-network";
import { runtimeRolePolicy, runtimeTrustPolicy } from "./runtime-role-policy";
import { customerAccountProblem, logKeyArnProblem, resolvePrivateInvocationLoggingArgs } from "./validation";
import { inputError } from "../input-error";
import { stackRegion } from "../stack-region";

/** Keys of the values a document or the environment is built before knowing. */
const LATE = { ops: "opsRoleArn", account: "account", externalId: "externalId", bucket: "archiveBucket", key: "kmsKeyArn" } as const;

/**
 * The customer side of one tenant: a customer-owned KMS key, the encrypted
 * audit log group with metric filters and a throttling alarm, and the runtime
 * role (trusted by the compute chosen: Lambda, ECS tasks, EC2 instances, or an
 * existing role) with the Lambda runtime when `compute` is `lambda`. The
 * runtime calls Bedrock through the tenant's ops role and writes one audit
 * record per call into that log group with the customer's own credentials.
 */
export class PrivateInvocationLogging extends pulumi.ComponentResource {
    /** Name of the Lambda runtime that calls Bedrock through the ops role and writes the audit records; undefined unless `compute` is `lambda`. */
    public readonly functionName: pulumi.Output<string | undefined>;
    /** ARN of the Lambda runtime (grant `lambda:InvokeFunction` on it to the callers of the tenant's model); undefined unless `compute` is `lambda`. */
    public readonly functionArn: pulumi.Output<string | undefined>;
    /** The streaming function URL (IAM auth); undefined unless `responseStreaming`. */
    public readonly functionUrl: pulumi.Output<string | undefined>;
    /** The EC2 instance profile of the runtime role; undefined unless `compute` is `ec2`. */
    public readonly instanceProfileArn: pulumi.Output<string | undefined>;
    /** Name of the audit log group, `/bedrock-tenancy/<tenantId>/audit`; the only place the records rest. */
    public readonly logGroupName: pulumi.Output<string>;
    /** ARN of the audit log group. */
    public readonly logGroupArn: pulumi.Output<string>;
    /** ARN of the customer-owned KMS key that encrypts the log group (the given `kmsKeyArn`, or the key created here). */
    public readonly kmsKeyArn: pulumi.Output<string>;
    /** ARN of the runtime role `BedrockTenancyRuntime-<tenantId>`, the only principal the tenant's ops role trusts. */
    public readonly runtimeRoleArn: pulumi.Output<string>;
    /** ARN of the alarm on Bedrock throttling seen in the audit records. */
    public readonly throttleAlarmArn: pulumi.Output<string>;
    /** The audit archive's bucket and query catalog, when `archive` is set. */
    public readonly archive: AuditArchive | undefined;
    /**
     * The function's environment variables (`BEDROCK_TENANCY_*`, decoded by the
     * runtime with `decodeRuntimeEnvironment`). Secret, because they hold the ExternalId.
     */
    public readonly environment: pulumi.Output<Record<string, string>>;

    constructor(name: string, args: PrivateInvocationLoggingArgs, opts: pulumi.ComponentResourceOptions = {}) {
        super(PRIVATE_INVOCATION_LOGGING_TYPE, name, {}, opts);
        // Checked before `args.region` is read below, which would fail with a bare TypeError.
        raise(recordProblem("args", args, "an object of PrivateInvocationLogging arguments"));
        // Reading aws:region parses the whole stack config: skip it when the Region is given.
        const r = resolvePrivateInvocationLoggingArgs(args, args.region ?? stackRegion(new pulumi.Config("aws").get("region")));
        const archiveArgs = resolveArchiveArgs(args.archive);
        if (archiveArgs && typeof args.kmsKeyArn === "string" && typeof args.accountId === "string") {
            raise(archiveKeyProblem("kmsKeyArn", args.kmsKeyArn, args.accountId));
        }
        const bundlePath = args.lambdaBundlePath ?? defaultLambdaBundlePath();
        if (r.compute === "lambda" && !fs.existsSync(bundlePath)) {
            const which = args.lambdaBundlePath === undefined ? "the default lambdaBundlePath" : "lambdaBundlePath";
            // An argument error like QuotaEnforcer's bundlePath: the caller fixes it, not the deployment.
            throw new ArgumentError(`${which} names no file, got ${JSON.stringify(bundlePath)}: run \`npm run build\` to create the runtime bundle`);
        }
        const code = r.compute === "lambda" ? this.lambdaCode(bundlePath) : undefined;

        const { tenantId, region, logGroupName: groupName, metricNamespace: namespace } = r;
        // Validation refuses another tenant's id under the tenant tag; the tenant's own value is set last all the same.
        const tags = { ...r.tags, [TENANT_TAG_KEY]: tenantId };
        const accountId = this.checked(args.accountId ?? aws.getCallerIdentityOutput({}, { parent: this }).accountId, (v) =>
            patternProblem("accountId", v, ACCOUNT_ID_PATTERN, "a 12-digit AWS account id"),
        );
        const opsRoleArn = this.checked(pulumi.all([args.opsRoleArn, accountId]), ([v, account]) => opsRoleArnProblem("opsRoleArn", v, tenantId) ?? customerAccountProblem(account, v)).apply(([v]) => v);
        const externalId = pulumi.secret(this.checked(args.externalId, (v) => externalIdProblem("externalId", v)));
        const bedrockRegion = this.checked(args.bedrockRegion ?? region, (v) => regionProblem("bedrockRegion", v));
        const guardrail = this.checked(args.guardrail, (g) => (g === undefined || g === null ? undefined : guardrailProblem(g)));
        const models = this.checked(
            pulumi.all([args.allowedModels, args.defaultModel, args.modelRoutes ?? {}, opsRoleArn]).apply(([allowedModels, defaultModel, modelRoutes, ops]) => ({
                allowedModels,
                defaultModel,
                modelRoutes,
                ops,
            })),
            (m) => modelSettingsProblem(m) ?? routesAccountProblem("modelRoutes", m.modelRoutes, m.ops),
        );

        let kmsKeyArn: pulumi.Output<string>;
        if (args.kmsKeyArn !== undefined) {
            kmsKeyArn = this.checked(pulumi.all([args.kmsKeyArn, accountId]), ([v, account]) => logKeyArnProblem("kmsKeyArn", v, region, account)).apply(([v]) => v);
        } else {
            const key = new aws.kms.Key(
                `${name}-key`,
                {
                    description: `Encrypts the Bedrock audit log of tenant ${tenantId}`,
                    customerMasterKeySpec: "SYMMETRIC_DEFAULT",
                    keyUsage: "ENCRYPT_DECRYPT",
                    enableKeyRotation: true,
                    // Built from the log group's known name: the log group needs the key first.
                    policy: accountId.apply((account) => JSON.stringify(logKeyPolicy({ region, accountId: account, logGroupName: groupName }))),
                    region,
                    tags,
                },
                { parent: this },
            );
            new aws.kms.Alias(`${name}-key-alias`, { name: `alias/bedrock-tenancy/${tenantId}/audit-logs`, targetKeyId: key.keyId, region }, { parent: this });
            kmsKeyArn = key.arn;
        }

        const logGroup = new aws.cloudwatch.LogGroup(
            `${name}-log-group`,
            { name: groupName, kmsKeyId: kmsKeyArn, retentionInDays: r.logRetentionDays, region, tags },
            { parent: this },
        );
        const filters = auditMetricFilters().map(
            (f) =>
                new aws.cloudwatch.LogMetricFilter(
                    `${name}-${f.id}`,
                    {
                        name: f.metricName,
                        logGroupName: logGroup.name,
                        pattern: f.pattern,
                        metricTransformation: { name: f.metricName, namespace, value: f.value, unit: f.unit, defaultValue: f.defaultValue, dimensions: f.dimensions },
                        region,
                    },
                    { parent: this },
                ),
        );

        const alarm = args.throttleAlarm ?? {};
        const topics =
            alarm.snsTopicArn === undefined
                ? []
                : [this.checked(alarm.snsTopicArn, (v) => patternProblem("throttleAlarm.snsTopicArn", v, SNS_TOPIC_ARN_PATTERN, "an SNS topic ARN"))];
        const throttleAlarm = new aws.cloudwatch.MetricAlarm(
            `${name}-throttle-alarm`,
            {
                name: `bedrock-tenancy-${tenantId}-throttled-calls`,
                alarmDescription: `Bedrock throttled calls of tenant ${tenantId} (from its audit log)`,
                namespace,
                metricName: AuditMetric.throttledCalls,
                statistic: "Sum",
                period: r.alarm.periodSeconds,
                evaluationPeriods: r.alarm.evaluationPeriods,
                threshold: r.alarm.threshold,
                comparisonOperator: "GreaterThanOrEqualToThreshold",
                // No records means no calls, which is not a throttling problem.
                treatMissingData: "notBreaching",
                alarmActions: topics,
                okActions: topics,
                region,
                tags,
            },
            { parent: this, dependsOn: filters },
        );

        if (archiveArgs && args.kmsKeyArn !== undefined) {
            kmsKeyArn = this.checked(pulumi.all([kmsKeyArn, accountId]), ([key, account]) => archiveKeyProblem("kmsKeyArn", key, account)).apply(([key]) => key);
        }
        const network = args.networkIsolation && createRuntimeNetwork(args.networkIsolation, { name, region, tags, parent: this, s3: archiveArgs !== undefined });
        const compute = r.compute;
        // An existing role is only given the policy; otherwise the one role the ops trust names is created here.
        const role =
            compute === "existing-role"
                ? { name: pulumi.output(runtimeRoleName(tenantId)), arn: accountId.apply((account) => roleArn(account, runtimeRoleName(tenantId))) }
                : new aws.iam.Role(
                      `${name}-runtime-role`,
                      {
                          name: runtimeRoleName(tenantId),
                          description: `Runs the Bedrock runtime of tenant ${tenantId} (${compute}); trusted by name by the tenant's ops role`,
                          assumeRolePolicy: JSON.stringify(runtimeTrustPolicy(compute)),
                          tags,
                      },
                      { parent: this },
                  );
        // Built from the account and the name the ops role trusts (no path), so a preview of a new customer stack
        // knows it; AWS gives the role this same ARN.
        const runtimeRoleArn = accountId.apply((account) => roleArn(account, runtimeRoleName(tenantId)));
        const profile =
            compute === "ec2" ? new aws.iam.InstanceProfile(`${name}-instance-profile`, { name: runtimeRoleName(tenantId), role: role.name, tags }, { parent: this }) : undefined;
        this.archive =
            archiveArgs &&
            createAuditArchive(archiveArgs, {
                name,
                tenantId,
                region,
                accountId,
                opsAccountId: opsRoleArn.apply((arn) => parseArn(arn)?.account ?? ""),
                kmsKeyArn,
                writerRoleArn: runtimeRoleArn,
                tags,
                parent: this,
            });
        // Stand-ins for the late values, so only a leaf that is unknown at preview (a new key's ARN) is unknown, never the
        // whole document or the whole environment. The key is read only with an archive.
        const late: LateValues = { [LATE.ops]: opsRoleArn, [LATE.account]: accountId, [LATE.externalId]: externalId };
        if (this.archive) {
            late[LATE.bucket] = this.archive.bucketName;
            late[LATE.key] = kmsKeyArn;
        }
        const archiveStandIns = this.archive ? { bucketName: standIn(LATE.bucket), kmsKeyArn: standIn(LATE.key) } : undefined;
        const rolePolicy = new aws.iam.RolePolicy(
            `${name}-runtime-policy`,
            {
                role: role.name,
                name: "bedrock-tenancy-runtime",
                policy: withLateLeaves(
                    runtimeRolePolicy({
                        opsRoleArn: standIn(LATE.ops),
                        region,
                        accountId: standIn(LATE.account),
                        logGroupName: groupName,
                        vpc: network !== undefined,
                        archive: archiveStandIns && { bucketName: archiveStandIns.bucketName, tenantId, kmsKeyArn: archiveStandIns.kmsKeyArn, region },
                    }),
                    late,
                ) as aws.iam.PolicyDocument,
            },
            { parent: this },
        );

        // Encoded (and checked) once the settings are known, with stand-ins for the late values.
        const encoded = pulumi.all([models, bedrockRegion, guardrail]).apply(([m, bedrock, g]) =>
            encodeRuntimeEnvironment({
                opsRoleArn: standIn(LATE.ops),
                externalId: standIn(LATE.externalId),
                tenantId,
                defaultModel: m.defaultModel ?? m.allowedModels[0],
                allowedModels: m.allowedModels,
                modelRoutes: m.modelRoutes,
                bedrockRegion: bedrock,
                contentMode: r.contentMode,
                auditMode: r.auditMode,
                safeMetadataKeys: r.safeMetadataKeys,
                bedrockMaxAttempts: r.bedrockMaxAttempts,
                bedrockRequestTimeoutMs: r.bedrockRequestTimeoutMs,
                sessionUserTag: r.sessionUserTag,
                ...(archiveStandIns === undefined ? {} : { archiveBucket: archiveStandIns.bucketName, archiveKmsKeyArn: archiveStandIns.kmsKeyArn }),
                ...(g ? { guardrailArn: g.arn, guardrailVersion: g.version } : {}),
            }),
        );
        // One Output per variable the runtime reads, so a preview shows every variable and is unknown only in a late
        // value (a new key's ARN); one Output for the whole map would be unknown as a whole. A variable that resolves
        // to undefined is left out of the map, as before (a secret would be kept as one); the ExternalId stays secret.
        const variables = Object.fromEntries(
            Object.values(RuntimeEnv).map((key) => [key, encoded.apply((vars) => (vars[key] === undefined ? undefined : (withLateLeaves(vars[key], late) as pulumi.Input<string>)))]),
        ) as Record<string, pulumi.Output<string>>;
        this.environment = pulumi
            .all(variables)
            .apply((vars) => Object.fromEntries(Object.entries(vars).filter((entry): entry is [string, string] => entry[1] !== undefined)));
        const fn =
            compute !== "lambda"
                ? undefined
                : new aws.lambda.Function(
                    `${name}-function`,
                    {
                        name: `bedrock-tenancy-${tenantId}`,
                        description: `Bedrock runtime of tenant ${tenantId}`,
                        role: runtimeRoleArn,
                        runtime: "nodejs22.x",
                        architectures: ["arm64"],
                        handler: r.responseStreaming ? "index.streamingHandler" : "index.handler",
                        code,
                        memorySize: r.memorySizeMb,
                        timeout: r.timeoutSeconds,
                        reservedConcurrentExecutions: args.reservedConcurrency,
                        loggingConfig: { logFormat: "JSON", logGroup: logGroup.name },
                        environment: { variables },
                        vpcConfig: network && { subnetIds: network.subnetIds, securityGroupIds: [network.functionSecurityGroupId] },
                        region,
                        tags,
                    },
                    // The role must exist and be able to write logs (and create ENIs) before the first invocation; its ARN is built, not read from it.
                    { parent: this, dependsOn: [logGroup, rolePolicy, ...(pulumi.Resource.isInstance(role) ? [role] : [])] },
                );
        const url =
            fn && r.responseStreaming
                ? new aws.lambda.FunctionUrl(`${name}-function-url`, { functionName: fn.name, authorizationType: "AWS_IAM", invokeMode: "RESPONSE_STREAM", region }, { parent: this })
                : undefined;

        this.functionName = pulumi.output(fn?.name);
        this.functionArn = pulumi.output(fn?.arn);
        this.functionUrl = pulumi.output(url?.functionUrl);
        this.instanceProfileArn = pulumi.output(profile?.arn);
        this.logGroupName = logGroup.name;
        // Built from the account and the names, so a preview of a new customer stack knows them; only a key
        // created here has an ARN no one knows before AWS mints its id.
        this.logGroupArn = accountId.apply((account) => logGroupArn(region, account, groupName));
        this.kmsKeyArn = kmsKeyArn;
        this.runtimeRoleArn = runtimeRoleArn;
        this.throttleAlarmArn = throttleAlarm.arn;
        this.registerOutputs({
            functionName: this.functionName,
            functionArn: this.functionArn,
            functionUrl: this.functionUrl,
            instanceProfileArn: this.instanceProfileArn,
            logGroupName: this.logGroupName,
            logGroupArn: this.logGroupArn,
            kmsKeyArn: this.kmsKeyArn,
            runtimeRoleArn: this.runtimeRoleArn,
            throttleAlarmArn: this.throttleAlarmArn,
            archiveBucketName: this.archive?.bucketName,
            // The archive's Object Lock as asked for: the verifier holds the lock configuration to it.
            archiveRetentionMode: archiveArgs?.retentionMode,
            archiveRetentionDays: archiveArgs?.retentionDays,
            // The storage classes its lifecycle moves records to: the verifier refuses a transition to any other.
            archiveStorageClasses: archiveArgs && [...new Set(archiveArgs.transitions.map((t) => t.storageClass))],
            // The audit log's retention, Region and Bedrock Region as asked for: the verifier holds the log group and the runtime to them.
            logRetentionDays: r.logRetentionDays,
            region,
            bedrockRegion,
            // The compute chosen: the verifier holds the runtime role's trust to its one service.
            compute: r.compute,
            // What the isolation verifier reads: whose stack this is and which ops role it reaches.
            tenantId,
            accountId,
            opsRoleArn,
        });
    }

    /** The function's code: the bundle as `index.mjs`, with the chunks it loads under their paths from its folder. */
    private lambdaCode(bundlePath: string): pulumi.asset.AssetArchive {
        let files: string[];
        try {
            files = bundleFiles(bundlePath).all;
        } catch (err) {
            throw new ArgumentError(`lambdaBundlePath: ${(err as Error).message}`, { cause: err });
        }
        const [entry, ...chunks] = files;
        return new pulumi.asset.AssetArchive({
            "index.mjs": new pulumi.asset.FileAsset(entry),
            ...Object.fromEntries(chunks.map((chunk) => [bundleFileName(bundlePath, chunk), new pulumi.asset.FileAsset(chunk)])),
        });
    }

    /** Passes `value` through once known, or fails the deployment with `problem`'s message. */
    private checked<T>(value: pulumi.Input<T>, problem: (v: pulumi.Unwrap<T>) => Problem): pulumi.Output<pulumi.Unwrap<T>> {
        return pulumi.output(value).apply((v) => {
            const message = problem(v);
            if (message !== undefined) {
                throw inputError(message, this);
            }
            return v;
        });
    }
}
