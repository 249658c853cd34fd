/**
 * Every finding the proof can make, each with a stable code. A code names a
 * class of defect, not one example of it; docs/verification.md lists every
 * code with an example and its fix, and a test holds that list to this one.
 */

export type Severity = "error";

export interface FindingCode {
    /** What the finding means, in a few words. */
    title: string;
    /** How to fix it. */
    fix: string;
}

export const FINDING_CODES = {
    "BT-PLAN-UNKNOWN-TYPE": { title: "a resource type the proof does not know", fix: "Remove the resource from the stack, or move it to a stack outside the fleet; the proof never assumes an unknown type harmless." },
    "BT-PLAN-DUPLICATE-URN": { title: "one URN twice in a file", fix: "Export the stack again; a file with one URN twice does not say which resource AWS holds." },
    "BT-PLAN-DUPLICATE-NAME": {
        title: "two resources with one physical name, or that write one setting AWS keeps once",
        fix: "Give each resource its own name, and write each setting (a bucket's lifecycle, versioning, public access block or ownership, a log group's metric filter of one name or data protection policy, a key's policy) from one resource; AWS holds only one of them (IAM names compare case-insensitively).",
    },
    "BT-PLAN-DUPLICATE-KEY": { title: "a policy or other JSON text with one key twice in an object", fix: "Write each key once; the proof reads the last of them, and which one AWS reads cannot be proved." },
    "BT-PLAN-PENDING-OPERATION": { title: "an operation left pending by an interrupted update", fix: "Run `pulumi refresh` and resolve the pending operation, then export again." },
    "BT-PLAN-DELETE-RESETS": { title: "a resource the update deletes holds a setting a staying resource of the stack holds too", fix: "Let the old holder go first (deleteBeforeReplace), keep it (retainOnDelete), or give the new holder another name or target; the provider's delete of a key policy, bucket policy, Object Lock configuration, inline role policy, metric filter, alarm or the like removes the setting in AWS, whoever set it" },
    "BT-PLAN-UNRESOLVED": { title: "a reference the proof cannot resolve within the files", fix: "Give the file of the stack that holds the referenced resource, or stop referring to a resource outside the fleet's stacks." },
    "BT-PLAN-UNKNOWN-VALUE": { title: "a value not known at preview where the proof needs it", fix: "Make the value known at preview (see docs/verification.md), or prove the export after the update." },
    "BT-PLAN-FOREIGN-PROVIDER": { title: "a provider that deploys into another account, or whose account, endpoints or plugin the files cannot tie to the stack", fix: "Deploy each stack with its own account's credentials: no assumeRole into another account, no endpoint, proxy or CA override, a Region of the aws partition, credentials from a profile or keys only with allowedAccountIds naming the stack's own account, no shared config or credentials files of the stack's choosing, a roleArn in every web identity, and the provider's plugin only from Pulumi's releases." },
    "BT-TENANT-ROLE-MISSING": { title: "a tenant without its role", fix: "Restore the tenant's role; the component creates it." },
    "BT-TENANT-TRUST": { title: "a tenant role admits someone other than its own runtime role with its ExternalId", fix: "Let only the tenant's runtime role, in the tenant's accounts, assume the role, with StringEquals sts:ExternalId." },
    "BT-TENANT-TRUST-MISSING": { title: "a tenant role does not admit its own runtime role", fix: "Restore the component's trust policy." },
    "BT-TENANT-PERMISSIONS": { title: "a tenant role is allowed something it is not entitled to", fix: "Grant only the Bedrock invoke actions on the tenant's own models, profiles and Regions." },
    "BT-TENANT-SURFACE": { title: "a tenant role reaches an inference or persistence surface outside the invoke paths", fix: "Remove the grant; tenants reach Bedrock only through InvokeModel and InvokeModelWithResponseStream." },
    "BT-TENANT-PATH-CLOSED": { title: "a path the tenant was promised is not open", fix: "Restore the grant the component makes for that model and Region." },
    "BT-TENANT-METERING": { title: "a tenant can invoke a model outside its own application profiles", fix: "Keep the metering Deny and condition every model grant on the tenant's own profiles." },
    "BT-TENANT-GUARDRAIL": { title: "a tenant can invoke without its guardrail", fix: "Keep the guardrail Deny and require the guardrail on every grant." },
    "BT-TENANT-BOUNDARY": { title: "a tenant role's permissions boundary is missing or is not exactly its entitlement", fix: "Keep the component's boundary policy on the role." },
    "BT-TENANT-POLICY-NOT-IN-FILES": { title: "a policy attached to a tenant role is not in the files", fix: "Attach no managed policy to tenant roles; give the tenant only the component's policies." },
    "BT-OPS-FOREIGN-TRUST": { title: "an ops principal other than a tenant role admits a principal outside the ops account", fix: "Only tenant roles may be assumed from outside the ops account, each by its own tenant; hold any service but Lambda, ECS tasks and EC2 to the account with aws:SourceAccount or aws:SourceArn, and trust neither IAM Roles Anywhere nor Cognito." },
    "BT-OPS-ROLE-CHAIN": { title: "a role or another resource can be reached from a tenant role", fix: "No role may trust a tenant role, and no resource policy, Lambda permission or grant may name one, its sessions or a pattern that matches them; tenant sessions must end at Bedrock." },
    "BT-OPS-TENANT-ROLE-WRITE": { title: "a principal can widen or re-point a tenant role", fix: "Only the quota enforcer's own role may put or delete the inline deny, and only the cost cap's Budgets execution role may attach or detach the cost-cap Deny; remove any other grant of them, and every other write to tenant roles." },
    "BT-OPS-SHARED-POLICY": { title: "a policy applied to tenant roles at run time can widen them", fix: "The cost cap must stay a Deny of everything; policies attached by Budgets actions or the enforcer may only deny." },
    "BT-OPS-EGRESS": { title: "a path by which data, events, metrics or access leave the ops account", fix: "Remove the subscription, target, link, notification, resource policy or reference to another account; only tenant roles face other accounts, each its own tenant." },
    "BT-OPS-ESCALATION": { title: "an ops principal can grant itself or another principal more (through IAM, Identity Center, Organizations, a directory, Cognito or Roles Anywhere), change the account's functions, run code as a role it does not hold, make Bedrock keep prompts, call models or hold other Bedrock actions outside the tenant roles, or change what tenants are metered by or held to", fix: "Allow IAM writes only in the quota enforcer's and the cost cap's exact shapes, on tenant roles; allow no writes to Identity Center, Organizations, Directory Service, Cognito or Roles Anywhere, no Lambda code, configuration or trigger writes, no commands, sessions, builds, stacks or jobs run as other roles, no Bedrock action but reads, no model calls or API keys, and no writes to application profiles or their tags, guardrails, quota alarms, the enforcer's rule or budgets." },
    "BT-OPS-QUOTA-WIRING": { title: "a quota or cost-cap resource of the ops stack is not tied to exactly one tenant or is not wired as the component builds it: alarms, budgets and Budgets actions, or the quota enforcer's function, role, rule, target and invoke permission", fix: "Keep each tenant's quota alarms, composite alarm, budgets and Budgets action as its component builds them (its own name, profiles, tag filter and role), and the quota enforcer's rule enabled with the component's pattern, its target without input rewriting or a shorter retry policy, a Lambda permission for exactly that rule, and its function as its QuotaEnforcer builds it (reserved concurrency 1, its timeout and maximum event age, its handler, no network, key or other setting the component never gives it, its Region, its role allowed and never denied its inline writes on each tenant role). Keep the target on the default bus, each quota alarm's queries as the component writes them (no unit), the cap budget's start and billing view unset, and every alarm or budget that counts a tenant's profile or cost tag inside that tenant's component." },
    "BT-ACCOUNT-FUNCTION": { title: "a function runs code or settings the proof cannot tie to its own stack and account", fix: "Deploy a Node.js function as a zip package (local files in a Pulumi archive, or an object in a bucket of the stack) with its handler inside it; use no image, image override or mounted file system, no address and no layer from outside the stack, and set only the environment variables docs/verification.md lists." },
    "BT-ACCOUNT-NAME-COLLISION": { title: "two stacks of one account declare one physical name", fix: "Give each stack of an account its own names (an IAM role, user, group, managed policy or instance profile, a bucket or its configuration, a log group, alias, function, rule, topic, alarm, budget, workgroup, Glue database or table, and the like): AWS holds one resource of each name, written by whichever stack's update ran last." },
    "BT-ACCOUNT-INVOCATION-LOGGING": { title: "Bedrock invocation logging is configured, or a principal may configure it", fix: "Remove it, and every grant of bedrock:PutModelInvocationLoggingConfiguration: Bedrock's own logging would keep prompts in the account that invokes." },
    "BT-CUSTOMER-TENANT": {
        title: "a customer stack does not belong to a tenant of the given ops files, or its component names another runtime role than the one the tenant's ops role trusts",
        fix: "Give the ops file that declares the tenant, point the customer stack at its own tenant's role and account, and run the runtime as the role the tenant's ops role trusts.",
    },
    "BT-CUSTOMER-KEY": { title: "a key or grant lets another account use a customer key (a grant holding CreateGrant, or whose operations cannot be read, lets its grantee grant any account), its material is kept outside KMS, or the audit key is disabled, not a symmetric encryption key, deleted by the update, or its policy keeps CloudWatch Logs from using it for the audit log group or denies reading what it encrypted", fix: "Name only the customer account, and the CloudWatch Logs service held by a condition to the customer's own log groups, in key policies; grant no other account, and give no grant CreateGrant; keep the key material in KMS, not in a custom or external key store; keep the audit key enabled, symmetric, for ENCRYPT_DECRYPT, and not being deleted, its policy allowing the CloudWatch Logs service of its Region to use it for the audit log group, and for no other account's log group, and denying no one that use or kms:Decrypt." },
    "BT-CUSTOMER-LOG-GROUP": { title: "a log group is not encrypted with a key of the stack, or the audit log group is missing from its Region or keeps records otherwise than asked", fix: "Encrypt every log group with a key of the same stack and account; keep the component's audit log group in its Region, of the STANDARD class, with the retention the component was asked for." },
    "BT-CUSTOMER-EGRESS": { title: "a path by which records, the log, the key or the archive leave the customer account", fix: "Remove the subscription, link, replication, output location or reference to another account." },
    "BT-CUSTOMER-FOREIGN-ROLE": { title: "a principal outside the customer account, or a service acting for one, can assume a role that is allowed something", fix: "Trust no principal outside the account in a role that holds any Allow, or that a bucket, key or log policy or a KMS grant of the stack names; hold any service but Lambda, ECS tasks and EC2 to the account with aws:SourceAccount or aws:SourceArn, and trust neither IAM Roles Anywhere nor Cognito." },
    "BT-CUSTOMER-METRIC-CONTENT": { title: "a metric filter turns audit record content into metric data: its pattern, value, names or dimensions", fix: "Test in a JSON filter pattern only the fields the component's filters test, take as value a number or a token count the component publishes, use fixed metric names, and take dimensions only from $.modelId; user ids, prompts and other record fields never reach metrics." },
    "BT-CUSTOMER-RUNTIME-REDIRECT": { title: "the runtime's environment or placement redirects its endpoints, its records or its archive, or names another tenant, ExternalId or Bedrock Region than its component's", fix: "Remove AWS_ENDPOINT_URL_*, proxy and CA variables; name only the component's own archive bucket and key; run the runtime in the component's Region, writing to its audit log group, with its own tenant id, the tenant's ExternalId and the Bedrock Region asked for, within the tenant's Regions." },
    "BT-CUSTOMER-ARCHIVE": { title: "a protection the archive's component asks for is missing or set from another Region, its policies or lock fail the contract's archive rules, a lifecycle rule hides records before their lock ends, or a replication rule writes into it", fix: "Keep every protection the component creates on the archive, set in the bucket's Region: Object Lock in COMPLIANCE mode for the configured retention, versioning, SSE-KMS with the stack's key, the public access block, bucket-owner-enforced ownership and its bucket policy, with forceDestroy off; expire records only after their lock ends, and move them (current or noncurrent versions) only to the storage classes the component's `transitions` name; replicate nothing into it." },
    "BT-CUSTOMER-AUDIT-REMOVAL": { title: "a principal of the customer account, or the update itself, can remove, shorten, hide or make unreadable the audit trail's records, or the runtime's records cannot be written, are rewritten as they are stored, or are not counted and alarmed on by the component's own filters and alarm", fix: "Grant the runtime and every other principal of the stack only writes of new records (logs:CreateLogStream, logs:PutLogEvents, s3:PutObject under its prefix) and reads; no deletes, retention, filter, subscription or key-policy changes on the audit log group, no disabling, deleting or re-policying of its key, no deletes, replication writes, lock, lifecycle or versioning changes on the archive. Let the runtime role write its records (no Deny in its policies, boundary, the archive's bucket policy or the policy of an S3 or CloudWatch Logs endpoint on its path, and those endpoint policies allowing its writes), rewrite no record with a transformer policy, and keep the component's metric filters and throttle alarm as it builds them (the filters counting records as written, the alarm's actions enabled and every setting within what the component makes), with no other filter publishing its metrics. Deploy no update that deletes or replaces the audit log group, its key or the archive bucket (mark them retainOnDelete or protect)." },
    "BT-FLEET-RULE": { title: "the fleet breaks one of the contract's fleet rules", fix: "Fix the tenant list as the message says." },
    "BT-FLEET-SHARED": { title: "an account, principal, profile or name belongs to two tenants", fix: "Give each tenant its own accounts, roles, profiles and names." },
    "BT-QUOTA-POLICY-SIZE": { title: "a policy over IAM's size quota", fix: "Split the tenant's models over fewer Regions or raise the quota where IAM allows." },
    "BT-PLAN-CROSS-CHECK": { title: "the reducers and the independent IAM evaluator disagree", fix: "A defect of the proof itself: report it with the policy that shows it." },
    "BT-FLEET-CUSTOMER-MISSING": { title: "a tenant, or an account a tenant lists, without a customer stack (with --require-customers)", fix: "Give the customer stack file of each tenant and of each account it lists." },
} as const satisfies Record<string, FindingCode>;

export type Code = keyof typeof FINDING_CODES;

export interface Violation {
    code: Code;
    severity: Severity;
    tenant: string;
    stack: string;
    /** The resource's name (the last part of its URN), or a role or policy name. */
    resource: string;
    urn?: string;
    statement: string;
    why: string;
    /** Found only in what AWS holds (`outputs`), not in what the program asked for (`inputs`). */
    drift?: boolean;
}

/** Where a finding is: the tenant it concerns, the stack and the resource. */
export interface Place {
    tenant: string;
    stack: string;
    resource: string;
    urn?: string;
}

/** The first three of `items` and how many more: a finding names what it found without running on. */
export function listSome(items: readonly string[]): string {
    return `${items.slice(0, 3).join(", ")}${items.length > 3 ? ` and ${items.length - 3} more` : ""}`;
}

export function violation(code: Code, place: Place, statement: string, why: string): Violation {
    return { code, severity: "error", ...place, statement, why };
}
