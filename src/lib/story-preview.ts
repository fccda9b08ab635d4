import { renderUserMarkdown } from './markdown';
import { checkSafeMessaging, type SafeMessagingReport, type SafetyFlag } from './safe-messaging';
import type { StoryDraft } from './story-draft';
import {
	findStoryIdentifyingDetails,
	type StoryIdentifyingDetail,
} from './story-identifying-details';

/** A finding listed once, however often the same text appears. */
export type Grouped<T> = T & { occurrences: number };

/** Exactly what would be published, and what the checks found in it. */
export interface StoryPreview {
	html: string;
	identifyingDetails: Grouped<StoryIdentifyingDetail>[];
	safety: Omit<SafeMessagingReport, 'flags'> & { flags: Grouped<SafetyFlag>[] };
}

/** Folds findings with the same kind and text into one, counting them, in first-seen order. */
export function groupFindings<T extends { kind: string; text: string }>(
	findings: readonly T[],
): Grouped<T>[] {
	const grouped = new Map<string, Grouped<T>>();
	for (const finding of findings) {
		const key = `${finding.kind}\u0000${finding.text.toLowerCase()}`;
		const existing = grouped.get(key);
		if (existing) existing.occurrences += 1;
		else grouped.set(key, { ...finding, occurrences: 1 });
	}
	return [...grouped.values()];
}

/** The preview a writer (and later a moderator) sees for a draft. */
export function previewStory(draft: StoryDraft): StoryPreview {
	const safety = checkSafeMessaging(`${draft.title}\n\n${draft.body}`, draft.contentWarnings);
	return {
		html: renderUserMarkdown(draft.body),
		identifyingDetails: groupFindings(findStoryIdentifyingDetails(draft)),
		safety: { ...safety, flags: groupFindings(safety.flags) },
	};
}
