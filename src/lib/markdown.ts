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
export const USER_HTML_ALLOWLIST: sanitizeHtml.IOptions = {
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
		// mailto:) becomes a disallowed span, so its text is kept and the link dropped.
		a: (tagName, attributes): sanitizeHtml.Tag =>
			/^https?:\/\/[^\s]/i.test(attributes.href ?? '')
				? { tagName, attribs: { href: attributes.href!, rel: LINK_REL } }
				: { tagName: 'span', attribs: {} },
	},
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
