/**
 * Bundles the production server (serve.ts and what it imports from db/ and src/) into one
 * file, `dist/serve.mjs`, with its npm dependencies inside. Loaded file by file, drizzle's
 * and zod's few hundred modules cost about a second at every start: Node's ES module loader
 * reads the nearest package.json again for each of them. Native addons stay outside.
 */
import { readFile } from 'node:fs/promises';
import { relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type Plugin } from 'esbuild';
import { NATIVE_PACKAGES, SERVER_BUNDLE } from './server-bundle.ts';

const NATIVE = new Set<string>(NATIVE_PACKAGES);

/** A bare specifier names a package; only the native ones are left to node_modules. */
function keepNativePackagesOutside(): Plugin {
	return {
		name: 'keep-native-packages-outside',
		setup(bundler) {
			bundler.onResolve({ filter: /^[^./]/ }, ({ path }) =>
				NATIVE.has(path) ? { path, external: true } : undefined,
			);
		},
	};
}

/**
 * Each module keeps its own `import.meta.url` (the migrations folder is found from
 * db/migrate.ts's), rewritten relative to the bundle so the folder can move as a whole.
 * Anything else on `import.meta` would mean the bundle's, not the module's: refuse it.
 */
function keepModuleLocations(root: string, bundleFolder: string): Plugin {
	return {
		name: 'keep-module-locations',
		setup(bundler) {
			bundler.onLoad({ filter: /\.ts$/ }, async ({ path }) => {
				if (!path.startsWith(root) || path.includes('/node_modules/')) return undefined;
				const source = await readFile(path, 'utf8');
				const other = /import\.meta\.(?!url\b)\w+/.exec(source);
				if (other)
					throw new Error(`${relative(root, path)} uses ${other[0]}, which a bundle changes.`);
				const ownUrl = `new URL(${JSON.stringify(relative(bundleFolder, path))}, import.meta.url).href`;
				return { contents: source.replaceAll('import.meta.url', ownUrl), loader: 'ts' };
			});
		},
	};
}

async function bundleServer(root: string): Promise<void> {
	const outfile = resolve(root, SERVER_BUNDLE);
	await build({
		entryPoints: [resolve(root, 'scripts/serve.ts')],
		outfile,
		bundle: true,
		platform: 'node',
		format: 'esm',
		target: 'node22',
		// CommonJS dependencies call require(); an ES module has none of its own.
		banner: {
			js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);",
		},
		plugins: [keepNativePackagesOutside(), keepModuleLocations(root, resolve(outfile, '..'))],
		logLevel: 'warning',
	});
}

// scripts/build.ts runs this file after `astro build`, as it runs astro: in a process of its own.
if (import.meta.main) await bundleServer(fileURLToPath(new URL('..', import.meta.url)));
