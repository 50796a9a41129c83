/** Build facts injected by esbuild; running from sources (tests via tsx) reports "dev". */
declare const __ENGINE_VERSION__: string | undefined;
declare const __ENGINE_COMMIT__: string | undefined;

export const ENGINE_VERSION = typeof __ENGINE_VERSION__ === 'string' ? __ENGINE_VERSION__ : 'dev';
export const ENGINE_COMMIT = typeof __ENGINE_COMMIT__ === 'string' ? __ENGINE_COMMIT__ : '';
