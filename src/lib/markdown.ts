import MarkdownIt from 'markdown-it';
import sanitizeHtml from 'sanitize-html';

/**
 * The one place that turns user-written Markdown into HTML. Raw HTML in the source is
 * escaped by the parser (html: false) and the result still passes the allowlist below,
 * so a bug in either layer alone cannot let markup through.
 */
const markdown = new MarkdownIt({ html: false, linkify: false, typographer: false, breaks: false });
// Stories carry no images (they could identify a place or a face): an image keeps only its words.
markdown.renderer.rules.image = (tokens, index) =>
	markdown.utils.escapeHtml(tokens[index]!.content);

const LINK_REL = 'nofollow ugc noopener noreferrer';

/** What a community story may contain once rendered. */
const USER_HTML_ALLOWLIST: sanitizeHtml.IOptions = {
	allowedTags: ['p', 'br', 'em', 'strong', 'blockquote', 'ul', 'ol', 'li', 'h3', 'h4', 'hr', 'a'],
	allowedAttributes: { a: ['href', 'rel'] },
	allowedSchemes: ['http', 'https'],
	allowedSchemesAppliedToAttributes: ['href'],
	allowProtocolRelative: false,
	// Story headings sit under the page's own h1 and h2.
	transformTags: {
		h1: 'h3',
		h2: 'h3',
		h5: 'h4',
		h6: 'h4',
		// Only absolute http(s) links stay links; anything else (relative, javascript:, data:,
		// mailto:) loses its href here and its tags in `exclusiveFilter`, so its words stay.
		a: (tagName, attributes): sanitizeHtml.Tag =>
			/^https?:\/\/[^\s]/i.test(attributes.href ?? '')
				? { tagName, attribs: { href: attributes.href!, rel: LINK_REL } }
				: { tagName, attribs: {} },
	},
	// Dropping a link by renaming it to a disallowed tag (as this did) leaves sanitize-html's
	// rename pending, and the next close tag at that depth came out as `</span>`: a stored
	// `<a href="https://attacker…">y</span>` that the browser stretched over the buttons below.
	// Removing the tag pair here keeps the words and never renames a close tag.
	exclusiveFilter: (frame) => (frame.tag === 'a' && !frame.attribs.href ? 'excludeTag' : false),
	disallowedTagsMode: 'discard',
};

/** Passes HTML through the allowlist. Everything shown from user input goes through here. */
export function sanitizeUserHtml(html: string): string {
	return sanitizeHtml(html, USER_HTML_ALLOWLIST);
}

/** Renders a story's Markdown to safe HTML: the only producer of HTML from user text. */
export function renderUserMarkdown(source: string): string {
	return sanitizeUserHtml(markdown.render(source));
}

// Private-use characters that mark where a highlight starts and ends while the text passes
// through the parser and the allowlist; the writer's own copies are removed first.
const MARK_START = '\uE000';
const MARK_END = '\uE001';
const MARKERS = /[\uE000\uE001]/g;

/**
 * Renders like `renderUserMarkdown`, wrapping the given source ranges in `<mark>` (for
 * moderators: identifying details highlighted in place). Marks are only ever added in
 * text, never inside a tag or an attribute.
 */
export function renderUserMarkdownWithHighlights(
	source: string,
	ranges: readonly { start: number; end: number }[],
): string {
	// A marker inside a link target would change where the link goes: those stay unmarked.
	// A target never spans a `]`, so a run of unclosed `](` is scanned once, not once per `](`.
	const linkTargets = [...source.matchAll(/\]\(([^)\]]*)\)/g)].map((match) => ({
		start: match.index,
		end: match.index + match[0].length,
	}));
	const insideLinkTarget = (start: number, end: number) =>
		linkTargets.some((target) => start < target.end && target.start < end);
	let marked = '';
	let position = 0;
	for (const { start, end } of [...ranges].sort((a, b) => a.start - b.start)) {
		if (start < position || insideLinkTarget(start, end)) continue;
		marked += source.slice(position, start).replace(MARKERS, '') + MARK_START;
		marked += source.slice(start, end).replace(MARKERS, '') + MARK_END;
		position = end;
	}
	marked += source.slice(position).replace(MARKERS, '');
	// Marks are closed at every tag and reopened after it, so they always nest correctly,
	// and markers that ended up inside a tag (a highlighted link target) are dropped there.
	let highlighting = false;
	return renderUserMarkdown(marked)
		.split(/(<[^>]*>)/)
		.map((part) => {
			if (part.startsWith('<')) {
				for (const marker of part.match(MARKERS) ?? []) highlighting = marker === MARK_START;
				return part.replace(MARKERS, '');
			}
			let text = highlighting ? '<mark>' : '';
			for (const character of part) {
				if (character === MARK_START || character === MARK_END) {
					if ((character === MARK_START) !== highlighting)
						text += highlighting ? '</mark>' : '<mark>';
					highlighting = character === MARK_START;
				} else text += character;
			}
			return highlighting ? `${text}</mark>` : text;
		})
		.join('')
		.replace(/<mark><\/mark>/g, '');
}
