import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { PrivateInvocationLogging } from "../components/private-invocation-logging/private-invocation-logging";
import { tenantAccessFrom } from "../components/bedrock-tenant-fleet/handoff";
import { readCustomerConfig, tenantAccountProblem } from "./customer-config";

/**
 * The customer-account program: reads this tenant's entry from the ops stack
 * and creates its private audit logging and runtime.
 */
export function customerProgram(): Record<string, unknown> {
    const { opsStack, tenantId, settings } = readCustomerConfig();
    const access = tenantAccessFrom(new pulumi.StackReference(opsStack), tenantId);
    const accountId = aws.getCallerIdentityOutput().accountId;
    // The role is only usable from an account the ops stack trusts for this tenant.
    const opsRoleArn = pulumi.all([access.roleArn, access.accounts, accountId]).apply(([roleArn, accounts, account]) => {
        const problem = tenantAccountProblem({ accounts }, tenantId, account, opsStack);
        if (problem !== undefined) {
            throw new Error(problem);
        }
        return roleArn;
    });
    const logging = new PrivateInvocationLogging(tenantId, {
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
