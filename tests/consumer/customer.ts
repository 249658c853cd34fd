import * as pulumi from "@pulumi/pulumi";
import { PrivateInvocationLogging } from "bedrock-tenancy";

/** One entry of the ops program's `tenantAccess` output. */
interface TenantAccess {
    roleArn: string;
    externalId: string;
    allowedModels: string[];
    inferenceProfileArns: Record<string, string>;
    region: string;
}

const config = new pulumi.Config();
const tenantId = config.require("tenantId");
const ops = new pulumi.StackReference(config.require("opsStack"));

const tenant = ops.requireOutput("tenantAccess").apply((all: Record<string, TenantAccess>) => {
    if (!all[tenantId]) {
        throw new Error(`the ops stack has no tenant "${tenantId}"`);
    }
    return all[tenantId];
});
// Only the ExternalId needs to stay secret; ARNs and model ids read better in diffs.
const open = pulumi.unsecret(tenant);

const logging = new PrivateInvocationLogging(tenantId, {
    tenantId,
    opsRoleArn: open.roleArn,
    externalId: tenant.externalId,
    allowedModels: open.allowedModels,
    modelRoutes: open.inferenceProfileArns,
    bedrockRegion: open.region,
    contentMode: "hash",
});

export const functionName = logging.functionName;
export const logGroupName = logging.logGroupName;
