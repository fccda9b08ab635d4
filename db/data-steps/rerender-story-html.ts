import { sql } from 'drizzle-orm';
import { markPagesChangedSqlite } from '../../src/lib/server/page-generations.ts';
import { renderUserMarkdown } from '../../src/lib/markdown.ts';
import type { DataStep } from '../data-steps.ts';

/**
 * Renders every stored story again. Stories stored before the sanitizer fix could hold a
 * link whose close tag had become `</span>`, so the link ran over the page after it; the
 * stored HTML is what readers and moderators are shown, so it is made again from `body`.
 */
export const rerenderStoryHtml: DataStep = {
	name: 'rerender-story-html-balanced-links',
	runBatch(transaction, after, batchSize) {
		const rows = transaction.all<{ id: string; body: string; bodyHtml: string }>(sql`
			SELECT id, body, body_html AS bodyHtml FROM submissions
			WHERE id > ${after ?? ''} ORDER BY id LIMIT ${batchSize}`);
		let changed = false;
		for (const row of rows) {
			const html = renderUserMarkdown(row.body);
			if (html === row.bodyHtml) continue;
			transaction.run(sql`UPDATE submissions SET body_html = ${html} WHERE id = ${row.id}`);
			changed = true;
		}
		// Pages cached by a process that is already running hold the old markup.
		if (changed) markPagesChangedSqlite(transaction);
		return rows.length < batchSize ? null : rows.at(-1)!.id;
	},
};
