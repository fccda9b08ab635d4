/**
 * The words of Markdown or MDX as plain text: import/export lines, tags, link targets and
 * markup characters dropped; private-use characters (used as highlight markers) removed.
 */
export function markdownToPlainText(markdown: string): string {
	return markdown
		.replace(/^(import|export)\s.*$/gm, ' ')
		.replace(/<[^>]*>/g, ' ')
		.replace(/\]\([^)]*\)/g, ' ')
		.replace(/[#*_>`~[\]|]+/g, ' ')
		.replace(/[\uE000-\uF8FF]/g, '')
		.replace(/\s+/g, ' ')
		.trim();
}
