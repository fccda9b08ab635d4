// @ts-check
import mdx from '@astrojs/mdx';
import node from '@astrojs/node';
import { defineConfig } from 'astro/config';
import { CSP_DIRECTIVES } from './src/lib/security-headers.ts';
import { SITE_URL } from './src/lib/settings.ts';
import { NATIVE_PACKAGES } from './scripts/server-bundle.ts';

/**
 * The built server carries its dependencies inside its own chunks. Node's ES module loader
 * reads the nearest package.json again for every file it loads, so zod's and drizzle's few
 * hundred files cost about a second at every start; bundled, they cost one file each.
 * Native addons stay outside. Build only: dev and the tests load packages as they are.
 */
/** @type {import('astro').AstroIntegration} */
const bundleServerDependencies = {
	name: 'bundle-server-dependencies',
	hooks: {
		'astro:config:setup': ({ command, updateConfig }) => {
			if (command !== 'build') return;
			updateConfig({ vite: { ssr: { noExternal: true, external: [...NATIVE_PACKAGES] } } });
		},
	},
};

export default defineConfig({
	site: SITE_URL,
	output: 'server',
	// The adapter refuses anything over 1 MiB outright; actions allow far less (see security).
	adapter: node({ mode: 'standalone', staticHeaders: true, bodySizeLimit: 1024 * 1024 }),
	integrations: [mdx(), bundleServerDependencies],
	// Readers and writers get no cookies: moderator sessions live in SQLite instead.
	session: false,
	devToolbar: { enabled: false },
	// Shiki's inline styles would need a weaker CSP; curated writing has no code blocks.
	markdown: { syntaxHighlight: false },
	build: { inlineStylesheets: 'never' },
	security: {
		checkOrigin: true,
		// A 20,000-character story fits comfortably; anything bigger is refused with a 413.
		actionBodySizeLimit: 64 * 1024,
		csp: { directives: [...CSP_DIRECTIVES] },
	},
});
