/**
 * SYNTHETIC benchmark data. Every story made here is machine-generated filler built from
 * a small recovery vocabulary: nobody wrote it, it describes nobody, and it only ever
 * lives in the benchmark's temporary database (deleted when `npm run bench` ends).
 *
 * The text is varied on purpose (sentences drawn at random, slots filled from word lists,
 * a few rare words) so that search queries have realistic selectivity: a common word
 * matches most stories, a two-word query fewer, a rare word about one in a hundred.
 */
import { randomBytes } from 'node:crypto';
import type { Database } from '../../db/client.ts';
import { isoDay } from '../../src/lib/dates.ts';
import { renderUserMarkdown } from '../../src/lib/markdown.ts';
import {
	generateReceiptCode,
	hashReceiptCode,
	normalizeReceiptCode,
} from '../../src/lib/receipt-codes.ts';
import { listingOf, type CommunityListing } from '../../src/lib/server/community-listings.ts';
import {
	CONTENT_WARNING_SLUGS,
	MILESTONE_SLUGS,
	TOPIC_SLUGS,
	type ContentWarningSlug,
	type MilestoneSlug,
	type TopicSlug,
} from '../../src/lib/taxonomy.ts';
import { seedLibrary } from './seed-library.ts';

/** Queries the benchmark searches for, chosen to match the vocabulary below. */
export const SEARCH_QUERIES = {
	/** In most synthetic stories (several common sentences use it). */
	common: 'meeting',
	/** Both words in about one story in five. */
	twoWords: 'parking lot',
	/** One of the rare words: roughly one story in a hundred. */
	rare: 'harmonica',
} as const;

/** A small deterministic PRNG (mulberry32), so every run seeds the same library. */
export function createRandom(seed: number): () => number {
	let state = seed >>> 0;
	return () => {
		state = (state + 0x6d2b79f5) >>> 0;
		let value = state;
		value = Math.imul(value ^ (value >>> 15), value | 1);
		value ^= value + Math.imul(value ^ (value >>> 7), value | 61);
		return ((value ^ (value >>> 14)) >>> 0) / 4294967296;
	};
}

type Random = () => number;

function pick<T>(random: Random, items: readonly T[]): T {
	return items[Math.floor(random() * items.length)]!;
}

function integerBetween(random: Random, min: number, max: number): number {
	return min + Math.floor(random() * (max - min + 1));
}

/** `count` distinct items, in the order drawn. */
function pickSome<T>(random: Random, items: readonly T[], count: number): T[] {
	const chosen = new Set<T>();
	while (chosen.size < Math.min(count, items.length)) chosen.add(pick(random, items));
	return [...chosen];
}

const SLOTS: Record<string, readonly string[]> = {
	person: [
		'sponsor',
		'sister',
		'brother',
		'daughter',
		'son',
		'counselor',
		'neighbour',
		'coworker',
		'friend',
		'partner',
		'mother',
		'father',
		'grandmother',
		'doctor',
		'therapist',
		'roommate',
	],
	time: ['days', 'weeks', 'months', 'winters', 'nights', 'mornings', 'weekends', 'holidays'],
	place: [
		'kitchen',
		'parking lot',
		'church basement',
		'library',
		'clinic',
		'park',
		'bus stop',
		'hospital waiting room',
		'garden',
		'community centre',
		'diner',
		'laundromat',
	],
	feeling: [
		'ashamed',
		'hopeful',
		'restless',
		'exhausted',
		'grateful',
		'angry',
		'numb',
		'relieved',
		'lonely',
		'calm',
		'scared',
		'proud',
	],
	activity: [
		'running',
		'cooking',
		'journaling',
		'painting',
		'swimming',
		'gardening',
		'fishing',
		'knitting',
		'walking the dog',
		'playing guitar',
		'baking bread',
		'cycling',
	],
	habit: ['drinking', 'using', 'gambling', 'taking pills', 'smoking', 'betting online'],
	abstract: [
		'patience',
		'honesty',
		'forgiveness',
		'asking for help',
		'slowing down',
		'staying sober',
		'trust',
		'routine',
		'saying no',
		'starting over',
	],
};

/** Ordinary sentences; several mention a meeting (the common search word). */
const SENTENCES: readonly string[] = [
	'The first {time} were the hardest, and I mostly listened at every meeting.',
	'My {person} drove me to my first meeting and waited outside in the car.',
	'I sat in the {place} for a long time before I walked into the meeting.',
	'Someone at the meeting handed me a coffee and did not ask any questions.',
	'After the meeting I called my {person} and we talked until it was late.',
	'I kept a list of meetings on the fridge and crossed each one off.',
	'Some {time} I felt {feeling}, and some {time} I just felt tired.',
	'I stopped {habit} on a Tuesday, which felt like a strange day to change everything.',
	'My {person} told me that {abstract} would come slowly, and it did.',
	'I started {activity} because my hands needed something to do in the evenings.',
	'The cravings came in waves, and I learned to wait them out.',
	'I wrote down what I was grateful for, even on the days it was only one thing.',
	'There was a bench in the {place} where I went when everything felt too loud.',
	'I was {feeling} for a long time before I could admit I needed help.',
	'On day {number} I noticed I had not thought about {habit} all afternoon.',
	'My {person} and I still argue, but now we talk about it afterwards.',
	'Every morning I made the bed, because it was one thing I could finish.',
	'A morning walk became the part of the day I looked forward to.',
	'I learned to notice when I was hungry, angry, lonely or tired.',
	'The {place} smelled of burnt coffee and old carpet, and I felt safe there.',
	'I relapsed once, and going back the next day was the bravest thing I did.',
	'Recovery did not fix everything, but it gave me a place to start.',
	'I deleted numbers from my phone and felt {feeling} about it for weeks.',
	'When the urge came I would text my {person} one word, and they would call.',
	'I found that {activity} kept my mind quiet in a way nothing else did.',
	'Slowly the days got a little easier, and I started to believe I could do this.',
	'I still keep the chip from my first thirty days in my coat pocket.',
	'Holidays were hard, so I made a plan for each one with my {person}.',
	'I used to think {abstract} was for other people.',
	'Some nights I walked around the block three times before going inside.',
	'My {person} said I looked different, and I think they meant lighter.',
	'I went back to work after {number} days and told my manager the truth.',
	'The counselor at the {place} asked what I wanted my mornings to look like.',
	'I was surprised how much of recovery was simply sleeping and eating properly.',
	'Sometimes I still feel {feeling}, and that is allowed.',
	'I learned that a bad day is not the same as a bad life.',
	'We met every Thursday in the {place}, folding chairs in a circle.',
	'I made amends where I could and accepted that some doors stay closed.',
	'Reading other stories helped me feel less alone in the early {time}.',
	'My walk to the station took me past the old bar, so I changed my route.',
	'I keep a small notebook for the {time} when my thoughts race.',
	'A friend from the group taught me to breathe slowly, counting to four.',
	'I celebrate small things now: a full night of sleep, a phone call returned.',
	'When I feel {feeling}, I try to name it out loud before I act on it.',
	'The first time I laughed without {habit}, I almost cried.',
	'I stopped waiting to feel ready and just went to the next meeting.',
	'I do not know what next year looks like, and that is fine.',
	'Recovery taught me more about {abstract} than anything else in my life.',
];

/** Rare sentences, each with a distinctive word; a story gets one only sometimes. */
const RARE_SENTENCES: readonly string[] = [
	'My grandfather left me a harmonica, and I learned to play it badly and happily.',
	'I walked to the lighthouse every Sunday that first summer.',
	'Folding origami cranes kept my hands busy through the long evenings.',
	'A pottery class on Wednesdays gave the week a middle.',
	'I kept a sourdough starter alive, which felt like proof I could care for something.',
	'We rented a kayak and paddled until the shore was small and quiet.',
	'My neighbour lent me a telescope, and I spent clear nights looking at Saturn.',
	'I trained for a marathon, slowly, one short run at a time.',
	'I joined a choir and found that singing steadied my breathing.',
	'Birdwatching taught me to sit still and wait for something good.',
	'I restored an old bicycle in the shed, one rusty bolt at a time.',
	'The aquarium downtown was free on Mondays, so I went every week.',
	'I learned to tie fishing flies from an old book at the library.',
	'Jigsaw puzzles of a thousand pieces got me through the winter.',
	'I volunteered at the animal shelter walking greyhounds on Saturdays.',
	'I started a vegetable allotment and grew far too many courgettes.',
	'Chess in the park with strangers taught me to think two moves ahead.',
	'I learned calligraphy and wrote my sobriety date in careful letters.',
	'A woodworking evening class gave me somewhere to be on Fridays.',
	'I painted watercolours of the harbour from the same bench every week.',
	'I took up bouldering and found out I was stronger than I thought.',
	'I kept bees with a retired teacher who never asked about my past.',
	'A ukulele from a charity shop became my companion on bad nights.',
	'I learned to make pierogi with my aunt on Sunday afternoons.',
	'Stargazing with the astronomy club gave my nights a purpose.',
	'I built a birdhouse for the garden and watched the sparrows move in.',
	'Learning sign language at the community college kept my mind busy.',
	'I hiked the coastal path in sections, one weekend at a time.',
	'I found a tai chi group that met at dawn by the river.',
	'Making mosaics from broken tiles felt like making something from my own pieces.',
];

/** Probability that a story carries one rare sentence (each rare word ≈ 1 % of stories). */
const RARE_SENTENCE_CHANCE = 0.3;

const TITLE_PATTERNS: readonly string[] = [
	'What {activity} taught me about {abstract}',
	'The {time} after I stopped {habit}',
	'Learning {abstract} in the {place}',
	'My {person} and the long road back',
	'Day {number} and still here',
	'How I found {abstract} again',
	'Why I kept going back to meetings',
	'Small steps toward {abstract}',
	'From {feeling} to {feeling} and back',
	'The {place} where everything changed',
	'Notes from the first {time}',
	'Coming home after {number} days',
	'What my {person} said that night',
	'Finding my way through the {time}',
];

const PEN_NAMES: readonly string[] = [
	'Harbor',
	'Willow',
	'River',
	'North Star',
	'Quiet Morning',
	'Second Wind',
	'Juniper',
	'Lantern',
	'Sparrow',
	'Still Water',
];

function fillSlots(random: Random, template: string): string {
	return template.replace(/\{(\w+)\}/g, (_, slot: string) =>
		slot === 'number' ? String(integerBetween(random, 2, 3000)) : pick(random, SLOTS[slot]!),
	);
}

function countWords(text: string): number {
	return text.split(/\s+/).filter(Boolean).length;
}

function capitalize(text: string): string {
	return text.charAt(0).toUpperCase() + text.slice(1);
}

/** A title of 4–8 words. */
function syntheticTitle(random: Random): string {
	for (;;) {
		const title = capitalize(fillSlots(random, pick(random, TITLE_PATTERNS)));
		const words = countWords(title);
		if (words >= 4 && words <= 8) return title;
	}
}

/** Markdown of 250–400 words in paragraphs of 3–6 sentences, an emphasis now and then. */
function syntheticBody(random: Random): string {
	const targetWords = integerBetween(random, 250, 400);
	const sentences: string[] = [];
	let words = 0;
	const rareAt = random() < RARE_SENTENCE_CHANCE ? integerBetween(random, 0, 12) : -1;
	while (words < targetWords) {
		let sentence =
			sentences.length === rareAt
				? pick(random, RARE_SENTENCES)
				: fillSlots(random, pick(random, SENTENCES));
		if (random() < 0.05) sentence = `*${sentence}*`;
		sentences.push(sentence);
		words += countWords(sentence);
	}
	const paragraphs: string[] = [];
	for (let start = 0; start < sentences.length;) {
		const length = integerBetween(random, 3, 6);
		paragraphs.push(sentences.slice(start, start + length).join(' '));
		start += length;
	}
	return paragraphs.join('\n\n');
}

const SLUG_ALPHABET = [...'abcdefghijklmnopqrstuvwxyz234567'];

/** `shared-` and 8 random lowercase base32 characters, the shape publishing assigns. */
function syntheticSlug(random: Random): string {
	let suffix = '';
	for (let index = 0; index < 8; index++) suffix += pick(random, SLUG_ALPHABET);
	return `shared-${suffix}`;
}

const DAY_MS = 24 * 60 * 60 * 1000;

/** One synthetic published story, as the `submissions` columns (no id or hashes yet). */
export function syntheticStory(random: Random, now = Date.now()) {
	const publishedAt = new Date(now - Math.floor(random() * 3 * 365 * DAY_MS));
	// A story waits a few days in the queue before a moderator publishes it.
	const createdAt = new Date(publishedAt.getTime() - integerBetween(random, 0, 4) * DAY_MS);
	const contentWarnings: ContentWarningSlug[] =
		random() < 0.1 ? [pick(random, CONTENT_WARNING_SLUGS)] : [];
	return {
		title: syntheticTitle(random),
		body: syntheticBody(random),
		penName: random() < 0.2 ? null : pick(random, PEN_NAMES),
		topics: pickSome<TopicSlug>(random, TOPIC_SLUGS, integerBetween(random, 1, 4)),
		milestone: random() < 0.3 ? null : pick<MilestoneSlug>(random, MILESTONE_SLUGS),
		contentWarnings,
		createdDay: isoDay(createdAt),
		publishedAt,
	};
}

/** A story's random stream within a batch: seeded from the run's seed and the batch. */
function batchRandom(seed: number, batchIndex: number): Random {
	return createRandom((seed ^ Math.imul(batchIndex + 1, 0x9e3779b9)) >>> 0);
}

/** `count` distinct slugs, the same ones for the same seed. */
export function syntheticSlugs(count: number, seed: number): string[] {
	const random = createRandom(seed);
	const slugs = new Set<string>();
	while (slugs.size < count) slugs.add(syntheticSlug(random));
	return [...slugs];
}

/** A synthetic story as every table that holds a published story stores it. */
export interface SyntheticStoryRows {
	submission: ReturnType<typeof syntheticStory> & {
		id: string;
		slug: string;
		bodyHtml: string;
		status: 'approved';
		version: number;
	};
	receiptHash: string;
	/** The receipt code itself, kept only for the stories asked for (the rest are dropped). */
	receiptCode: string | null;
	listing: CommunityListing;
}

/**
 * The rows of one batch of SYNTHETIC published stories, one per slug: the body rendered by
 * the project's one Markdown renderer and the listing derived by `listingOf`, exactly as
 * publishing does. Pure but for random ids and receipt codes, so worker threads can make
 * batches in parallel; the text depends only on `seed` and `batchIndex`.
 */
export function syntheticStoryRows(input: {
	seed: number;
	batchIndex: number;
	slugs: readonly string[];
	now: number;
	/** Keep the receipt codes of this many stories at the start of the batch. */
	keepReceiptCodes: number;
}): SyntheticStoryRows[] {
	const random = batchRandom(input.seed, input.batchIndex);
	return input.slugs.map((slug, index) => {
		const story = syntheticStory(random, input.now);
		const receiptCode = generateReceiptCode();
		return {
			submission: {
				id: randomBytes(16).toString('base64url'),
				slug,
				...story,
				bodyHtml: renderUserMarkdown(story.body),
				status: 'approved',
				// Received (1), then published (2).
				version: 2,
			},
			receiptHash: hashReceiptCode(normalizeReceiptCode(receiptCode)!),
			receiptCode: index < input.keepReceiptCodes ? receiptCode : null,
			listing: listingOf({ slug, ...story }),
		};
	});
}

/**
 * Inserts `count` SYNTHETIC published community stories (with receipt hashes, listings and
 * search-index rows) and returns their slugs. See seed-library.ts.
 */
export async function seedSyntheticStories(
	database: Database,
	count: number,
	seed = 7,
): Promise<string[]> {
	return (await seedLibrary(database, { stories: count, seed })).slugs;
}

/** The words (3+ letters, lower case) of a text, its `{slot}` placeholders left out. */
function wordsOf(text: string): string[] {
	return (
		text
			.replace(/\{\w+\}/g, ' ')
			.toLowerCase()
			.match(/[a-z]+/g) ?? []
	).filter((word) => word.length >= 3);
}

/**
 * Search queries that are all different, built from the words the synthetic stories are
 * made of, for the uncached search case: every single word once, pairs of words from one
 * sentence (words that occur together, as "parking lot" or "first meeting"), and pairs of
 * any two words (from "both common" to "both rare": realistic spread of selectivity).
 * Shuffled with `seed`; `size` distinct strings, so a run walking through them in order
 * sends no query twice, and each one misses the page cache.
 */
export function createSearchQueryPool(seed: number, size = 50_000): string[] {
	const random = createRandom(seed);
	const texts = [
		...SENTENCES,
		...RARE_SENTENCES,
		...TITLE_PATTERNS,
		...Object.values(SLOTS).flat(),
	];
	const phrases = texts.map(wordsOf).filter((words) => words.length >= 2);
	const vocabulary = [...new Set(texts.flatMap(wordsOf))];
	const pool = new Set<string>(vocabulary);
	for (let attempt = 0; pool.size < size && attempt < size * 20; attempt++) {
		if (random() < 0.5) {
			const words = pick(random, phrases);
			const first = Math.floor(random() * (words.length - 1));
			const second = integerBetween(random, first + 1, words.length - 1);
			if (words[first] !== words[second]) pool.add(`${words[first]} ${words[second]}`);
		} else {
			const [first, second] = [pick(random, vocabulary), pick(random, vocabulary)];
			if (first !== second) pool.add(`${first} ${second}`);
		}
	}
	const queries = [...pool];
	for (let index = queries.length - 1; index > 0; index--) {
		const other = Math.floor(random() * (index + 1));
		[queries[index], queries[other]] = [queries[other]!, queries[index]!];
	}
	return queries;
}

/** `/search?q=…` for a query, encoded as a search form submits it. */
export function searchPath(query: string): string {
	return `/search?q=${encodeURIComponent(query).replace(/%20/g, '+')}`;
}
