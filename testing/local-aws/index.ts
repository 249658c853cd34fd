/**
 * Local stand-ins for the AWS endpoints the runtime talks to, plus an
 * environment that points every SDK client at them with fake credentials.
 */
import { LocalBedrockServer } from "./bedrock-server";
import { LocalLogsServer } from "./logs-server";
import { LocalStsServer } from "./sts-server";

export { LocalBedrockServer, converseText, defaultReply } from "./bedrock-server";
export type { ConverseCall, ConverseReply } from "./bedrock-server";
export { LocalLogsServer } from "./logs-server";
export { LocalStsServer } from "./sts-server";
export { LocalS3Server } from "./s3-server";
export type { StoredObject } from "./s3-server";
export { LocalIamServer } from "./iam-server";
export { LocalCloudWatchServer } from "./cloudwatch-server";
export type { AlarmKind, AlarmStateValue, StoredAlarm } from "./cloudwatch-server";
export type { IamCall } from "./iam-server";
export type { AssumeRoleCall } from "./sts-server";
export { signingAccessKey } from "./local-server";
export type { Fault, RecordedRequest, Refusal } from "./local-server";

/** The customer account's own (fake) access key in tests. */
export const CUSTOMER_ACCESS_KEY_ID = "AKIDCUSTOMERA";

export interface LocalAws {
    bedrock: LocalBedrockServer;
    sts: LocalStsServer;
    logs: LocalLogsServer;
    /** Environment that sends every SDK client to these servers with the customer's fake credentials. */
    env: Record<string, string>;
    /** Forgets recorded requests and queued faults on all three servers. */
    reset(): void;
    close(): Promise<void>;
}

export async function startLocalAws(): Promise<LocalAws> {
    const [bedrock, sts, logs] = await Promise.all([new LocalBedrockServer().start(), new LocalStsServer().start(), new LocalLogsServer().start()]);
    return {
        bedrock,
        sts,
        logs,
        env: {
            AWS_REGION: "us-east-1",
            AWS_ACCESS_KEY_ID: CUSTOMER_ACCESS_KEY_ID,
            AWS_SECRET_ACCESS_KEY: "secret",
            AWS_SESSION_TOKEN: "",
            AWS_ENDPOINT_URL_STS: sts.url,
            AWS_ENDPOINT_URL_BEDROCK_RUNTIME: bedrock.url,
            AWS_ENDPOINT_URL_CLOUDWATCH_LOGS: logs.url,
            // Nothing may fall back to instance metadata or a developer's profile.
            AWS_EC2_METADATA_DISABLED: "true",
            AWS_CONFIG_FILE: "/dev/null",
            AWS_SHARED_CREDENTIALS_FILE: "/dev/null",
            AWS_PROFILE: "",
        },
        reset: () => {
            bedrock.reset();
            sts.reset();
            logs.reset();
        },
        close: async () => {
            await Promise.all([bedrock.close(), sts.close(), logs.close()]);
        },
    };
}

/** Sets environment variables (empty string = unset) and returns a function that restores the previous values. */
export function setEnv(vars: Record<string, string>): () => void {
    const previous = new Map<string, string | undefined>();
    for (const [key, value] of Object.entries(vars)) {
        previous.set(key, process.env[key]);
        if (value === "") {
            delete process.env[key];
        } else {
            process.env[key] = value;
        }
    }
    return () => {
        for (const [key, value] of previous) {
            if (value === undefined) {
                delete process.env[key];
            } else {
                process.env[key] = value;
            }
        }
    };
}

/**
 * For use inside a mocha `describe`: starts the servers before the suite and
 * points the environment at them (plus `extraEnv`), undoing both after it;
 * each test starts with no recorded requests and no queued faults.
 * Returns the running servers (available from the first `before` hook on).
 */
export function useLocalAws(extraEnv: Record<string, string> = {}): () => LocalAws {
    let aws: LocalAws | undefined;
    let restoreEnv: (() => void) | undefined;
    before(async () => {
        aws = await startLocalAws();
        restoreEnv = setEnv({ ...aws.env, ...extraEnv });
    });
    beforeEach(() => aws?.reset());
    after(async () => {
        restoreEnv?.();
        await aws?.close();
    });
    return () => {
        if (!aws) {
            throw new Error("the local AWS servers are not running yet: read them from a hook or a test");
        }
        return aws;
    };
}
