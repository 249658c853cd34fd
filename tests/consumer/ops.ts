import * as pulumi from "@pulumi/pulumi";
import { BedrockTenantAccess } from "bedrock-tenancy";

const tenants = [
    { tenantId: "customer-a", accounts: ["111111111111"], models: ["anthropic.claude-3-haiku-20240307-v1:0"] },
    { tenantId: "customer-b", accounts: ["222222222222"], models: ["us.anthropic.claude-3-5-haiku-20241022-v1:0"] },
];

const access = tenants.map((t) => new BedrockTenantAccess(t.tenantId, t));

// Customer stacks read this through a StackReference. Secret: it holds the ExternalIds.
export const tenantAccess = pulumi.secret(
    pulumi.output(
        Object.fromEntries(
            access.map((a, i) => [
                tenants[i].tenantId,
                {
                    roleArn: a.roleArn,
                    externalId: a.externalId,
                    allowedModels: a.allowedModels,
                    inferenceProfileArns: a.inferenceProfileArns,
                    region: a.region,
                },
            ]),
        ),
    ),
);
