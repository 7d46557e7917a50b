/** Request limits, shared by the API's validation and the browser's form. */
export const MAX_BODY_BYTES = 32 * 1024;
export const MAX_INPUT_CHARS = 4000;
