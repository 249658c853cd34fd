/**
 * Values the proof must read as what they stand for: a property recorded as
 * an output value or a secret is judged as the value it wraps, a resource a
 * preview deletes is judged by what its old state says the provider does,
 * and a provider, a workgroup or a tenant's component that points outside
 * the account or at a role the files do not hold is a finding. The controls
 * wrap harmless values the same way and must pass.
 */
import type { StackDoc } from "../../support/plan-files";
import { added, CUSTOMER_A, DELETED_BY_PREVIEW, find, setProp, type Side } from "../../support/plan-mutations";
import { SECRET_SIG, SIG_KEY } from "../../../verifier/pulumi-formats";
import type { Mutation } from "./mutations";

const KEY = "aws:kms/key:Key";
const FUNCTION = "aws:lambda/function:Function";
const WORKGROUP = "aws:athena/workgroup:Workgroup";
const TENANT = "bedrock-tenancy:index:BedrockTenantAccess";
const OTHER_OPS = "888888888888";
/** Pulumi's signature of an output value. */
const OUTPUT_VALUE_SIG = "d0e6a833031e9bbcd3f4e8bde6ca49a4";

/** An output value as the SDK writes one: known, or (without `value`) not known yet. */
const outputValue = (value?: unknown) => ({ [SIG_KEY]: OUTPUT_VALUE_SIG, ...(value === undefined ? {} : { value }), secret: false, dependencies: [] });
const secret = (value: unknown) => ({ [SIG_KEY]: SECRET_SIG, plaintext: JSON.stringify(value) });

const byName = (suffix: string) => (r: any) => r.urn.endsWith(`::${suffix}`);
const auditKey = (doc: StackDoc) => find(doc, KEY, byName("customer-a-key"));
const runtime = (doc: StackDoc) => find(doc, FUNCTION, byName("customer-a-function"));
const workgroup = (doc: StackDoc) => find(doc, WORKGROUP, () => true);
const tenantB = (doc: StackDoc) => find(doc, TENANT, byName("tenants-customer-b"));

/** The workgroup's configuration with `extra` on one side. */
const configured = (extra: Record<string, unknown>) => (doc: StackDoc, side: Side) => {
    const w = workgroup(doc);
    setProp(w, side, "configuration", { ...w.inputs.configuration, ...extra });
};

/** A copy of the runtime under another name, running through a proxy, that the preview deletes with `skipDestroy` as given. */
const deletedRuntime = (skipDestroy: unknown) => (doc: StackDoc) => {
    const fn = runtime(doc);
    const urn = `${fn.urn.slice(0, fn.urn.lastIndexOf("::"))}::customer-a-function-old`;
    const env = { variables: { HTTPS_PROXY: "http://10.80.9.9:3128" } };
    doc.deployment.resources.push({
        ...fn, urn, id: "customer-a-function-old-id",
        inputs: { ...fn.inputs, name: "bedrock-tenancy-customer-a-old", environment: env, skipDestroy },
        outputs: { ...fn.outputs, name: "bedrock-tenancy-customer-a-old", environment: env, skipDestroy },
        [DELETED_BY_PREVIEW]: true,
    });
};

/** A provider of the stack, as Pulumi records its state (nested settings as JSON text). */
const provider = (stack: string, settings: Record<string, unknown>) => added(stack, "pulumi:providers:aws", "elsewhere", { region: "us-east-1", ...settings });

const customer = (name: string, code: Mutation["code"], edit: Mutation["edit"], sides: Side[] = ["inputs", "outputs"], shapes?: Mutation["shapes"]): Mutation =>
    ({ name, stack: "customer-a", code, sides, ...(shapes ? { shapes } : {}), edit });

export const DECODED_MUTATIONS: Mutation[] = [
    // One decoding at read time: a check looking for `false` or a bad value sees the value, not its wrapper.
    // The program leaves isEnabled unset: on the outputs side it says what it asked for, and only AWS holds the change.
    customer("the audit key disabled, recorded as an output value", "BT-CUSTOMER-KEY", (doc, side) => {
        setProp(auditKey(doc), "inputs", "isEnabled", true);
        setProp(auditKey(doc), side, "isEnabled", outputValue(false));
    }),
    customer("the audit key made a signing key, recorded as an output value", "BT-CUSTOMER-KEY", (doc, side) => setProp(auditKey(doc), side, "keyUsage", outputValue("SIGN_VERIFY"))),
    customer("the audit key made a signing key, recorded as a secret inside an output value", "BT-CUSTOMER-KEY", (doc, side) => setProp(auditKey(doc), side, "keyUsage", outputValue(secret("SIGN_VERIFY")))),
    customer("the archive's Athena workgroup not enforcing its configuration, recorded as an output value", "BT-CUSTOMER-EGRESS", configured({ enforceWorkgroupConfiguration: outputValue(false) })),
    customer("the audit key's isEnabled an output value not known yet", "BT-PLAN-UNKNOWN-VALUE", (doc) => setProp(auditKey(doc), "inputs", "isEnabled", outputValue()), ["inputs"], ["preview"]),
    // What a preview's delete leaves in AWS is decided by the old state's flags, decoded as every property is.
    customer("a preview deleting an old runtime sending through a proxy, its skipDestroy a secret of true", "BT-CUSTOMER-RUNTIME-REDIRECT", deletedRuntime(secret(true)), ["inputs"], ["preview"]),
    customer("a preview deleting an old runtime sending through a proxy, its skipDestroy an output value of true", "BT-CUSTOMER-RUNTIME-REDIRECT", deletedRuntime(outputValue(true)), ["inputs"], ["preview"]),
    customer("a preview deleting an old runtime sending through a proxy, its skipDestroy an output value not known yet", "BT-CUSTOMER-RUNTIME-REDIRECT", deletedRuntime(outputValue()), ["inputs"], ["preview"]),
    // Users of a directory outside the account.
    customer("the archive's Athena workgroup enabled for IAM Identity Center", "BT-CUSTOMER-EGRESS",
        configured({ identityCenterConfiguration: { enableIdentityCenter: true, identityCenterInstanceArn: "arn:aws:sso:::instance/ssoins-7223a1b2c3d4e5f6" } })),
    customer("the archive's Athena workgroup naming an IAM Identity Center instance, its flag unset", "BT-CUSTOMER-EGRESS",
        configured({ identityCenterConfiguration: [{ identityCenterInstanceArn: "arn:aws:sso:::instance/ssoins-7223a1b2c3d4e5f6" }] })),
    // An account is a partition and an id.
    customer("a provider assuming a role of the stack's own account id in the aws-cn partition", "BT-PLAN-FOREIGN-PROVIDER",
        (doc) => doc.deployment.resources.push(provider("customer-a", { assumeRole: JSON.stringify({ roleArn: `arn:aws-cn:iam::${CUSTOMER_A}:role/Deployer` }) })), ["inputs"]),
    customer("a provider assuming a role of the stack's own account id in the aws-us-gov partition, as a list", "BT-PLAN-FOREIGN-PROVIDER",
        (doc) => doc.deployment.resources.push(provider("customer-a", { assumeRoles: JSON.stringify([{ roleArn: `arn:aws-us-gov:iam::${CUSTOMER_A}:role/Deployer` }]) })), ["inputs"]),
    // The role a tenant's component names is the one its customer side assumes (component outputs are its intent).
    { name: "a tenant's component naming its role in another ops account than the file's role", stack: "ops", code: "BT-TENANT-ROLE-MISSING", sides: ["inputs"],
      edit: (doc) => {
          const t = tenantB(doc);
          t.outputs = { ...t.outputs, opsAccount: OTHER_OPS, roleArn: `arn:aws:iam::${OTHER_OPS}:role/${t.outputs.roleName}` };
      } },
    { name: "a tenant's component naming a role of another name than its roleName", stack: "ops", code: "BT-TENANT-ROLE-MISSING", sides: ["inputs"],
      edit: (doc) => {
          const t = tenantB(doc);
          t.outputs = { ...t.outputs, roleArn: t.outputs.roleArn.replace(/role\/.*$/, "role/SomewhereElse") };
      } },
    { name: "a tenant's component naming another ops account, its roleArn left as the file's role", stack: "ops", code: "BT-TENANT-ROLE-MISSING", sides: ["inputs"],
      edit: (doc) => {
          const t = tenantB(doc);
          t.outputs = { ...t.outputs, opsAccount: OTHER_OPS };
      } },
];

export const DECODED_CONTROLS: { name: string; stack: "ops" | "customer-a"; edit: (doc: StackDoc) => void }[] = [
    { name: "the audit key enabled, for ENCRYPT_DECRYPT, recorded as output values", stack: "customer-a", edit: (doc) => {
        for (const side of ["inputs", "outputs"] as const) {
            setProp(auditKey(doc), side, "isEnabled", outputValue(true));
            setProp(auditKey(doc), side, "keyUsage", outputValue("ENCRYPT_DECRYPT"));
        }
    } },
    { name: "the archive's workgroup enforcing its configuration, recorded as a secret output value", stack: "customer-a",
      edit: (doc) => configured({ enforceWorkgroupConfiguration: { ...outputValue(true), secret: true } })(doc, "inputs") },
    { name: "the archive's Athena workgroup with IAM Identity Center turned off", stack: "customer-a",
      edit: (doc) => configured({ identityCenterConfiguration: { enableIdentityCenter: false, identityCenterInstanceArn: "arn:aws:sso:::instance/ssoins-7223a1b2c3d4e5f6" } })(doc, "inputs") },
    { name: "a preview deleting an old runtime sending through a proxy, its skipDestroy an output value of false (it leaves AWS)", stack: "customer-a", edit: deletedRuntime(outputValue(false)) },
];
