/** The production server as the build leaves it: one bundled file (bundle-server.ts). */
export const SERVER_BUNDLE = 'dist/serve.mjs';

/** Packages with compiled addons: never bundled, loaded from node_modules as they are. */
export const NATIVE_PACKAGES = ['better-sqlite3', '@node-rs/argon2'] as const;
