/**
 * A snapshot of Bedrock foundation-model and system inference-profile ids,
 * shipped so that a program run offline (under Pulumi mocks) can point out a
 * likely typo. AWS adds models often: an id missing here only warns, and a
 * real preview asks the provider instead (see model-catalogue.ts).
 */

/** Foundation model ids, with the geography prefixes of their system cross-Region profiles. */
const MODELS: Readonly<Record<string, readonly string[]>> = {
    "anthropic.claude-3-haiku-20240307-v1:0": ["us", "eu", "apac"],
    "anthropic.claude-3-sonnet-20240229-v1:0": ["us", "eu", "apac"],
    "anthropic.claude-3-opus-20240229-v1:0": ["us"],
    "anthropic.claude-3-5-sonnet-20240620-v1:0": ["us", "eu", "apac"],
    "anthropic.claude-3-5-sonnet-20241022-v2:0": ["us", "apac"],
    "anthropic.claude-3-5-haiku-20241022-v1:0": ["us"],
    "anthropic.claude-3-7-sonnet-20250219-v1:0": ["us", "eu", "apac"],
    "anthropic.claude-sonnet-4-20250514-v1:0": ["us", "eu", "apac", "global"],
    "anthropic.claude-opus-4-20250514-v1:0": ["us"],
    "anthropic.claude-opus-4-1-20250805-v1:0": ["us"],
    "anthropic.claude-sonnet-4-5-20250929-v1:0": ["us", "eu", "apac", "jp", "au", "global"],
    "anthropic.claude-haiku-4-5-20251001-v1:0": ["us", "eu", "apac", "jp", "au", "global"],
    "amazon.nova-micro-v1:0": ["us", "eu", "apac"],
    "amazon.nova-lite-v1:0": ["us", "eu", "apac"],
    "amazon.nova-pro-v1:0": ["us", "eu", "apac"],
    "amazon.nova-premier-v1:0": ["us"],
    "amazon.titan-text-express-v1": [],
    "amazon.titan-text-lite-v1": [],
    "amazon.titan-embed-text-v2:0": [],
    "meta.llama3-8b-instruct-v1:0": [],
    "meta.llama3-70b-instruct-v1:0": [],
    "meta.llama3-1-8b-instruct-v1:0": ["us"],
    "meta.llama3-1-70b-instruct-v1:0": ["us"],
    "meta.llama3-1-405b-instruct-v1:0": ["us"],
    "meta.llama3-2-1b-instruct-v1:0": ["us", "eu"],
    "meta.llama3-2-3b-instruct-v1:0": ["us", "eu"],
    "meta.llama3-2-11b-instruct-v1:0": ["us"],
    "meta.llama3-2-90b-instruct-v1:0": ["us"],
    "meta.llama3-3-70b-instruct-v1:0": ["us"],
    "mistral.mistral-7b-instruct-v0:2": [],
    "mistral.mixtral-8x7b-instruct-v0:1": [],
    "mistral.mistral-small-2402-v1:0": [],
    "mistral.mistral-large-2402-v1:0": [],
    "mistral.mistral-large-2407-v1:0": [],
    "mistral.pixtral-large-2502-v1:0": ["us", "eu"],
    "cohere.command-r-v1:0": [],
    "cohere.command-r-plus-v1:0": [],
    "cohere.embed-english-v3": [],
    "cohere.embed-multilingual-v3": [],
    "ai21.jamba-1-5-mini-v1:0": [],
    "ai21.jamba-1-5-large-v1:0": [],
    "deepseek.r1-v1:0": ["us"],
};

/** Every known foundation model id and system profile id. */
export const KNOWN_MODEL_IDS: ReadonlySet<string> = new Set(
    Object.entries(MODELS).flatMap(([model, prefixes]) => [model, ...prefixes.map((p) => `${p}.${model}`)]),
);
