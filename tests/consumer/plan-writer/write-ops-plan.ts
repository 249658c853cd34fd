/**
 * Writes the ops program's plan as `pulumi stack export --show-secrets`
 * would, running it under Pulumi's mock engine, so `npx bedrock-tenancy
 * verify plan/ops.json` can check it without a Pulumi CLI or an AWS account.
 */
import * as fs from "fs";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { getMonitor } from "@pulumi/pulumi/runtime/settings";

const ACCOUNT = "999999999999";
const SIG = "4dabf18193072939515e22adb298388d";
const SECRET = "1b47061264138c4ac30d75fd1eb44270";

/** Secrets in the wire form `{ sig, value }` become the export's `{ sig, plaintext }`. */
function exported(value: unknown): unknown {
    if (Array.isArray(value)) return value.map(exported);
    if (value === null || typeof value !== "object") return value;
    const node = value as Record<string, unknown>;
    if (node[SIG] === SECRET) return { [SIG]: SECRET, plaintext: JSON.stringify(node.value) };
    return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, exported(v)]));
}

async function main(out: string): Promise<void> {
    const inputs = new Map<string, Record<string, unknown>>();
    pulumi.runtime.setAllConfig({ "aws:region": "us-east-1", "acme-bedrock:program": "ops" });
    await pulumi.runtime.setMocks(
        {
            newResource(args) {
                inputs.set(`${args.type}::${args.name}`, args.inputs);
                const name = args.inputs.name ?? args.name;
                const state: Record<string, unknown> = { ...args.inputs, name };
                if (args.type === "aws:iam/role:Role") state.arn = `arn:aws:iam::${ACCOUNT}:role/${name}`;
                if (args.type === "aws:bedrock/inferenceProfile:InferenceProfile") state.arn = `arn:aws:bedrock:us-east-1:${ACCOUNT}:application-inference-profile/${args.name}`;
                if (args.type === "random:index/randomPassword:RandomPassword") state.result = `generated-${args.name}`;
                return { id: `${args.name}-id`, state };
            },
            call(args) {
                if (args.token === "aws:index/getCallerIdentity:getCallerIdentity") return { accountId: ACCOUNT, arn: `arn:aws:iam::${ACCOUNT}:user/deployer`, userId: "AIDEXAMPLE", id: ACCOUNT };
                throw new Error(`unexpected data-source call ${args.token}`);
            },
        },
        "acme-bedrock",
        "ops",
        true,
    );
    // The engine's URNs and parents, and component outputs from registerResourceOutputs.
    const monitor = getMonitor() as any;
    const registrations = new Map<string, { type: string; name: string; custom: boolean; parent?: string }>();
    const register = monitor.registerResource.bind(monitor);
    monitor.registerResource = (req: any, callback: unknown) => {
        registrations.set(monitor.newUrn(req.getParent(), req.getType(), req.getName()), { type: req.getType(), name: req.getName(), custom: req.getCustom(), parent: req.getParent() || undefined });
        return register(req, callback);
    };
    await pulumi.runtime.runInPulumiStack(async () => require("../ops"));
    await pulumi.runtime.disconnect();

    const resources = [...(monitor.getRegisteredResources() as Map<string, { id: string | null; state: any }>)].flatMap(([urn, record]) => {
        const r = registrations.get(urn);
        if (!r) return [];
        const state = typeof record.state?.toJavaScript === "function" ? record.state.toJavaScript() : record.state ?? {};
        return [{ urn, custom: r.custom, ...(record.id ? { id: record.id } : {}), type: r.type, ...(r.parent ? { parent: r.parent } : {}), inputs: exported(inputs.get(`${r.type}::${r.name}`) ?? {}), outputs: exported(state) }];
    });
    fs.mkdirSync(path.dirname(out), { recursive: true });
    fs.writeFileSync(out, JSON.stringify({ version: 3, deployment: { manifest: { time: new Date().toISOString(), magic: "", version: "mocks" }, resources } }));
}

main(path.resolve(process.argv[2] ?? "plan/ops.json")).catch((err) => {
    console.error(err);
    process.exit(1);
});
