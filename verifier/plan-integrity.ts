/**
 * What a file must be before anything in it can be proved: every resource
 * of a type the proof knows, one resource per URN and per physical name,
 * no operation left pending, every resource deployed by a provider the file
 * holds, and no provider deploying into another account or running a plugin
 * from elsewhere than Pulumi's releases. Each breach is a finding naming the
 * resource, never settled by the order of the file.
 */
import { isAccountId, isRecord, parseArn, PARTITION, regionProblem } from "../contract";
import { violation, type Violation } from "./findings";
import { physicalNames } from "./physical-names";
import { asText, decodeSecrets, jsonValue, prop, resourcesByUrn, stackOfUrn, textProp, UNKNOWN_VALUE, type StackResource, type StackState } from "./pulumi-formats";
import { resourceRegion, setsOwnRegion } from "./resource-region";
import { sameValue } from "./same-value";
import { knownType, type KnownType } from "./resource-types";

/** The slot of a declaration whose Region the file does not know. */
const REGION_NOT_KNOWN = Symbol("Region not known");
type RegionSlot = string | typeof REGION_NOT_KNOWN;

/**
 * The earlier declaration of a name that one in `region` clashes with: one of
 * the same Region, else one whose Region is not known, which could be any;
 * a declaration whose own Region is not known clashes with every other.
 * Where it could clash, it is taken to, as across the stacks of an account.
 */
function clashing(holders: ReadonlyMap<RegionSlot, StackResource>, region: RegionSlot): StackResource | undefined {
    if (region !== REGION_NOT_KNOWN) return holders.get(region) ?? holders.get(REGION_NOT_KNOWN);
    return holders.get(REGION_NOT_KNOWN) ?? holders.values().next().value;
}

/**
 * A team's own component resource (`custom: false`, no id, no provider, of
 * a package no provider in the file deploys): the engine registers it and
 * calls nothing, so it holds no state in any account; its children are
 * resources of their own and proved as such.
 */
/** Packages whose types are resources a provider deploys, whether or not the file records the provider (a plan under the mock engine does not). */
const RESOURCE_PACKAGES: ReadonlySet<string> = new Set(["aws", "aws-native", "pulumi", "pulumi-nodejs", "random", "command", "tls", "kubernetes", "docker", "cloudflare", "gcp", "azure", "azure-native"]);

function ownComponent(state: StackState, r: StackResource): KnownType | undefined {
    if (r.custom || r.id !== undefined || r.provider !== undefined) return undefined;
    const pkg = r.type.split(":")[0];
    if (pkg === "" || RESOURCE_PACKAGES.has(pkg) || state.resources.some((p) => p.type === `${PROVIDER_TYPE_PREFIX}${pkg}`)) return undefined;
    return { inert: "a component of the stack's own: holds no state; its children are proved" };
}

export function planViolations(state: StackState, account: string | undefined): Violation[] {
    const out: Violation[] = [];
    const at = (r: StackResource) => ({ tenant: "(stack)", stack: state.stack, resource: r.name, urn: r.urn });
    for (const op of state.pendingOperations) {
        out.push(violation("BT-PLAN-PENDING-OPERATION", { tenant: "(stack)", stack: state.stack, resource: op.urn.split("::").pop()!, urn: op.urn }, "pending_operations",
            `an interrupted update left a pending ${op.type} of ${op.resourceType}: what AWS holds for it is not in the file`));
    }
    // URNs are counted only when some URN is there twice: the index other checks read by URN shows whether one is.
    const distinct = resourcesByUrn(state).size === state.resources.length;
    const urns = new Map<string, number>();
    // Declarations are grouped by name, then held by Region within the name: each is weighed against at most two, whatever the stack's size.
    const names = new Map<string, Map<RegionSlot, StackResource>>();
    for (const r of state.resources) {
        // A copy Pulumi marks delete:true is the old half of a replacement, still in AWS and proved as such beside the new one.
        if (!distinct && !r.pendingDelete) urns.set(r.urn, (urns.get(r.urn) ?? 0) + 1);
        if (r.pendingReplacement) {
            out.push(violation("BT-PLAN-PENDING-OPERATION", at(r), "pendingReplacement",
                "an interrupted update deleted it ahead of its replacement, which it never created: AWS no longer holds what the file says, and what replaces it is not in the file"));
        }
        const known = knownType(r.type) ?? ownComponent(state, r);
        if (!known) out.push(violation("BT-PLAN-UNKNOWN-TYPE", at(r), "type", `resource type ${r.type} is not known to the proof: it could grant access or move data, so it is not assumed harmless`));
        for (const named of physicalNames(r)) {
            // A name kept per account or worldwide (IAM, buckets, budgets) is one name in every Region.
            const regional = named.space.regional;
            const region: RegionSlot = regional ? resourceRegion(state, r) ?? REGION_NOT_KNOWN : "";
            let holders = names.get(named.key);
            if (!holders) names.set(named.key, (holders = new Map<RegionSlot, StackResource>()));
            const first = clashing(holders, region);
            if (first && first.urn !== r.urn) {
                // A read of itself is in the same Region as the resource it reads, so it holds the same slot.
                if (readOfItself(state, first, r)) {
                    // The stack's own resource answers for the name: a later duplicate is weighed against it, not against the read.
                    if (first.external) holders.set(region, r);
                } else {
                    out.push(violation("BT-PLAN-DUPLICATE-NAME", at(r), named.space.keys[named.space.keys.length - 1]?.[0] ?? "-",
                        `declares ${named.space.what} ${named.name}, like ${first.name}${regional ? inRegion(state, first, region) : ""}: AWS holds one of them, written by whichever update ran last, and the file does not say which`));
                }
            } else holders.set(region, r);
        }
        if (r.type.startsWith(PROVIDER_TYPE_PREFIX)) {
            // A default provider's plugin comes from where its name says, whatever its settings say, listed (a stack export) or not (a preview).
            const named = isDefaultProvider(r.name) ? defaultProviderViolations(r.urn) : [];
            const problems = [...named, ...pluginViolations(r), ...(r.type === AWS_PROVIDER_TYPE ? providerViolations(r, account) : [])];
            problems.forEach((why) => out.push(violation("BT-PLAN-FOREIGN-PROVIDER", at(r), "-", why)));
        }
    }
    for (const [urn, count] of urns) {
        if (count > 1) out.push(violation("BT-PLAN-DUPLICATE-URN", { tenant: "(stack)", stack: state.stack, resource: urn.split("::").pop()!, urn }, "urn", `appears ${count} times in ${state.file}: the file does not say which one AWS holds`));
    }
    const defaults = new Set<string>();
    out.push(...providerReferenceViolations(state, account, defaults));
    out.push(...configViolations(state, account, defaults));
    out.push(...disagreeingReads(state, at));
    return out;
}

/** Where two declarations of a regional name clash, for the finding. */
function inRegion(state: StackState, first: StackResource, region: RegionSlot): string {
    return region !== REGION_NOT_KNOWN && resourceRegion(state, first) === region ? ` in ${region}` : ", in Regions the file does not say are apart";
}

/**
 * Whether one of two resources of one physical name is only a `.get()` read
 * of the other: the read names exactly the resource the stack manages (its
 * ARN, or its id where either ARN is not recorded, through the same
 * provider, so in the same account, in the same Region). Such a read holds nothing of its own. A read through another
 * provider or Region, or of another id, could be another resource of the
 * name, and stays a duplicate; so does one whose own Region the file does
 * not know, which may be another.
 */
function readOfItself(state: StackState, a: StackResource, b: StackResource): boolean {
    if (a.external === b.external) return false;
    const region = resourceRegion(state, a);
    // With no Region of their own, two of one provider are in its Region, known or not; otherwise (a Region of their own, or another
    // provider of the account, as every provider the proof accepts is) only a Region known for both counts.
    const sameProvider = a.provider === b.provider;
    const oneRegion = (region !== undefined && region === resourceRegion(state, b)) || (sameProvider && !setsOwnRegion(a) && !setsOwnRegion(b));
    if (!oneRegion) return false;
    const arnA = textProp(a, "arn");
    const arnB = textProp(b, "arn");
    if (arnA !== undefined && arnB !== undefined) return arnA === arnB && arnA !== UNKNOWN_VALUE;
    return a.id !== undefined && a.id === b.id;
}

/**
 * The stack's own resources a read of the same file stands for (a `.get()` of
 * the resource itself: same type, provider, Region and ARN or id), each with
 * the read. A read records what AWS held when the file was written; where that
 * differs from the resource's own state, AWS keeps it until an update sets the
 * property again, so the proof reads it as what AWS holds.
 */
export function ownReads(state: StackState): Map<StackResource, StackResource[]> {
    const pairs = new Map<StackResource, StackResource[]>();
    const reads = state.resources.filter((r) => r.external && r.custom);
    if (reads.length === 0) return pairs;
    const own = new Map<string, StackResource[]>();
    for (const r of state.resources) {
        if (!r.custom || r.external || r.pendingDelete || r.id === undefined) continue;
        const list = own.get(`${r.type}\u0000${r.id}`);
        if (list) list.push(r);
        else own.set(`${r.type}\u0000${r.id}`, [r]);
    }
    const byArn = new Map<string, StackResource>();
    for (const r of state.resources) {
        const arn = r.custom && !r.external && !r.pendingDelete ? textProp(r, "arn") : undefined;
        if (arn !== undefined && arn !== UNKNOWN_VALUE) byArn.set(`${r.type}\u0000${arn}`, r);
    }
    for (const read of reads) {
        const arn = textProp(read, "arn");
        const candidates = [...(own.get(`${read.type}\u0000${read.id}`) ?? []), ...(arn === undefined ? [] : [byArn.get(`${read.type}\u0000${arn}`)].filter((r): r is StackResource => r !== undefined))];
        const match = candidates.find((r) => readOfItself(state, r, read));
        if (match === undefined) continue;
        const list = pairs.get(match);
        if (list) list.push(read);
        else pairs.set(match, [read]);
    }
    return pairs;
}

/**
 * Two reads of one resource that record it differently: each is what AWS held
 * when it was read, and the file does not say which AWS holds now (they are
 * refreshed together, so only an edit, or AWS changing between them, parts them).
 */
function disagreeingReads(state: StackState, at: (r: StackResource) => { tenant: string; stack: string; resource: string; urn: string }): Violation[] {
    const out: Violation[] = [];
    for (const [own, reads] of ownReads(state)) {
        for (const later of reads.slice(1)) {
            const differing = Object.keys({ ...reads[0].outputs, ...later.outputs }).filter((k) => !k.startsWith("__") && !sameValue(reads[0].outputs[k], later.outputs[k]));
            if (differing.length === 0) continue;
            out.push(violation("BT-PLAN-DUPLICATE-NAME", at(later), differing[0],
                `is a second read of ${own.name} that records it otherwise than ${reads[0].name} does (${differing.join(", ")}): each is what AWS held when it was read, and the file does not say which AWS holds now`));
        }
    }
    return out;
}

const PROVIDER_TYPE_PREFIX = "pulumi:providers:";
const AWS_PROVIDER_TYPE = "pulumi:providers:aws";

/**
 * Every resource a provider deploys names it (`<provider URN>::<id>`), and
 * the provider decides the account, so a reference the file cannot resolve
 * leaves the resource's account unproved. A stack export holds every
 * provider, default ones included; a preview never lists default providers
 * (`…::pulumi:providers:aws::default_7_48_0`), whose settings are then the
 * stack's configuration the preview carries. The mock engine records no
 * providers at all, so only a file in which some resource names a provider
 * requires every other custom resource to name one. The default providers a
 * preview names are added to `defaults`.
 */
function providerReferenceViolations(state: StackState, account: string | undefined, defaults: Set<string>): Violation[] {
    const out: Violation[] = [];
    const providers = new Map<string, StackResource[]>();
    let anyNamed = false;
    for (const r of state.resources) {
        if (r.type.startsWith(PROVIDER_TYPE_PREFIX)) {
            const same = providers.get(r.urn);
            if (same) same.push(r);
            else providers.set(r.urn, [r]);
        }
        if (r.provider !== undefined) anyNamed = true;
    }
    if (!anyNamed) return out;
    const place = (resource: string, urn: string) => ({ tenant: "(stack)", stack: state.stack, resource, urn });
    const unresolved = (r: StackResource, why: string) => out.push(violation("BT-PLAN-UNRESOLVED", place(r.name, r.urn), "provider", why));
    // Reported once per provider, not once per resource: a fleet's thousands of resources name one provider.
    const absent = new Map<string, StackResource[]>();
    const configured = defaults;
    const unnamed: StackResource[] = [];
    // Thousands of resources name the same few providers: each reference is parsed once.
    const parsed = new Map<string, ReturnType<typeof providerReference>>();
    for (const r of state.resources) {
        if (r.type.startsWith(PROVIDER_TYPE_PREFIX)) continue;
        if (r.provider === undefined) {
            if (r.custom) unnamed.push(r);
            continue;
        }
        let ref = parsed.get(r.provider);
        if (ref === undefined) parsed.set(r.provider, (ref = providerReference(r.provider)));
        if (typeof ref === "string") {
            unresolved(r, `names provider ${JSON.stringify(r.provider)}, which ${ref}: the file does not say which provider deploys it, nor into which account`);
            continue;
        }
        if (r.custom && ref.pkg !== r.type.split(":")[0]) {
            unresolved(r, `is a ${r.type.split(":")[0]} resource but names a ${ref.pkg} provider (${ref.urn}): no provider of that package deploys it, so the file does not say which one does`);
            continue;
        }
        const found = providers.get(ref.urn);
        if (found) {
            const known = (id: string | undefined) => id === undefined || id === UNKNOWN_VALUE;
            if (!known(ref.id) && !found.some((p) => known(p.id) || p.id === ref.id)) {
                unresolved(r, `names provider ${ref.urn} with id ${JSON.stringify(ref.id)}, but the file's provider of that URN has id ${found.map((p) => JSON.stringify(p.id)).join(", ")}: the file does not say which provider deploys it`);
            }
        } else if (state.format === "preview" && isDefaultProvider(ref.name) && stackOfUrn(ref.urn) === state.stack) {
            configured.add(ref.urn);
        } else {
            const list = absent.get(ref.urn);
            if (list) list.push(r);
            else absent.set(ref.urn, [r]);
        }
    }
    for (const [urn, rs] of absent) {
        out.push(violation("BT-PLAN-UNRESOLVED", place(urn.split("::").pop()!, urn), "provider",
            `is the provider of ${rs.length} resource${rs.length === 1 ? "" : "s"} (${names(rs)}) but is not in the file: which account it deploys them into cannot be proved`));
    }
    for (const urn of configured) {
        defaultProviderViolations(urn).forEach((why) => out.push(violation("BT-PLAN-FOREIGN-PROVIDER", place(urn.split("::").pop()!, urn), "-", why)));
    }
    if (unnamed.length > 0) {
        out.push(violation("BT-PLAN-UNRESOLVED", place(unnamed[0].name, unnamed[0].urn), "provider",
            `${unnamed.length} custom resource${unnamed.length === 1 ? " names" : "s name"} no provider (${names(unnamed)}), though other resources of the file do, as Pulumi records every one: which account they are deployed into cannot be proved`));
    }
    return out;
}

/** The first few resources' names, for a finding about many. */
function names(rs: StackResource[]): string {
    return `${rs.slice(0, 5).map((r) => r.name).join(", ")}${rs.length > 5 ? ", …" : ""}`;
}

/** A provider reference read as the engine reads it (the URN, then the id after the last `::`), or why it is none. */
function providerReference(text: string): { urn: string; id: string; pkg: string; name: string } | string {
    const cut = text.lastIndexOf("::");
    const urn = cut < 0 ? "" : text.slice(0, cut);
    const parts = urn.split("::");
    if (!urn.startsWith("urn:pulumi:") || parts.length < 4) return "is not a provider reference (<provider URN>::<id>)";
    const type = parts[2].slice(parts[2].lastIndexOf("$") + 1);
    if (!type.startsWith(PROVIDER_TYPE_PREFIX)) return `is of type ${type}, not a provider`;
    return { urn, id: text.slice(cut + 2), pkg: type.slice(PROVIDER_TYPE_PREFIX.length), name: parts.slice(3).join("::") };
}

/** The engine takes a provider for a default one by its name alone (`providers.IsDefaultProvider`). */
function isDefaultProvider(name: string): boolean {
    return name.startsWith("default");
}

/**
 * A default provider, listed or named: its name carries its version and any
 * plugin download URL (`default_7_48_0_https_/example.com`).
 */
function defaultProviderViolations(urn: string): string[] {
    const ref = providerReference(`${urn}::`);
    if (typeof ref === "string") return [];
    let base = ref.name;
    for (const source of PULUMI_PLUGIN_SOURCES) if (base.endsWith(`_${intoQName(source)}`)) base = base.slice(0, -(intoQName(source).length + 1));
    if (/^default(?:_\d+_\d+_\d+(?:_[0-9A-Za-z-]+)*)?$/.test(base)) return [];
    return [`is a default provider whose name, ${JSON.stringify(ref.name)}, says its plugin is downloaded from elsewhere than Pulumi's releases: that plugin holds the credentials and decides where everything is deployed`];
}

/**
 * A preview's `aws:` configuration is the settings of the stack's default
 * aws provider, whatever its resources name: the file of a stack whose
 * resources name no provider (as the mock engine records them), or only
 * explicit ones, still deploys with it wherever a resource falls back to the
 * default. It is held to the rules of a provider resource's settings, and
 * reported on each default aws provider the preview names, or on the one the
 * engine would create.
 */
function configViolations(state: StackState, account: string | undefined, named: ReadonlySet<string>): Violation[] {
    if (state.format !== "preview" || state.config === undefined) return [];
    const prefix = "aws:";
    const settings: Record<string, unknown> = {};
    let any = false;
    for (const key in state.config) {
        if (key.startsWith(prefix)) {
            settings[key.slice(prefix.length)] = state.config[key];
            any = true;
        }
    }
    if (!any) return [];
    const project = state.resources[0]?.urn.split("::")[1] ?? "(unknown)";
    const awsDefaults = [...named].filter((urn) => {
        const ref = providerReference(`${urn}::`);
        return typeof ref !== "string" && ref.pkg === "aws";
    });
    const out: Violation[] = [];
    for (const urn of awsDefaults.length > 0 ? awsDefaults : [`urn:pulumi:${state.stack}::${project}::${AWS_PROVIDER_TYPE}::default`]) {
        const name = urn.split("::").pop()!;
        const provider: StackResource = { urn, type: AWS_PROVIDER_TYPE, name, custom: true, inputs: settings, outputs: {} };
        for (const why of providerViolations(provider, account)) {
            out.push(violation("BT-PLAN-FOREIGN-PROVIDER", { tenant: "(stack)", stack: state.stack, resource: name, urn }, "config", `(configured by the stack's aws: settings) ${why}`));
        }
    }
    return out;
}

/** Pulumi's own plugin releases: a plugin fetched from them is the one the package publishes. */
const PULUMI_PLUGIN_SOURCES = ["github://api.github.com/pulumi", "https://get.pulumi.com/releases/plugins"];

function isPulumiSource(url: unknown): boolean {
    return typeof url === "string" && PULUMI_PLUGIN_SOURCES.includes(url.replace(/\/+$/, ""));
}

/** The engine's `tokens.IntoQName`, as it writes a download URL into a default provider's name. */
function intoQName(text: string): string {
    return text.split("/").filter((s) => s !== "").map((s) => s.replace(/[^A-Za-z0-9_.-]/g, "_")).join("/");
}

/**
 * Keys Pulumi itself keeps among a provider's settings: `version`, and under
 * `__internal` what decides which plugin binary runs and what it sees. An
 * older engine wrote `pluginDownloadURL` beside the settings.
 */
const PLUGIN_SETTINGS = ["__internal", "pluginDownloadURL"];

/**
 * The provider's plugin holds the deployer's credentials and decides where
 * every resource goes, whatever its settings say: it must be the package's
 * own plugin from Pulumi's releases, seeing the environment as it is.
 */
function pluginViolations(r: StackResource): string[] {
    const pkg = r.type.slice(PROVIDER_TYPE_PREFIX.length);
    const out: string[] = [];
    const source = (at: string, url: unknown) => {
        if (isSet(url) && !isPulumiSource(settingValue(url))) out.push(`sets ${at} ${asText(settingValue(url))}: its plugin, which holds the credentials and decides where everything is deployed, would come from there instead of Pulumi's releases`);
    };
    source("pluginDownloadURL", prop(r, "pluginDownloadURL"));
    const raw = prop(r, "__internal");
    const internal = settingValue(raw);
    if (!isSet(raw)) return out;
    if (!isRecord(internal)) return [...out, `sets __internal to ${unreadable(internal)}: which plugin runs cannot be read`];
    for (const [key, value] of Object.entries(internal)) {
        if (key === "pluginDownloadURL") source("__internal.pluginDownloadURL", value);
        else if (key === "name") {
            if (isSet(value) && settingValue(value) !== pkg) out.push(`sets __internal.name ${asText(settingValue(value))}: the plugin of another package would run as the ${pkg} provider`);
        } else if (key === "parameterization") {
            if (isSet(value)) out.push(`sets __internal.parameterization: another package's plugin, parameterized, would run as the ${pkg} provider`);
        } else if (key === "envVarMappings") {
            if (isSet(value)) out.push(`sets __internal.envVarMappings ${asText(settingValue(value))}: the plugin would read credentials or endpoints from other environment variables than the deployer set`);
        } else if (key !== "version" && key !== "pluginChecksums" && isSet(value)) {
            // Checksums only narrow which binary is accepted; any other key is one the proof does not know.
            out.push(`sets __internal.${key}, an engine setting the proof does not know: it could change which plugin runs`);
        }
    }
    return out;
}

/** Settings that assume a role: the role must be readable, and of the stack's own account. */
const ROLE_SETTINGS = ["assumeRole", "assumeRoles", "assumeRoleWithWebIdentity"];
/**
 * Settings that pick credentials the file cannot tie to an account (a
 * profile of the deployer's own shared files, keys, another metadata
 * endpoint): proved only when `allowedAccountIds` pins the provider to the
 * stack's own account, which the provider itself checks before it deploys.
 */
const CREDENTIAL_SETTINGS = ["profile", "accessKey", "secretKey", "token", "ec2MetadataServiceEndpoint"];
/**
 * Settings that send the provider's calls, STS's included, to other endpoints
 * or let someone in between answer them: whoever answers could also answer
 * the account check, so nothing pins them.
 */
const REDIRECTING_SETTINGS = ["endpoints", "customCaBundle", "httpProxy", "httpsProxy", "insecure"];
/**
 * Shared config and credentials files the stack names instead of the
 * deployer's own: a profile there can set `endpoint_url` (STS's included) or
 * run a `credential_process`, so whoever wrote the file answers the account
 * check as well. The two files are merged, so either can hold any setting.
 */
const FILE_SETTINGS = ["sharedConfigFiles", "sharedCredentialsFiles", "sharedCredentialsFile"];
/** Without the account lookup, `allowedAccountIds` is not enforced. */
const UNPINNING_SETTINGS = ["skipRequestingAccountId", "skipCredentialsValidation"];
/**
 * Regions: one of another partition (`cn-*`, `us-gov-*`) is an account of
 * another partition, whatever its id; a name that is no Region could build
 * endpoint hosts that are not AWS's, once `skipRegionValidation` lets it
 * through.
 */
const REGION_SETTINGS = ["region", "stsRegion"];
/**
 * Settings that change neither the account deployed into, nor where calls
 * go, nor which plugin runs (`version` picks one of the package's own
 * releases).
 */
const HARMLESS_SETTINGS = new Set([
    ...REGION_SETTINGS, "defaultTags", "ignoreTags", "maxRetries", "retryMode", "s3UsePathStyle", "s3ForcePathStyle", "s3UsEast1RegionalEndpoint",
    "skipMetadataApiCheck", "skipRegionValidation", "skipGetEc2Platforms", "tokenBucketRateLimiterCapacity", "useDualstackEndpoint", "useFipsEndpoint",
    "ec2MetadataServiceEndpointMode", "noProxy", "forbiddenAccountIds", "allowedAccountIds", "version", ...PLUGIN_SETTINGS, ...UNPINNING_SETTINGS,
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
    for (const setting of FILE_SETTINGS) {
        if (isSet(prop(r, setting))) out.push(`sets ${setting}: a shared config or credentials file can send its calls, the account check's included, elsewhere (endpoint_url) or run a command for credentials (credential_process), so allowedAccountIds does not pin it; use the deployer's own files`);
    }
    for (const setting of REGION_SETTINGS) {
        const region = settingValue(prop(r, setting));
        const problem = isSet(region) ? regionProblem(setting, region === UNKNOWN_VALUE ? "(not known at preview)" : region) : undefined;
        if (problem !== undefined) out.push(`${problem}: it could deploy into an account of another partition, or call hosts that are not AWS's`);
    }
    for (const setting of new Set([...Object.keys(r.inputs), ...Object.keys(r.outputs)])) {
        if (!HARMLESS_SETTINGS.has(setting) && !ROLE_SETTINGS.includes(setting) && !CREDENTIAL_SETTINGS.includes(setting) && !REDIRECTING_SETTINGS.includes(setting) && !FILE_SETTINGS.includes(setting) && isSet(prop(r, setting))) {
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
        if (arn === undefined || arn === null || arn === "") {
            // A web identity without a role assumes the one AWS_ROLE_ARN names in the deployer's environment, with a token the file may hold: nothing ties it to the account.
            if (setting === "assumeRoleWithWebIdentity" && isSet(role)) out.push(`${at} names no roleArn: it assumes whatever role the deployer's environment names (AWS_ROLE_ARN), so the file cannot tie its credentials to an account; name a role of account ${account ?? "(unknown)"}`);
            continue;
        }
        const parsed = typeof arn === "string" ? parseArn(arn) : undefined;
        if (!parsed || !isAccountId(parsed.account)) {
            out.push(`${at}.roleArn is ${unreadable(arn)}: the role it assumes cannot be proved to be of account ${account ?? "(unknown)"}`);
        } else if (parsed.partition !== PARTITION) {
            // An account is a partition and an id: the same twelve digits in another partition are another account.
            out.push(`${at} assumes ${asText(arn)}, in partition ${parsed.partition}: an account of another partition is another account than the stack's (${PARTITION}${account === undefined ? "" : `, ${account}`}), whatever its id`);
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
