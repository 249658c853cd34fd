import { optionNames } from "../../contract";
import type { BedrockTenantAccessArgs, TenantEntryArgs } from "../bedrock-tenant-access/args";

/** Type token of {@link BedrockTenantFleet}; frozen once released. */
export const BEDROCK_TENANT_FLEET_TYPE = "bedrock-tenancy:index:BedrockTenantFleet";

/** How model ids are checked at preview; see {@link BedrockTenantFleetArgs.modelCatalogue}. */
export type ModelCatalogueMode = "auto" | "provider" | "offline" | "off";

/** Arguments every tenant of the fleet shares unless its own entry sets them. */
export type FleetDefaults = Partial<Omit<BedrockTenantAccessArgs, "tenantId" | "accounts" | "models" | "externalId" | "modelCatalogue" | "allowUnlistedModels">>;

/**
 * Defaults of {@link BedrockTenantFleetArgs}, resolved once. The argument
 * docs (`@default`) and docs/ops.md state the same values; a test holds them
 * together.
 */
export const TENANT_FLEET_DEFAULTS = Object.freeze({
    /** Provider data sources in a real run, the shipped table under Pulumi mocks. */
    modelCatalogue: "auto",
    /** Letters and digits of the fleet's own ExternalId secret when `defaults.externalIdSecret` is not given (about 285 bits). */
    generatedExternalIdSecretLength: 48,
});

export interface BedrockTenantFleetArgs {
    /**
     * One entry per tenant: the arguments of `BedrockTenantAccess`. Tenant ids
     * must be unique, an account may belong to one tenant only, and no two
     * tenants may name the same application inference profile. At least one.
     */
    tenants: TenantEntryArgs[];
    /**
     * Arguments applied to every tenant that does not set them itself (a
     * tenant's own value wins): `region`, `costTagKey`, `guardrail`, `tags`,
     * `externalIdSecret` (a stack config secret every tenant without its own
     * `externalId` derives its ExternalId from; without one, the fleet
     * generates such a secret once and keeps it in state), …
     * @default {}
     */
    defaults?: FleetDefaults;
    /**
     * Regions any tenant may be granted; a tenant whose Regions reach outside
     * the list fails at preview.
     * @default - no cap beyond each tenant's own `regions`
     */
    allowedRegions?: string[];
    /**
     * How model ids are checked at preview. `provider` asks the AWS provider
     * (`aws.bedrockfoundation.getModel`, `aws.bedrock.getInferenceProfile`),
     * once per distinct id and Region per stack, so an unknown id fails the
     * preview naming it. `offline` compares against the shipped table of known
     * ids (`KNOWN_MODEL_IDS`) and fails on an id it does not know, naming the
     * nearest one. `auto` is `offline` under Pulumi mocks and `provider`
     * otherwise. `off` checks only the id's syntax.
     * @default "auto"
     */
    modelCatalogue?: ModelCatalogueMode;
    /**
     * Model and profile ids newer than the shipped table that the offline
     * check accepts as given. The provider check (a real preview) still asks
     * AWS about them.
     * @default []
     */
    allowUnlistedModels?: string[];
}

/** Every option of {@link BedrockTenantFleetArgs}; any other key is refused at preview. */
export const TENANT_FLEET_OPTIONS = optionNames<BedrockTenantFleetArgs>({ tenants: true, defaults: true, allowedRegions: true, modelCatalogue: true, allowUnlistedModels: true });
/** Every option of {@link FleetDefaults}. */
export const FLEET_DEFAULTS_OPTIONS = optionNames<FleetDefaults>({
    region: true, regions: true, crossRegionDestinations: true, guardrail: true, permissionsBoundary: true, externalIdSecret: true,
    costAttribution: true, costTagKey: true, applicationProfileQuota: true, budget: true, quota: true, costCap: true, accountId: true,
    trustPolicySizeQuota: true, tags: true,
});
