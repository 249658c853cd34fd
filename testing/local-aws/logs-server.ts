/**
 * CloudWatch Logs on 127.0.0.1 (JSON 1.1, `X-Amz-Target: Logs_20140328.*`):
 * CreateLogStream, PutLogEvents and DescribeLogStreams, enforcing the
 * PutLogEvents limits and reporting too-old/too-new events as AWS does.
 */
import type * as http from "http";
import { LocalAwsServer, type RecordedRequest } from "./local-server";

export interface StoredEvent {
    timestamp: number;
    message: string;
}

const MAX_EVENTS = 10_000;
const MAX_BYTES = 1_048_576;
const EVENT_OVERHEAD = 26;
const DAY_MS = 24 * 3600_000;
const MAX_AGE_MS = 14 * DAY_MS;
const MAX_FUTURE_MS = 2 * 3600_000;

export class LocalLogsServer extends LocalAwsServer {
    /** log group name → stream name → events. */
    readonly groups = new Map<string, Map<string, StoredEvent[]>>();
    /** PutLogEvents calls that passed validation, with their event counts and byte sizes. */
    readonly putCalls: { stream: string; events: number; bytes: number; accessKeyId?: string }[] = [];
    /** How far the service's clock runs ahead of the caller's: 15 days makes every fresh event too old. */
    clockAheadMs = 0;
    protected readonly throttle = { status: 400, errorType: "ThrottlingException" };

    /** Also forgets PutLogEvents calls and any clock offset; log groups and their events stay. */
    reset(): void {
        super.reset();
        this.putCalls.length = 0;
        this.clockAheadMs = 0;
    }

    createLogGroup(name: string): void {
        this.groups.set(name, this.groups.get(name) ?? new Map());
    }

    /** Removes a stream, as if someone deleted it. */
    deleteLogStream(group: string, stream: string): void {
        this.groups.get(group)?.delete(stream);
    }

    /** How many events a group holds, across its streams (without parsing them). */
    eventCount(group: string): number {
        let n = 0;
        for (const events of this.groups.get(group)?.values() ?? []) n += events.length;
        return n;
    }

    /** Every stored message of a group, parsed as JSON. */
    records(group: string): Record<string, unknown>[] {
        return [...(this.groups.get(group)?.values() ?? [])].flat().map((e) => JSON.parse(e.message));
    }

    protected handle(request: RecordedRequest, res: http.ServerResponse): void {
        const target = String(request.headers["x-amz-target"] ?? "");
        const body = JSON.parse(request.body || "{}");
        const streams = this.groups.get(body.logGroupName);
        if (!streams) {
            return this.sendError(res, 400, "ResourceNotFoundException", "The specified log group does not exist.");
        }
        switch (target) {
            case "Logs_20140328.CreateLogStream":
                if (streams.has(body.logStreamName)) {
                    return this.sendError(res, 400, "ResourceAlreadyExistsException", "The specified log stream already exists");
                }
                streams.set(body.logStreamName, []);
                return this.ok(res, {});
            case "Logs_20140328.DescribeLogStreams":
                return this.ok(res, { logStreams: [...streams.keys()].map((logStreamName) => ({ logStreamName })) });
            case "Logs_20140328.PutLogEvents":
                return this.putLogEvents(request, body, streams, res);
            default:
                return this.sendError(res, 400, "UnknownOperationException", `unsupported target ${target}`);
        }
    }

    private putLogEvents(request: RecordedRequest, body: { logStreamName: string; logEvents: StoredEvent[] }, streams: Map<string, StoredEvent[]>, res: http.ServerResponse): void {
        const stream = streams.get(body.logStreamName);
        if (!stream) {
            return this.sendError(res, 400, "ResourceNotFoundException", "The specified log stream does not exist.");
        }
        const events = body.logEvents ?? [];
        const bytes = events.reduce((n, e) => n + Buffer.byteLength(e.message, "utf8") + EVENT_OVERHEAD, 0);
        const problem =
            events.length === 0 ? "logEvents is empty"
            : events.length > MAX_EVENTS ? `${events.length} events exceed ${MAX_EVENTS}`
            : bytes > MAX_BYTES ? `${bytes} bytes exceed ${MAX_BYTES}`
            : events.some((e, i) => i > 0 && e.timestamp < events[i - 1].timestamp) ? "log events are not in chronological order"
            : events[events.length - 1].timestamp - events[0].timestamp > DAY_MS ? "log events span more than 24 hours"
            : undefined;
        if (problem) {
            return this.sendError(res, 400, "InvalidParameterException", problem);
        }
        const now = Date.now() + this.clockAheadMs;
        let tooOldEnd = -1;
        let tooNewStart: number | undefined;
        events.forEach((e, i) => {
            if (e.timestamp < now - MAX_AGE_MS) {
                tooOldEnd = i;
            } else if (e.timestamp > now + MAX_FUTURE_MS) {
                tooNewStart ??= i;
            } else {
                stream.push({ timestamp: e.timestamp, message: e.message });
            }
        });
        this.putCalls.push({ stream: body.logStreamName, events: events.length, bytes, accessKeyId: request.accessKeyId });
        const info = {
            ...(tooOldEnd >= 0 ? { tooOldLogEventEndIndex: tooOldEnd } : {}),
            ...(tooNewStart !== undefined ? { tooNewLogEventStartIndex: tooNewStart } : {}),
        };
        return this.ok(res, { nextSequenceToken: "ignored", ...(Object.keys(info).length > 0 ? { rejectedLogEventsInfo: info } : {}) });
    }

    private ok(res: http.ServerResponse, body: unknown): void {
        res.writeHead(200, { "content-type": "application/x-amz-json-1.1", "x-amzn-requestid": `logs-req-${this.requests.length}` });
        res.end(JSON.stringify(body));
    }

    protected sendError(res: http.ServerResponse, status: number, errorType: string, message: string): void {
        res.writeHead(status, { "content-type": "application/x-amz-json-1.1", "x-amzn-requestid": `logs-err-${this.requests.length}` });
        res.end(JSON.stringify({ __type: errorType, message }));
    }
}
