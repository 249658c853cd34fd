/** `promise`, or a failure naming `what` once it takes longer than `ms` (the timer is cleared either way). */
export function within<T>(ms: number, promise: Promise<T>, what: string): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    return Promise.race([promise, new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what}: still waiting after ${ms} ms`)), ms)))]).finally(() =>
        clearTimeout(timer),
    );
}

/** How long `promise` took, or a failure once it takes longer than `ms`. */
export async function timed(ms: number, promise: Promise<unknown>, what: string): Promise<number> {
    const began = performance.now();
    await within(ms, promise, what);
    return performance.now() - began;
}
