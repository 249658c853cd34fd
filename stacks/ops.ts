import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { BedrockTenantFleet } from "../components/bedrock-tenant-fleet/bedrock-tenant-fleet";
import { DEFAULT_REGION } from "../contract/identifiers";
import type { TenantsOutput } from "./stack-outputs";
import { CONFIG_NAMESPACE, planOpsTenants, type OpsSettings } from "./ops-config";

/**
 * The ops-account program: one `BedrockTenantAccess` per entry of
 * `bedrock-tenancy:tenants`, exported as `tenants` for customer stacks.
 * It never configures Bedrock invocation logging, so prompts are not stored
 * in this account.
 */
export function opsProgram(): { tenants: pulumi.Output<TenantsOutput> } {
    const config = new pulumi.Config(CONFIG_NAMESPACE);
    const settings: OpsSettings = {
        allowedRegions: config.getObject<string[]>("allowedRegions"),
        costAttribution: config.getObject<boolean>("costAttribution"),
        costTagKey: config.get("costTagKey"),
        applicationProfileQuota: config.getObject<number>("applicationProfileQuota"),
        trustPolicySizeQuota: config.getObject<number>("trustPolicySizeQuota"),
        permissionsBoundary: config.get("permissionsBoundary"),
    };
    const planned = planOpsTenants(config.requireObject<unknown>("tenants"), settings, aws.config.region ?? DEFAULT_REGION);

    // The config is already checked entry by entry; the fleet adds the catalogue check and builds the record.
    const fleet = new BedrockTenantFleet("tenants", {
        tenants: planned.map(({ args, resolved }) => ({ ...args, region: resolved.region })),
        allowedRegions: settings.allowedRegions,
    });
    return { tenants: fleet.tenants };
}
