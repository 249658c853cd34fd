/**
 * Paths that reach past the account by their shape rather than by naming
 * another account: VPC endpoints to what some account runs, observability
 * sinks and resource policies opened to an organization, policy text with a
 * key written twice, and tenant sessions tagged as someone else. Beside
 * them, the statements held to the account that must pass.
 */
import type { StackDoc } from "../../support/plan-files";
import { added, ARCHIVE_A, CUSTOMER_A, documentOf, find, named, OPS, RUNTIME_A, setProp, TENANT_A_ROLE, type Side } from "../../support/plan-mutations";
import type { Mutation } from "./mutations";

const ROLE = "aws:iam/role:Role";
const ROLE_POLICY = "aws:iam/rolePolicy:RolePolicy";
const ENDPOINT = "aws:ec2/vpcEndpoint:VpcEndpoint";
const push = (doc: StackDoc, ...rs: any[]) => doc.deployment.resources.push(...rs);
const endpoint = (name: string, props: Record<string, unknown>) =>
    added("customer-a", ENDPOINT, name, { vpcId: "vpc-1", subnetIds: ["subnet-1"], securityGroupIds: ["sg-1"], region: "us-east-1", ...props });
const opsEndpoint = (name: string, props: Record<string, unknown>) =>
    added("ops", ENDPOINT, name, { vpcId: "vpc-9", subnetIds: ["subnet-9"], region: "us-east-1", ...props });
const ORG = { StringEquals: { "aws:PrincipalOrgID": "o-abc123" } };
const sinkPolicy = (Condition: unknown) => JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: "*", Action: ["oam:CreateLink", "oam:UpdateLink"], Resource: "*", Condition }] });

/** A document of the file edited as an object and written back in the shape the file holds it. */
function editDocument(r: any, side: Side, key: string, change: (d: any) => void): void {
    const d = documentOf(r, side, key);
    change(d);
    setProp(r, side, key, typeof r.inputs[key] === "string" ? JSON.stringify(d) : d);
}
const tagStatement = (d: any) => d.Statement.find((s: any) => [s.Action].flat().includes("sts:TagSession"));
const editTrust = (change: (d: any) => void) => (doc: StackDoc, side: Side) => editDocument(find(doc, ROLE, named(TENANT_A_ROLE)), side, "assumeRolePolicy", change);

/** The archive bucket's policy with one more statement. */
const archivePolicyWith = (statement: unknown) => (doc: StackDoc) => {
    const r = find(doc, "aws:s3/bucketPolicy:BucketPolicy", (x) => x.urn.endsWith("::customer-a-archive-policy"));
    editDocument(r, "inputs", "policy", (d) => d.Statement.push(statement));
};
/** The customer key's policy with one more statement. */
const keyPolicyWith = (statement: unknown) => (doc: StackDoc) => {
    const r = find(doc, "aws:kms/key:Key", (x) => x.urn.endsWith("::customer-a-key"));
    editDocument(r, "inputs", "policy", (d) => d.Statement.push(statement));
};
const readArchive = (Condition: unknown) => ({ Sid: "Acct", Effect: "Allow", Principal: "*", Action: "s3:GetObject", Resource: `arn:aws:s3:::${ARCHIVE_A}/*`, Condition });
const decryptVia = (Condition: unknown) => ({ Sid: "Via", Effect: "Allow", Principal: { AWS: "*" }, Action: ["kms:Decrypt"], Resource: "*", Condition });
const VIA_LOGS = { "kms:ViaService": "logs.us-east-1.amazonaws.com" };

/** Policy text with `Effect` twice in its first statement, as text: an object of the file cannot hold a key twice. */
const twiceEffect = (policy: string): string => policy.replace("\"Effect\":\"Allow\"", "\"Effect\":\"Allow\",\"Action\":\"iam:*\",\"Effect\":\"Deny\"");

export const PATH_MUTATIONS: Mutation[] = [
    // VPC endpoints: only an AWS service of the endpoint's own Region, by its standard name.
    { name: "a VPC endpoint into a VPC Lattice service network", stack: "customer-a", code: "BT-CUSTOMER-EGRESS", sides: ["inputs"],
      edit: (doc) => push(doc, endpoint("sn-endpoint", { vpcEndpointType: "ServiceNetwork", serviceNetworkArn: `arn:aws:vpc-lattice:us-east-1:${CUSTOMER_A}:servicenetwork/sn-0123456789abcdef0` })) },
    { name: "a VPC endpoint to a VPC Lattice resource configuration", stack: "customer-a", code: "BT-CUSTOMER-EGRESS", sides: ["inputs"],
      edit: (doc) => push(doc, endpoint("rc-endpoint", { vpcEndpointType: "Resource", resourceConfigurationArn: `arn:aws:vpc-lattice:us-east-1:${CUSTOMER_A}:resourceconfiguration/rcfg-0123456789abcdef0` })) },
    { name: "the runtime's Bedrock endpoint turned into a service-network endpoint", stack: "customer-a", code: "BT-CUSTOMER-EGRESS", sides: ["inputs", "outputs"],
      edit: (doc, side) => setProp(find(doc, ENDPOINT, (r) => r.urn.endsWith("::customer-a-bedrock-runtime-endpoint")), side, "vpcEndpointType", "ServiceNetwork") },
    { name: "the runtime's STS endpoint pointed at STS of another Region", stack: "customer-a", code: "BT-CUSTOMER-EGRESS", sides: ["inputs", "outputs"],
      edit: (doc, side) => setProp(find(doc, ENDPOINT, (r) => r.urn.endsWith("::customer-a-sts-endpoint")), side, "serviceName", "com.amazonaws.eu-west-1.sts") },
    { name: "an interface endpoint reaching a service of another Region through serviceRegion", stack: "customer-a", code: "BT-CUSTOMER-EGRESS", sides: ["inputs"],
      edit: (doc) => push(doc, endpoint("cross-region", { vpcEndpointType: "Interface", serviceName: "com.amazonaws.eu-west-1.bedrock-runtime", serviceRegion: "eu-west-1" })) },
    { name: "a Marketplace endpoint service under an AWS-looking name", stack: "customer-a", code: "BT-CUSTOMER-EGRESS", sides: ["inputs"],
      edit: (doc) => push(doc, endpoint("partner", { vpcEndpointType: "Interface", serviceName: "com.amazonaws.vpce.us-east-1.vpce-svc-0123456789abcdef0" })) },
    { name: "a VPC endpoint whose Region is not recorded", stack: "customer-a", code: "BT-CUSTOMER-EGRESS", sides: ["inputs"],
      edit: (doc) => {
          const r = endpoint("no-region", { vpcEndpointType: "Interface", serviceName: "com.amazonaws.us-east-1.logs" });
          delete r.inputs.region;
          delete r.outputs.region;
          push(doc, r);
      } },
    { name: "an ops VPC endpoint into a VPC Lattice service network", stack: "ops", code: "BT-OPS-EGRESS", sides: ["inputs"],
      edit: (doc) => push(doc, opsEndpoint("sn-endpoint", { vpcEndpointType: "ServiceNetwork", serviceNetworkArn: `arn:aws:vpc-lattice:us-east-1:${OPS}:servicenetwork/sn-0123456789abcdef0` })) },
    { name: "a VPC Lattice service network association (a type the proof does not know)", stack: "customer-a", code: "BT-PLAN-UNKNOWN-TYPE", sides: ["inputs"],
      edit: (doc) => push(doc, added("customer-a", "aws:vpclattice/serviceNetworkVpcAssociation:ServiceNetworkVpcAssociation", "sn-assoc", { vpcIdentifier: "vpc-1", serviceNetworkIdentifier: "sn-0123456789abcdef0" })) },

    // Observability sinks in the ops account, and resource policies opened to an organization.
    { name: "an ops observability sink whose policy admits the organization", stack: "ops", code: "BT-OPS-EGRESS", sides: ["inputs"],
      edit: (doc) => push(doc,
          added("ops", "aws:oam/sink:Sink", "ops-sink", { name: "ops-sink", region: "us-east-1" }, { arn: `arn:aws:oam:us-east-1:${OPS}:sink/abc` }),
          added("ops", "aws:oam/sinkPolicy:SinkPolicy", "ops-sink-policy", { sinkIdentifier: `arn:aws:oam:us-east-1:${OPS}:sink/abc`, region: "us-east-1", policy: sinkPolicy(ORG) })) },
    { name: "an ops observability sink with no policy yet", stack: "ops", code: "BT-OPS-EGRESS", sides: ["inputs"],
      edit: (doc) => push(doc, added("ops", "aws:oam/sink:Sink", "ops-sink", { name: "ops-sink", region: "us-east-1" })) },
    { name: "a customer sink policy admitting the organization's accounts by their paths", stack: "customer-a", code: "BT-CUSTOMER-EGRESS", sides: ["inputs"],
      edit: (doc) => push(doc, added("customer-a", "aws:oam/sinkPolicy:SinkPolicy", "sink-policy", { sinkIdentifier: `arn:aws:oam:us-east-1:${CUSTOMER_A}:sink/abc`, region: "us-east-1", policy: sinkPolicy({ "ForAnyValue:StringLike": { "aws:PrincipalOrgPaths": "o-abc123/*" } }) })) },
    { name: "an ops log destination policy admitting the organization", stack: "ops", code: "BT-OPS-EGRESS", sides: ["inputs"],
      edit: (doc) => push(doc, added("ops", "aws:cloudwatch/logDestinationPolicy:LogDestinationPolicy", "collector-policy", { destinationName: "collector",
          accessPolicy: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: "*", Action: "logs:PutSubscriptionFilter", Resource: `arn:aws:logs:us-east-1:${OPS}:destination:collector`, Condition: ORG }] }) })) },
    { name: "the archive readable by * held only to the organization", stack: "customer-a", code: "BT-CUSTOMER-EGRESS", sides: ["inputs"],
      edit: archivePolicyWith(readArchive({ StringEquals: { "aws:PrincipalOrgID": "o-abc123" } })) },
    { name: "the archive readable by * held to the account only if the key is present (IfExists)", stack: "customer-a", code: "BT-CUSTOMER-EGRESS", sides: ["inputs"],
      edit: archivePolicyWith(readArchive({ StringEqualsIfExists: { "aws:PrincipalAccount": CUSTOMER_A } })) },
    { name: "the archive readable by * held to the account or another (two values)", stack: "customer-a", code: "BT-CUSTOMER-EGRESS", sides: ["inputs"],
      edit: archivePolicyWith(readArchive({ StringEquals: { "aws:PrincipalAccount": [CUSTOMER_A, OPS] } })) },
    { name: "the archive readable by * whose account is anything but the ops account (negated)", stack: "customer-a", code: "BT-CUSTOMER-EGRESS", sides: ["inputs"],
      edit: archivePolicyWith(readArchive({ StringNotEquals: { "aws:PrincipalAccount": OPS } })) },
    { name: "the archive readable by * of any account's role of a name (PrincipalArn pattern over accounts)", stack: "customer-a", code: "BT-CUSTOMER-EGRESS", sides: ["inputs"],
      edit: archivePolicyWith(readArchive({ ArnLike: { "aws:PrincipalArn": "arn:aws:iam::*:role/Reader" } })) },
    { name: "the customer key usable by * through CloudWatch Logs with a caller account of any value (ForAnyValue)", stack: "customer-a", code: "BT-CUSTOMER-KEY", sides: ["inputs"],
      edit: keyPolicyWith(decryptVia({ StringEquals: VIA_LOGS, "ForAnyValue:StringEquals": { "kms:CallerAccount": CUSTOMER_A } })) },
    { name: "the customer key usable by * held by aws:PrincipalAccount to the ops account", stack: "customer-a", code: "BT-CUSTOMER-KEY", sides: ["inputs"],
      edit: keyPolicyWith(decryptVia({ StringEquals: { ...VIA_LOGS, "kms:CallerAccount": OPS } })) },

    // Policy text with a key twice: the proof and AWS may read different documents.
    { name: "the quota enforcer's policy with Effect twice (Allow iam:* first, Deny last)", stack: "ops", code: "BT-PLAN-DUPLICATE-KEY", sides: ["inputs", "outputs"],
      edit: (doc, side) => {
          const r = find(doc, ROLE_POLICY, (x) => x.urn.endsWith("::quota-enforcer-policy"));
          setProp(r, side, "policy", twiceEffect(JSON.stringify(documentOf(r, side, "policy"))));
      } },
    { name: "a tenant role's trust with its ExternalId condition block twice", stack: "ops", code: "BT-PLAN-DUPLICATE-KEY", sides: ["inputs"],
      edit: (doc) => {
          const r = find(doc, ROLE, named(TENANT_A_ROLE));
          const text = JSON.stringify(documentOf(r, "inputs", "assumeRolePolicy"));
          setProp(r, "inputs", "assumeRolePolicy", text.replace("\"StringEquals\":{", "\"StringEquals\":{\"sts:ExternalId\":\"guessable\"},\"StringEquals\":{"));
      } },
    { name: "the archive policy with one condition key twice, differing only in case", stack: "customer-a", code: "BT-PLAN-DUPLICATE-KEY", sides: ["inputs"],
      edit: (doc) => {
          const r = find(doc, "aws:s3/bucketPolicy:BucketPolicy", (x) => x.urn.endsWith("::customer-a-archive-policy"));
          const text = JSON.stringify(documentOf(r, "inputs", "policy"));
          setProp(r, "inputs", "policy", text.replace("\"aws:PrincipalAccount\":", `"aws:principalaccount":["${CUSTOMER_A}"],"aws:PrincipalAccount":`));
      } },
    { name: "an inline policy of the runtime role, held in its inlinePolicies, with Effect twice", stack: "customer-a", code: "BT-PLAN-DUPLICATE-KEY", sides: ["inputs"],
      edit: (doc) => {
          const r = find(doc, ROLE, (x) => (x.outputs?.arn ?? "") === RUNTIME_A || x.urn.endsWith("::customer-a-runtime-role"));
          setProp(r, "inputs", "inlinePolicies", [{ name: "x", policy: "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Deny\",\"Action\":\"logs:DescribeLogGroups\",\"Resource\":\"*\",\"\\u0045ffect\":\"Deny\"}]}" }]);
      } },

    // Session tags: only the runtime's keys, the tenant's id alone.
    { name: "a tenant role's TagSession open to any tag (no tag conditions)", stack: "ops", code: "BT-TENANT-TRUST", sides: ["inputs", "outputs"],
      edit: editTrust((d) => {
          const s = tagStatement(d);
          s.Condition = { ArnEquals: s.Condition.ArnEquals };
      }) },
    { name: "a tenant role's TagSession letting its sessions be tagged as another tenant", stack: "ops", code: "BT-TENANT-TRUST", sides: ["inputs"],
      edit: editTrust((d) => {
          tagStatement(d).Condition.StringEquals["aws:RequestTag/TenantId"] = "customer-b";
      }) },
    { name: "a tenant role's TagSession with its id or another's", stack: "ops", code: "BT-TENANT-TRUST", sides: ["inputs"],
      edit: editTrust((d) => {
          tagStatement(d).Condition.StringEquals["aws:RequestTag/TenantId"] = ["customer-a", "customer-b"];
      }) },
    { name: "a tenant role's TagSession with its id only if the tag is present (IfExists)", stack: "ops", code: "BT-TENANT-TRUST", sides: ["inputs"],
      edit: editTrust((d) => {
          const s = tagStatement(d);
          s.Condition.StringEqualsIfExists = s.Condition.StringEquals;
          delete s.Condition.StringEquals;
      }) },
    { name: "a tenant role's TagSession admitting a cost-center tag key", stack: "ops", code: "BT-TENANT-TRUST", sides: ["inputs"],
      edit: editTrust((d) => {
          tagStatement(d).Condition["ForAllValues:StringEquals"]["aws:TagKeys"] = ["TenantId", "UserId", "CostCenter"];
      }) },
    { name: "a tenant role's TagSession whose tag keys need only include one of the runtime's (ForAnyValue)", stack: "ops", code: "BT-TENANT-TRUST", sides: ["inputs"],
      edit: editTrust((d) => {
          const s = tagStatement(d);
          s.Condition["ForAnyValue:StringEquals"] = s.Condition["ForAllValues:StringEquals"];
          delete s.Condition["ForAllValues:StringEquals"];
      }) },
    { name: "a tenant role's TagSession granted with AssumeRole, without tag conditions", stack: "ops", code: "BT-TENANT-TRUST", sides: ["inputs"],
      edit: editTrust((d) => {
          d.Statement[0].Action = [d.Statement[0].Action].flat().concat("sts:TagSession");
      }) },
];

export const PATH_CONTROLS: { name: string; stack: "ops" | "customer-a"; edit: (doc: StackDoc) => void }[] = [
    { name: "a gateway endpoint to S3 of the endpoint's own Region", stack: "customer-a",
      edit: (doc) => push(doc, endpoint("s3-gateway", { vpcEndpointType: "Gateway", serviceName: "com.amazonaws.us-east-1.s3", routeTableIds: ["rtb-1"] })) },
    { name: "an interface endpoint to ECR's API (a dotted service name) with serviceRegion its own Region", stack: "customer-a",
      edit: (doc) => push(doc, endpoint("ecr-api", { vpcEndpointType: "Interface", serviceName: "com.amazonaws.us-east-1.ecr.api", serviceRegion: "us-east-1" })) },
    { name: "the archive readable by * held by StringEquals aws:PrincipalAccount to the customer account", stack: "customer-a",
      edit: archivePolicyWith(readArchive({ StringEquals: { "aws:PrincipalAccount": CUSTOMER_A } })) },
    { name: "the archive readable by * held by aws:PrincipalArn to roles of the customer account", stack: "customer-a",
      edit: archivePolicyWith(readArchive({ ArnLike: { "aws:PrincipalArn": `arn:aws:iam::${CUSTOMER_A}:role/*` } })) },
    { name: "the customer key usable by * through CloudWatch Logs, held by kms:CallerAccount to the account", stack: "customer-a",
      edit: keyPolicyWith(decryptVia({ StringEquals: { ...VIA_LOGS, "kms:CallerAccount": CUSTOMER_A } })) },
    { name: "a tenant role's TagSession held to the tenant's id and the TenantId key alone", stack: "ops",
      edit: (doc) => editDocument(find(doc, ROLE, named(TENANT_A_ROLE)), "inputs", "assumeRolePolicy", (d) => {
          tagStatement(d).Condition["ForAllValues:StringEquals"]["aws:TagKeys"] = ["TenantId"];
      }) },
];
