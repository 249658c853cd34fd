/**
 * What a file must be before anything in it can be proved: every resource
 * of a type the proof knows, one resource per URN and per physical name,
 * no operation left pending, and no provider deploying into another
 * account. Each breach is a finding naming the resource, never settled by
 * the order of the file.
 */
import { isAccountId, isRecord, parseArn } from "../contract";
import { violation, type Violation } from "./findings";
import { asText, decodeSecrets, jsonValue, prop, textProp, UNKNOWN_VALUE, type StackResource, type StackState } from "./pulumi-formats";
import { knownType } from "./resource-types";

/** Type → the property that is its physical name, and whether AWS compares it case-insensitively. */
const PHYSICAL_NAMES: Record<string, [string, boolean]> = {
    "aws:iam/role:Role": ["name", true],
    "aws:iam/user:User": ["name", true],
    "aws:iam/group:Group": ["name", true],
    "aws:iam/policy:Policy": ["name", true],
    "aws:s3/bucket:Bucket": ["bucket", false],
    "aws:s3/bucketV2:BucketV2": ["bucket", false],
    "aws:s3/bucketPolicy:BucketPolicy": ["bucket", false],
    "aws:s3/bucketObjectLockConfiguration:BucketObjectLockConfiguration": ["bucket", false],
    "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration": ["bucket", false],
    "aws:cloudwatch/logGroup:LogGroup": ["name", false],
    "aws:kms/alias:Alias": ["name", false],
    "aws:lambda/function:Function": ["name", false],
    "aws:bedrock/inferenceProfile:InferenceProfile": ["name", false],
    "aws:budgets/budget:Budget": ["name", false],
    "aws:bedrockmodel/invocationLoggingConfiguration:InvocationLoggingConfiguration": ["region", false],
};

export function planViolations(state: StackState, account: string | undefined): Violation[] {
    const out: Violation[] = [];
    const at = (r: StackResource) => ({ tenant: "(stack)", stack: state.stack, resource: r.name, urn: r.urn });
    for (const op of state.pendingOperations) {
        out.push(violation("BT-PLAN-PENDING-OPERATION", { tenant: "(stack)", stack: state.stack, resource: op.urn.split("::").pop()!, urn: op.urn }, "pending_operations",
            `an interrupted update left a pending ${op.type} of ${op.resourceType}: what AWS holds for it is not in the file`));
    }
    const urns = new Map<string, number>();
    const names = new Map<string, StackResource>();
    for (const r of state.resources) {
        urns.set(r.urn, (urns.get(r.urn) ?? 0) + 1);
        const known = knownType(r.type);
        if (!known) out.push(violation("BT-PLAN-UNKNOWN-TYPE", at(r), "type", `resource type ${r.type} is not known to the proof: it could grant access or move data, so it is not assumed harmless`));
        const naming = PHYSICAL_NAMES[r.type];
        const raw = naming ? prop(r, naming[0]) : undefined;
        if (typeof raw === "string" && raw !== "") {
            const key = `${r.type} ${textProp(r, "region") ?? ""} ${naming[1] ? raw.toLowerCase() : raw}`;
            const first = names.get(key);
            if (first && first.urn !== r.urn) {
                out.push(violation("BT-PLAN-DUPLICATE-NAME", at(r), naming[0], `has the physical name ${JSON.stringify(raw)}, like ${first.name}: AWS holds one resource of that name, and the file does not say which`));
            } else names.set(key, r);
        }
        if (r.type === "pulumi:providers:aws") providerViolations(r, account).forEach((why) => out.push(violation("BT-PLAN-FOREIGN-PROVIDER", at(r), "-", why)));
    }
    for (const [urn, count] of urns) {
        if (count > 1) out.push(violation("BT-PLAN-DUPLICATE-URN", { tenant: "(stack)", stack: state.stack, resource: urn.split("::").pop()!, urn }, "urn", `appears ${count} times in ${state.file}: the file does not say which one AWS holds`));
    }
    return out;
}

/** Settings that assume a role: the role must be readable, and of the stack's own account. */
const ROLE_SETTINGS = ["assumeRole", "assumeRoles", "assumeRoleWithWebIdentity"];
/**
 * Settings that pick credentials the file cannot tie to an account (a
 * profile, a credentials file, keys, another metadata endpoint): proved only
 * when `allowedAccountIds` pins the provider to the stack's own account, which
 * the provider itself checks before it deploys.
 */
const CREDENTIAL_SETTINGS = ["profile", "sharedCredentialsFiles", "sharedCredentialsFile", "sharedConfigFiles", "accessKey", "secretKey", "token", "ec2MetadataServiceEndpoint"];
/**
 * Settings that send the provider's calls, STS's included, to other endpoints
 * or let someone in between answer them: whoever answers could also answer
 * the account check, so nothing pins them.
 */
const REDIRECTING_SETTINGS = ["endpoints", "customCaBundle", "httpProxy", "httpsProxy", "insecure"];
/** Without the account lookup, `allowedAccountIds` is not enforced. */
const UNPINNING_SETTINGS = ["skipRequestingAccountId", "skipCredentialsValidation"];
/** Settings that change neither the account deployed into nor where calls go. */
const HARMLESS_SETTINGS = new Set([
    "region", "stsRegion", "defaultTags", "ignoreTags", "maxRetries", "retryMode", "s3UsePathStyle", "s3ForcePathStyle", "s3UsEast1RegionalEndpoint",
    "skipMetadataApiCheck", "skipRegionValidation", "skipGetEc2Platforms", "tokenBucketRateLimiterCapacity", "useDualstackEndpoint", "useFipsEndpoint",
    "ec2MetadataServiceEndpointMode", "noProxy", "forbiddenAccountIds", "allowedAccountIds", "version", "pluginDownloadURL", ...UNPINNING_SETTINGS,
]);

/** A provider of the stack must deploy into the stack's own account, through AWS's own endpoints. */
function providerViolations(r: StackResource, account: string | undefined): string[] {
    const out: string[] = [];
    for (const setting of ROLE_SETTINGS) out.push(...roleViolations(setting, prop(r, setting), account));
    const allowed = settingValue(prop(r, "allowedAccountIds"));
    const list = Array.isArray(allowed) && allowed.length > 0 && allowed.every((a) => typeof a === "string" && isAccountId(a)) ? (allowed as string[]) : undefined;
    if (list && account !== undefined && !list.includes(account)) out.push(`allows only accounts ${list.join(", ")}, not the stack's own account ${account}`);
    const pinned = list !== undefined && account !== undefined && list.every((a) => a === account) && !UNPINNING_SETTINGS.some((k) => isSet(prop(r, k)));
    for (const setting of CREDENTIAL_SETTINGS) {
        if (isSet(prop(r, setting)) && !pinned) out.push(`sets ${setting}: its credentials may be of any account; pin the provider with allowedAccountIds [${account ?? "the stack's account"}] (and no skipRequestingAccountId or skipCredentialsValidation)`);
    }
    for (const setting of REDIRECTING_SETTINGS) {
        if (isSet(prop(r, setting))) out.push(`sets ${setting}: its calls, the account check's included, could be answered by others than AWS`);
    }
    for (const setting of new Set([...Object.keys(r.inputs), ...Object.keys(r.outputs)])) {
        if (!HARMLESS_SETTINGS.has(setting) && !ROLE_SETTINGS.includes(setting) && !CREDENTIAL_SETTINGS.includes(setting) && !REDIRECTING_SETTINGS.includes(setting) && isSet(prop(r, setting))) {
            out.push(`sets ${setting}, a setting the proof does not know: it could deploy elsewhere, so it is not assumed harmless`);
        }
    }
    return out;
}

/** Every role a role setting assumes, in any form Pulumi records it: object, list, JSON text, secret. */
function roleViolations(setting: string, value: unknown, account: string | undefined): string[] {
    const read = settingValue(value);
    if (read === undefined || read === null || read === "") return [];
    const entries = Array.isArray(read) ? read.map((v, i) => [`${setting}[${i}]`, settingValue(v)] as const) : [[setting, read] as const];
    const out: string[] = [];
    for (const [at, role] of entries) {
        if (role === undefined || role === null) continue;
        if (!isRecord(role)) {
            out.push(`${at} is ${unreadable(role)}: the role it assumes cannot be read, so it cannot be proved to stay in the account`);
            continue;
        }
        const arn = settingValue(role.roleArn);
        if (arn === undefined || arn === null || arn === "") continue;
        const parsed = typeof arn === "string" ? parseArn(arn) : undefined;
        if (!parsed || !isAccountId(parsed.account)) {
            out.push(`${at}.roleArn is ${unreadable(arn)}: the role it assumes cannot be proved to be of account ${account ?? "(unknown)"}`);
        } else if (account !== undefined && parsed.account !== account) {
            out.push(`${at} assumes ${asText(arn)}, in account ${parsed.account}: its resources would be deployed into another account than ${account}`);
        }
    }
    return out;
}

/** A provider setting as a value: Pulumi records nested settings as JSON text, possibly holding secrets. */
function settingValue(value: unknown): unknown {
    if (typeof value !== "string" || value === UNKNOWN_VALUE) return value;
    const first = value.trimStart()[0];
    if (first !== "{" && first !== "[" && first !== '"') return value;
    const parsed = jsonValue(value);
    return parsed === undefined ? NOT_JSON : decodeSecrets(parsed, "a provider setting held as JSON text");
}

const NOT_JSON = Symbol("not JSON");

function unreadable(value: unknown): string {
    if (value === UNKNOWN_VALUE) return "not known at preview";
    if (value === NOT_JSON) return "text that is not JSON";
    return isRecord(value) || Array.isArray(value) ? `not a role setting (${asText(value)})` : `not a role ARN (${asText(value)})`;
}

/** Whether a setting says anything: Pulumi records unset and false settings as empty text, "false", [] or {}. */
function isSet(value: unknown): boolean {
    const v = settingValue(value);
    if (v === undefined || v === null || v === "" || v === false || v === "false") return false;
    if (Array.isArray(v)) return v.some(isSet);
    if (isRecord(v)) return Object.values(v).some(isSet);
    return true;
}
