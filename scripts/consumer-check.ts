/**
 * Packs the library as npm would publish it, installs the tarball into the
 * consumer project in tests/consumer and runs that project's own type check
 * and tests. Expects `npm run build` to have run (`npm test` does).
 *
 * The project is copied to a fresh temporary directory outside this
 * repository and gets its own `npm install` of the tarball and its peers
 * (`--prefer-offline`: from the npm cache when it holds them), so nothing
 * resolves from this repository's node_modules. Every package the packed code
 * imports must also be declared in the packed package.json.
 */
import { execFile, execFileSync } from "child_process";
import * as ts from "typescript";
import { CUSTOMER_ACCESS_KEY_ID, startLocalAws } from "../testing/local-aws";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { packageFileProblems, undeclaredImports, unshippedLinks } from "./lib/package-contents";
import { AssumeRoleCommand, STSClient } from "@aws-sdk/client-sts";
import { NodeHttpHandler } from "@smithy/node-http-handler";
import { readStackState } from "../verifier/pulumi-formats";
import { AwsTwin } from "./twin/twin";

const root = path.resolve(__dirname, "..");
const consumer = path.join(root, "tests", "consumer");
const runtimeConsumer = path.join(root, "tests", "consumer-runtime");

interface PackResult {
    filename: string;
    size: number;
    unpackedSize: number;
    entryCount: number;
    files: { path: string }[];
}

function pack(destination: string): PackResult {
    if (!fs.existsSync(path.join(root, "dist", "components", "index.js")) || !fs.existsSync(path.join(root, "dist", "lambda", "index.mjs"))) {
        throw new Error("dist/ is not built: run `npm run build` first");
    }
    // The build already ran; --ignore-scripts keeps prepack from running it again.
    const out = execFileSync("npm", ["pack", "--json", "--ignore-scripts", "--pack-destination", destination], { cwd: root, encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] });
    return (JSON.parse(out) as PackResult[])[0];
}

function sourcesOf(dir: string): Record<string, string> {
    const sources: Record<string, string> = {};
    for (const entry of fs.readdirSync(dir, { recursive: true, withFileTypes: true })) {
        // The Lambda bundle (.mjs) carries its dependencies inside; only the compiled entries resolve from node_modules.
        if (entry.isFile() && /\.(js|d\.ts)$/.test(entry.name)) {
            const file = path.join(entry.parentPath, entry.name);
            sources[path.relative(dir, file)] = fs.readFileSync(file, "utf8");
        }
    }
    return sources;
}

/** A fresh copy of a consumer project, without anything installed. */
function freshProject(workDir: string, tarball: string, source = consumer): string {
    const project = path.join(workDir, path.basename(source));
    fs.cpSync(source, project, { recursive: true, filter: (src) => !/[\\/](node_modules|plan|bin)$|\.tgz$/.test(src) });
    fs.copyFileSync(tarball, path.join(project, "bedrock-tenancy.tgz"));
    return project;
}

/** `npm install` in the project, as a new user would run it; returns the seconds it took. */
function install(project: string): number {
    const started = Date.now();
    execFileSync("npm", ["install", "--prefer-offline", "--no-audit", "--no-fund", "--ignore-scripts", "--loglevel=error"], { cwd: project, stdio: "inherit" });
    return (Date.now() - started) / 1000;
}

async function main(): Promise<void> {
    const started = Date.now();
    const workDir = fs.mkdtempSync(path.join(os.tmpdir(), "bedrock-tenancy-pack-"));
    try {
        const packed = pack(workDir);
        const packedFiles = packed.files.map((f) => f.path);
        const shippedMarkdown = Object.fromEntries(packedFiles.filter((f) => f.endsWith(".md")).map((f) => [f, fs.readFileSync(path.join(root, f), "utf8")]));
        const problems = [...packageFileProblems(packedFiles), ...unshippedLinks(shippedMarkdown, packedFiles)];
        const tarball = path.join(workDir, packed.filename);
        const extracted = path.join(workDir, "extracted");
        fs.mkdirSync(extracted);
        // npm packs everything under package/; strip it, as npm install does.
        execFileSync("tar", ["-xzf", tarball, "-C", extracted, "--strip-components=1"]);

        const manifest = JSON.parse(fs.readFileSync(path.join(extracted, "package.json"), "utf8"));
        const declared = [...Object.keys(manifest.dependencies ?? {}), ...Object.keys(manifest.peerDependencies ?? {})];
        problems.push(...undeclaredImports(sourcesOf(extracted), declared));
        if (problems.length > 0) {
            throw new Error(`the packed package is not fit to publish:\n  ${problems.join("\n  ")}`);
        }
        console.log(
            `packed ${packed.filename}: ${(packed.size / 1024).toFixed(0)} KiB packed, ` +
                `${(packed.unpackedSize / 1024).toFixed(0)} KiB unpacked, ${packed.entryCount} files`,
        );

        const project = freshProject(workDir, tarball);
        const seconds = install(project);
        console.log(`consumer project installed the tarball and its peers in ${seconds.toFixed(1)} s: node_modules is ${(sizeOf(path.join(project, "node_modules")) / 1024 / 1024).toFixed(1)} MiB`);
        const own = (name: string) => path.join(project, "node_modules", ".bin", name);
        execFileSync(own("tsc"), ["--noEmit", "-p", project], { stdio: "inherit" });
        execFileSync(own("mocha"), [], { cwd: project, stdio: "inherit" });
        await verifyConsumerPlans(project);
        checkPolicyPack(project);
        await runtimeOnlyApplication(workDir, tarball);
        console.log(`consumer project passed in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    } finally {
        fs.rmSync(workDir, { recursive: true, force: true });
    }
}

/**
 * The consumer plans its ops and customer programs with the shipped
 * `planStack`, in the `pulumi stack export` shape, and runs the bin its own
 * `npm install` linked, as `npx bedrock-tenancy verify` would in its own
 * pipeline. The enforcing stand-ins then load the same files: the customer's
 * function role, as Lambda runs it, assumes the tenant's ops role with the
 * ExternalId its plan holds.
 */
async function verifyConsumerPlans(project: string): Promise<void> {
    const plan = path.join(project, "plan");
    const files = [path.join(plan, "ops.json"), path.join(plan, "customer-a.json")];
    const own = (name: string) => path.join(project, "node_modules", ".bin", name);
    execFileSync(own("ts-node"), ["--transpile-only", "plan-writer/write-plans.ts", plan], { cwd: project, stdio: "inherit" });
    // --no: never fetch a package of that name from the registry; only the installed bin may run.
    execFileSync("npx", ["--no", "bedrock-tenancy", "verify", "--out", plan, ...files], { cwd: project, stdio: "inherit" });
    console.log("npx bedrock-tenancy verify passed on the consumer's own plans");
    const twin = await AwsTwin.start(files.map((f) => readStackState(f, fs.readFileSync(f, "utf8"))));
    try {
        const fn = twin.model.functions.find((f) => f.environment.BEDROCK_TENANCY_OPS_ROLE_ARN);
        if (!fn) throw new Error("the consumer's customer plan has no runtime function");
        const credentials = await twin.credentialsFor(fn.roleArn, { service: "lambda.amazonaws.com" });
        const sts = new STSClient({ region: "us-east-1", endpoint: twin.sts.url, credentials, maxAttempts: 1, requestHandler: new NodeHttpHandler() });
        await sts.send(new AssumeRoleCommand({ RoleArn: fn.environment.BEDROCK_TENANCY_OPS_ROLE_ARN, ExternalId: fn.environment.BEDROCK_TENANCY_EXTERNAL_ID, RoleSessionName: "consumer-check" }));
        console.log(`the enforcing stand-ins loaded the consumer's plans (${twin.model.roles.size} roles): its function role assumes ${fn.environment.BEDROCK_TENANCY_OPS_ROLE_ARN} with its ExternalId`);
    } finally {
        await twin.close();
    }
}

/** Bytes of the files under `dir`, their apparent sizes (`du --apparent-size` counts the folders too, a few MiB more). */
function sizeOf(dir: string): number {
    let bytes = 0;
    for (const entry of fs.readdirSync(dir, { recursive: true, withFileTypes: true })) {
        if (entry.isFile()) bytes += fs.statSync(path.join(entry.parentPath, entry.name)).size;
    }
    return bytes;
}

/** Every installed package whose name is under the `@pulumi` scope, nested ones included. */
function pulumiPackages(nodeModules: string): string[] {
    const found: string[] = [];
    for (const entry of fs.readdirSync(nodeModules, { recursive: true, withFileTypes: true })) {
        if (entry.isDirectory() && entry.name === "@pulumi" && path.basename(entry.parentPath) === "node_modules") {
            found.push(path.relative(nodeModules, path.join(entry.parentPath, entry.name)));
        }
    }
    return found;
}

/**
 * An application that uses only `bedrock-tenancy/runtime` (tests/consumer-runtime)
 * installs the tarball with npm's defaults and gets no Pulumi package: the
 * Pulumi SDKs are optional peers that only the components load. It then runs
 * the application block of docs/runtime.md.
 */
async function runtimeOnlyApplication(workDir: string, tarball: string): Promise<void> {
    const project = freshProject(workDir, tarball, runtimeConsumer);
    const seconds = install(project);
    const nodeModules = path.join(project, "node_modules");
    const pulumi = pulumiPackages(nodeModules);
    if (pulumi.length > 0) throw new Error(`the runtime-only application installed Pulumi packages: ${pulumi.join(", ")}`);
    console.log(`runtime-only application installed in ${seconds.toFixed(1)} s: node_modules is ${(sizeOf(nodeModules) / 1024 / 1024).toFixed(1)} MiB, with no @pulumi package`);
    refusesWithoutPulumi(project);
    await runApplicationBlock(project);
    runAuditTrialBlock(project);
}

/** Without the Pulumi peers, the entries that need them fail at load naming the packages and the install command, not "Cannot find module". */
function refusesWithoutPulumi(project: string): void {
    for (const entry of ["bedrock-tenancy", "bedrock-tenancy/testing"]) {
        let message = "";
        try {
            execFileSync(process.execPath, ["-e", `require(${JSON.stringify(entry)})`], { cwd: project, encoding: "utf8", stdio: "pipe", timeout: 60_000 });
        } catch (err) {
            message = String((err as { stderr?: string }).stderr);
        }
        if (!(message.includes("needs @pulumi/pulumi") && message.includes("`npm install @pulumi/pulumi@"))) {
            throw new Error(`require("${entry}") without the Pulumi packages should name them and how to install them, got: ${message.split("\n").find((l) => l.includes("Error")) ?? message.slice(0, 300)}`);
        }
    }
    console.log("without the Pulumi packages, bedrock-tenancy and bedrock-tenancy/testing name them at load");
}

/** The ```ts block of docs/`page` that holds `marker`, transpiled to an ES module in `project`. */
function docBlockModule(project: string, page: string, marker: string, name: string): string {
    const markdown = fs.readFileSync(path.join(root, "docs", page), "utf8");
    const block = [...markdown.matchAll(/^```ts\n([\s\S]*?)^```$/gm)].map((m) => m[1]).find((code) => code.includes(marker));
    if (!block) throw new Error(`docs/${page} has no block with ${marker}`);
    const file = path.join(project, name);
    fs.writeFileSync(file, ts.transpileModule(block, { compilerOptions: { module: ts.ModuleKind.ES2022, target: ts.ScriptTarget.ES2022 } }).outputText);
    return file;
}

/**
 * The offline block of docs/audit-trail.md, as written, from the fresh
 * install: its trail reads intact through the installed CLI, and an edited
 * or deleted record reads as the page says.
 */
function runAuditTrialBlock(project: string): void {
    const file = docBlockModule(project, "audit-trail.md", "FakeListChatModel", "audit-trial.mjs");
    const env = { PATH: process.env.PATH, HOME: process.env.HOME };
    execFileSync(process.execPath, [file], { cwd: project, env, timeout: 60_000 });
    const cli = path.join(project, "node_modules", "bedrock-tenancy", "bin", "bedrock-tenancy.js");
    const verify = (name: string): { code: number; out: string } => {
        try {
            return { code: 0, out: execFileSync(process.execPath, [cli, "audit", "verify", name], { cwd: project, env, encoding: "utf8", timeout: 60_000 }) };
        } catch (err) {
            const failed = err as { status?: number; stdout?: string };
            return { code: failed.status ?? -1, out: failed.stdout ?? "" };
        }
    };
    const lines = fs.readFileSync(path.join(project, "audit.jsonl"), "utf8").split("\n").filter((l) => l !== "");
    const intact = verify("audit.jsonl");
    const first = JSON.parse(lines[0]) as { userId?: string };
    fs.writeFileSync(path.join(project, "edited.jsonl"), [lines[0].replace(`"userId":${JSON.stringify(first.userId)}`, '"userId":"user-18"'), ...lines.slice(1)].join("\n") + "\n");
    fs.writeFileSync(path.join(project, "deleted.jsonl"), [lines[0], ...lines.slice(2)].join("\n") + "\n");
    const edited = verify("edited.jsonl");
    const deleted = verify("deleted.jsonl");
    const problems = [
        lines.length === 3 ? undefined : `expected two records and a close record, got ${lines.length} lines`,
        first.userId === "user-17" ? undefined : `expected the first record's userId user-17, got ${JSON.stringify(first.userId)}`,
        intact.code === 0 && intact.out.includes("1 writer, 3 records") && intact.out.includes("closed, 0 checkpoints: intact") ? undefined : `the trail did not read intact (exit ${intact.code}): ${intact.out}`,
        edited.code === 1 && edited.out.includes("- edit: seq 0") ? undefined : `the edited trail did not read as an edit (exit ${edited.code}): ${edited.out}`,
        deleted.code === 1 && deleted.out.includes("- gap: seq 1 is missing") ? undefined : `the trail without its second record did not read as a gap (exit ${deleted.code}): ${deleted.out}`,
    ].filter(Boolean);
    if (problems.length > 0) throw new Error(`the offline block of docs/audit-trail.md: ${problems.join("; ")}`);
    console.log("the offline block of docs/audit-trail.md ran from the fresh install: its trail reads intact, an edit and a gap read as the page says");
}

/**
 * The application block of docs/runtime.md, as written, run from the fresh
 * project against the AWS stand-ins on 127.0.0.1 (the SDK's endpoint
 * variables point every client there): one AssumeRole with the ExternalId,
 * both calls signed with the ops session, and both audit records delivered
 * with the compute's own credentials before the process exits.
 */
async function runApplicationBlock(project: string): Promise<void> {
    const file = docBlockModule(project, "runtime.md", "createTenantChatModel({", "application.mjs");
    const aws = await startLocalAws();
    try {
        const logGroup = "/bedrock-tenancy/customer-a/audit";
        aws.logs.createLogGroup(logGroup);
        const externalId = "consumer-external-id-0001";
        await new Promise<void>((resolve, reject) => {
            execFile(process.execPath, [file], { cwd: project, env: { PATH: process.env.PATH, HOME: process.env.HOME, ...aws.env, EXTERNAL_ID: externalId, MODEL_ROUTES: JSON.stringify({ "anthropic.claude-3-haiku-20240307-v1:0": "arn:aws:bedrock:us-east-1:999999999999:application-inference-profile/consumer01" }) }, timeout: 60_000 }, (err, _stdout, stderr) =>
                err ? reject(new Error(`the application block failed: ${err.message}\n${stderr}`)) : resolve(),
            );
        });
        const [assume, ...more] = aws.sts.assumeRoleCalls;
        const records = aws.logs.records(logGroup);
        const problems = [
            more.length === 0 && assume?.externalId === externalId ? undefined : `expected one AssumeRole with the ExternalId, got ${JSON.stringify(aws.sts.assumeRoleCalls)}`,
            aws.bedrock.calls.map((c) => c.operation).join(",") === "Converse,ConverseStream" ? undefined : `expected a Converse and a ConverseStream, got ${aws.bedrock.calls.map((c) => c.operation).join(",")}`,
            aws.bedrock.calls.every((c) => c.accessKeyId === assume?.issuedAccessKeyId) ? undefined : "a Bedrock call was not signed with the ops session",
            records.map((r) => r.operation).join(",") === "Converse,ConverseStream" ? undefined : `expected two audit records, got ${JSON.stringify(records.map((r) => r.operation))}`,
            aws.logs.putCalls.every((c) => c.accessKeyId === CUSTOMER_ACCESS_KEY_ID) ? undefined : "an audit record was written with credentials other than the compute's own",
        ].filter(Boolean);
        if (problems.length > 0) throw new Error(`the application block of docs/runtime.md: ${problems.join("; ")}`);
        console.log(`the application block of docs/runtime.md ran from the fresh install: ${records.length} records, ${aws.bedrock.calls.length} Bedrock calls through one ops session`);
    } finally {
        await aws.close();
    }
}

/** The shipped CrossGuard pack has what `pulumi --policy-pack` loads, and starts its analyzer. */
function checkPolicyPack(project: string): void {
    const dir = path.join(project, "node_modules", "bedrock-tenancy", "policy-pack");
    const manifest = JSON.parse(fs.readFileSync(path.join(dir, "package.json"), "utf8"));
    for (const file of ["PulumiPolicy.yaml", manifest.main]) {
        if (!fs.existsSync(path.join(dir, file))) throw new Error(`the packed policy pack has no ${file}`);
    }
    // The pack prints its analyzer's port once it serves; the engine reads that line.
    const out = execFileSync(process.execPath, ["-e", `const c=require("child_process").spawn(process.execPath,[${JSON.stringify(manifest.main)}],{cwd:${JSON.stringify(dir)}});c.stdout.once("data",d=>{process.stdout.write(String(d));c.kill();});c.on("exit",(code)=>{if(code)process.exit(code)});`], { encoding: "utf8", timeout: 60_000 });
    if (!/^\d+\s*$/.test(out)) throw new Error(`the packed policy pack did not start its analyzer: ${JSON.stringify(out)}`);
    console.log(`policy pack at node_modules/bedrock-tenancy/policy-pack starts its analyzer (port ${out.trim()})`);
}

main().catch((err) => {
    console.error((err as Error).message);
    process.exit(1);
});
