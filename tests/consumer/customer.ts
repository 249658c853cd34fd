import * as pulumi from "@pulumi/pulumi";
import { PrivateInvocationLogging, tenantAccessFrom } from "bedrock-tenancy";

const config = new pulumi.Config();
const tenantId = config.require("tenantId");
const access = tenantAccessFrom(config.require("opsStack"), tenantId);

const logging = new PrivateInvocationLogging(tenantId, {
    tenantId, contentMode: "hash",
    opsRoleArn: access.roleArn, externalId: access.externalId, bedrockRegion: access.region,
    allowedModels: access.allowedModels, modelRoutes: access.inferenceProfileArns,
});

export const functionName = logging.functionName;
export const logGroupName = logging.logGroupName;
