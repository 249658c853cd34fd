import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { PrivateInvocationLogging } from "../components/private-invocation-logging/private-invocation-logging";
import type { TenantsOutput } from "./stack-outputs";
import { findTenant, readCustomerConfig, tenantAccountProblem } from "./customer-config";

/** Name of the ops stack output customer stacks read. */
export const TENANTS_OUTPUT = "tenants";

/**
 * The customer-account program: reads this tenant's entry from the ops stack
 * and creates its private audit logging and runtime.
 */
export function customerProgram(): Record<string, unknown> {
    const { opsStack, tenantId, settings } = readCustomerConfig();
    const ops = new pulumi.StackReference(opsStack);
    // The whole output is secret because it holds every tenant's ExternalId.
    const tenants = ops.requireOutput(TENANTS_OUTPUT) as pulumi.Output<TenantsOutput>;
    const accountId = aws.getCallerIdentityOutput().accountId;
    const entry = pulumi.all([tenants, accountId]).apply(([all, account]) => {
        const found = findTenant(all, tenantId, opsStack);
        const problem = tenantAccountProblem(found, tenantId, account, opsStack);
        if (problem !== undefined) {
            throw new Error(problem);
        }
        return found;
    });
    // Everything but the ExternalId is not sensitive; keeping it secret would
    // hide ARNs and model ids in every diff.
    const open = pulumi.unsecret(entry);
    const logging = new PrivateInvocationLogging(tenantId, {
        tenantId,
        accountId,
        opsRoleArn: open.roleArn,
        externalId: pulumi.secret(entry.externalId),
        allowedModels: open.allowedModels,
        modelRoutes: open.inferenceProfileArns,
        bedrockRegion: open.region,
        ...settings,
    });
    return {
        tenantId,
        opsRoleArn: open.roleArn,
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
