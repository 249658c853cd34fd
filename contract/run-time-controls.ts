/**
 * What a principal could do at run time to the controls that meter tenants
 * and hold them to their quotas and cost caps, and to the audit trail a
 * customer account keeps. These lists are the proof's, kept here so that the
 * components and the verifier read one definition: a control that can be
 * switched off by an action missing here is a control the proof vouches for
 * without cause, so an action is added as soon as AWS ships one.
 */

/** A group of IAM actions and what holding any of them lets a principal do. */
export interface ControlActions {
    /** Exact action names; matched against a statement's patterns, NotAction included, as IAM matches them. */
    actions: readonly string[];
    what: string;
    /**
     * When set, the group reaches only the quota enforcer's function: a
     * statement whose resources cannot name it (another function of the
     * account) is left alone.
     */
    onEnforcerFunction?: true;
}

/**
 * Actions that change, stop or bypass what meters the tenants and enforces
 * their quotas and cost caps. The quota enforcer trusts the alarm events it
 * is invoked with and rewrites tenant roles' inline deny, and Budgets applies
 * the cost cap by a tag that attributes each tenant's spend: whoever holds one
 * of these can unblock a tenant over quota, keep the enforcer from running,
 * or make spend count nowhere. None of the fleet's run-time principals needs
 * one; the deployer, not in the files, makes all of these. Reads (Describe,
 * Get, List) are not here: seeing a control does not change it.
 */
export const ENFORCEMENT_CONTROLS: readonly ControlActions[] = [
    {
        actions: [
            "lambda:InvokeFunction", "lambda:InvokeAsync", "lambda:InvokeFunctionUrl",
            "lambda:DeleteFunction", "lambda:PutFunctionConcurrency", "lambda:DeleteFunctionConcurrency",
            "lambda:PutFunctionEventInvokeConfig", "lambda:UpdateFunctionEventInvokeConfig", "lambda:DeleteFunctionEventInvokeConfig",
            "lambda:RemovePermission", "lambda:AddPermission", "lambda:PutFunctionRecursionConfig", "lambda:PutRuntimeManagementConfig",
            "lambda:DeleteAlias", "lambda:UpdateAlias", "lambda:DeleteEventSourceMapping", "lambda:DeleteFunctionUrlConfig",
            "lambda:PutFunctionCodeSigningConfig", "lambda:DeleteFunctionCodeSigningConfig", "lambda:PutProvisionedConcurrencyConfig",
            "lambda:UpdateFunctionConfiguration", "lambda:UpdateFunctionCode",
        ],
        what: "the quota enforcer's function: invoked with a forged alarm event it unblocks a tenant over quota, and throttled, deleted or re-configured it stops enforcing",
        onEnforcerFunction: true,
    },
    {
        actions: [
            "events:PutRule", "events:DisableRule", "events:DeleteRule", "events:RemoveTargets", "events:PutTargets",
            "events:CreateArchive", "events:UpdateArchive", "events:StartReplay", "events:RemovePermission",
        ],
        what: "the rule that feeds the quota enforcer alarm state changes: disabled or re-targeted, quotas stop being enforced; an archive replayed re-delivers an old OK state, and the enforcer unblocks the tenant",
    },
    {
        actions: [
            "cloudwatch:SetAlarmState", "cloudwatch:PutMetricAlarm", "cloudwatch:PutCompositeAlarm", "cloudwatch:DeleteAlarms",
            "cloudwatch:DisableAlarmActions", "cloudwatch:PutAlarmMuteRule", "cloudwatch:TagResource", "cloudwatch:UntagResource",
        ],
        what: "the quota alarms the enforcer acts on: a forced OK state unblocks a tenant, a deleted, muted or re-written alarm never blocks one",
    },
    {
        actions: [
            "budgets:ModifyBudget", "budgets:DeleteBudget", "budgets:CreateBudgetAction", "budgets:UpdateBudgetAction", "budgets:DeleteBudgetAction", "budgets:ExecuteBudgetAction",
        ],
        what: "the budgets and the actions that apply each tenant's cost cap",
    },
    {
        actions: ["ce:UpdateCostAllocationTagsStatus", "ce:CreateCostCategoryDefinition", "ce:UpdateCostCategoryDefinition", "ce:DeleteCostCategoryDefinition"],
        what: "the cost-allocation tag the budgets count each tenant's spend by: deactivated, no spend counts against any cap",
    },
    {
        actions: ["bedrock:TagResource", "bedrock:UntagResource", "bedrock:CreateInferenceProfile", "bedrock:DeleteInferenceProfile"],
        what: "application inference profiles and their tags, which attribute each tenant's spend",
    },
    {
        actions: ["bedrock:UpdateGuardrail", "bedrock:DeleteGuardrail"],
        what: "the guardrails tenant roles require",
    },
];

/**
 * Actions that remove, shorten, hide or make unreadable what the customer
 * account's audit trail holds: its log group and streams, the filters and
 * retention that keep and count the records, the key they are encrypted
 * with (disabled or deleted, every record is lost to its reader), and the
 * archive's objects, versions, lock and lifecycle. The customer runtime sees
 * every prompt and writes the records; a principal that writes them must not
 * be able to take them back, so none of these may be granted to it.
 */
export const AUDIT_TRAIL_REMOVERS: readonly ControlActions[] = [
    {
        actions: [
            "logs:DeleteLogGroup", "logs:DeleteLogStream", "logs:PutRetentionPolicy", "logs:DeleteRetentionPolicy",
            "logs:DeleteMetricFilter", "logs:PutMetricFilter", "logs:PutSubscriptionFilter", "logs:DeleteSubscriptionFilter",
            "logs:DisassociateKmsKey", "logs:AssociateKmsKey", "logs:PutDataProtectionPolicy", "logs:DeleteDataProtectionPolicy",
            "logs:PutLogGroupDeletionProtection", "logs:PutAccountPolicy", "logs:DeleteAccountPolicy", "logs:PutTransformer", "logs:DeleteTransformer",
            "logs:PutResourcePolicy", "logs:DeleteResourcePolicy",
            // A tag written grants as surely as one removed denies: a policy elsewhere conditioned on aws:ResourceTag (ABAC) may allow any of the above.
            "logs:TagLogGroup", "logs:TagResource", "logs:UntagLogGroup", "logs:UntagResource",
        ],
        what: "the audit log group: deleted, shortened, filtered, re-keyed or masked, its records are gone or unreadable; tagged or untagged, a tag-conditioned policy elsewhere may allow any of that",
    },
    {
        actions: [
            "kms:DisableKey", "kms:ScheduleKeyDeletion", "kms:PutKeyPolicy", "kms:RevokeGrant", "kms:RetireGrant", "kms:CreateGrant",
            "kms:DisableKeyRotation", "kms:DeleteImportedKeyMaterial", "kms:ImportKeyMaterial", "kms:UpdatePrimaryRegion",
            "kms:DeleteAlias", "kms:UpdateAlias", "kms:CreateAlias", "kms:UpdateKeyDescription",
            // Tags, like aliases, are what tag-conditioned (ABAC) policies elsewhere grant a key's use and administration by.
            "kms:TagResource", "kms:UntagResource",
        ],
        what: "the audit key: disabled, deleted or re-policied, every record it encrypts is lost to its reader; re-tagged or re-aliased, a tag- or alias-conditioned policy elsewhere may allow any of that",
    },
    {
        actions: [
            "s3:DeleteObject", "s3:DeleteObjectVersion", "s3:DeleteBucket", "s3:PutLifecycleConfiguration", "s3:PutBucketVersioning",
            "s3:PutBucketObjectLockConfiguration", "s3:PutObjectRetention", "s3:PutObjectLegalHold", "s3:BypassGovernanceRetention",
            "s3:PutBucketPolicy", "s3:DeleteBucketPolicy", "s3:PutEncryptionConfiguration",
            "s3:PutObjectTagging", "s3:DeleteObjectTagging", "s3:PutObjectVersionTagging", "s3:DeleteObjectVersionTagging",
            "s3:PutReplicationConfiguration", "s3:PutBucketOwnershipControls", "s3:PutBucketAcl", "s3:PutObjectAcl", "s3:PutObjectVersionAcl",
            "s3:PutBucketPublicAccessBlock",
            // Bucket tags can be what a tag-conditioned (ABAC) policy elsewhere grants the above by.
            "s3:PutBucketTagging", "s3:TagResource", "s3:UntagResource",
            // Replicas and replicated delete markers are written under these, not s3:PutObject or s3:DeleteObject, so the archive
            // policy's write Deny does not reach them: whoever holds them can add records of its own and hide the runtime's.
            "s3:ReplicateObject", "s3:ReplicateDelete", "s3:ReplicateTags",
        ],
        what: "the archive: objects deleted, overwritten or forged (replicas and replicated delete markers included), their lock, versions, lifecycle or tags changed",
    },
];
