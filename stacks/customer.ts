import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { PrivateInvocationLogging } from "../components/private-invocation-logging/private-invocation-logging";
import { tenantAccessFrom } from "../components/bedrock-tenant-fleet/handoff";
import { configSettingError, readCustomerConfig } from "./customer-config";

/**
 * The customer-account program: reads this tenant's entry from the ops stack
 * and creates its private audit logging and runtime.
 */
export function customerProgram(): Record<string, unknown> {
    const { opsStack, tenantId, settings } = readCustomerConfig();
    const accountId = aws.getCallerIdentityOutput().accountId;
    // Fails unless the ops stack trusts this account for the tenant.
    const access = tenantAccessFrom(new pulumi.StackReference(opsStack), tenantId, { accountId });
    const opsRoleArn = access.roleArn;
    let logging: PrivateInvocationLogging;
    try {
        logging = new PrivateInvocationLogging(tenantId, {
            tenantId,
            accountId,
            opsRoleArn,
            externalId: access.externalId,
            allowedModels: access.allowedModels,
            modelRoutes: access.inferenceProfileArns,
            bedrockRegion: access.region,
            guardrail: access.guardrail,
            ...settings,
        });
    } catch (err) {
        throw configSettingError(err, settings);
    }
    return {
        tenantId,
        opsRoleArn,
        functionName: logging.functionName,
        functionArn: logging.functionArn,
        logGroupName: logging.logGroupName,
        logGroupArn: logging.logGroupArn,
        kmsKeyArn: logging.kmsKeyArn,
        runtimeRoleArn: logging.runtimeRoleArn,
        throttleAlarmArn: logging.throttleAlarmArn,
        ...(logging.archive && {
            archiveBucketName: logging.archive.bucketName,
            archiveDatabaseName: logging.archive.databaseName,
            archiveTableName: logging.archive.tableName,
            archiveWorkgroupName: logging.archive.workgroupName,
        }),
    };
}
