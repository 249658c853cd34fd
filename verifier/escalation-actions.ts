/**
 * Actions outside IAM that make a principal more than it was given: writes
 * to the services that create or empower principals, and actions that run
 * code of the caller's choosing as a role the caller does not hold. Both the
 * ops escalation check and the customer account's self-contained reading
 * refuse them, for exact names, patterns and NotAction alike.
 */
import { coversAction, coversEveryValueWith, hasWildcard, isReadPattern, wildcardMatch, type PolicyStatement } from "../contract";

/**
 * Services whose writes create, empower or hand out principals without an
 * IAM action: Identity Center (`sso`, `sso-directory`, `identitystore`)
 * provisions AWSReservedSSO_* roles into accounts with whatever policy a
 * permission set holds, and assigns users to them; Organizations attaches
 * and detaches the service control policies that bound every principal,
 * and moves, creates and delegates accounts; Directory Service (`ds`,
 * `ds-data`) makes and resets the directory users who sign in to roles;
 * Cognito maps identity pools' users to roles (`cognito-identity`) and
 * makes the user-pool users they come from (`cognito-idp`); IAM Roles
 * Anywhere hands role credentials to whoever holds a certificate of a
 * trust anchor it is told to trust. Every action of these services that is
 * not a read counts, so that one AWS adds later counts too.
 */
export const PRINCIPAL_SERVICES: readonly string[] = ["sso", "sso-directory", "identitystore", "organizations", "ds", "ds-data", "cognito-identity", "cognito-idp", "rolesanywhere"];

/**
 * Actions that run code or commands of the caller's choosing as a role the
 * caller does not hold, without `iam:PassRole`: Systems Manager commands,
 * sessions, automations, associations and maintenance-window tasks run on
 * an instance as its role, or as an automation's; ECS exec, tasks started
 * with command overrides and services re-pointed at a task definition run
 * as the task role; a CodeBuild build takes a buildspec override and runs
 * as the project's role; a CloudFormation stack, change set or stack set
 * reuses its service role to create whatever the template says; EC2
 * Instance Connect pushes a key that logs in to an instance; a Glue job or
 * session runs the script or statement given, a dev endpoint takes a new
 * SSH key; a state machine's new definition calls any API its role may;
 * a Batch job takes a command override; a SageMaker notebook's presigned URL
 * opens a terminal as the notebook's role. Creating any of these with a
 * role of the caller's choosing needs `iam:PassRole`, an IAM write already.
 */
export const RUNS_AS_OTHER_ROLE: readonly string[] = [
    "ssm:SendCommand", "ssm:StartSession", "ssm:ResumeSession", "ssm:StartAutomationExecution", "ssm:StartChangeRequestExecution",
    "ssm:CreateAssociation", "ssm:CreateAssociationBatch", "ssm:UpdateAssociation", "ssm:StartAssociationsOnce",
    "ssm:RegisterTaskWithMaintenanceWindow", "ssm:UpdateMaintenanceWindowTask",
    "ecs:ExecuteCommand", "ecs:RunTask", "ecs:StartTask", "ecs:CreateService", "ecs:UpdateService",
    "codebuild:StartBuild", "codebuild:StartBuildBatch", "codebuild:RetryBuild", "codebuild:RetryBuildBatch", "codebuild:UpdateProject",
    "cloudformation:CreateStack", "cloudformation:UpdateStack", "cloudformation:CreateChangeSet", "cloudformation:ExecuteChangeSet",
    "cloudformation:CreateStackSet", "cloudformation:UpdateStackSet", "cloudformation:CreateStackInstances", "cloudformation:UpdateStackInstances",
    "ec2-instance-connect:SendSSHPublicKey", "ec2-instance-connect:SendSerialConsoleSSHPublicKey", "ec2-instance-connect:OpenTunnel",
    "glue:UpdateJob", "glue:StartJobRun", "glue:RunStatement", "glue:UpdateDevEndpoint",
    "states:UpdateStateMachine", "batch:SubmitJob",
    "sagemaker:CreatePresignedNotebookInstanceUrl", "sagemaker:CreatePresignedDomainUrl",
];

/** The actions of `RUNS_AS_OTHER_ROLE` a statement allows. */
export function runsAsOtherRole(s: PolicyStatement): string[] {
    return RUNS_AS_OTHER_ROLE.filter((a) => coversAction(s, a));
}

/** The writes of `PRINCIPAL_SERVICES` a statement allows, as its own action patterns (or its NotAction). */
export function principalWrites(s: PolicyStatement): string[] {
    return serviceWrites(s, PRINCIPAL_SERVICES, isReadPattern);
}

/**
 * The action patterns of a statement that can match an action of one of
 * `services` that `isRead` does not call a read; with NotAction, the
 * statement itself unless it leaves out every action of those services. A
 * pattern without a colon can only match through its wildcards, so it is
 * read as `*`.
 */
export function serviceWrites(s: PolicyStatement, services: readonly string[], isRead: (action: string) => boolean): string[] {
    if (s.notActions !== undefined) {
        const open = services.filter((svc) => !s.notActions!.some((n) => coversEveryValueWith(n, `${svc}:`, true)));
        return open.length === 0 ? [] : [`every action but ${JSON.stringify(s.notActions)} (NotAction), ${open.join(", ")} writes included`];
    }
    return (s.actions ?? []).filter((p) => {
        const colon = p.indexOf(":");
        if (colon < 0) return hasWildcard(p);
        const service = p.slice(0, colon);
        const name = p.slice(colon + 1);
        return services.some((svc) => wildcardMatch(service, svc, true) && !isRead(`${svc}:${name}`));
    });
}
