import type * as aws from "@pulumi/aws";
import {
    ArgumentError,
    DEFAULT_REGION,
    guardrailConditionValue,
    guardrailProblem,
    INLINE_POLICY_SIZE_QUOTA,
    MANAGED_POLICY_SIZE_QUOTA,
    MAX_TRUST_POLICY_SIZE_QUOTA,
    SNS_TOPIC_ARN_PATTERN,
    accountIdProblem,
    applicationProfileArn,
    booleanProblem,
    destinationRegions,
    duplicateProblem,
    externalIdProblem,
    firstProblem,
    integerProblem,
    listProblem,
    membersUnreadableProblem,
    modelIdProblem,
    nearestName,
    oneOfProblem,
    parseModelId,
    patternProblem,
    plainValueProblem,
    policySizeError,
    raise,
    recordProblem,
    regionProblem,
    runtimeRoleName,
    show,
    tagsProblem,
    usdLimitProblem,
    tenantBoundaryPolicyName,
    tenantIdProblem,
    unknownOptionProblem,
    type Problem,
} from "../../contract";
import { COST_CAP_OPTIONS, QUOTA_OPTIONS, TOKEN_LIMIT_OPTIONS } from "./quota-args";
import { DERIVED_EXTERNAL_ID_LENGTH, externalIdSecretProblem } from "./external-id";
import { BUDGET_OPTIONS, GUARDRAIL_OPTIONS, TENANT_ACCESS_DEFAULTS, TENANT_ACCESS_OPTIONS, type BedrockTenantAccessArgs, type TenantBudgetArgs } from "./args";
import type { ModelCatalogueMode } from "../bedrock-tenant-fleet/args";
import { tenantPermissionsPolicy, type AllowedModel } from "./permissions-policy";
import { resolveCostCap, resolveQuota, type ResolvedCostCap, type ResolvedQuota } from "./quota-validation";
import { tenantTrustPolicy } from "./trust-policy";

export { GUARDRAIL_VERSION_PATTERN } from "../../contract";
/** How model ids may be checked at preview (`modelCatalogue`, of a tenant or a fleet). */
export const MODEL_CATALOGUE_MODES: readonly ModelCatalogueMode[] = ["auto", "provider", "offline", "off"];
/** Tag keys: 1–128 letters, digits, spaces and `_.:/=+-@`; `aws:` is reserved in any case. */
export const TAG_KEY_PATTERN = /^(?![aA][wW][sS]:)[\p{L}\p{N}\p{Z}_.:/=+\-@]{1,128}$/u;
const EMAIL_PATTERN = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;
/** Budgets allow 10 email subscribers and 1 SNS topic per notification. */
const MAX_BUDGET_EMAILS = 10;
const MAX_BUDGET_TOPICS = 1;
/**
 * Application profile ids are opaque; the preview-time size estimate assumes
 * 12 characters (observed in AWS examples, unverified). The exact size is
 * checked again once the ARNs are known.
 */
const ESTIMATED_PROFILE_ID_LENGTH = 12;

/** Plain, checked values the component builds from. */
export interface ResolvedTenantAccess {
    tenantId: string;
    runtimeRoleName: string;
    accounts: string[];
    models: AllowedModel[];
    region: string;
    regions: string[];
    guardrailIdentifier?: string;
    /** The ExternalId when given as a plain string. */
    externalId?: string;
    costAttribution: boolean;
    costTagKey: string;
    applicationProfileQuota: number;
    trustPolicySizeQuota: number;
    budget?: { limitUsd: number; thresholdPercent: number; emails: string[]; snsTopicArns: string[] };
    quota?: ResolvedQuota;
    costCap?: ResolvedCostCap;
}

/**
 * Keys of a tenant's arguments, and of the objects nested in them, that are
 * no option: each would be ignored and its default taken. `path` names the
 * object as the caller wrote it (`tenants[1].`, `defaults.`), `known` and
 * `what` its own options (a fleet's defaults take fewer than a tenant).
 */
export function tenantAccessOptionsProblem(args: unknown, path = "", known: readonly string[] = TENANT_ACCESS_OPTIONS, what = "BedrockTenantAccess"): Problem {
    const top = unknownOptionProblem(path, args, known, what);
    if (top !== undefined || typeof args !== "object" || args === null) return top;
    const a = args as Record<string, unknown>;
    const quota = a.quota as Record<string, unknown> | undefined;
    /** Read once the quota's own keys (perModel among them) are known to be readable. */
    const perModelProblem = (): Problem => {
        const perModel = typeof quota === "object" && quota !== null ? quota.perModel : undefined;
        if (typeof perModel !== "object" || perModel === null) return undefined;
        const unread = membersUnreadableProblem(`${path}quota.perModel`, perModel);
        if (unread !== undefined) return unread;
        for (const [id, limits] of Object.entries(perModel)) {
            const problem = unknownOptionProblem(`${path}quota.perModel[${show(id)}].`, limits, TOKEN_LIMIT_OPTIONS, "a model's token limits");
            if (problem !== undefined) return problem;
        }
        return undefined;
    };
    return firstProblem(
        () => unknownOptionProblem(`${path}guardrail.`, a.guardrail, GUARDRAIL_OPTIONS, "guardrail"),
        () => unknownOptionProblem(`${path}budget.`, a.budget, BUDGET_OPTIONS, "budget"),
        () => unknownOptionProblem(`${path}quota.`, quota, QUOTA_OPTIONS, "quota"),
        perModelProblem,
        () => unknownOptionProblem(`${path}costCap.`, a.costCap, COST_CAP_OPTIONS, "costCap"),
    );
}

function accountsProblem(value: unknown): Problem {
    const list = listProblem("accounts", value, true, "customer account id");
    if (list !== undefined) return list;
    const accounts = value as unknown[];
    for (const [i, a] of accounts.entries()) {
        const problem = accountIdProblem(`accounts[${i}]`, a);
        if (problem !== undefined) return problem;
    }
    return duplicateProblem("accounts", accounts);
}

/**
 * Why `accountId` (the ops account, when given as a plain value) is not
 * usable: its id, or a tenant account that is the ops account itself. Such a
 * tenant would deploy its customer side into the ops account, next to every
 * other tenant's role.
 */
export function opsAccountProblem(accountId: unknown, accounts: readonly string[]): Problem {
    // An Output or a promise is checked by the component once known.
    if (accountId === undefined || typeof accountId === "object") return undefined;
    const bad = accountIdProblem("accountId", accountId);
    if (bad !== undefined) return bad;
    return opsAccountInAccountsProblem(accounts, accountId as string);
}

/** The message for a tenant account that is the ops account `opsAccount`, or `undefined`. */
export function opsAccountInAccountsProblem(accounts: readonly string[], opsAccount: string): Problem {
    const i = accounts.indexOf(opsAccount);
    if (i < 0) return undefined;
    return `accounts[${i}] must be a customer account other than the ops account the tenant's role is created in (accountId ${opsAccount}), got ${show(accounts[i])}: ` +
        "the customer side would be deployed into the ops account, beside every other tenant's role";
}

function destinationsProblem(overrides: unknown): Problem {
    if (overrides === undefined) return undefined;
    if (typeof overrides !== "object" || overrides === null || Array.isArray(overrides)) {
        return `crossRegionDestinations must be an object of profile id to Region list, got ${show(overrides)}`;
    }
    for (const [id, regions] of Object.entries(overrides)) {
        const name = `crossRegionDestinations[${show(id)}]`;
        const problem = listProblem(name, regions, true, "Region") ?? (regions as unknown[]).map((r, i) => regionProblem(`${name}[${i}]`, r)).find(Boolean);
        if (problem !== undefined) return problem;
    }
    return undefined;
}

function resolveModels(args: BedrockTenantAccessArgs, region: string): AllowedModel[] {
    raise(listProblem("models", args.models, true, "model or inference profile id"), destinationsProblem(args.crossRegionDestinations));
    raise(duplicateProblem("models", args.models));
    const overrides = args.crossRegionDestinations ?? {};
    const models: AllowedModel[] = args.models.map((id, i) => {
        const argName = `models[${i}]`;
        const ref = parseModelId(id, argName);
        if (ref.kind === "foundation-model") {
            return { ref };
        }
        const destinations = destinationRegions(ref, overrides, argName);
        if (!destinations.includes(region)) {
            throw new ArgumentError(`${argName}: ${show(id)} cannot be called from the home Region ${show(region)}; its Regions are ${show(destinations)}`);
        }
        return { ref, destinations };
    });
    // A key that names none of the models (a slip in the id) would be ignored, and the profile's default Regions granted instead.
    const profiles = models.filter((m) => m.destinations !== undefined).map((m) => m.ref.id);
    const stray = Object.keys(overrides).find((id) => !profiles.includes(id));
    if (stray !== undefined) {
        const meant = nearestName(stray, profiles);
        throw new ArgumentError(
            `crossRegionDestinations[${show(stray)}] names no cross-Region profile in models (${profiles.length > 0 ? profiles.map((p) => show(p)).join(", ") : "none"})` +
                `${meant === undefined ? "" : `; did you mean ${show(meant)}?`}: its Regions would be ignored, and the profile's default Regions granted instead`,
        );
    }
    return models;
}

function resolveRegions(args: BedrockTenantAccessArgs, region: string, models: AllowedModel[]): string[] {
    const needed = [region, ...models.flatMap((m) => m.destinations ?? [])];
    if (args.regions === undefined) {
        return [...new Set(needed)];
    }
    raise(listProblem("regions", args.regions, true, "Region"));
    raise(...args.regions.map((r, i) => regionProblem(`regions[${i}]`, r)));
    const regions = args.regions;
    if (!regions.includes(region)) {
        throw new ArgumentError(`region ${show(region)} is outside the allowed regions ${show(regions)}`);
    }
    models.forEach((m, i) => {
        const outside = (m.destinations ?? []).filter((r) => !regions.includes(r));
        if (outside.length > 0) {
            throw new ArgumentError(`models[${i}]: ${show(m.ref.id)} routes to ${show(outside)}, outside the allowed regions ${show(regions)}`);
        }
    });
    return [...new Set(regions)];
}

/** The settings an ops account shares across its tenants (the ops stack sets them once), checked by one rule wherever they are set. */
export interface AccountSettings {
    costAttribution?: unknown;
    costTagKey?: unknown;
    applicationProfileQuota?: unknown;
    trustPolicySizeQuota?: unknown;
}

/** Each given setting's problem; `prefix` names where they are set (`bedrock-tenancy:` for the stack's config). */
export function accountSettingsProblem(s: AccountSettings, prefix = ""): Problem {
    return firstProblem(
        () => (s.costAttribution === undefined ? undefined : booleanProblem(`${prefix}costAttribution`, s.costAttribution)),
        () => (s.costTagKey === undefined ? undefined : patternProblem(`${prefix}costTagKey`, s.costTagKey, TAG_KEY_PATTERN, 'a tag key of 1 to 128 characters not starting with "aws:" in any case')),
        () => (s.applicationProfileQuota === undefined ? undefined : integerProblem(`${prefix}applicationProfileQuota`, s.applicationProfileQuota, 1)),
        () => (s.trustPolicySizeQuota === undefined ? undefined : integerProblem(`${prefix}trustPolicySizeQuota`, s.trustPolicySizeQuota, 1, MAX_TRUST_POLICY_SIZE_QUOTA)),
    );
}

function budgetProblem(b: TenantBudgetArgs, costAttribution: boolean): Problem {
    if (!costAttribution) {
        return `budget filters on the cost-allocation tag of the application inference profiles, so it needs costAttribution: true, got costAttribution: false`;
    }
    const limit = usdLimitProblem("budget.limitUsd", b.limitUsd);
    if (limit !== undefined) return limit;
    const threshold = b.thresholdPercent ?? TENANT_ACCESS_DEFAULTS.budgetThresholdPercent;
    if (typeof threshold !== "number" || !(threshold > 0 && threshold <= 1000)) {
        return `budget.thresholdPercent must be a percentage above 0 and at most 1000, got ${show(b.thresholdPercent)}`;
    }
    const emails = b.emails ?? [];
    const topics = b.snsTopicArns ?? [];
    return listProblem("budget.emails", emails)
        ?? listProblem("budget.snsTopicArns", topics)
        ?? emails.map((e, i) => patternProblem(`budget.emails[${i}]`, e, EMAIL_PATTERN, "an email address")).find(Boolean)
        ?? topics.map((t, i) => patternProblem(`budget.snsTopicArns[${i}]`, t, SNS_TOPIC_ARN_PATTERN, "an SNS topic ARN")).find(Boolean)
        ?? (emails.length + topics.length === 0 ? `budget needs at least one of emails or snsTopicArns, got ${show(b)}` : undefined)
        ?? (emails.length > MAX_BUDGET_EMAILS || topics.length > MAX_BUDGET_TOPICS
            ? `budget allows at most ${MAX_BUDGET_EMAILS} emails and ${MAX_BUDGET_TOPICS} SNS topic, got ${emails.length} and ${topics.length}`
            : undefined);
}

function guardrailIdentifier(args: BedrockTenantAccessArgs): string | undefined {
    if (args.guardrail === undefined) return undefined;
    raise(recordProblem("guardrail", args.guardrail, "an object with arn and version"));
    const { arn, version } = args.guardrail;
    // A version from YAML may arrive as a number; anything else (a list, an object) would pass once turned to text.
    const text: unknown = typeof version === "number" && Number.isInteger(version) && version > 0 ? String(version) : version;
    raise(guardrailProblem({ arn, version: text }));
    return guardrailConditionValue({ arn, version: text as string });
}

/**
 * Validates every plain argument of `BedrockTenantAccess` and resolves the
 * defaults, before any resource exists. Throws an `ArgumentError` naming the
 * argument and the value received.
 */
export function validateBedrockTenantAccessArgs(args: BedrockTenantAccessArgs, defaultRegion: string = DEFAULT_REGION): ResolvedTenantAccess {
    if (typeof args !== "object" || args === null) {
        throw new ArgumentError(`args must be an object, got ${show(args)}`);
    }
    raise(tenantAccessOptionsProblem(args));
    raise(plainValueProblem("tenantId", args.tenantId) ?? tenantIdProblem("tenantId", args.tenantId), accountsProblem(args.accounts));
    raise(opsAccountProblem(args.accountId, args.accounts));
    raise(
        args.modelCatalogue === undefined ? undefined : oneOfProblem("modelCatalogue", args.modelCatalogue, MODEL_CATALOGUE_MODES),
        args.allowUnlistedModels === undefined ? undefined : listProblem("allowUnlistedModels", args.allowUnlistedModels, false, "model id"),
    );
    raise(...(args.allowUnlistedModels ?? []).map((id, i) => modelIdProblem(`allowUnlistedModels[${i}]`, id)));
    const region = args.region ?? defaultRegion;
    raise(regionProblem("region", region));
    const models = resolveModels(args, region);
    const regions = resolveRegions(args, region, models);
    const externalId = typeof args.externalId === "string" ? args.externalId : undefined;
    if (externalId !== undefined) raise(externalIdProblem("externalId", externalId));
    if (typeof args.externalIdSecret === "string") raise(externalIdSecretProblem("externalIdSecret", args.externalIdSecret));
    if (args.permissionsBoundary !== undefined) {
        throw new ArgumentError(
            `permissionsBoundary is refused: every tenant role carries its own boundary, the managed policy ${show(tenantBoundaryPolicyName(args.tenantId))} ` +
                "capping it at its own models and Regions, and a role has only one boundary; remove the argument (narrow tenants further with an SCP or a Deny policy)",
        );
    }

    const costAttribution = args.costAttribution ?? TENANT_ACCESS_DEFAULTS.costAttribution;
    const costTagKey = args.costTagKey ?? TENANT_ACCESS_DEFAULTS.costTagKey;
    const applicationProfileQuota = args.applicationProfileQuota ?? TENANT_ACCESS_DEFAULTS.applicationProfileQuota;
    const trustPolicySizeQuota = args.trustPolicySizeQuota ?? TENANT_ACCESS_DEFAULTS.trustPolicySizeQuota;
    raise(
        accountSettingsProblem({ costAttribution, costTagKey, applicationProfileQuota, trustPolicySizeQuota }),
        // The component sets the cost tag itself (its value wins), so it counts against the quota.
        tagsProblem("tags", args.tags, [costTagKey]),
    );
    if (costAttribution && models.length > applicationProfileQuota) {
        throw new ArgumentError(`models would need ${models.length} application inference profiles, over applicationProfileQuota ${applicationProfileQuota}`);
    }
    let budget: ResolvedTenantAccess["budget"];
    if (args.budget !== undefined) {
        raise(budgetProblem(args.budget, costAttribution));
        const b = args.budget;
        budget = { limitUsd: b.limitUsd, thresholdPercent: b.thresholdPercent ?? TENANT_ACCESS_DEFAULTS.budgetThresholdPercent, emails: b.emails ?? [], snsTopicArns: b.snsTopicArns ?? [] };
    }

    const plainAccount = typeof args.accountId === "string" ? args.accountId : undefined;
    const resolved: ResolvedTenantAccess = {
        tenantId: args.tenantId, runtimeRoleName: runtimeRoleName(args.tenantId), accounts: args.accounts, models, region, regions,
        guardrailIdentifier: guardrailIdentifier(args), externalId, costAttribution, costTagKey, applicationProfileQuota, trustPolicySizeQuota, budget,
        quota: resolveQuota(args.quota, costAttribution, models.map((m) => m.ref.id), region, plainAccount),
        costCap: resolveCostCap(args.costCap, plainAccount),
    };
    checkPreviewPolicySizes(resolved);
    return resolved;
}

/**
 * Sizes the policies before any resource exists: a generated or derived
 * ExternalId's length is known, and the application profile ARNs are estimated.
 */
function checkPreviewPolicySizes(r: ResolvedTenantAccess): void {
    const longestUnknownId = Math.max(TENANT_ACCESS_DEFAULTS.generatedExternalIdLength, DERIVED_EXTERNAL_ID_LENGTH);
    const trust = tenantTrustPolicy({ tenantId: r.tenantId, accounts: r.accounts, runtimeRoleName: r.runtimeRoleName, externalId: r.externalId ?? "x".repeat(longestUnknownId) });
    const trustError = policySizeError("the trust policy", trust, r.trustPolicySizeQuota);
    if (trustError) {
        throw new ArgumentError(`accounts: ${trustError} with ${r.accounts.length} accounts; raise trustPolicySizeQuota (up to ${MAX_TRUST_POLICY_SIZE_QUOTA}) after raising it in Service Quotas, or trust fewer accounts`);
    }
    const permissions = permissionsPolicyFor(r, "000000000000", estimatedProfileArns(r));
    // The same document is the role's boundary, a managed policy: its quota is the tighter one.
    const error = policySizeError("the permissions policy", permissions, INLINE_POLICY_SIZE_QUOTA)
        ?? policySizeError("the permissions boundary", permissions, MANAGED_POLICY_SIZE_QUOTA);
    if (error) {
        throw new ArgumentError(`models: ${error}; allow fewer models or Regions`);
    }
}

function estimatedProfileArns(r: ResolvedTenantAccess): Record<string, string> {
    if (!r.costAttribution) {
        return {};
    }
    const arn = applicationProfileArn(r.region, "000000000000", "x".repeat(ESTIMATED_PROFILE_ID_LENGTH));
    return Object.fromEntries(r.models.map((m) => [m.ref.id, arn]));
}

/** The permissions policy for resolved arguments once the account and profile ARNs are known. */
export function permissionsPolicyFor(r: ResolvedTenantAccess, account: string, applicationProfiles: Record<string, string>): aws.iam.PolicyDocument {
    return tenantPermissionsPolicy({ region: r.region, regions: r.regions, account, models: r.models, applicationProfiles, guardrailIdentifier: r.guardrailIdentifier });
}
