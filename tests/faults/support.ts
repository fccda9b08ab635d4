import { eq } from 'drizzle-orm';
import { parse } from 'node-html-parser';
import { openDatabase, type Database } from '../../db/client.ts';
import { submissionReceipts, submissions } from '../../db/schema.ts';
import { hashReceiptCode, normalizeReceiptCode } from '../../src/lib/receipt-codes.ts';
import { postForm, type FormFields } from '../helpers/http.ts';
import { RELAXED_LIMITS } from '../helpers/server-setup.ts';
import { validStory } from '../helpers/share.ts';

/** The relaxed limits of the shared test server: fault tests send hundreds of stories from one address. */
export const FAULT_LIMITS = RELAXED_LIMITS;

/** What a writer sent and must find again: the two fields a story is made of. */
export interface SentStory {
	title: string;
	body: string;
}

let storyCounter = 0;

/** A valid story whose title and body no other call in this run produces. */
export function uniqueStory(label: string): FormFields & SentStory {
	storyCounter += 1;
	const marker = `${label}-${process.pid}-${storyCounter}`;
	const story = validStory({ title: `Still here, day by day (${marker})` });
	return { ...story, title: story.title, body: `${story.body} [${marker}]` };
}

export interface SubmissionOutcome {
	story: SentStory;
	/** The HTTP status, or `null` when no answer came (connection refused or cut). */
	status: number | null;
	receiptCode: string | null;
	html: string;
}

/** Sends a story straight to the submit step with a form token fetched earlier. */
export async function sendStory(
	baseUrl: string,
	formToken: string,
	story: FormFields & SentStory,
): Promise<SubmissionOutcome> {
	const sent = { title: story.title, body: story.body };
	try {
		const response = await postForm(
			'/share?_action=shareStory',
			{ ...story, formToken, intent: 'submit' },
			{ baseUrl },
		);
		const html = await response.text();
		const receiptCode = parse(html).querySelector('#receipt-code')?.textContent.trim() || null;
		return { story: sent, status: response.status, receiptCode, html };
	} catch {
		return { story: sent, status: null, receiptCode: null, html: '' };
	}
}

/** The signed form token a fresh /share page carries (shared by every process on a database). */
export async function formTokenFrom(baseUrl: string): Promise<string> {
	const html = await (await fetch(new URL('/share', baseUrl))).text();
	return parse(html).querySelector('input[name="formToken"]')!.getAttribute('value')!;
}

/**
 * Calls `check` until it returns a truthy value or `timeoutMs` passes (then throws with
 * `what`): how the fault tests wait for a condition instead of sleeping.
 */
export async function waitFor<T>(
	what: string,
	check: () => T | Promise<T>,
	timeoutMs = 15_000,
): Promise<NonNullable<T>> {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const value = await check();
		if (value) return value;
		if (Date.now() > deadline)
			throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`);
		await new Promise((resolve) => setTimeout(resolve, 25));
	}
}

export interface Load {
	/** Every answer with a receipt code, by code: what writers were told was received. */
	answered: Map<string, SentStory>;
	/** Every submission sent, with its outcome. */
	outcomes: SubmissionOutcome[];
	/** How many submissions are sent and not answered yet. */
	inFlight(): number;
	/** Stops sending and waits for the requests in flight. */
	stop(): Promise<void>;
}

/**
 * Keeps `workers` writers submitting stories one after another, each to the next base URL
 * in turn, until stopped.
 */
export function startSubmissionLoad(options: {
	baseUrls: string[];
	formToken: string;
	workers: number;
	label: string;
}): Load {
	const answered = new Map<string, SentStory>();
	const outcomes: SubmissionOutcome[] = [];
	let running = true;
	let turn = 0;
	let inFlight = 0;
	const workers = Array.from({ length: options.workers }, async () => {
		while (running) {
			const baseUrl = options.baseUrls[turn++ % options.baseUrls.length]!;
			inFlight += 1;
			const outcome = await sendStory(baseUrl, options.formToken, uniqueStory(options.label));
			inFlight -= 1;
			outcomes.push(outcome);
			if (outcome.status === 200 && outcome.receiptCode) {
				answered.set(outcome.receiptCode, outcome.story);
			}
		}
	});
	return {
		answered,
		outcomes,
		inFlight: () => inFlight,
		async stop() {
			running = false;
			await Promise.all(workers);
		},
	};
}

/** The stored title and body of the story a receipt code belongs to, or `undefined`. */
export function findStoredStory(database: Database, receiptCode: string): SentStory | undefined {
	const canonical = normalizeReceiptCode(receiptCode);
	if (!canonical) return undefined;
	return database
		.select({ title: submissions.title, body: submissions.body })
		.from(submissionReceipts)
		.innerJoin(submissions, eq(submissions.id, submissionReceipts.submissionId))
		.where(eq(submissionReceipts.receiptHash, hashReceiptCode(canonical)))
		.get();
}

/**
 * The receipts (among `answered`) whose story is missing from the database at `path`, or
 * stored with another title or body. Empty when nothing a writer was promised got lost.
 */
export function lostStories(path: string, answered: Map<string, SentStory>): string[] {
	const database = openDatabase(path);
	try {
		return [...answered].flatMap(([code, sent]) => {
			const stored = findStoredStory(database, code);
			return stored?.title === sent.title && stored.body === sent.body ? [] : [code];
		});
	} finally {
		database.$client.close();
	}
}

/** `PRAGMA integrity_check` of the database file at `path`: `'ok'` when it is sound. */
export function integrityOf(path: string): string {
	const database = openDatabase(path);
	try {
		return String(database.$client.pragma('integrity_check', { simple: true }));
	} finally {
		database.$client.close();
	}
}

/** Looks a receipt code up at /my-story as a writer would; returns the status and the page. */
export async function lookUpReceipt(
	baseUrl: string,
	code: string,
): Promise<{ status: number; html: string }> {
	const response = await postForm('/my-story?_action=lookUpMyStory', { code }, { baseUrl });
	return { status: response.status, html: await response.text() };
}
