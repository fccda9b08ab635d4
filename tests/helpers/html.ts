import { parse, type HTMLElement } from 'node-html-parser';
import { get } from './http.ts';

/** GETs a page from the shared test server and parses it. */
export async function fetchDocument(
	path: string,
): Promise<{ response: Response; document: HTMLElement }> {
	const response = await get(path);
	return { response, document: parse(await response.text()) };
}

/** The visible text of an element, with runs of white space folded. */
export function textOf(element: HTMLElement | null): string {
	return (element?.textContent ?? '').replace(/\s+/g, ' ').trim();
}
