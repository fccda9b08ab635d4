import { NodeType, parse, type HTMLElement } from 'node-html-parser';
import { describe, expect, it } from 'vitest';
import {
	renderUserMarkdown,
	renderUserMarkdownWithHighlights,
	sanitizeUserHtml,
} from '../../src/lib/markdown.ts';

const ALLOWED_TAGS = new Set([
	'p',
	'br',
	'em',
	'strong',
	'blockquote',
	'ul',
	'ol',
	'li',
	'h3',
	'h4',
	'hr',
	'a',
]);

/** Asserts that `html` holds nothing a browser could execute or load. */
function expectNoExecutableMarkup(html: string): void {
	const walk = (element: HTMLElement) => {
		for (const child of element.childNodes) {
			if (child.nodeType !== NodeType.ELEMENT_NODE) continue;
			const node = child as HTMLElement;
			const tag = node.tagName.toLowerCase();
			expect(ALLOWED_TAGS, `unexpected <${tag}> in ${html}`).toContain(tag);
			const attributes = Object.keys(node.attributes);
			expect(attributes.every((name) => tag === 'a' && (name === 'href' || name === 'rel'))).toBe(
				attributes.length === 0 || tag === 'a',
			);
			if (tag === 'a') {
				expect(node.getAttribute('href')).toMatch(/^https?:\/\/[^\s]/i);
				expect(node.getAttribute('rel')).toBe('nofollow ugc noopener noreferrer');
			}
			walk(node);
		}
	};
	walk(parse(html));
	expect(html).not.toMatch(
		/<\s*(script|style|iframe|object|embed|svg|math|img|form|input|base|link|meta)\b/i,
	);
}

/** At least 50 attempts to get markup executed, in Markdown and in raw HTML. */
const XSS_PAYLOADS = [
	'<script>alert(1)</script>',
	'<SCRIPT SRC=https://evil.example/x.js></SCRIPT>',
	'<script\n>alert(1)</script\n>',
	'<<script>script>alert(1)<</script>/script>',
	'<style>body{display:none}</style>',
	'<style>@import "https://evil.example/x.css";</style>',
	'<iframe src="https://evil.example"></iframe>',
	'<iframe srcdoc="<script>alert(1)</script>"></iframe>',
	'<object data="javascript:alert(1)"></object>',
	'<embed src="javascript:alert(1)">',
	'<svg onload=alert(1)>',
	'<svg><script>alert(1)</script></svg>',
	'<svg><a xlink:href="javascript:alert(1)"><text>x</text></a></svg>',
	'<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>',
	'<math href="javascript:alert(1)">x</math>',
	'<img src=x onerror=alert(1)>',
	'<IMG SRC="javascript:alert(1);">',
	'<img src="x" ONERROR="alert(1)">',
	'<body onload=alert(1)>',
	'<div onmouseover="alert(1)">hover</div>',
	'<p onclick=alert(1)>click</p>',
	'<a href="javascript:alert(1)">x</a>',
	'<a href="JaVaScRiPt:alert(1)">x</a>',
	'<a href="&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert(1)">x</a>',
	'<a href="&#x6A;avascript:alert(1)">x</a>',
	'<a href="java\tscript:alert(1)">x</a>',
	'<a href="vbscript:msgbox(1)">x</a>',
	'<a href="data:text/html,<script>alert(1)</script>">x</a>',
	'<a href=" javascript:alert(1)">x</a>',
	'[x](javascript:alert(1))',
	'[x](JAVASCRIPT:alert(1))',
	'[x](javascript&#58;alert(1))',
	'[x](jav&#x61;script:alert(1))',
	'[x](&#106;avascript:alert(1))',
	'[x](vbscript:msgbox(1))',
	'[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)',
	'[x]( javascript:alert(1) )',
	'[x](<javascript:alert(1)>)',
	'[x](https://ok.example "title" onmouseover=alert(1))',
	'[x][ref]\n\n[ref]: javascript:alert(1)',
	'![x](javascript:alert(1))',
	'![x](https://evil.example/track.png)',
	'![x" onerror="alert(1)](https://evil.example/x.png)',
	'<!-- <script>alert(1)</script> -->',
	'<!--><script>alert(1)</script>-->',
	'<![CDATA[<script>alert(1)</script>]]>',
	'<div><p>unclosed <b>tags <script>alert(1)',
	'<a href="https://ok.example"><img src=x onerror=alert(1)></a>',
	'<form action="https://evil.example"><input name=x><button>go</button></form>',
	'<base href="https://evil.example/">',
	'<link rel=stylesheet href=https://evil.example/x.css>',
	'<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
	'<details open ontoggle=alert(1)>',
	'<video><source onerror="alert(1)"></video>',
	'<input autofocus onfocus=alert(1)>',
	'`<script>alert(1)</script>`',
	'```html\n<script>alert(1)</script>\n```',
	'    <script>alert(1)</script>',
	'> <script>alert(1)</script>',
	'* <img src=x onerror=alert(1)>',
	'<a href="https://ok.example" target="_blank" style="position:fixed">x</a>',
	'<p style="background:url(javascript:alert(1))">x</p>',
	'<table background="javascript:alert(1)"><tr><td>x</td></tr></table>',
	'[x](//evil.example)',
	'[x](/relative/path)',
	'[x](mailto:someone@example.org)',
	'<noscript><p title="</noscript><img src=x onerror=alert(1)>"></noscript>',
];

describe('renderUserMarkdown', () => {
	it('is tested against at least 50 XSS payloads', () => {
		expect(XSS_PAYLOADS.length).toBeGreaterThanOrEqual(50);
	});

	it.each(XSS_PAYLOADS)('renders %j without executable markup', (payload) => {
		expectNoExecutableMarkup(renderUserMarkdown(payload));
		expectNoExecutableMarkup(renderUserMarkdown(`Some text before.\n\n${payload}\n\nAnd after.`));
	});

	it.each(XSS_PAYLOADS)('sanitizes %j even when given as HTML directly', (payload) => {
		expectNoExecutableMarkup(sanitizeUserHtml(payload));
	});

	it('keeps the formatting a story needs', () => {
		const html = renderUserMarkdown(
			'Day one.\n\n*Soft* and **strong**.\n\n> A quote.\n\n- one\n- two\n\n1. first\n\n### A heading\n\n---\n\n[A helpline](https://988lifeline.org/)',
		);
		expect(html).toContain('<p>Day one.</p>');
		expect(html).toContain('<em>Soft</em>');
		expect(html).toContain('<strong>strong</strong>');
		expect(html).toContain('<blockquote>');
		expect(html).toContain('<li>one</li>');
		expect(html).toContain('<ol>');
		expect(html).toContain('<h3>A heading</h3>');
		expect(html).toContain('<hr />');
		expect(html).toContain(
			'<a href="https://988lifeline.org/" rel="nofollow ugc noopener noreferrer">A helpline</a>',
		);
	});

	it('places story headings under the page headings', () => {
		expect(renderUserMarkdown('# Big\n\n## Medium\n\n##### Tiny')).toBe(
			'<h3>Big</h3>\n<h3>Medium</h3>\n<h4>Tiny</h4>\n',
		);
	});

	it('shows raw HTML as text rather than dropping what the writer typed', () => {
		expect(renderUserMarkdown('I <3 my group & <b>them</b>')).toBe(
			'<p>I &lt;3 my group &amp; &lt;b&gt;them&lt;/b&gt;</p>\n',
		);
	});

	it('keeps the words of links it cannot allow', () => {
		expect(renderUserMarkdown('[call me](javascript:alert(1)) and [home](/x)')).not.toContain('<a');
		expect(renderUserMarkdown('[home](/x)')).toContain('home');
		expect(renderUserMarkdown('![a photo of the lake](https://x.example/p.png)')).toBe(
			'<p>a photo of the lake</p>\n',
		);
	});
});

describe('renderUserMarkdownWithHighlights', () => {
	const range = (source: string, text: string) => {
		const start = source.indexOf(text);
		return { start, end: start + text.length };
	};

	it('marks the given text, across emphasis, keeping marks balanced', () => {
		const source = 'Call *Dave Smith* at 555-123-4567.';
		const html = renderUserMarkdownWithHighlights(source, [
			range(source, 'Dave Smith'),
			range(source, '555-123-4567'),
		]);
		expect(html).toBe(
			'<p>Call <em><mark>Dave Smith</mark></em> at <mark>555-123-4567</mark>.</p>\n',
		);
	});

	it('never changes where a link goes', () => {
		const source = 'See [my page](https://dave.example/x) now.';
		const html = renderUserMarkdownWithHighlights(source, [range(source, 'dave.example')]);
		expect(html).toBe(renderUserMarkdown(source));
	});

	it('ignores marker characters the writer typed', () => {
		const html = renderUserMarkdownWithHighlights('Hello \uE000there\uE001 friend.', []);
		expect(html).toBe('<p>Hello there friend.</p>\n');
		expectNoExecutableMarkup(html);
	});
});
