/**
 * Every resource type the proof knows, and what it does with it. A type is
 * either reduced (a check of this folder reads it) or inert (it can neither
 * grant access nor move data; the reason is given). Any other type, from any
 * provider, is a finding: the proof never assumes an unknown type harmless.
 * Every value of every known type, inert ones included, is also scanned for
 * references to another account (the egress checks of both accounts).
 */

export interface KnownType {
    /** The check that reads it. */
    reducedBy?: string;
    /** Why it can neither grant access nor move data. */
    inert?: string;
}

const NETWORK = "network plumbing inside the account: grants no IAM access and stores no record";
const ROUTES = "egress checks: each route goes to the VPC itself or to an internet gateway, NAT gateway, egress-only internet gateway or VPC endpoint the stack creates; any other target (a virtual private gateway, a peering connection, a transit gateway, a network interface, a target the proof does not know) is a finding; a route table or target not in the file is unresolved";
const ASSOCIATION = "plan checks: the route table, subnet, gateway or endpoint it names is a resource of the file, or it is unresolved; what the table routes is proved on the table";
const ALARM = "egress checks: its alarm, OK and insufficient-data actions must be resources of the stack";

export const KNOWN_TYPES: Readonly<Record<string, KnownType>> = {
    // Pulumi itself and this package's components: no AWS state of their own; their children are proved.
    "pulumi:pulumi:Stack": { inert: "the stack itself; its outputs are read as intent, never as access" },
    "pulumi:pulumi:StackReference": { inert: "reads another stack's outputs at deploy time" },
    "pulumi:providers:aws": { reducedBy: "plan checks: a provider must not assume a role in another account" },
    "pulumi:providers:random": { inert: "generates values locally" },
    "pulumi:providers:awsx": { inert: "the provider of awsx components; deploys through the aws provider" },
    "pulumi:providers:pulumi": { inert: "Pulumi's built-in provider (stack references)" },
    "bedrock-tenancy:index:BedrockTenantFleet": { inert: "a component: holds no AWS state; its tenants are proved" },
    "bedrock-tenancy:index:BedrockTenantAccess": { reducedBy: "the tenant proof (its outputs are the tenant's intent)" },
    "bedrock-tenancy:index:QuotaEnforcer": { inert: "a component: holds no AWS state; its roles and policies are proved" },
    "bedrock-tenancy:index:PrivateInvocationLogging": { reducedBy: "the customer proof (its outputs are the customer stack's intent)" },
    "awsx:ec2:Vpc": { reducedBy: "egress checks: each of its vpcEndpointSpecs is checked as the aws:ec2/vpcEndpoint it becomes (its service, and its policy against the runtime's audit writes); an input other than the VPC's addressing, subnets, DNS, tags, gateways and endpoint specs is a finding" },
    "random:index/randomPassword:RandomPassword": { inert: "generates a value; grants nothing" },
    "random:index/randomId:RandomId": { inert: "generates a value; grants nothing" },
    "random:index/randomString:RandomString": { inert: "generates a value; grants nothing" },
    "random:index/randomBytes:RandomBytes": { inert: "generates a value; grants nothing" },
    "random:index/randomInteger:RandomInteger": { inert: "generates a value; grants nothing" },
    "random:index/randomPet:RandomPet": { inert: "generates a value; grants nothing" },
    "random:index/randomShuffle:RandomShuffle": { inert: "generates a value; grants nothing" },
    "random:index/randomUuid:RandomUuid": { inert: "generates a value; grants nothing" },

    // IAM: every principal, policy and attachment is reduced.
    "aws:iam/role:Role": { reducedBy: "IAM graph: trust, identity policies, boundary" },
    "aws:iam/user:User": { reducedBy: "IAM graph: identity policies" },
    "aws:iam/group:Group": { reducedBy: "IAM graph: identity policies of its members" },
    "aws:iam/policy:Policy": { reducedBy: "IAM graph: the document of every principal it is attached to" },
    "aws:iam/rolePolicy:RolePolicy": { reducedBy: "IAM graph: inline policy of its role" },
    "aws:iam/userPolicy:UserPolicy": { reducedBy: "IAM graph: inline policy of its user" },
    "aws:iam/groupPolicy:GroupPolicy": { reducedBy: "IAM graph: inline policy of its group" },
    "aws:iam/rolePolicyAttachment:RolePolicyAttachment": { reducedBy: "IAM graph: managed policy of its role" },
    "aws:iam/userPolicyAttachment:UserPolicyAttachment": { reducedBy: "IAM graph: managed policy of its user" },
    "aws:iam/groupPolicyAttachment:GroupPolicyAttachment": { reducedBy: "IAM graph: managed policy of its group" },
    "aws:iam/policyAttachment:PolicyAttachment": { reducedBy: "IAM graph: managed policy of its roles, users and groups" },
    "aws:iam/rolePolicyAttachmentsExclusive:RolePolicyAttachmentsExclusive": { reducedBy: "IAM graph: managed policies of its role" },
    "aws:iam/userPolicyAttachmentsExclusive:UserPolicyAttachmentsExclusive": { reducedBy: "IAM graph: managed policies of its user" },
    "aws:iam/groupPolicyAttachmentsExclusive:GroupPolicyAttachmentsExclusive": { reducedBy: "IAM graph: managed policies of its group" },
    "aws:iam/rolePoliciesExclusive:RolePoliciesExclusive": { reducedBy: "IAM graph: names the role's only inline policies (removes others; grants nothing)" },
    "aws:iam/userPoliciesExclusive:UserPoliciesExclusive": { reducedBy: "IAM graph: names the user's only inline policies (removes others; grants nothing)" },
    "aws:iam/groupPoliciesExclusive:GroupPoliciesExclusive": { reducedBy: "IAM graph: names the group's only inline policies (removes others; grants nothing)" },
    "aws:iam/groupMembership:GroupMembership": { reducedBy: "IAM graph: its users get the group's policies" },
    "aws:iam/userGroupMembership:UserGroupMembership": { reducedBy: "IAM graph: its user gets the groups' policies" },
    "aws:iam/instanceProfile:InstanceProfile": { inert: "hands its role to EC2 in the same account; the role is proved" },

    // Bedrock and the ops account's metering, quotas and cost caps.
    "aws:bedrockmodel/invocationLoggingConfiguration:InvocationLoggingConfiguration": { reducedBy: "account checks: always a finding" },
    "aws:bedrock/inferenceProfile:InferenceProfile": { reducedBy: "fleet checks: one owner per profile and name" },
    "aws:bedrock/guardrail:Guardrail": { inert: "filters content in flight; stores none" },
    "aws:bedrock/guardrailVersion:GuardrailVersion": { inert: "filters content in flight; stores none" },
    "aws:budgets/budget:Budget": { reducedBy: "egress checks: its notification topics must be topics of the stack" },
    "aws:budgets/budgetAction:BudgetAction": { reducedBy: "ops checks: the policy it applies may only deny; egress checks: its SNS subscribers must be topics of the stack" },
    "aws:cloudwatch/metricAlarm:MetricAlarm": { reducedBy: ALARM },
    "aws:cloudwatch/compositeAlarm:CompositeAlarm": { reducedBy: ALARM },
    "aws:cloudwatch/eventRule:EventRule": { inert: "matches events of its own account; its targets are checked" },
    "aws:cloudwatch/eventTarget:EventTarget": { reducedBy: "egress checks: its target and dead-letter queue must be resources of the stack" },
    "aws:sns/topic:Topic": { reducedBy: "egress checks: its inline policy may admit no principal outside the account, nor a service it does not tie to the account; its data protection policy's findings go to a bucket or log group of the stack; one that notifies people or web endpoints takes only alarm and budget states" },
    "aws:sns/topicPolicy:TopicPolicy": { reducedBy: "egress checks: read as its topic's inline policy is" },
    "aws:sns/topicSubscription:TopicSubscription": { reducedBy: "egress checks: a queue, function, stream or application endpoint, and its dead-letter queue, must be resources of the stack; e-mail, SMS and web endpoints are not judged, and their topic may then take only alarm and budget states" },
    "aws:lambda/function:Function": { reducedBy: "function checks: a Node.js handler inside a zip package of local files or in a bucket of the stack; no address, image, image override, file system or layer from outside the stack; only the environment variables the library's functions read; layers of another account and a dead-letter target outside the stack are egress; it runs as a role of the file, which is proved" },
    "aws:lambda/permission:Permission": { reducedBy: "invocation checks: a principal outside the account, or a service principal not tied to the account by sourceAccount or sourceArn, is a finding" },
    "aws:lambda/functionUrl:FunctionUrl": { reducedBy: "invocation checks: an unauthenticated URL is a finding" },

    // The customer account: the audit log, its key, the archive and the runtime.
    "aws:kms/key:Key": { reducedBy: "key checks: the key policy" },
    "aws:kms/keyPolicy:KeyPolicy": { reducedBy: "key checks: the key policy" },
    "aws:kms/grant:Grant": { reducedBy: "key checks: a grantee outside the account, or a grant of CreateGrant (which can grant any account), is a finding" },
    "aws:kms/alias:Alias": { inert: "a name for a key of the same account" },
    "aws:cloudwatch/logGroup:LogGroup": { reducedBy: "log checks: its key" },
    "aws:cloudwatch/logMetricFilter:LogMetricFilter": { inert: "turns records into metrics of the same account" },
    "aws:cloudwatch/logStream:LogStream": { inert: "a stream inside a log group of the same account" },
    "aws:cloudwatch/logSubscriptionFilter:LogSubscriptionFilter": { reducedBy: "egress checks: its destination" },
    "aws:cloudwatch/logAccountPolicy:LogAccountPolicy": { reducedBy: "egress checks: its destinations; a policy type the proof does not read is a finding" },
    "aws:cloudwatch/logResourcePolicy:LogResourcePolicy": { reducedBy: "egress checks: principals outside the account, and services it does not tie to the account" },
    "aws:cloudwatch/logDestination:LogDestination": { reducedBy: "egress checks: its target must be a resource of the stack" },
    "aws:cloudwatch/logDestinationPolicy:LogDestinationPolicy": { reducedBy: "egress checks: principals outside the account, an organization's included, that it lets send logs into this account's destination" },
    "aws:cloudwatch/logDataProtectionPolicy:LogDataProtectionPolicy": { reducedBy: "egress checks: its findings destinations must be a bucket or log group of the stack" },
    "aws:oam/link:Link": { reducedBy: "egress checks: its sink must be a sink of the stack" },
    "aws:oam/sink:Sink": { reducedBy: "ops checks: a sink in the ops account is a finding (it receives customers' telemetry); in a customer account it receives telemetry shared into that account" },
    "aws:oam/sinkPolicy:SinkPolicy": { reducedBy: "egress checks: principals outside the account, an organization's included, that it lets share telemetry into this account" },
    "aws:s3/bucket:Bucket": { reducedBy: "bucket checks: inline policy, ACL; egress checks: its access logs and replicas go to buckets of the stack" },
    "aws:s3/bucketV2:BucketV2": { reducedBy: "bucket checks: inline policy, ACL; egress checks: its access logs and replicas go to buckets of the stack" },
    "aws:s3/bucketPolicy:BucketPolicy": { reducedBy: "bucket checks: principals outside the account, and services it does not tie to the account; the archive rules" },
    "aws:s3/bucketReplicationConfig:BucketReplicationConfig": { reducedBy: "egress checks: destination buckets must be buckets of the stack; archive checks: none may be an audit archive" },
    "aws:s3/bucketLogging:BucketLogging": { reducedBy: "egress checks: the target bucket must be a bucket of the stack; ACL grants on the logs are a finding" },
    "aws:s3/bucketLoggingV2:BucketLoggingV2": { reducedBy: "egress checks: the target bucket must be a bucket of the stack; ACL grants on the logs are a finding" },
    "aws:s3/bucketObjectLockConfiguration:BucketObjectLockConfiguration": { reducedBy: "archive checks: mode and retention" },
    "aws:s3/bucketObjectLockConfigurationV2:BucketObjectLockConfigurationV2": { reducedBy: "archive checks: mode and retention" },
    "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration": { reducedBy: "key checks: the bucket's key" },
    "aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2": { reducedBy: "key checks: the bucket's key" },
    "aws:s3/bucketVersioning:BucketVersioning": { inert: "keeps versions inside the bucket" },
    "aws:s3/bucketVersioningV2:BucketVersioningV2": { inert: "keeps versions inside the bucket" },
    "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock": { inert: "only blocks access" },
    "aws:s3/bucketOwnershipControls:BucketOwnershipControls": { inert: "who owns objects written into the bucket" },
    "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration": { reducedBy: "archive checks: on the archive, no expiry before the lock ends and no storage class the component does not use" },
    "aws:s3/bucketLifecycleConfigurationV2:BucketLifecycleConfigurationV2": { reducedBy: "archive checks: on the archive, no expiry before the lock ends and no storage class the component does not use" },
    "aws:athena/workgroup:Workgroup": { reducedBy: "egress checks: query results and query logs go to a bucket or log group of the stack" },
    "aws:athena/namedQuery:NamedQuery": { inert: "a saved query text; an ARN or s3:// location in it is judged as every value is" },
    "aws:glue/catalogDatabase:CatalogDatabase": { reducedBy: "egress checks: its location is in a bucket of the stack; its Lake Formation default permissions go only to IAM_ALLOWED_PRINCIPALS, the account and its IAM roles and users" },
    "aws:glue/catalogTable:CatalogTable": { reducedBy: "egress checks: its locations are in a bucket of the stack" },
    // A team's own resources beside the components, which grant nothing and send nothing anywhere.
    "aws:cloudwatch/dashboard:Dashboard": { inert: "a view of the account's own metrics and logs; sharing one outside the account takes an identity pool and a role, which are proved" },
    "aws:ssm/parameter:Parameter": { inert: "a value kept in the account, read only by principals the IAM graph proves; sharing it takes a RAM share, an unknown type" },

    // Networking of the runtime (awsx's Vpc and the components' endpoints).
    "aws:ec2/vpc:Vpc": { inert: NETWORK },
    "aws:ec2/subnet:Subnet": { inert: NETWORK },
    "aws:ec2/routeTable:RouteTable": { reducedBy: ROUTES },
    "aws:ec2/routeTableAssociation:RouteTableAssociation": { reducedBy: ASSOCIATION },
    "aws:ec2/route:Route": { reducedBy: ROUTES },
    "aws:ec2/internetGateway:InternetGateway": { inert: NETWORK },
    "aws:ec2/natGateway:NatGateway": { inert: NETWORK },
    // Outbound IPv6 to the internet, as a NAT gateway is for IPv4.
    "aws:ec2/egressOnlyInternetGateway:EgressOnlyInternetGateway": { inert: NETWORK },
    "aws:ec2/eip:Eip": { inert: NETWORK },
    "aws:ec2/securityGroup:SecurityGroup": { inert: NETWORK },
    "aws:ec2/securityGroupRule:SecurityGroupRule": { inert: NETWORK },
    "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule": { inert: NETWORK },
    "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule": { inert: NETWORK },
    "aws:ec2/vpcEndpointRouteTableAssociation:VpcEndpointRouteTableAssociation": { reducedBy: `${ASSOCIATION} (a gateway endpoint, proved where it is declared)` },
    "aws:ec2/vpcEndpoint:VpcEndpoint": { reducedBy: "egress checks: only an Interface, Gateway or GatewayLoadBalancer endpoint to com.amazonaws.<its Region>.<service>; an endpoint service some account runs, a VPC Lattice service network or resource configuration, or another Region is a finding" },
};

export function knownType(type: string): KnownType | undefined {
    return Object.prototype.hasOwnProperty.call(KNOWN_TYPES, type) ? KNOWN_TYPES[type] : undefined;
}
