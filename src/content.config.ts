import { defineCollection } from 'astro:content';
import { glob } from 'astro/loaders';
import { z } from 'astro/zod';
import { CONTENT_WARNING_SLUGS, MILESTONE_SLUGS, TOPIC_SLUGS } from './lib/taxonomy';

/** Where a fact in an editorial piece comes from: shown under the piece. */
const source = z.object({
	title: z.string().min(3),
	publisher: z.string().min(2),
	url: z.url(),
});

/** Frontmatter shared by every curated piece; a mistake fails the build naming file and field. */
const curatedPiece = z.object({
	title: z.string().min(3).max(120),
	summary: z.string().min(20).max(200, { error: 'summary must be at most 200 characters' }),
	published: z.coerce.date(),
	updated: z.coerce.date().optional(),
	topics: z.array(z.enum(TOPIC_SLUGS)).min(1).max(6),
	contentWarnings: z.array(z.enum(CONTENT_WARNING_SLUGS)).default([]),
	featured: z.boolean().default(false),
	draft: z.boolean().default(false),
	sources: z.array(source).default([]),
	/** When an editor last checked the piece against its sources; shown on the page. */
	reviewed: z.coerce.date().optional(),
});

const stories = defineCollection({
	loader: glob({ pattern: '**/*.mdx', base: './content/stories' }),
	schema: curatedPiece.extend({
		/** Stories on this site are composites written by the editors, never one person's testimony. */
		kind: z.literal('composite', { error: 'stories must have kind: composite' }),
		penName: z.string().min(1).max(40),
		/** Where the story's narrator is; the same tags readers filter community stories by. */
		milestone: z.enum(MILESTONE_SLUGS),
	}),
});

const strategies = defineCollection({
	loader: glob({ pattern: '**/*.mdx', base: './content/strategies' }),
	schema: curatedPiece.extend({
		kind: z.literal('editorial', { error: 'strategy articles must have kind: editorial' }),
		/** Readers act on an editorial piece's facts, so each one says where they come from. */
		sources: z.array(source).min(1, { error: 'an editorial piece needs at least one source' }),
	}),
});

export const collections = { stories, strategies };
