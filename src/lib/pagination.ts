export interface PageOf<T> {
	items: T[];
	/** 1-based. */
	page: number;
	totalPages: number;
	totalItems: number;
}

/**
 * Reads a `?page=` value: absent means page 1; anything but a positive whole number
 * (e.g. "0", "-1", "2.5", "abc") is `null`, which pages answer with 404.
 */
export function parsePageNumber(value: string | null): number | null {
	if (value === null || value === '') return 1;
	if (!/^[1-9]\d{0,5}$/.test(value)) return null;
	return Number(value);
}

/** One page of `items`, or `null` when `page` is past the end (page 1 always exists). */
export function paginate<T>(items: readonly T[], page: number, perPage: number): PageOf<T> | null {
	const totalPages = Math.max(1, Math.ceil(items.length / perPage));
	if (page < 1 || page > totalPages) return null;
	return {
		items: items.slice((page - 1) * perPage, page * perPage),
		page,
		totalPages,
		totalItems: items.length,
	};
}

/**
 * Where page `page` of `totalItems` starts, for lists read a page at a time; `null` when
 * `page` is past the end (page 1 always exists).
 */
export function pageBounds(
	totalItems: number,
	page: number,
	perPage: number,
): { offset: number; totalPages: number } | null {
	const totalPages = Math.max(1, Math.ceil(totalItems / perPage));
	if (page < 1 || page > totalPages) return null;
	return { offset: (page - 1) * perPage, totalPages };
}
