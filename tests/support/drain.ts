/** Reads a stream to its end and counts its chunks: a caller that reads everything. */
export async function drain(stream: AsyncIterable<unknown>): Promise<number> {
    let n = 0;
    for await (const _ of stream) n++;
    return n;
}
