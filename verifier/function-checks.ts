/**
 * What a Lambda function of the fleet runs, and as whom: a Node.js handler
 * inside a zip package that is the deploy's own (local files of a Pulumi
 * archive) or in a bucket of the stack, no layer, file system, image or image
 * override from elsewhere, no environment variable beyond those the library's
 * functions read, and a role of the stack. The runtime sees every prompt and
 * the quota enforcer rewrites tenant roles' inline deny, so code or settings
 * from elsewhere (a URL, a mounted file system, NODE_OPTIONS loading a file,
 * an exec wrapper, TLS checks off, a credentials endpoint) would be a way
 * around every other proof.
 */
import { builtinModules } from "module";
import { iamResourceName, isAccountId, isRecord, parseArn, QUOTA_ENFORCER_ENV, RuntimeEnv } from "../contract";
import { violation, type Violation } from "./findings";
import type { AccountIam } from "./iam-graph";
import { asText, prop, SIG_KEY, textProp, UNKNOWN_VALUE, type StackResource, type StackState } from "./pulumi-formats";

export const FUNCTION_TYPE = "aws:lambda/function:Function";
const LAYER_TYPE = "aws:lambda/layerVersion:LayerVersion";
/** Pulumi's signatures of an asset and of an archive, as the SDK and the engine serialize them. */
const ASSET_SIG = "c44067f5952c0a294b673a41bacd8c17";
const ARCHIVE_SIG = "0def7320c3a5731c473e5ecbe6d01bc7";

/** Variables the library's functions read, and a few that change nothing but formatting or connection reuse. */
export const KNOWN_FUNCTION_ENV: ReadonlySet<string> = new Set([
    ...Object.values(RuntimeEnv),
    ...Object.values(QUOTA_ENFORCER_ENV),
    "AWS_NODEJS_CONNECTION_REUSE_ENABLED",
    "NODE_ENV",
    "TZ",
]);

/** Properties of a function (`@pulumi/aws` 7) that decide what it runs or can load: each is judged below. */
const JUDGED = new Set(["code", "s3Bucket", "s3Key", "s3ObjectVersion", "imageUri", "imageConfig", "packageType", "handler", "runtime", "layers", "fileSystemConfig", "environment", "role"]);
/**
 * Every other property of a function, none of which changes the code that
 * runs or what it loads: sizing, naming, networking and bookkeeping; where
 * failed events and log output go and its keys (the egress and runtime
 * checks read those); a code-signing configuration, which only refuses
 * unsigned code; and what AWS or the provider records. A property not on
 * either list (a newer provider's) could change what runs, so it is a finding.
 */
const NOT_CODE = new Set([
    "architectures", "description", "ephemeralStorage", "memorySize", "name", "publish", "publishTo", "region", "reservedConcurrentExecutions",
    "skipDestroy", "tags", "tagsAll", "timeout", "useResourceTimeoutForPropagation", "replaceSecurityGroupsOnDestroy", "replacementSecurityGroupIds",
    "snapStart", "durableConfig", "tenancyConfig", "capacityProviderConfig", "tracingConfig", "vpcConfig",
    "deadLetterConfig", "loggingConfig", "kmsKeyArn", "sourceKmsKeyArn", "codeSigningConfigArn",
    "id", "arn", "invokeArn", "qualifiedArn", "qualifiedInvokeArn", "responseStreamingInvokeArn", "version", "lastModified",
    "codeSha256", "sourceCodeHash", "sourceCodeSize", "signingJobArn", "signingProfileVersionArn",
]);

/**
 * A handler as the Node.js runtime reads it: a module path inside the
 * package, then the export. The runtime resolves the module against the
 * package's folder, so an absolute path (one it accepts) or a `..` segment
 * would load a file from elsewhere, such as a mounted file system.
 */
const HANDLER = /^(?:[\w$-][\w$.-]*\/)*[\w$-]+\.[\w$]+(?:\.[\w$]+)*$/;
const NODE_RUNTIME = /^nodejs\d+\.x$/;
/** The extensions the Node.js runtime tries for a handler's module, in its order (the bare name first). */
const MODULE_EXTENSIONS = ["", ".js", ".mjs", ".cjs"];

/** What of a stack a function may run: its account, buckets and layers. */
export interface StackCode {
    account: string;
    buckets: ReadonlySet<string>;
    /** Layer version ARN → the layer version resource of the stack. */
    layers: ReadonlyMap<string, StackResource>;
}

export function stackCode(state: StackState, account: string, buckets: ReadonlySet<string>): StackCode {
    const layers = new Map<string, StackResource>();
    for (const r of state.resources) {
        if (r.type !== LAYER_TYPE || r.external) continue;
        const arn = prop(r, "arn");
        if (typeof arn === "string") layers.set(arn, r);
    }
    return { account, buckets, layers };
}

/**
 * `[statement, why]` for each way the function runs something the proof
 * cannot tie to its stack and account. `judgedElsewhere`: variables another
 * check of the stack already reports under its own code.
 */
export function functionProblems(r: StackResource, own: StackCode, judgedElsewhere: (name: string) => boolean = () => false): [string, string][] {
    const out: [string, string][] = [];
    out.push(...codeProblems(r, own));
    if (present(prop(r, "imageUri"))) {
        const image = textProp(r, "imageUri")!;
        const registry = imageRegistryAccount(image);
        const where = registry === undefined ? "not in an ECR registry of an account" : registry === own.account ? "in its own account's registry" : `in the registry of account ${registry}, not of its own account ${own.account}`;
        out.push(["imageUri", `runs the image ${JSON.stringify(image)}, ${where}: whoever can push to that repository, or a pull-through cache rule of the account, decides what it runs, and the proof ties only a zip package to the stack`]);
    }
    const packageType = prop(r, "packageType");
    if (present(packageType) && packageType !== "Zip") out.push(["packageType", `is packaged as ${JSON.stringify(packageType)}, not as a zip package: the proof ties only a zip package to the stack`]);
    if (present(prop(r, "imageConfig"))) out.push(["imageConfig", `overrides its image's entry point, command or working directory (${asText(prop(r, "imageConfig"))}): that decides what runs, beyond any package`]);
    if (present(prop(r, "fileSystemConfig"))) out.push(["fileSystemConfig", `mounts a file system (${asText(prop(r, "fileSystemConfig"))}): its files are not in the function's package, and whoever writes them decides what the function can load`]);
    const runtime = prop(r, "runtime");
    if (present(runtime) && !(typeof runtime === "string" && NODE_RUNTIME.test(runtime))) {
        out.push(["runtime", `runs on ${JSON.stringify(runtime)}, not a Node.js runtime: the proof reads a handler as Node.js loads it, and another runtime could load the handler's module from its own libraries`]);
    }
    const handler = prop(r, "handler");
    if (present(handler)) out.push(...handlerProblems(r, handler));
    out.push(...layerProblems(r, own));
    const env = prop(r, "environment");
    const vars = isRecord(env) && isRecord(env.variables) ? env.variables : {};
    for (const name of Object.keys(vars)) {
        if (KNOWN_FUNCTION_ENV.has(name) || judgedElsewhere(name)) continue;
        out.push([`environment ${name}`, `sets ${name}, which none of the library's functions reads: a variable the proof does not know could load code, turn TLS checks off or redirect credentials`]);
    }
    for (const key of new Set([...Object.keys(r.inputs), ...Object.keys(r.outputs)])) {
        // Pulumi's own bookkeeping (`__defaults`, `__meta`) never reaches AWS.
        if (key.startsWith("__") || key === "code") continue;
        const values = [r.inputs[key], r.outputs[key]];
        // The egress scan takes an asset or archive for the deploy's own code and does not read it: only `code` holds one.
        const kind = values.map(pulumiKind).find((k) => k !== undefined);
        if (kind !== undefined) out.push([key, `holds a Pulumi ${kind}, where the function takes a plain value: what it names is not read`]);
        else if (!JUDGED.has(key) && !NOT_CODE.has(key) && values.some(present)) out.push([key, `sets ${key}, a property of the function the proof does not know: it could change what the function runs`]);
    }
    return out;
}

/**
 * The function's package: every part of a Pulumi archive must be local to
 * the deploy (a file, a folder, text), since an address is fetched when the
 * stack deploys; an S3 package must be in a bucket of the stack. `code` is
 * read as both `inputs` and `outputs` record it: a plan may record the SDK's
 * own object in `inputs`, which lists no files, and AWS never returns the
 * archive, so the two never differ for a reason a second proof would show.
 */
function codeProblems(r: StackResource, own: StackCode): [string, string][] {
    const found = new Map<string, [string, string]>();
    const add = (at: string, why: string) => found.set(`${at}\u0000${why}`, [at, why]);
    for (const side of [r.inputs, r.outputs]) if (present(side.code)) partProblems(side.code, "code", "archive", add);
    const bucket = textProp(r, "s3Bucket");
    if (present(prop(r, "s3Bucket")) && !own.buckets.has(bucket!)) add("s3Bucket", `loads its code from bucket ${JSON.stringify(bucket)}, which is not a bucket of this stack: whoever writes that bucket decides what it runs`);
    return [...found.values()];
}

type PartKind = "asset" | "archive";

function pulumiKind(value: unknown): PartKind | undefined {
    if (!isRecord(value)) return undefined;
    if (value[SIG_KEY] === ARCHIVE_SIG || value.__pulumiArchive === true) return "archive";
    if (value[SIG_KEY] === ASSET_SIG || value.__pulumiAsset === true) return "asset";
    return undefined;
}

/** Each part of an asset or archive that is not local to the deploy: a RemoteAsset or RemoteArchive (`uri`), at any depth, or a value that is neither. */
function partProblems(value: unknown, at: string, expected: PartKind | undefined, add: (at: string, why: string) => void): void {
    const kind = pulumiKind(value);
    if (kind === undefined || (expected !== undefined && kind !== expected)) {
        add(at, `is ${value === UNKNOWN_VALUE ? "not known at preview" : asText(value)}, not a Pulumi ${expected ?? "asset or archive"} the proof can read: where the function's code comes from cannot be told`);
        return;
    }
    const part = value as Record<string, unknown>;
    // The SDK's own object holds the address as a promise, recorded as {}: still an address.
    if (part.uri !== undefined && part.uri !== null && part.uri !== "") {
        add(at, `is fetched from ${typeof part.uri === "string" ? JSON.stringify(part.uri) : "an address the file does not record"} when the stack deploys: whoever answers at that address decides what the function runs`);
    }
    if (kind !== "archive" || part.assets === undefined || part.assets === null) return;
    if (!isRecord(part.assets)) {
        add(`${at}.assets`, `is ${asText(part.assets)}, not the named files of an archive: what the package holds cannot be read`);
        return;
    }
    for (const [name, entry] of Object.entries(part.assets)) partProblems(entry, `${at}.assets[${JSON.stringify(name)}]`, undefined, add);
}

/**
 * The handler must name a module inside the package. Where the package lists
 * its files (an archive of named files), the module must be one of them: the
 * runtime loads a module it does not find there by Node.js's own resolution
 * (a built-in module such as child_process, the runtime's modules, a layer).
 * Where the package does not list them, the module must not be a built-in.
 */
function handlerProblems(r: StackResource, handler: unknown): [string, string][] {
    if (typeof handler !== "string" || !HANDLER.test(handler) || handler.includes("..")) {
        return [["handler", `is ${JSON.stringify(handler)}, not a module path inside the package and an export (such as index.handler): an absolute path or a .. segment loads a file from outside the package, such as a mounted file system`]];
    }
    const slash = handler.lastIndexOf("/");
    const name = handler.slice(slash + 1, handler.indexOf(".", slash + 1));
    const module = handler.slice(0, slash + 1) + name;
    const verdicts = [r.inputs.code, r.outputs.code].map((code) => (present(code) ? moduleInPackage(code, module) : "unlisted"));
    if (verdicts.includes("absent")) {
        return [["handler", `names module ${JSON.stringify(module)}, which is not a file of the function's package: the runtime would load it from outside the package`]];
    }
    // Not found in the package, the runtime resolves the module's name alone as Node.js does, folder or not.
    if (!verdicts.includes("listed") && builtinModules.includes(name)) {
        return [["handler", `names module ${JSON.stringify(module)}, whose name ${JSON.stringify(name)} is a module built into Node.js: unless the package holds that file, the runtime calls the built-in with the caller's event`]];
    }
    return [];
}

/** Whether the package the archive makes holds `module` (a file or a folder), lacks it, or does not say. */
function moduleInPackage(code: unknown, module: string): "listed" | "absent" | "unlisted" {
    const files: string[] = [];
    const unlisted: string[] = [];
    const walk = (value: unknown, base: string) => {
        const entries = pulumiKind(value) === "archive" && isRecord((value as Record<string, unknown>).assets) ? Object.entries((value as Record<string, unknown>).assets as Record<string, unknown>) : [];
        // A file archive, or an archive recorded without its files (the SDK's own object): its contents are not in the file.
        if (entries.length === 0) unlisted.push(base);
        for (const [name, entry] of entries) {
            if (pulumiKind(entry) === "archive") walk(entry, `${base}${name}/`);
            else files.push(`${base}${name}`);
        }
    };
    walk(code, "");
    if (files.some((f) => MODULE_EXTENSIONS.some((ext) => f === `${module}${ext}`) || f.startsWith(`${module}/`))) return "listed";
    return unlisted.some((prefix) => `${module}/`.startsWith(prefix)) ? "unlisted" : "absent";
}

/** A layer adds code to the function's: it must be a layer version of the stack, whose own package is held to the same rules. */
function layerProblems(r: StackResource, own: StackCode): [string, string][] {
    const layers = prop(r, "layers");
    if (!present(layers)) return [];
    if (!Array.isArray(layers)) return [["layers", `is ${asText(layers)}, not a list of layer versions: what it adds to the function cannot be read`]];
    const out: [string, string][] = [];
    for (const [i, arn] of layers.entries()) {
        const layer = typeof arn === "string" ? own.layers.get(arn) : undefined;
        if (!layer) {
            out.push([`layers[${i}]`, `adds layer ${typeof arn === "string" ? arn : asText(arn)}, which is not a layer version of this stack: whoever publishes it decides what the function loads`]);
            continue;
        }
        for (const [at, why] of codeProblems(layer, own)) out.push([`layers[${i}] ${at}`, `layer ${layer.name}: ${why}`]);
    }
    return out;
}

/**
 * A function runs as its role, whose trust and policies the rest of the
 * proof weighs only for roles in the file: a role of the stack's own account
 * that the file does not hold (one made outside Pulumi, such as an
 * administrator role) would run every prompt with permissions no one proved.
 */
export function functionRoleViolations(state: StackState, iam: AccountIam, account: string | undefined): Violation[] {
    const out: Violation[] = [];
    for (const r of state.resources) {
        if (r.type !== FUNCTION_TYPE) continue;
        const role = prop(r, "role");
        // A role the same update creates has no ARN yet: the unknowns check names it.
        if (role === UNKNOWN_VALUE) continue;
        const arn = typeof role === "string" ? parseArn(role) : undefined;
        const name = arn && isAccountId(arn.account) ? iamResourceName(arn, "role") : undefined;
        const inFile = name === undefined ? [] : (iam.byName.role.get(name.toLowerCase()) ?? []).filter((p) => !p.resource.external);
        let why: string | undefined;
        if (name === undefined) why = `runs as ${asText(role)}, which is not a role ARN: as whom it runs cannot be read`;
        else if (account !== undefined && arn!.account !== account) why = `runs as ${asText(role)}, a role of account ${arn!.account}, not of the stack's own account ${account}`;
        else if (inFile.length === 0) why = `runs as ${asText(role)}, which is not a role of this stack's file: what the function may do is not proved`;
        if (why) out.push(violation("BT-PLAN-UNRESOLVED", { tenant: "(stack)", stack: state.stack, resource: r.name, urn: r.urn }, "role", why));
    }
    return out;
}

/** Whether a recorded value says anything: Pulumi records an unset property as null, "", false, [] or {}. */
function present(value: unknown): boolean {
    if (value === undefined || value === null || value === "" || value === false) return false;
    if (Array.isArray(value)) return value.length > 0;
    if (isRecord(value)) return Object.keys(value).length > 0;
    return true;
}

/** The account of a private ECR image URI (`<account>.dkr.ecr.<region>.amazonaws.com/<repo>`), or undefined for any other registry. */
function imageRegistryAccount(uri: string): string | undefined {
    const host = uri.split("/")[0];
    const labels = host.split(".");
    if (labels.length < 6 || labels[1] !== "dkr" || labels[2] !== "ecr") return undefined;
    if (!(host.endsWith(".amazonaws.com") || host.endsWith(".amazonaws.com.cn"))) return undefined;
    return isAccountId(labels[0]) ? labels[0] : undefined;
}
