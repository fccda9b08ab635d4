/**
 * The words of Markdown or MDX as plain text: import/export lines, tags, link targets and
 * markup characters dropped; private-use characters (used as highlight markers) removed.
 */
export function markdownToPlainText(markdown: string): string {
	// Neither a tag nor a link target spans another one's start: a long run of `<` or `](` with
	// nothing closing it would otherwise be rescanned to the end from every opening.
	return markdown
		.replace(/^(import|export)\s.*$/gm, ' ')
		.replace(/<[^<>]*>/g, ' ')
		.replace(/\]\([^)\]]*\)/g, ' ')
		.replace(/[#*_>`~[\]|]+/g, ' ')
		.replace(/[\uE000-\uF8FF]/g, '')
		.replace(/\s+/g, ' ')
		.trim();
}
