/**
 * What the bench's cases need before any load: the seeded database, the paths of the pages
 * measured (each checked to answer as it should), the submission forms, and the baseline
 * server sending the community story page's bytes.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parse } from 'node-html-parser';
import { openDatabase } from '../../db/client.ts';
import { migrateDatabase } from '../../db/migrate.ts';
import { openPostgresStore, sqliteStore, type Store } from '../../db/store.ts';
import { PROJECT_ROOT } from '../build.ts';
import { startPostgresCluster } from '../postgres-cluster.ts';
import { postgresServerEnv } from './bench-engine.ts';
import type { BenchEngine } from './scale-arguments.ts';
import { startChildServer, type ChildServer } from './child-server.ts';
import {
	SEARCH_QUERIES,
	createRandom,
	searchPath,
	seedSyntheticStories,
	syntheticStory,
} from './synthetic-stories.ts';
import type { CaseId } from './report.ts';
import { seedLibraryPostgres } from './seed-library-postgres.ts';

/** The page `/stories?page=` is measured at (a deep page of the list). */
const DEEP_STORIES_PAGE = 50;

/** Different stories the submission forms cycle through; a number appended keeps each apart. */
const SUBMISSION_FORMS = 200;

/** A successful submission shows the receipt code. */
export const RECEIPT_SHOWN = 'id="receipt-code"';

interface SeededDatabase {
	databasePath: string;
	slugs: string[];
	seedingSeconds: number;
}

/** A new database in `folder` with `stories` SYNTHETIC published community stories. */
async function seedDatabase(folder: string, stories: number): Promise<SeededDatabase> {
	const databasePath = join(folder, 'bench.db');
	const started = performance.now();
	const database = openDatabase(databasePath);
	migrateDatabase(database);
	const slugs = await seedSyntheticStories(database, stories);
	database.$client.close();
	return { databasePath, slugs, seedingSeconds: (performance.now() - started) / 1000 };
}

export interface BenchDatabase {
	engine: BenchEngine;
	/** What the server is given to run on it. */
	serverEnv: Record<string, string>;
	slugs: string[];
	/** Migrating and seeding (on PostgreSQL with VACUUM ANALYZE; not the cluster's start). */
	seedingSeconds: number;
	/** A new store on the database, for the caller to close. */
	openStore: () => Store;
}

/**
 * A database on `engine` with `stories` SYNTHETIC published community stories: a SQLite
 * file in `folder` (seedDatabase), or a database in a throw-away PostgreSQL cluster started
 * here, whose stop is added to `cleanups` (so it stops on failure and Ctrl-C too).
 */
export async function seedBenchDatabase(
	engine: BenchEngine,
	folder: string,
	stories: number,
	cleanups: (() => Promise<void> | void)[],
): Promise<BenchDatabase> {
	if (engine === 'sqlite') {
		const { databasePath, slugs, seedingSeconds } = await seedDatabase(folder, stories);
		return {
			engine,
			serverEnv: { DATABASE_PATH: databasePath },
			slugs,
			seedingSeconds,
			openStore: () => sqliteStore(openDatabase(databasePath)),
		};
	}
	console.log('(in a throw-away PostgreSQL cluster, started now)');
	const cluster = await startPostgresCluster();
	cleanups.push(() => cluster.stop());
	const started = performance.now();
	const url = await cluster.createMigratedDatabase();
	const store = openPostgresStore(url);
	let slugs: string[];
	try {
		({ slugs } = await seedLibraryPostgres(store, { stories }));
	} finally {
		await store.close();
	}
	return {
		engine,
		serverEnv: postgresServerEnv(url, folder),
		slugs,
		seedingSeconds: (performance.now() - started) / 1000,
		openStore: () => openPostgresStore(url),
	};
}

/** GET as the load generators do it: no compression asked for, so the bytes are the plain page. */
async function getPage(baseUrl: string, path: string) {
	const response = await fetch(new URL(path, baseUrl), {
		headers: { 'accept-encoding': 'identity' },
		redirect: 'manual',
	});
	return {
		status: response.status,
		contentType: response.headers.get('content-type') ?? 'application/octet-stream',
		body: Buffer.from(await response.arrayBuffer()),
	};
}

/** The URLs of `content/stories/*.mdx` that are not drafts. */
function curatedStoryPaths(): string[] {
	const folder = resolve(PROJECT_ROOT, 'content/stories');
	return readdirSync(folder)
		.filter((name) => name.endsWith('.mdx'))
		.sort()
		.filter((name) => {
			const frontmatter = /^---\n([\s\S]*?)\n---/.exec(readFileSync(join(folder, name), 'utf8'));
			return !/^draft:\s*true\s*$/m.test(frontmatter?.[1] ?? '');
		})
		.map((name) => `/stories/${name.replace(/\.mdx$/, '')}`);
}

/** `/stories?page=50`, or the last page when the library is too small to have 50. */
async function deepStoriesPage(baseUrl: string): Promise<string> {
	const pathOf = (page: number) => `/stories?page=${page}`;
	if ((await getPage(baseUrl, pathOf(DEEP_STORIES_PAGE))).status === 200) {
		return pathOf(DEEP_STORIES_PAGE);
	}
	let low = 1;
	let high = DEEP_STORIES_PAGE;
	while (low < high) {
		const middle = Math.ceil((low + high) / 2);
		if ((await getPage(baseUrl, pathOf(middle))).status === 200) low = middle;
		else high = middle - 1;
	}
	return pathOf(low);
}

/** How many pieces a search page says match, or null when it says nothing we recognize. */
function searchHits(html: string): number | null {
	if (/Nothing matched/.test(html)) return 0;
	const match = /([\d,]+) (?:piece matches|pieces match)/.exec(html);
	return match ? Number(match[1]!.replace(/,/g, '')) : null;
}

/**
 * Submissions exactly as the preview page's "Send" button posts them: the story in hidden
 * fields, the form token, consent and `intent=submit`. The story text comes last and ends
 * open, so the load generator appends the request's number: the server folds identical
 * text sent on the same day into one row, and every request must be a new story.
 */
function submissionForms(formToken: string): string[] {
	const random = createRandom(2024);
	return Array.from({ length: SUBMISSION_FORMS }, () => {
		const story = syntheticStory(random);
		const form = new URLSearchParams();
		form.append('title', story.title);
		form.append('penName', story.penName ?? '');
		if (story.milestone) form.append('milestone', story.milestone);
		for (const topic of story.topics) form.append('topics', topic);
		for (const warning of story.contentWarnings) form.append('contentWarnings', warning);
		form.append('consent', 'on');
		form.append('formToken', formToken);
		form.append('intent', 'submit');
		form.append('body', `${story.body}\n\nSynthetic benchmark submission `);
		return form.toString();
	});
}

interface SearchFixture {
	id: Extract<CaseId, 'search-common' | 'search-two-words' | 'search-rare'>;
	query: string;
	path: string;
	hits: number | null;
}

export interface SiteFixtures {
	communityPath: string;
	communityPage: Awaited<ReturnType<typeof getPage>>;
	curatedPath: string;
	storiesPagePath: string;
	searches: SearchFixture[];
	/** The first search also refreshes the index in a fresh server process: not measured. */
	firstSearchMs: number;
	submission: {
		path: string;
		headers: Record<string, string>;
		/** Each ends where the request's number goes. */
		forms: string[];
		/** The trial submission was answered with a receipt code. */
		trialAccepted: boolean;
	};
}

/** Looks up what the cases need on the running site, checking each answers as it should. */
export async function lookUpSiteFixtures(baseUrl: string, slugs: string[]): Promise<SiteFixtures> {
	const communityPath = `/stories/${slugs[Math.floor(slugs.length / 2)]}`;
	const communityPage = await getPage(baseUrl, communityPath);
	if (communityPage.status !== 200) {
		throw new Error(`${communityPath} answered ${communityPage.status}, not 200.`);
	}
	let curatedPath: string | undefined;
	for (const path of curatedStoryPaths()) {
		if ((await getPage(baseUrl, path)).status === 200) {
			curatedPath = path;
			break;
		}
	}
	if (!curatedPath) throw new Error('No curated story in content/stories/ answers 200.');
	const storiesPagePath = await deepStoriesPage(baseUrl);

	const searches: SearchFixture[] = (
		[
			['search-common', SEARCH_QUERIES.common],
			['search-two-words', SEARCH_QUERIES.twoWords],
			['search-rare', SEARCH_QUERIES.rare],
		] as const
	).map(([id, query]) => ({ id, query, path: searchPath(query), hits: null }));
	let firstSearchMs: number | undefined;
	for (const search of searches) {
		const started = performance.now();
		const page = await getPage(baseUrl, search.path);
		firstSearchMs ??= performance.now() - started;
		search.hits = page.status === 200 ? searchHits(page.body.toString('utf8')) : null;
		if (!search.hits) {
			console.warn(
				`Warning: ${search.path} answered ${page.status} with ${search.hits ?? 'an unrecognized number of'} hits.`,
			);
		}
	}

	const sharePage = await getPage(baseUrl, '/share');
	const formToken = parse(sharePage.body.toString('utf8'))
		.querySelector('input[name="formToken"]')
		?.getAttribute('value');
	if (!formToken) throw new Error(`/share (${sharePage.status}) carries no form token.`);
	const forms = submissionForms(formToken);
	const headers = {
		'Content-Type': 'application/x-www-form-urlencoded',
		Origin: new URL(baseUrl).origin,
	};
	const path = '/share?_action=shareStory';
	// Number 0: the load runs count from 1.
	const trial = await fetch(new URL(path, baseUrl), {
		method: 'POST',
		headers,
		body: `${forms[0]}0`,
		redirect: 'manual',
	});
	const trialAccepted = trial.status === 200 && (await trial.text()).includes(RECEIPT_SHOWN);
	if (!trialAccepted) {
		console.warn(
			`Warning: a trial submission answered ${trial.status} without a receipt code; ` +
				'the submission rows will count errors.',
		);
	}
	return {
		communityPath,
		communityPage,
		curatedPath,
		storiesPagePath,
		searches,
		firstSearchMs: firstSearchMs ?? 0,
		submission: { path, headers, forms, trialAccepted },
	};
}

/** A bare `node:http` process sending `page`'s bytes (baseline-server.ts). */
export async function startBaseline(
	folder: string,
	page: SiteFixtures['communityPage'],
): Promise<ChildServer> {
	const bodyPath = join(folder, 'baseline-body');
	writeFileSync(bodyPath, page.body);
	return startChildServer(resolve(PROJECT_ROOT, 'scripts/bench/baseline-server.ts'), {
		cwd: PROJECT_ROOT,
		env: { BASELINE_BODY_PATH: bodyPath, BASELINE_CONTENT_TYPE: page.contentType },
	});
}
