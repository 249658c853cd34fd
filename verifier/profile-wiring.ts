/**
 * What a tenant's calls go through: each application inference profile
 * belongs to one tenant, carries its cost tag under the exact key its
 * budgets filter on (cost-allocation tag keys are case-sensitive), and
 * copies from one of its models in its home Region; each guardrail a tenant
 * role requires evaluates only in the tenant's Regions.
 */
import { applicationProfileName, DEFAULT_CROSS_REGION_DESTINATIONS, foundationModelArn, parseArn, parseModelId, systemProfileArn } from "../contract";
import type { TenantIntent } from "./intent";
import { isUnknown, lastPart, objectProp, show, textOf, type MeteringContext } from "./metering-values";
import { knownText, prop, type StackResource } from "./pulumi-formats";
import { regionReading } from "./resource-region";

const PROFILE = "aws:bedrock/inferenceProfile:InferenceProfile";
const GUARDRAIL = "aws:bedrock/guardrail:Guardrail";

export function profileWiring(ctx: MeteringContext): void {
    const byArn = new Map<string, { tenant: TenantIntent; model: string }>();
    for (const t of ctx.tenants) for (const [model, arn] of Object.entries(t.inferenceProfileArns)) if (!isUnknown(arn)) byArn.set(arn, { tenant: t, model });
    const seen = new Set<string>();
    for (const r of ctx.ofType(PROFILE)) {
        const arn = textOf(prop(r, "arn"));
        const listed = arn !== undefined ? byArn.get(arn) : undefined;
        const t = ctx.tenantOf(r) ?? listed?.tenant;
        if (!t) {
            ctx.flag("BT-TENANT-METERING", r, "(ops account)", "-", `is an application inference profile no tenant's component owns and no tenant lists: its spend is metered to no tenant`);
            continue;
        }
        if (arn !== undefined) seen.add(arn);
        const name = textOf(prop(r, "name"));
        const model = listed?.tenant === t ? listed.model : t.models.find((m) => name !== undefined && applicationProfileName(t.tenantId, m) === name);
        profile(ctx, r, t, model);
    }
    for (const t of ctx.tenants) {
        const missing = Object.entries(t.inferenceProfileArns).filter(([, arn]) => !isUnknown(arn) && !seen.has(arn));
        if (missing.length > 0 && ctx.ofType(PROFILE).length > 0) {
            ctx.flag("BT-TENANT-METERING", t, t.tenantId, "inferenceProfileArns", `tenant ${t.tenantId}'s profiles ${missing.map(([m, a]) => `${a} (${m})`).join(", ")} are not in the files: how they are tagged and what they copy from cannot be proved`);
        }
    }
    for (const r of ctx.ofType(GUARDRAIL)) guardrail(ctx, r);
}

/** The ARN the component's profile for `model` copies from: the foundation model, or the system profile, in the tenant's home Region. */
function copySource(t: TenantIntent, model: string): string | undefined {
    try {
        const ref = parseModelId(model, "model");
        return ref.kind === "foundation-model" ? foundationModelArn(t.region, ref.foundationModelId) : systemProfileArn(t.region, t.opsAccount, ref.id);
    } catch {
        return undefined;
    }
}

function profile(ctx: MeteringContext, r: StackResource, t: TenantIntent, model: string | undefined): void {
    const tags = objectProp(r, "tags");
    const value = tags?.[t.costTagKey];
    if (!isUnknown(prop(r, "tags")) && value !== t.tenantId) {
        const cased = Object.keys(tags ?? {}).filter((k) => k !== t.costTagKey && k.toLowerCase() === t.costTagKey.toLowerCase());
        const why = value === undefined
            ? `has no ${t.costTagKey} tag${cased.length > 0 ? ` (it has ${cased.join(", ")}: cost-allocation tag keys are case-sensitive)` : ""}`
            : `is tagged ${t.costTagKey}=${show(value)}`;
        ctx.flag("BT-TENANT-METERING", r, t.tenantId, `tags.${t.costTagKey}`, `the application inference profile of tenant ${t.tenantId} ${why}: its spend matches none of ${t.tenantId}'s budgets (${t.costTagKey}=${t.tenantId}), so its cost cap never fires`);
    }
    const source = objectProp(r, "modelSource")?.copyFrom;
    if (isUnknown(source)) return;
    const expected = model !== undefined ? [copySource(t, model)] : t.models.map((m) => copySource(t, m));
    if (typeof source !== "string" || !expected.includes(source)) {
        const arn = typeof source === "string" ? parseArn(source) : undefined;
        const id = arn ? lastPart(arn.resource) : undefined;
        ctx.flag("BT-TENANT-PATH-CLOSED", r, t.tenantId, "modelSource.copyFrom", `the application inference profile of tenant ${t.tenantId}${model ? ` for ${model}` : ""} copies from ${show(source)}${id ? ` (${id}${arn?.region ? `, called from ${arn.region}` : ""})` : ""}; the component copies from ${expected.filter((x) => x !== undefined).join(" or ")}: calls through it would go to a model or Regions the tenant is not entitled to (${t.models.join(", ")} in ${t.regions.join(", ")}), and the path it was promised is not the one it gets`);
    }
    // Its own setting, else its provider's or the stack's: a profile made in another Region serves calls there.
    const { said, region } = regionReading(ctx.state, r);
    const where = region ?? (said ? "a Region not known at preview" : undefined);
    if (where !== undefined && region !== t.region) ctx.flag("BT-TENANT-PATH-CLOSED", r, t.tenantId, "region", `the application inference profile of tenant ${t.tenantId} is in ${where}; the component creates it in the tenant's home Region ${t.region}`);
}

/** Tenants whose required guardrail is this one: by its ARN (with or without a version) or its id. */
function tenantsRequiring(r: StackResource, tenants: TenantIntent[]): TenantIntent[] {
    const arn = textOf(prop(r, "guardrailArn")) ?? textOf(prop(r, "arn"));
    const id = textOf(prop(r, "guardrailId")) ?? r.id;
    return tenants.filter((t) => {
        const g = t.guardrailIdentifier;
        if (g === undefined) return false;
        if (arn !== undefined && !isUnknown(arn) && (g === arn || g.startsWith(`${arn}:`))) return true;
        return id !== undefined && !isUnknown(id) && (g === id || lastPart(g).split(":")[0] === id);
    });
}

/** Where a guardrail evaluates: its own Region, or the destinations of the guardrail profile it routes through. */
function guardrail(ctx: MeteringContext, r: StackResource): void {
    const users = tenantsRequiring(r, ctx.tenants);
    if (users.length === 0) return;
    const reading = regionReading(ctx.state, r);
    const regionUnknown = reading.said && reading.region === undefined;
    const region = reading.region ?? (regionUnknown ? undefined : parseArn(knownText(prop(r, "guardrailArn")) ?? "")?.region);
    const config = prop(r, "crossRegionConfig");
    const profileId = isUnknown(config) ? config : objectProp(r, "crossRegionConfig")?.guardrailProfileIdentifier;
    // A Region or profile the file sets but does not know could be any: where the guardrail evaluates is then not proved.
    let where: string[] | undefined = region !== undefined ? [region] : regionUnknown ? undefined : [];
    let what = region ? `its Region ${region}` : regionUnknown ? "its Region, which is not known at preview" : "its Region";
    let key = "region";
    if (isUnknown(profileId)) {
        where = undefined;
        what = "a guardrail profile not known at preview";
        key = "crossRegionConfig";
    } else if (profileId !== undefined && profileId !== null) {
        const text = typeof profileId === "string" ? profileId : "";
        const bare = parseArn(text) ? lastPart(parseArn(text)!.resource) : text;
        const prefix = bare.slice(0, Math.max(bare.indexOf("."), 0));
        where = DEFAULT_CROSS_REGION_DESTINATIONS[prefix] ? [...DEFAULT_CROSS_REGION_DESTINATIONS[prefix]] : undefined;
        what = `the guardrail profile ${show(profileId)}`;
        key = "crossRegionConfig";
    }
    for (const t of users) {
        const outside = where?.filter((x) => !t.regions.includes(x));
        if (where === undefined) {
            ctx.flag("BT-TENANT-GUARDRAIL", r, t.tenantId, key, `the guardrail tenant ${t.tenantId} requires evaluates its prompts through ${what}; the proof does not know where that is, so it cannot show they stay in ${t.regions.join(", ")}`);
        } else if (outside!.length > 0) {
            ctx.flag("BT-TENANT-GUARDRAIL", r, t.tenantId, key, `the guardrail tenant ${t.tenantId} requires evaluates its prompts through ${what}, in ${outside!.join(", ")}: Regions the tenant is not entitled to (${t.regions.join(", ")})`);
        }
    }
}
