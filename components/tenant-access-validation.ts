import type * as aws from "@pulumi/aws";
import { assertTenantId, runtimeRoleName } from "./naming";
import { ACCOUNT_ID_PATTERN, DEFAULT_REGION, EXTERNAL_ID_PATTERN, GUARDRAIL_ARN_PATTERN, SNS_TOPIC_ARN_PATTERN, regionProblem } from "./aws-identifiers";
import { destinationRegions, parseModelId, type ModelRef } from "./bedrock-models";
import { INLINE_POLICY_SIZE_QUOTA, MAX_TRUST_POLICY_SIZE_QUOTA, DEFAULT_TRUST_POLICY_SIZE_QUOTA, policySizeError } from "./iam-quotas";
import { tenantPermissionsPolicy, type AllowedModel } from "./tenant-permissions-policy";
import { tenantTrustPolicy } from "./tenant-trust-policy";
import {
    DEFAULT_APPLICATION_PROFILE_QUOTA,
    DEFAULT_BUDGET_THRESHOLD_PERCENT,
    DEFAULT_COST_TAG_KEY,
    GENERATED_EXTERNAL_ID_LENGTH,
    type BedrockTenantAccessArgs,
} from "./tenant-access-args";

export const GUARDRAIL_VERSION_PATTERN = /^(?:DRAFT|[1-9]\d{0,7})$/;
/** Tag keys: 1–128 letters, digits, spaces and `_.:/=+-@`; `aws:` is reserved. */
export const TAG_KEY_PATTERN = /^(?!aws:)[\p{L}\p{N}\p{Z}_.:/=+\-@]{1,128}$/u;
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
}

const show = (v: unknown) => JSON.stringify(v);

function fail(message: string): never {
    throw new TypeError(message);
}

function stringList(value: unknown, argName: string): string[] {
    if (!Array.isArray(value)) {
        fail(`${argName} must be a list, got ${show(value)}`);
    }
    return value as string[];
}

function positiveInt(value: unknown, argName: string, max = Number.MAX_SAFE_INTEGER): number {
    if (typeof value !== "number" || !Number.isInteger(value) || value < 1 || value > max) {
        fail(`${argName} must be a whole number from 1 to ${max}, got ${show(value)}`);
    }
    return value;
}

/** Checks the Region-independent identity arguments. */
function checkAccounts(value: unknown): string[] {
    const accounts = stringList(value, "accounts");
    if (accounts.length === 0) {
        fail(`accounts must list at least one customer account id, got []`);
    }
    accounts.forEach((a, i) => {
        if (typeof a !== "string" || !ACCOUNT_ID_PATTERN.test(a)) {
            fail(`accounts[${i}] must be a 12-digit AWS account id, got ${show(a)}`);
        }
    });
    const dup = accounts.find((a, i) => accounts.indexOf(a) !== i);
    if (dup !== undefined) {
        fail(`accounts lists ${show(dup)} twice`);
    }
    return accounts;
}

function checkRegion(value: unknown, argName: string): string {
    const problem = regionProblem(argName, value);
    if (problem !== undefined) {
        fail(problem);
    }
    return value as string;
}

function checkModels(args: BedrockTenantAccessArgs, region: string): AllowedModel[] {
    const ids = stringList(args.models, "models");
    if (ids.length === 0) {
        fail(`models must list at least one model or inference profile id, got []`);
    }
    const overrides = args.crossRegionDestinations ?? {};
    for (const [id, regions] of Object.entries(overrides)) {
        stringList(regions, `crossRegionDestinations[${show(id)}]`).forEach((r, i) => checkRegion(r, `crossRegionDestinations[${show(id)}][${i}]`));
    }
    return ids.map((id, i) => {
        const argName = `models[${i}]`;
        if (ids.indexOf(id) !== i) {
            fail(`${argName} repeats ${show(id)}`);
        }
        const ref: ModelRef = parseModelId(id, argName);
        if (ref.kind === "foundation-model") {
            return { ref };
        }
        const destinations = destinationRegions(ref, overrides, argName);
        if (!destinations.includes(region)) {
            fail(`${argName}: ${show(id)} cannot be called from the home Region ${show(region)}; its Regions are ${show(destinations)}`);
        }
        return { ref, destinations };
    });
}

function checkRegions(args: BedrockTenantAccessArgs, region: string, models: AllowedModel[]): string[] {
    const needed = [region, ...models.flatMap((m) => m.destinations ?? [])];
    if (args.regions === undefined) {
        return [...new Set(needed)];
    }
    const regions = stringList(args.regions, "regions");
    regions.forEach((r, i) => checkRegion(r, `regions[${i}]`));
    if (!regions.includes(region)) {
        fail(`region ${show(region)} is outside the allowed regions ${show(regions)}`);
    }
    models.forEach((m, i) => {
        const outside = (m.destinations ?? []).filter((r) => !regions.includes(r));
        if (outside.length > 0) {
            fail(`models[${i}]: ${show(m.ref.id)} routes to ${show(outside)}, outside the allowed regions ${show(regions)}`);
        }
    });
    return [...new Set(regions)];
}

function checkBudget(args: BedrockTenantAccessArgs, costAttribution: boolean): ResolvedTenantAccess["budget"] {
    const b = args.budget;
    if (b === undefined) {
        return undefined;
    }
    if (!costAttribution) {
        fail(`budget filters on the cost-allocation tag of the application inference profiles, so it needs costAttribution: true, got costAttribution: false`);
    }
    if (typeof b.limitUsd !== "number" || !Number.isFinite(b.limitUsd) || b.limitUsd <= 0) {
        fail(`budget.limitUsd must be a positive number of USD, got ${show(b.limitUsd)}`);
    }
    const thresholdPercent = b.thresholdPercent ?? DEFAULT_BUDGET_THRESHOLD_PERCENT;
    if (typeof thresholdPercent !== "number" || !(thresholdPercent > 0 && thresholdPercent <= 1000)) {
        fail(`budget.thresholdPercent must be a percentage above 0 and at most 1000, got ${show(b.thresholdPercent)}`);
    }
    const emails = stringList(b.emails ?? [], "budget.emails");
    const snsTopicArns = stringList(b.snsTopicArns ?? [], "budget.snsTopicArns");
    emails.forEach((e, i) => EMAIL_PATTERN.test(String(e)) || fail(`budget.emails[${i}] must be an email address, got ${show(e)}`));
    snsTopicArns.forEach((t, i) => SNS_TOPIC_ARN_PATTERN.test(String(t)) || fail(`budget.snsTopicArns[${i}] must be an SNS topic ARN, got ${show(t)}`));
    if (emails.length + snsTopicArns.length === 0) {
        fail(`budget needs at least one of emails or snsTopicArns, got ${show(b)}`);
    }
    if (emails.length > MAX_BUDGET_EMAILS || snsTopicArns.length > MAX_BUDGET_TOPICS) {
        fail(`budget allows at most ${MAX_BUDGET_EMAILS} emails and ${MAX_BUDGET_TOPICS} SNS topic, got ${emails.length} and ${snsTopicArns.length}`);
    }
    return { limitUsd: b.limitUsd, thresholdPercent, emails, snsTopicArns };
}

/** Throws naming `externalId` unless `value` follows STS's ExternalId rules. */
export function assertExternalId(value: unknown): asserts value is string {
    if (typeof value !== "string" || !EXTERNAL_ID_PATTERN.test(value)) {
        // The value is a credential-like secret: say what is wrong with it, never what it is.
        const what = typeof value === "string" ? `a string of ${value.length} characters (not shown: it is secret)` : show(value);
        fail(`externalId must be 2 to 1224 characters of [\\w+=,.@:/-], got ${what}`);
    }
}

/**
 * Validates every plain argument of `BedrockTenantAccess` and resolves the
 * defaults, before any resource exists. Throws a `TypeError` naming the
 * argument and the value received.
 */
export function validateBedrockTenantAccessArgs(args: BedrockTenantAccessArgs, defaultRegion: string = DEFAULT_REGION): ResolvedTenantAccess {
    if (typeof args !== "object" || args === null) {
        fail(`args must be an object, got ${show(args)}`);
    }
    assertTenantId(args.tenantId);
    const tenantId = args.tenantId;
    const accounts = checkAccounts(args.accounts);
    const region = checkRegion(args.region ?? defaultRegion, "region");
    const models = checkModels(args, region);
    const regions = checkRegions(args, region, models);

    let guardrailIdentifier: string | undefined;
    if (args.guardrail !== undefined) {
        const { arn, version } = args.guardrail;
        GUARDRAIL_ARN_PATTERN.test(String(arn)) || fail(`guardrail.arn must match ${GUARDRAIL_ARN_PATTERN}, got ${show(arn)}`);
        GUARDRAIL_VERSION_PATTERN.test(String(version)) || fail(`guardrail.version must be a version number or "DRAFT", got ${show(version)}`);
        guardrailIdentifier = `${arn}:${version}`;
    }
    const externalId = typeof args.externalId === "string" ? args.externalId : undefined;
    if (externalId !== undefined) {
        assertExternalId(externalId);
    }
    const costAttribution = args.costAttribution ?? true;
    if (typeof costAttribution !== "boolean") {
        fail(`costAttribution must be true or false, got ${show(args.costAttribution)}`);
    }
    const costTagKey = args.costTagKey ?? DEFAULT_COST_TAG_KEY;
    TAG_KEY_PATTERN.test(String(costTagKey)) || fail(`costTagKey must be a tag key of 1 to 128 characters not starting with "aws:", got ${show(costTagKey)}`);
    const applicationProfileQuota = positiveInt(args.applicationProfileQuota ?? DEFAULT_APPLICATION_PROFILE_QUOTA, "applicationProfileQuota");
    if (costAttribution && models.length > applicationProfileQuota) {
        fail(`models would need ${models.length} application inference profiles, over applicationProfileQuota ${applicationProfileQuota}`);
    }
    const trustPolicySizeQuota = positiveInt(args.trustPolicySizeQuota ?? DEFAULT_TRUST_POLICY_SIZE_QUOTA, "trustPolicySizeQuota", MAX_TRUST_POLICY_SIZE_QUOTA);
    const budget = checkBudget(args, costAttribution);

    const resolved: ResolvedTenantAccess = {
        tenantId, runtimeRoleName: runtimeRoleName(tenantId), accounts, models, region, regions,
        guardrailIdentifier, externalId, costAttribution, costTagKey, applicationProfileQuota, trustPolicySizeQuota, budget,
    };
    checkPreviewPolicySizes(resolved);
    return resolved;
}

/**
 * Sizes the policies before any resource exists: the generated ExternalId's
 * length is known, and the application profile ARNs are estimated.
 */
function checkPreviewPolicySizes(r: ResolvedTenantAccess): void {
    const trust = tenantTrustPolicy({ accounts: r.accounts, runtimeRoleName: r.runtimeRoleName, externalId: r.externalId ?? "x".repeat(GENERATED_EXTERNAL_ID_LENGTH) });
    const trustError = policySizeError("the trust policy", trust, r.trustPolicySizeQuota);
    if (trustError) {
        fail(`accounts: ${trustError} with ${r.accounts.length} accounts; raise trustPolicySizeQuota (up to ${MAX_TRUST_POLICY_SIZE_QUOTA}) after raising it in Service Quotas, or trust fewer accounts`);
    }
    const error = policySizeError("the permissions policy", permissionsPolicyFor(r, "000000000000", estimatedProfileArns(r)), INLINE_POLICY_SIZE_QUOTA);
    if (error) {
        fail(`models: ${error}; allow fewer models or Regions`);
    }
}

function estimatedProfileArns(r: ResolvedTenantAccess): Record<string, string> {
    if (!r.costAttribution) {
        return {};
    }
    const arn = `arn:aws:bedrock:${r.region}:000000000000:application-inference-profile/${"x".repeat(ESTIMATED_PROFILE_ID_LENGTH)}`;
    return Object.fromEntries(r.models.map((m) => [m.ref.id, arn]));
}

/** The permissions policy for resolved arguments once the account and profile ARNs are known. */
export function permissionsPolicyFor(r: ResolvedTenantAccess, account: string, applicationProfiles: Record<string, string>): aws.iam.PolicyDocument {
    return tenantPermissionsPolicy({ region: r.region, regions: r.regions, account, models: r.models, applicationProfiles, guardrailIdentifier: r.guardrailIdentifier });
}
