import type * as pulumi from "@pulumi/pulumi";
import { DEFAULT_TRUST_POLICY_SIZE_QUOTA, TENANT_TAG_KEY, optionNames } from "../../contract";
import { DEFAULT_APPLICATION_PROFILES_QUOTA } from "../../contract/shard-quotas";
import type { ModelCatalogueMode } from "../bedrock-tenant-fleet/args";
import type { TenantCostCapArgs, TenantQuotaArgs } from "./quota-args";

export type { TenantCostCapArgs, TenantQuotaArgs, TokenLimitArgs } from "./quota-args";

/**
 * Defaults of {@link BedrockTenantAccessArgs}, resolved once. The argument
 * docs (`@default`) and docs/ops.md state the same values; a test holds them
 * together.
 */
export const TENANT_ACCESS_DEFAULTS = Object.freeze({
    /** One application inference profile per model, tagged with the tenant. */
    costAttribution: true,
    /** Tag key that carries the tenant id for cost allocation. */
    costTagKey: TENANT_TAG_KEY,
    /**
     * "Application inference profiles per account" per Region (Service Quotas
     * L-40EC9882). The AWS General Reference lists 1,000 per supported Region;
     * some accounts show 2,000. Adjustable.
     */
    applicationProfileQuota: DEFAULT_APPLICATION_PROFILES_QUOTA,
    /** IAM's default trust-policy length quota (adjustable up to 4,096). */
    trustPolicySizeQuota: DEFAULT_TRUST_POLICY_SIZE_QUOTA,
    /** Role chaining caps sessions at one hour, so a longer maximum buys nothing. */
    maxSessionDurationSeconds: 3600,
    /** Length of a generated ExternalId (letters and digits). */
    generatedExternalIdLength: 32,
    /** Percentage of the monthly limit at which a budget notifies. */
    budgetThresholdPercent: 80,
    /** Percentage of a token limit at which the warning alarm notifies. */
    quotaWarningPercent: 80,
});

export const MAX_SESSION_DURATION_SECONDS = TENANT_ACCESS_DEFAULTS.maxSessionDurationSeconds;
export const GENERATED_EXTERNAL_ID_LENGTH = TENANT_ACCESS_DEFAULTS.generatedExternalIdLength;

/** A guardrail every call must apply. */
export interface GuardrailArgs {
    /** Guardrail ARN, `arn:aws:bedrock:REGION:ACCOUNT:guardrail/ID` (ID: 1–64 lowercase letters or digits). */
    arn: string;
    /** A published version number (`1`, `2`, …) or `DRAFT`. */
    version: string;
}

/** A monthly cost budget on the tenant's cost-allocation tag. */
export interface TenantBudgetArgs {
    /** Monthly limit in USD. Must be greater than 0. */
    limitUsd: number;
    /**
     * Percentage of `limitUsd` (actual spend) at which to notify.
     * @default 80
     */
    thresholdPercent?: number;
    /**
     * Email addresses to notify. AWS allows 10 per notification. At least one
     * of `emails` or `snsTopicArns` is required.
     * @default []
     */
    emails?: string[];
    /**
     * SNS topic ARNs to notify (AWS allows 1 per notification).
     * @default []
     */
    snsTopicArns?: string[];
}

export interface BedrockTenantAccessArgs {
    /**
     * The tenant id. Feeds the role names (see `opsRoleName`, `runtimeRoleName`),
     * tag values and profile names: 1 to 32 lowercase letters, digits and
     * hyphens, starting and ending with a letter or digit.
     */
    tenantId: string;
    /**
     * Customer account ids (12 digits each) whose runtime role
     * `runtimeRoleName(tenantId)` may assume the tenant's role. At least one.
     * Each account adds its root ARN and its runtime-role ARN to both trust
     * statements: 180 characters plus twice the tenant id's length (242 for
     * a 32-character id), against IAM's 2,048-character default quota.
     */
    accounts: string[];
    /**
     * Foundation model ids (`anthropic.claude-3-haiku-20240307-v1:0`) and system
     * cross-Region profile ids (`us.anthropic.claude-3-5-haiku-20241022-v1:0`)
     * the tenant may invoke. At least one, no duplicates.
     */
    models: string[];
    /**
     * The Bedrock home Region: where the tenant's runtime calls Bedrock and the
     * application inference profiles live.
     * @default - the provider's `aws:region`, else `us-east-1`
     */
    region?: string;
    /**
     * Regions the tenant may invoke models in (`aws:RequestedRegion`). Must
     * include `region` and every destination Region of each cross-Region profile.
     * @default - `[region]` plus the destination Regions of the profiles in `models`
     */
    regions?: string[];
    /**
     * Destination Regions per cross-Region profile id, overriding the built-in
     * table for its geography prefix (`DEFAULT_CROSS_REGION_DESTINATIONS`).
     * Required for prefixes without a default (`global`, `jp`, `au`, …).
     * @default {}
     */
    crossRegionDestinations?: Record<string, string[]>;
    /**
     * Calls must apply exactly this guardrail and version; others are
     * explicitly denied.
     * @default - no guardrail is required
     */
    guardrail?: GuardrailArgs;
    /**
     * Refused. Every tenant role carries its own permissions boundary, the
     * managed policy `tenantBoundaryPolicyName(tenantId)` holding exactly the
     * tenant's invoke grant (its `boundaryPolicyArn` output), and a role has
     * only one boundary. Narrow tenants further with an SCP or an explicit
     * Deny policy instead.
     * @default - the tenant's own boundary
     */
    permissionsBoundary?: pulumi.Input<string>;
    /**
     * The ExternalId the tenant's runtime must present. 2–1,224 characters of
     * `[\w+=,.@:/-]`. Wins over `externalIdSecret`: pin a tenant's deployed
     * ExternalId here to keep it. Keep it out of the tenant's hands when it
     * matters who chose it.
     * @default - derived from `externalIdSecret` when given, else 32 random letters and digits generated once and kept in state
     */
    externalId?: pulumi.Input<string>;
    /**
     * A stack secret the ExternalId is derived from: `bt1.` and the
     * base64url HMAC-SHA256 of the tenant id under this secret (47
     * characters), so it is unique per tenant, stable, unguessable without
     * the secret and known at preview. At least 32 characters; keep it a
     * Pulumi config secret.
     * @default - no derivation (see `externalId`)
     */
    externalIdSecret?: pulumi.Input<string>;
    /**
     * Create one application inference profile per model, tagged with the
     * tenant id, so Bedrock costs can be attributed per tenant.
     * @default true
     */
    costAttribution?: boolean;
    /**
     * Cost-allocation tag key for the tenant id (activate it in Billing for
     * budgets and Cost Explorer). Tag keys: 1–128 characters, not starting with `aws:`.
     * @default "bedrock-tenancy:tenant"
     */
    costTagKey?: string;
    /**
     * Application inference profiles this stack may create per account and
     * Region (the Service Quotas value of L-40EC9882).
     * @default 1000
     */
    applicationProfileQuota?: number;
    /**
     * Optional monthly cost budget on the tenant's cost-allocation tag.
     * Requires `costAttribution`.
     * @default - no budget
     */
    budget?: TenantBudgetArgs;
    /**
     * Token quota per day and month over the tenant's application profiles,
     * enforced by alarms and the ops stack's quota enforcer. Requires `costAttribution`.
     * @default - no token quota
     */
    quota?: TenantQuotaArgs;
    /**
     * Monthly cost cap enforced by an AWS Budgets action on the tenant's
     * cost-allocation tag (hours behind: a backstop, not a rate limit).
     * @default - no cost cap
     */
    costCap?: TenantCostCapArgs;
    /**
     * The ops account id, used in system profile ARNs.
     * @default - the caller identity's account
     */
    accountId?: pulumi.Input<string>;
    /**
     * The account's trust-policy length quota. IAM allows 2,048 characters by
     * default, adjustable up to 4,096.
     * @default 2048
     */
    trustPolicySizeQuota?: number;
    /**
     * How `models` are checked at preview, as a fleet's `modelCatalogue`:
     * `provider` asks the AWS provider, `offline` compares against the
     * shipped table (`KNOWN_MODEL_IDS`) naming the nearest known id, `auto`
     * is `offline` under Pulumi mocks and `provider` otherwise, `off` checks
     * only the syntax. A fleet checks its tenants itself: not an option of
     * a fleet's tenant entries.
     * @default "auto"
     */
    modelCatalogue?: ModelCatalogueMode;
    /**
     * Model and profile ids newer than the shipped table that the offline
     * check accepts as given (a fleet's `allowUnlistedModels`).
     * @default []
     */
    allowUnlistedModels?: string[];
    /**
     * Extra tags for every resource the component creates.
     * @default {}
     */
    tags?: Record<string, string>;
}

/** What a fleet's tenant entry may set: a tenant's arguments, less the model check the fleet makes for all of them. */
export type TenantEntryArgs = Omit<BedrockTenantAccessArgs, "modelCatalogue" | "allowUnlistedModels">;

/** Every option of {@link BedrockTenantAccessArgs}; any other key is refused at preview. */
export const TENANT_ACCESS_OPTIONS = optionNames<BedrockTenantAccessArgs>({
    tenantId: true, accounts: true, models: true, region: true, regions: true, crossRegionDestinations: true, guardrail: true,
    permissionsBoundary: true, externalId: true, externalIdSecret: true, costAttribution: true, costTagKey: true,
    applicationProfileQuota: true, budget: true, quota: true, costCap: true, accountId: true, trustPolicySizeQuota: true,
    modelCatalogue: true, allowUnlistedModels: true, tags: true,
});
/** Every option of a fleet's tenant entry ({@link TenantEntryArgs}). */
export const TENANT_ENTRY_OPTIONS: readonly string[] = TENANT_ACCESS_OPTIONS.filter((k) => k !== "modelCatalogue" && k !== "allowUnlistedModels");
export const GUARDRAIL_OPTIONS = optionNames<GuardrailArgs>({ arn: true, version: true });
export const BUDGET_OPTIONS = optionNames<TenantBudgetArgs>({ limitUsd: true, thresholdPercent: true, emails: true, snsTopicArns: true });
