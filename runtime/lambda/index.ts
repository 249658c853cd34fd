/**
 * Entry point of the Lambda bundle: configuration is read once, at cold start.
 * `handler` answers with one JSON object; `streamingHandler` streams NDJSON
 * lines (deploy it behind a function URL with `invokeMode: "RESPONSE_STREAM"`).
 * `awslambda` is a global of Lambda's Node.js runtime; elsewhere (tests, a
 * local run) `streamingHandler` is undefined and `handler` still works.
 */
import { createHandler } from "./handler";
import type { ResponseStreamLike } from "./streaming";

declare const awslambda:
    | { streamifyResponse<F extends (event: unknown, stream: ResponseStreamLike, context: never) => Promise<void>>(handler: F): F }
    | undefined;

export const handler = createHandler();

export const streamingHandler = typeof awslambda === "undefined" ? undefined : awslambda.streamifyResponse(handler.stream);
