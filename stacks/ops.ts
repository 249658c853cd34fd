import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { BedrockTenantFleet } from "../components/bedrock-tenant-fleet/bedrock-tenant-fleet";
import { stackRegion } from "../components/stack-region";
import { shardTenantsFromConfig } from "./directory-config";
import type { TenantsOutput } from "./stack-outputs";
import { QuotaEnforcer } from "../components/quota-enforcer/quota-enforcer";
import { shardNameProblem } from "../contract";
import { raise } from "../contract/validation";
import { keysInNamespace } from "./config-keys";
import { plainTextSecretProblem, stackConfig } from "./config-json";
import { CONFIG_NAMESPACE, EXTERNAL_ID_SECRET_KEY, OPS_CONFIG_KEYS, unknownOpsConfigKeyProblem, anyTenantHasCostCap, anyTenantHasQuota, inTenantsConfig, opsFleetArgs, readOpsSettings, type OpsSettings } from "./ops-config";

/**
 * The ops-account program: one `BedrockTenantAccess` per entry of
 * `bedrock-tenancy:tenants`, exported as `tenants` for customer stacks.
 * It never configures Bedrock invocation logging, so prompts are not stored
 * in this account.
 */
export function opsProgram(): { tenants: pulumi.Output<TenantsOutput> } {
    raise(unknownOpsConfigKeyProblem(keysInNamespace(CONFIG_NAMESPACE)));
    const config = stackConfig(CONFIG_NAMESPACE);
    raise(plainTextSecretProblem(CONFIG_NAMESPACE, config));
    const settings: OpsSettings = readOpsSettings(config);
    // A shard of a directory plans only its own tenants, after checking the whole fleet.
    const shard = shardTenantsFromConfig(config, new pulumi.Config("aws").getObject<string[]>("allowedAccountIds"));
    for (const line of shard?.headroom ?? []) void pulumi.log.info(line);
    const rawTenants = shard?.tenants ?? config.requireObject<unknown>(OPS_CONFIG_KEYS.tenants);
    // One data-source call for the whole stack, however many tenants it holds.
    const accountId = aws.getCallerIdentityOutput().accountId;
    const region = stackRegion(aws.config.region);
    const costCaps = anyTenantHasCostCap(rawTenants);
    const shardName = config.get(OPS_CONFIG_KEYS.shardName);
    raise(shardName === undefined ? undefined : shardNameProblem(`${CONFIG_NAMESPACE}:${OPS_CONFIG_KEYS.shardName}`, shardName));
    if (anyTenantHasQuota(rawTenants) || costCaps) {
        // One enforcer for every tenant's quota (it reads the tenant from the alarm event), holding the one Budgets role for every cost cap.
        const enforcer = new QuotaEnforcer("quota-enforcer", { region, accountId, costCaps, shardName });
        settings.enforcerFunctionArn = enforcer.functionArn;
        settings.costCapPolicyArn = enforcer.costCapPolicyArn;
        settings.costCapExecutionRoleArn = enforcer.costCapExecutionRoleArn;
    }
    const source = shard && { file: shard.file, name: shard.shard };
    const args = opsFleetArgs(rawTenants, settings, region, source);

    // The fleet checks every tenant and fleet rule, once, before any resource exists.
    let fleet: BedrockTenantFleet;
    try {
        fleet = new BedrockTenantFleet("tenants", {
            ...args,
            // A pinned ExternalId stays a secret on its way to the component.
            tenants: args.tenants.map((t) => ({ ...t, externalId: t.externalId === undefined ? undefined : pulumi.secret(t.externalId) })),
            // Known at preview once the stack's secrets are decrypted, so a preview that adds a tenant shows its trust policy.
            defaults: { ...args.defaults, accountId, externalIdSecret: config.getSecret(EXTERNAL_ID_SECRET_KEY) },
        });
    } catch (e) {
        throw inTenantsConfig(e, source);
    }
    return { tenants: fleet.tenants };
}
