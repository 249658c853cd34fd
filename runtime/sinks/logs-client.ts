/**
 * The CloudWatch Logs client the sink builds for itself. Its request bodies
 * are written by the SDK's JSON codec that hands the request to
 * `JSON.stringify`, not by its default one, which writes every character in
 * JavaScript: an audit record's line is itself JSON, full of quotes to escape
 * again, and that writer was about a third of PutLogEvents' cost per record.
 * Both codecs write the same bytes for the same request (a test compares
 * them); everything else (endpoint, errors, signing) is the SDK's default.
 */
import { CloudWatchLogsClient, type CloudWatchLogsClientConfig } from "@aws-sdk/client-cloudwatch-logs";
import { JsonCodec } from "@smithy/core/protocols";
import { OwnKeyCacheSignatureV4 } from "../signing-keys";

/** The settings the client's protocol is built with by default (its service target, namespaces, error types). */
let defaultSettings: Record<string, unknown> | undefined;

function protocolDefaults(): Record<string, unknown> {
    // Read from a client the SDK configures itself, so a new SDK's settings are taken as they are, never copied here.
    defaultSettings ??= { ...new CloudWatchLogsClient({ region: "us-east-1" }).config.protocolSettings };
    return defaultSettings;
}

export function sinkLogsClient(config: CloudWatchLogsClientConfig): CloudWatchLogsClient {
    // The default codec's settings for the JSON 1.1 protocol: timestamps as epoch seconds unless a member says otherwise, member names as modelled.
    const jsonCodec = new JsonCodec({ timestampFormat: { useTrait: true, default: 7 }, jsonName: false });
    return new CloudWatchLogsClient({ signerConstructor: OwnKeyCacheSignatureV4, ...config, protocolSettings: { ...protocolDefaults(), jsonCodec } });
}
