import * as pulumi from "@pulumi/pulumi";

/**
 * The error for an input found wrong only once known (an account id from the
 * caller identity, an ARN from another stack), raised inside `apply`.
 *
 * Every resource input that reads the failed Output rejects with this same
 * error, and the SDK's serializer prefixes `error serializing property "x":`
 * to its message in place, once per property and per reader: one wrong
 * account would read as five layers of property names before the message
 * that names the input. The message already says which input is wrong and
 * what was expected, so it is kept as written; the SDK still reports the
 * error once, by its identity.
 */
export function inputError(message: string, resource: pulumi.Resource): pulumi.ResourceError {
    return keepingMessage(new pulumi.ResourceError(message, resource));
}

/** `error`, its message kept as written whatever the SDK's serializer prefixes (see {@link inputError}); for errors of no resource. */
export function keepingMessage<E extends Error>(error: E): E {
    const message = error.message;
    Object.defineProperty(error, "message", {
        get: () => message,
        set: () => undefined,
        enumerable: false,
        configurable: true,
    });
    return error;
}
