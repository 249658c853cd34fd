import * as fs from "fs";
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { RuntimeEnv } from "../runtime/lambda/environment";
import { ACCOUNT_ID_PATTERN, DEFAULT_REGION, KMS_KEY_ARN_PATTERN, SNS_TOPIC_ARN_PATTERN, regionProblem } from "./aws-identifiers";
import { defaultLambdaBundlePath } from "./lambda-bundle";
import { logKeyPolicy } from "./log-key-policy";
import {
    DEFAULT_ALARM_EVALUATION_PERIODS,
    DEFAULT_ALARM_PERIOD_SECONDS,
    DEFAULT_ALARM_THRESHOLD,
    DEFAULT_AUDIT_MODE,
    DEFAULT_CONTENT_MODE,
    DEFAULT_LOG_RETENTION_DAYS,
    DEFAULT_MEMORY_SIZE_MB,
    DEFAULT_METRIC_NAMESPACE_PREFIX,
    DEFAULT_TIMEOUT_SECONDS,
    defaultLogGroupName,
    type PrivateInvocationLoggingArgs,
} from "./logging-args";
import {
    externalIdProblem,
    modelSettingsProblem,
    opsRoleArnProblem,
    patternProblem,
    validatePrivateInvocationLoggingArgs,
} from "./logging-validation";
import { AuditMetric, auditMetricFilters } from "./metric-filters";
import { PRIVATE_INVOCATION_LOGGING_TYPE, runtimeRoleName } from "./naming";
import { createRuntimeNetwork } from "./runtime-network";
import { runtimeRolePolicy, runtimeTrustPolicy } from "./runtime-role-policy";


/**
 * The customer side of one tenant: a customer-owned KMS key, the encrypted
 * audit log group with metric filters and a throttling alarm, and the Lambda
 * runtime that calls Bedrock through the tenant's ops role and writes one audit
 * record per call into that log group with the customer's own credentials.
 */
export class PrivateInvocationLogging extends pulumi.ComponentResource {
    public readonly functionName: pulumi.Output<string>;
    public readonly functionArn: pulumi.Output<string>;
    public readonly logGroupName: pulumi.Output<string>;
    public readonly logGroupArn: pulumi.Output<string>;
    public readonly kmsKeyArn: pulumi.Output<string>;
    public readonly runtimeRoleArn: pulumi.Output<string>;
    public readonly throttleAlarmArn: pulumi.Output<string>;
    /** The function's environment variables; secret, because they hold the ExternalId. */
    public readonly environment: pulumi.Output<Record<string, string>>;

    constructor(name: string, args: PrivateInvocationLoggingArgs, opts: pulumi.ComponentResourceOptions = {}) {
        super(PRIVATE_INVOCATION_LOGGING_TYPE, name, {}, opts);
        validatePrivateInvocationLoggingArgs(args);
        const bundlePath = args.lambdaBundlePath ?? defaultLambdaBundlePath();
        if (!fs.existsSync(bundlePath)) {
            const which = args.lambdaBundlePath === undefined ? "the default lambdaBundlePath" : "lambdaBundlePath";
            throw new pulumi.ResourceError(`${which} names no file, got ${JSON.stringify(bundlePath)}: run \`npm run build\` to create the runtime bundle`, this);
        }

        const { tenantId } = args;
        const tags = { "bedrock-tenancy:tenant": tenantId, ...(args.tags ?? {}) };
        const region = args.region ?? new pulumi.Config("aws").get("region") ?? DEFAULT_REGION;
        const groupName = args.logGroupName ?? defaultLogGroupName(tenantId);
        const namespace = args.metricNamespace ?? `${DEFAULT_METRIC_NAMESPACE_PREFIX}/${tenantId}`;
        const accountId = this.checked(args.accountId ?? aws.getCallerIdentityOutput({}, { parent: this }).accountId, (v) =>
            patternProblem("accountId", v, ACCOUNT_ID_PATTERN),
        );
        const opsRoleArn = this.checked(args.opsRoleArn, (v) => opsRoleArnProblem(v, tenantId));
        const externalId = pulumi.secret(this.checked(args.externalId, externalIdProblem));
        const bedrockRegion = this.checked(args.bedrockRegion ?? region, (v) => regionProblem("bedrockRegion", v));
        const models = this.checked(
            pulumi.all([args.allowedModels, args.defaultModel, args.modelRoutes ?? {}]).apply(([allowedModels, defaultModel, modelRoutes]) => ({
                allowedModels,
                defaultModel,
                modelRoutes,
            })),
            modelSettingsProblem,
        );

        let kmsKeyArn: pulumi.Output<string>;
        if (args.kmsKeyArn !== undefined) {
            kmsKeyArn = this.checked(args.kmsKeyArn, (v) => patternProblem("kmsKeyArn", v, KMS_KEY_ARN_PATTERN));
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
            { name: groupName, kmsKeyId: kmsKeyArn, retentionInDays: args.logRetentionDays ?? DEFAULT_LOG_RETENTION_DAYS, region, tags },
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
                : [this.checked(alarm.snsTopicArn, (v) => patternProblem("throttleAlarm.snsTopicArn", v, SNS_TOPIC_ARN_PATTERN))];
        const throttleAlarm = new aws.cloudwatch.MetricAlarm(
            `${name}-throttle-alarm`,
            {
                name: `bedrock-tenancy-${tenantId}-throttled-calls`,
                alarmDescription: `Bedrock throttled calls of tenant ${tenantId} (from its audit log)`,
                namespace,
                metricName: AuditMetric.throttledCalls,
                statistic: "Sum",
                period: alarm.periodSeconds ?? DEFAULT_ALARM_PERIOD_SECONDS,
                evaluationPeriods: alarm.evaluationPeriods ?? DEFAULT_ALARM_EVALUATION_PERIODS,
                threshold: alarm.threshold ?? DEFAULT_ALARM_THRESHOLD,
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

        const network = args.networkIsolation && createRuntimeNetwork(args.networkIsolation, { name, region, tags, parent: this });
        const role = new aws.iam.Role(
            `${name}-runtime-role`,
            {
                name: runtimeRoleName(tenantId),
                description: `Runs the Bedrock runtime of tenant ${tenantId}; trusted by name by the tenant's ops role`,
                assumeRolePolicy: JSON.stringify(runtimeTrustPolicy()),
                tags,
            },
            { parent: this },
        );
        const rolePolicy = new aws.iam.RolePolicy(
            `${name}-runtime-policy`,
            {
                role: role.name,
                name: "bedrock-tenancy-runtime",
                policy: pulumi
                    .all([opsRoleArn, accountId])
                    .apply(([ops, account]) =>
                        JSON.stringify(runtimeRolePolicy({ opsRoleArn: ops, region, accountId: account, logGroupName: groupName, vpc: network !== undefined })),
                    ),
            },
            { parent: this },
        );

        this.environment = pulumi.all([opsRoleArn, externalId, models, bedrockRegion]).apply(([ops, extId, m, bedrock]): Record<string, string> => ({
            [RuntimeEnv.opsRoleArn]: ops,
            [RuntimeEnv.externalId]: extId,
            [RuntimeEnv.tenantId]: tenantId,
            [RuntimeEnv.defaultModel]: m.defaultModel ?? m.allowedModels[0],
            [RuntimeEnv.allowedModels]: m.allowedModels.join(","),
            [RuntimeEnv.modelRoutes]: JSON.stringify(m.modelRoutes),
            [RuntimeEnv.bedrockRegion]: bedrock,
            [RuntimeEnv.contentMode]: args.contentMode ?? DEFAULT_CONTENT_MODE,
            [RuntimeEnv.auditMode]: args.auditMode ?? DEFAULT_AUDIT_MODE,
            ...(args.safeMetadataKeys?.length ? { [RuntimeEnv.safeMetadataKeys]: args.safeMetadataKeys.join(",") } : {}),
        }));
        const fn = new aws.lambda.Function(
            `${name}-function`,
            {
                name: `bedrock-tenancy-${tenantId}`,
                description: `Bedrock runtime of tenant ${tenantId}`,
                role: role.arn,
                runtime: "nodejs22.x",
                architectures: ["arm64"],
                handler: "index.handler",
                code: new pulumi.asset.AssetArchive({ "index.mjs": new pulumi.asset.FileAsset(bundlePath) }),
                memorySize: args.memorySizeMb ?? DEFAULT_MEMORY_SIZE_MB,
                timeout: args.timeoutSeconds ?? DEFAULT_TIMEOUT_SECONDS,
                reservedConcurrentExecutions: args.reservedConcurrency,
                loggingConfig: { logFormat: "JSON", logGroup: logGroup.name },
                environment: { variables: this.environment },
                vpcConfig: network && { subnetIds: network.subnetIds, securityGroupIds: [network.functionSecurityGroupId] },
                region,
                tags,
            },
            // The role must be able to write logs (and create ENIs) before the first invocation.
            { parent: this, dependsOn: [logGroup, rolePolicy] },
        );

        this.functionName = fn.name;
        this.functionArn = fn.arn;
        this.logGroupName = logGroup.name;
        this.logGroupArn = logGroup.arn;
        this.kmsKeyArn = kmsKeyArn;
        this.runtimeRoleArn = role.arn;
        this.throttleAlarmArn = throttleAlarm.arn;
        this.registerOutputs({
            functionName: this.functionName,
            functionArn: this.functionArn,
            logGroupName: this.logGroupName,
            logGroupArn: this.logGroupArn,
            kmsKeyArn: this.kmsKeyArn,
            runtimeRoleArn: this.runtimeRoleArn,
            throttleAlarmArn: this.throttleAlarmArn,
        });
    }

    /** Passes `value` through once known, or fails the deployment with `problem`'s message. */
    private checked<T>(value: pulumi.Input<T>, problem: (v: pulumi.Unwrap<T>) => string | undefined): pulumi.Output<pulumi.Unwrap<T>> {
        return pulumi.output(value).apply((v) => {
            const message = problem(v);
            if (message !== undefined) {
                throw new pulumi.ResourceError(message, this);
            }
            return v;
        });
    }
}
