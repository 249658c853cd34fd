import { BedrockTenantFleet } from "bedrock-tenancy";

const fleet = new BedrockTenantFleet("tenants", {
    tenants: [
        { tenantId: "customer-a", accounts: ["111111111111"], models: ["anthropic.claude-3-haiku-20240307-v1:0"] },
        { tenantId: "customer-b", accounts: ["222222222222"], models: ["us.anthropic.claude-3-5-haiku-20241022-v1:0"] },
    ],
});

// Secret, because it holds the ExternalIds; customer stacks read it with tenantAccessFrom.
export const tenants = fleet.tenants;
