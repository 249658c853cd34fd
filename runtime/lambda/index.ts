/** Entry point of the Lambda bundle: configuration is read once, at cold start. */
import { createHandler } from "./handler";

export const handler = createHandler();
