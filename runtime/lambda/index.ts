/**
 * Entry point of the Lambda bundle: configuration is read once, at cold start.
 * `handler` answers with one JSON object; `streamingHandler` streams NDJSON
 * lines (deploy it behind a function URL with `invokeMode: "RESPONSE_STREAM"`).
 * `awslambda` is a global of Lambda's Node.js runtime; elsewhere (tests, a
 * local run) `streamingHandler` is undefined and `handler` still works.
 */
import { createHandler } from "./handler";
import type { ResponseStreamLike } from "./streaming";

type Streamify = <F extends (event: unknown, stream: ResponseStreamLike, context: never) => Promise<void>>(handler: F) => F;

export const handler = createHandler();

// The SDK itself may create `globalThis.awslambda` (for its invoke store) outside Lambda: test for the function.
const streamify = (globalThis as { awslambda?: { streamifyResponse?: Streamify } }).awslambda?.streamifyResponse;
export const streamingHandler = typeof streamify === "function" ? streamify(handler.stream) : undefined;
