/**
 * CloudWatch alarms on 127.0.0.1 (JSON 1.0, `X-Amz-Target:
 * GraniteServiceVersion20100801.*`): DescribeAlarms by name over alarms the
 * test sets, answering only the kinds asked for by `AlarmTypes` (metric
 * alarms alone when it is absent, as CloudWatch does).
 */
import type * as http from "http";
import { LocalAwsServer, type RecordedRequest } from "./local-server";

export type AlarmKind = "CompositeAlarm" | "MetricAlarm";
export type AlarmStateValue = "ALARM" | "OK" | "INSUFFICIENT_DATA";

export interface StoredAlarm {
    kind: AlarmKind;
    state: AlarmStateValue;
    /** When the alarm entered `state`. */
    since: Date;
}

const TARGET_PREFIX = "GraniteServiceVersion20100801.";
const MAX_NAMES = 100;

export class LocalCloudWatchServer extends LocalAwsServer {
    /** Alarm name → alarm. */
    readonly alarms = new Map<string, StoredAlarm>();
    /** The account and Region alarm ARNs are minted in. */
    account = "999999999999";
    region = "us-east-1";
    protected readonly throttle = { status: 400, errorType: "Throttling" };

    /** Creates the alarm or moves it to `state`, as CloudWatch's evaluation would. */
    setAlarm(name: string, state: AlarmStateValue, kind: AlarmKind = "CompositeAlarm", since = new Date()): void {
        this.alarms.set(name, { kind, state, since });
    }

    deleteAlarm(name: string): void {
        this.alarms.delete(name);
    }

    /** Names asked for by each DescribeAlarms call that was served. */
    describedNames(): string[][] {
        return this.requests
            .filter((r) => r.outcome === "ok" && !r.refusal && String(r.headers["x-amz-target"] ?? "") === `${TARGET_PREFIX}DescribeAlarms`)
            .map((r) => (JSON.parse(r.body || "{}").AlarmNames ?? []) as string[]);
    }

    protected handle(request: RecordedRequest, res: http.ServerResponse): void {
        const target = String(request.headers["x-amz-target"] ?? "");
        if (target !== `${TARGET_PREFIX}DescribeAlarms`) {
            return this.sendError(res, 400, "UnknownOperationException", `unsupported target ${JSON.stringify(target)}`);
        }
        const body = JSON.parse(request.body || "{}") as { AlarmNames?: unknown; AlarmTypes?: unknown; AlarmNamePrefix?: unknown };
        const names = body.AlarmNames ?? [];
        const types = body.AlarmTypes ?? ["MetricAlarm"];
        if (!Array.isArray(names) || names.some((n) => typeof n !== "string") || names.length > MAX_NAMES) {
            return this.sendError(res, 400, "InvalidParameterValue", `AlarmNames must be a list of at most ${MAX_NAMES} names`);
        }
        if (!Array.isArray(types) || types.some((t) => t !== "CompositeAlarm" && t !== "MetricAlarm")) {
            return this.sendError(res, 400, "InvalidParameterValue", "AlarmTypes may hold only CompositeAlarm and MetricAlarm");
        }
        if (body.AlarmNamePrefix !== undefined && names.length > 0) {
            return this.sendError(res, 400, "InvalidParameterCombination", "AlarmNames and AlarmNamePrefix cannot be given together");
        }
        const prefix = typeof body.AlarmNamePrefix === "string" ? body.AlarmNamePrefix : "";
        const chosen = [...this.alarms].filter(([name, a]) => (names.length === 0 ? name.startsWith(prefix) : names.includes(name)) && types.includes(a.kind));
        const shape = ([name, a]: [string, StoredAlarm]) => ({
            AlarmName: name,
            AlarmArn: `arn:aws:cloudwatch:${this.region}:${this.account}:alarm:${name}`,
            StateValue: a.state,
            StateTransitionedTimestamp: a.since.getTime() / 1000,
            StateUpdatedTimestamp: a.since.getTime() / 1000,
        });
        res.writeHead(200, { "content-type": "application/x-amz-json-1.0", "x-amzn-requestid": `cloudwatch-req-${this.requests.length}` });
        res.end(JSON.stringify({
            CompositeAlarms: chosen.filter(([, a]) => a.kind === "CompositeAlarm").map(shape),
            MetricAlarms: chosen.filter(([, a]) => a.kind === "MetricAlarm").map(shape),
        }));
    }

    protected sendError(res: http.ServerResponse, status: number, errorType: string, message: string): void {
        res.writeHead(status, { "content-type": "application/x-amz-json-1.0", "x-amzn-requestid": `cloudwatch-err-${this.requests.length}`, "x-amzn-query-error": `${errorType};Sender` });
        res.end(JSON.stringify({ __type: errorType, message }));
    }
}
